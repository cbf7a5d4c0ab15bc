"""The code stays ruff-clean and ruff-formatted: CI runs only the README's test command, so the
style check lives here."""

from __future__ import annotations

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
    result = _ruff("check", "assistant", "tests", "bench", "prompts")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format_is_clean():
    result = _ruff("format", "--check", "assistant", "tests", "bench", "prompts")
    assert result.returncode == 0, result.stdout + result.stderr
