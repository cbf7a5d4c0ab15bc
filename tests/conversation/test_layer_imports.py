"""The conversation layer holds no user interface, and commands reach the chat only to launch it.

Each conversation module is imported in a fresh interpreter: `textual` must be absent from
sys.modules afterwards. Every `assistant.tui` import under assistant/commands/ is read from the
source (AST) and must be one that starts an app.
"""

from __future__ import annotations

import ast
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import assistant.conversation

ROOT = Path(__file__).resolve().parents[2]
MODULES = sorted(
    m.name
    for m in pkgutil.walk_packages(
        assistant.conversation.__path__, prefix="assistant.conversation."
    )
)
# what a command may import from assistant.tui: the apps it launches, and their crash guard
LAUNCHERS = {
    "assistant.tui.app",
    "assistant.tui.safe_errors",
    "assistant.tui.drafts_picker",
    "assistant.tui.trainer",
    "assistant.tui.register",
    "assistant.tui.served",  # hands a browser session from the drafts picker to the chat
}


def test_the_modules_are_found():
    for name in ("conversation", "events", "session", "state", "ui_words", "outcome_text"):
        assert f"assistant.conversation.{name}" in MODULES


@pytest.mark.parametrize("module", ["assistant.conversation", *MODULES])
def test_a_conversation_module_imports_without_textual(module):
    code = f"import sys, {module}; assert 'textual' not in sys.modules, sorted(m for m in sys.modules if 'textual' in m)"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert done.returncode == 0, done.stderr


def _tui_imports(path: Path) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module == "assistant.tui" or node.module.startswith("assistant.tui."):
                found.append((node.lineno, node.module))
            elif node.module == "assistant" and any(a.name == "tui" for a in node.names):
                found.append((node.lineno, "assistant.tui"))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("assistant.tui"):
                    found.append((node.lineno, alias.name))
    return found


def test_commands_import_the_tui_only_to_launch_an_app():
    commands = ROOT / "assistant" / "commands"
    wrong = [
        f"{path.name}:{line} imports {module}"
        for path in sorted(commands.glob("*.py"))
        for line, module in _tui_imports(path)
        if module not in LAUNCHERS
    ]
    assert wrong == []


def test_plain_mode_imports_nothing_from_the_tui():
    assert _tui_imports(ROOT / "assistant" / "commands" / "plain.py") == []
    assert _tui_imports(ROOT / "assistant" / "commands" / "drafts.py") == []


def test_the_scan_finds_a_tui_import(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("def f():\n    from assistant.tui.screens.chat import ChatScreen\n")
    assert _tui_imports(sample) == [(2, "assistant.tui.screens.chat")]


def test_plain_mode_runs_without_loading_textual():
    code = (
        "import io, sys\n"
        "from assistant.commands.plain import PlainSession\n"
        "from assistant.core import load_pack\n"
        "s = PlainSession(load_pack(), io.StringIO('2\\nquit\\n'), io.StringIO(), no_save=True)\n"
        "assert s.run() == 0\n"
        "assert 'textual' not in sys.modules, sorted(m for m in sys.modules if 'textual' in m)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert done.returncode == 0, done.stderr
