"""A test run leaves nothing in the home folder: tests that use the caches and the drafts are run
again in a subprocess with a fresh, empty HOME, and HOME must still be empty afterwards."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Tests that, without the isolation in conftest.py, wrote holiday files, a pickled pack or
# drafts into the home folder.
TOUCHING_HOME = [
    "tests/core/test_calendar.py",
    "tests/drafts/test_draft_store.py",
    "tests/rules/test_rule_tests.py",
]


@pytest.mark.slow
def test_a_test_run_leaves_the_home_folder_empty(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("REVIEW_ASSISTANT_", "XDG_"))}
    env["HOME"] = str(home)
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist"]
        + TOUCHING_HOME,
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    left = sorted(str(p.relative_to(home)) for p in home.rglob("*"))
    assert left == []
