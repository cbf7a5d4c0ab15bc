"""The code stays ruff-clean, ruff-formatted and type-checked (mypy), and the tests stay tidy: CI
runs only the README's test command, so these checks live here (the import contracts are checked
in test_import_hygiene.py)."""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _ruff(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ruff", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module", autouse=True)
def _ruff_installed():
    if shutil.which("ruff") is None and _ruff("--version").returncode != 0:
        pytest.fail("ruff is not installed: it is part of the [test] extra")


def test_ruff_check_is_clean():
    result = _ruff("check", "assistant", "tests", "bench", "scripts", "prompts")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format_is_clean():
    result = _ruff("format", "--check", "assistant", "tests", "bench", "scripts", "prompts")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
def test_mypy_is_clean():
    """mypy over assistant/ as pyproject.toml configures it. A test run starts from no cache (a
    clean clone has none), and writing one costs a tenth more than checking without it."""
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--no-incremental", "--cache-dir", os.devnull],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith("Success: no issues found")


# --- tests import helpers from tests.support only ------------------------------------------------

TESTS = ROOT / "tests"
SUPPORT = TESTS / "support"


def _test_files() -> list[Path]:
    return [p for p in sorted(TESTS.rglob("*.py")) if SUPPORT not in p.parents]


def _wrong_imports(source: str, where: str, test_names: set[str]) -> list[str]:
    """Each import in `source` of a test module, a conftest or a test folder (not tests.support)."""
    imported: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            imported += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            imported.append((node.lineno, "." * node.level + (node.module or "")))
    wrong = []
    for line, name in imported:
        first = name.split(".")[0]
        if name.startswith("."):
            wrong.append(f"{where}:{line}: relative import {name!r}")
        elif first == "tests" and name != "tests.support" and not name.startswith("tests.support."):
            wrong.append(f"{where}:{line}: imports {name}")
        elif first in test_names:
            wrong.append(f"{where}:{line}: imports the test module {name}")
    return wrong


def test_test_modules_import_helpers_from_the_support_package_only():
    """A helper lives in tests/support; a test module or conftest never imports another one."""
    # every module and folder under tests/ (support's too: it is imported as tests.support.X)
    names = {p.stem for p in TESTS.rglob("*.py")} | {p.name for p in TESTS.iterdir() if p.is_dir()}
    names -= {"support", "__init__"}
    wrong = [
        w
        for path in _test_files()
        for w in _wrong_imports(
            path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)), names
        )
    ]
    assert wrong == [], "\n".join(wrong)


def test_the_import_check_finds_imports_between_test_modules():
    source = (
        "from tests.tui.conftest import make_app\n"
        "import form_cases\n"
        "from conftest import pack\n"
        "from .test_engine import SERIOUS\n"
        "from tests.support.pilot import chat\n"
        "import tests.support\n"
        "from assistant.core import decide\n"
        "import tui.test_state\n"
    )
    found = _wrong_imports(source, "t.py", {"conftest", "test_engine", "form_cases", "tui"})
    assert found == [
        "t.py:1: imports tests.tui.conftest",
        "t.py:2: imports the test module form_cases",
        "t.py:3: imports the test module conftest",
        "t.py:4: relative import '.test_engine'",
        "t.py:8: imports the test module tui.test_state",
    ]


# --- no issue numbers or machine paths in the code, docs and tests ------------------------------

SCANNED = ("assistant", "docs", "tests", "bench", "scripts", "README.md")
# built from pieces so that this file does not name what it looks for
_ISSUE = "iss" + "ue"
MENTIONS = re.compile(rf"\b{_ISSUE}\s+#?\d+|\b{_ISSUE}\s*#|/wo" + "rk/", re.IGNORECASE)


def _scanned_files() -> list[Path]:
    files: list[Path] = []
    for name in SCANNED:
        path = ROOT / name
        files += [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
    return [
        p
        for p in files
        if p.suffix != ".svg"
        and p.name != "fact-base.md"
        and "__pycache__" not in p.parts
        and ".mypy_cache" not in p.parts
    ]


def _mentions(text: str) -> list[str]:
    return [m.group(0) for m in MENTIONS.finditer(text)]


def test_no_issue_numbers_or_machine_paths_in_code_docs_or_tests():
    found = []
    for path in _scanned_files():
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue  # a Word file or a pickle: not prose
        for number, line in enumerate(text.splitlines(), 1):
            if _mentions(line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert found == [], "\n".join(found)


def test_the_mention_check_finds_issue_numbers_and_machine_paths():
    lines = [
        f"# see {_ISSUE} 13",
        f"as {_ISSUE.title()} #4 says",
        f"the {_ISSUE} #",
        "/wo" + "rk/venv/bin/python bench/x.py",
        "an issuer 12 and a tiss" + "ue 3 are fine",  # split: the words, not a mention
        "so is .venv/bin/python and the issues list",
    ]
    assert [bool(_mentions(line)) for line in lines] == [True, True, True, True, False, False]
