"""The layers hold: the import contracts in pyproject.toml (import-linter) pass, and the core
never imports Textual at run time either: each core module is imported in a fresh interpreter
and `textual` must be absent from sys.modules afterwards (as harlequin does)."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import assistant.core

CORE_MODULES = sorted(
    m.name
    for m in pkgutil.walk_packages(assistant.core.__path__, prefix="assistant.core.")
    if not m.name.rpartition(".")[2].startswith("_")
)
ROOT = Path(__file__).resolve().parent.parent


def _loaded_after(code: str) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", f"{code}\nimport sys\nprint('\\n'.join(sys.modules))"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return set(done.stdout.split())


def test_the_core_modules_are_found() -> None:
    for name in (
        "case",
        "calendar",
        "contract",
        "engine",
        "errors",
        "logic",
        "pack",
        "prompts",
        "yamlload",
    ):
        assert f"assistant.core.{name}" in CORE_MODULES


@pytest.mark.parametrize("module", ["assistant.core", *CORE_MODULES])
def test_core_module_imports_without_textual(module: str) -> None:
    loaded = _loaded_after(f"import {module}")
    assert module in loaded
    assert "textual" not in loaded


def test_the_core_api_and_the_decide_command_do_not_load_textual() -> None:
    loaded = _loaded_after(
        "from assistant.core import decide, load_pack, load_case, next_question, replay\n"
        "import assistant.cli, assistant.commands.decide\n"
        "assistant.cli.build_parser()"
    )
    assert "assistant.commands.decide" in loaded and "assistant.core.engine" in loaded
    assert "textual" not in loaded


def test_decide_json_does_not_load_jinja2_or_holidays_needlessly(tmp_path: Path) -> None:
    """`decide --json` renders no words; a case without dates counts no days."""
    case = tmp_path / "case.yaml"
    case.write_text("contract: 1\nfacts:\n  immediate_risk: no\n  harm: no_harm\n")
    loaded = _loaded_after(
        "from assistant.cli import main\n"
        "import contextlib, io\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    assert main(['decide', {str(case)!r}, '--json']) == 0\n"
    )
    assert "assistant.core.engine" in loaded
    assert "textual" not in loaded
    assert "jinja2" not in loaded
    assert "holidays" not in loaded


def test_the_import_contracts_hold() -> None:
    """`lint-imports` over pyproject.toml's contracts: core, forms, lint, training stay UI-free."""
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys\nfrom importlinter.cli import lint_imports_command\n"
            "sys.exit(lint_imports_command())",
            "--no-cache",
            "--no-logo",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout
