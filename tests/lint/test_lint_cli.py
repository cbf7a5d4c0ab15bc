"""`review-assistant lint` as a user runs it: exit statuses, printed findings.

The shipped pack is linted by `python -m assistant` in a real subprocess; the small packs go
through the same command line in this process (tests.support.terminal run_command), which
spares an interpreter start each.
"""

from __future__ import annotations

import contextlib
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.support.terminal import run_command

PACKS = Path(__file__).parent / "packs"


def lint(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    with contextlib.chdir(cwd or Path.cwd()):
        return run_command(list(args))


@pytest.mark.slow
def test_the_shipped_pack_lints_clean():
    result = subprocess.run(
        [sys.executable, "-m", "assistant", "lint"], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr
    summary = result.stdout.strip().splitlines()[-1]
    assert summary.endswith(": 0 findings")
    assert " rules, " in summary and " paths explored " in summary
    assert "Traceback" not in result.stderr


@pytest.mark.slow
def test_findings_print_as_file_line_message_and_exit_1():
    result = lint("lint", str(PACKS / "gap"), "--today", "2026-11-27", cwd=PACKS)
    assert result.returncode == 1
    first = result.stdout.splitlines()[0]
    assert first.startswith("gap/questions.yaml:4: gap: ")  # relative to where it runs
    assert "immediate_risk: no; harm: other_harm" in first
    assert result.stdout.strip().endswith("1 finding")


@pytest.mark.slow
def test_the_rules_option_names_the_pack_too():
    result = lint("--rules", str(PACKS / "overlap"), "lint", "--today", "2026-11-27")
    assert result.returncode == 1
    assert "20-death.yaml:1: overlap: " in result.stdout


def test_a_yaml_error_is_a_finding_not_a_traceback():
    result = lint("lint", str(PACKS / "yaml-error"))
    assert result.returncode == 1
    assert "10-harm.yaml:3: not valid YAML" in result.stdout
    assert "Traceback" not in result.stderr


def test_a_folder_that_is_not_a_pack_exits_2(tmp_path):
    result = lint("lint", str(tmp_path / "nowhere"))
    assert result.returncode == 2
    assert "no such folder" in result.stdout
    assert "Traceback" not in result.stderr


@pytest.mark.slow
def test_write_tests_writes_stubs_ready_to_fill_in(tmp_path):
    out = tmp_path / "stubs"
    result = lint("lint", str(PACKS / "gap"), "--today", "2026-11-27", "--write-tests", str(out))
    assert result.returncode == 1
    assert f"wrote 1 test stub to {out}" in result.stdout
    (stub_file,) = out.glob("*.yaml")
    (stub,) = yaml.safe_load(stub_file.read_text(encoding="utf-8"))
    assert set(stub) == {"name", "facts", "expected"}
    assert stub["facts"] == {"immediate_risk": "no", "harm": "other_harm"}


def test_a_bad_date_is_a_usage_error():
    result = lint("lint", "--today", "27/11/2026")
    assert result.returncode == 2
    assert "not a date" in result.stderr
