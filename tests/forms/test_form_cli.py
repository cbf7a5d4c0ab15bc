"""`review-assistant form`: formats, private files, refusals, no partial output.

The golden-file test, the terminal test and the import test run `python -m assistant` in real
subprocesses; the others run the same command line in this process (tests.support.terminal
run_command), which spares an interpreter start each.
"""

from __future__ import annotations

import os
import pty
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.forms import CASES, GOLDEN, PACK_DIR
from tests.support.readback import docx_rows
from tests.support.terminal import run_command

EXE = [sys.executable, "-m", "assistant"]


def cli(*args: str) -> subprocess.CompletedProcess:
    return run_command(["--rules", str(PACK_DIR), "form", *args], text=False)


@pytest.mark.slow
def test_markdown_and_text_to_standard_output_match_the_golden_files():
    for fmt in ("md", "txt"):
        done = subprocess.run(
            [*EXE, "--rules", str(PACK_DIR), "form", str(CASES / "serious.yaml"), "--format", fmt],
            capture_output=True,
        )
        assert done.returncode == 0, done.stderr
        assert done.stdout.decode("utf-8") == (GOLDEN / f"serious.{fmt}").read_text(
            encoding="utf-8"
        )


@pytest.mark.slow
def test_saved_files_are_private_and_the_format_follows_the_name(tmp_path):
    for name in ("form.docx", "form.html", "form.json", "form.txt", "form.md"):
        out = tmp_path / name
        done = cli(str(CASES / "good-outcome.yaml"), "-o", str(out))
        assert done.returncode == 0, done.stderr
        assert stat.S_IMODE(out.stat().st_mode) == 0o600
        assert "readable by you only" in done.stderr.decode()
    assert ["Child or family identifier", "K"] in docx_rows((tmp_path / "form.docx").read_bytes())
    assert (tmp_path / "form.html").read_text().startswith("<!DOCTYPE html>")
    assert '"form": "seriously_good_outcome_referral"' in (tmp_path / "form.json").read_text()
    assert list(tmp_path.glob(".*tmp")) == []  # no temporary files left behind


def test_an_existing_file_is_replaced_with_force_and_made_private(tmp_path):
    out = tmp_path / "form.txt"
    out.write_text("THE OLD CONTENT")
    out.chmod(0o644)
    assert cli(str(CASES / "serious.yaml"), "-o", str(out)).returncode == 2
    assert out.read_text() == "THE OLD CONTENT"
    assert cli(str(CASES / "serious.yaml"), "-o", str(out), "--force").returncode == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o600 and "THE OLD CONTENT" not in out.read_text()


def test_docx_is_refused_on_a_terminal_but_allowed_down_a_pipe():
    leader, follower = pty.openpty()
    try:
        done = subprocess.run(
            [
                *EXE,
                "--rules",
                str(PACK_DIR),
                "form",
                str(CASES / "serious.yaml"),
                "--format",
                "docx",
            ],
            stdout=follower,
            stderr=subprocess.PIPE,
        )
    finally:
        os.close(follower)
        os.close(leader)
    assert done.returncode == 2
    assert "cannot be shown in a terminal" in done.stderr.decode() and "-o" in done.stderr.decode()
    piped = cli(str(CASES / "serious.yaml"), "--format", "docx")
    assert piped.returncode == 0 and piped.stdout[:2] == b"PK"


def test_no_form_called_for_is_a_clear_message_and_can_be_overridden():
    done = cli(str(CASES / "no-form.yaml"))
    assert done.returncode == 2
    err = done.stderr.decode()
    assert "calls for no referral form" in err and "--form practice_review_referral" in err
    assert "Traceback" not in err
    forced = cli(
        str(CASES / "no-form.yaml"), "--form", "practice_review_referral", "--format", "txt"
    )
    assert forced.returncode == 0 and b"PRACTICE REVIEW REFERRAL" in forced.stdout


def test_missing_endorsement_is_warned_on_standard_error():
    done = cli(str(CASES / "unendorsed.yaml"), "--format", "txt")
    assert done.returncode == 0
    assert "has not been endorsed" in done.stderr.decode()
    assert "!! WARNING" in done.stdout.decode()


@pytest.mark.slow
def test_nothing_is_written_on_an_input_error(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("contract: 1\nfacts:\n  harm: hurt\nreferral:\n  child: {name: X}\n")
    out = tmp_path / "form.docx"
    done = cli(str(bad), "-o", str(out))
    assert (
        done.returncode == 2
        and "harm" in done.stderr.decode()
        and "Traceback" not in done.stderr.decode()
    )
    assert not out.exists()
    no_referral = tmp_path / "plain.yaml"
    no_referral.write_text("contract: 1\nfacts:\n  harm: died\n")
    done = cli(str(no_referral), "-o", str(out))
    assert done.returncode == 2 and "referral:" in done.stderr.decode() and not out.exists()
    done = cli(str(CASES / "serious.yaml"), "-o", str(tmp_path / "no" / "such" / "form.md"))
    assert done.returncode == 2 and "does not exist" in done.stderr.decode()
    assert set(tmp_path.iterdir()) == {bad, no_referral}


def test_check_template_exit_status(tmp_path):
    import docx

    shipped = Path(__file__).resolve().parents[2] / "prompts" / "forms" / "referral.docx"
    done = cli("--check-template", str(shipped))
    assert done.returncode == 0 and b"no problems found" in done.stdout
    document = docx.Document()
    paragraph = document.add_paragraph()
    paragraph.add_run("{{ child.")
    paragraph.add_run("name }} {{ chlid.name }}")
    own = tmp_path / "own.docx"
    document.save(str(own))
    done = cli("--check-template", str(own))
    assert done.returncode == 1
    out = done.stdout.decode()
    assert (
        "split across 2 runs" in out
        and "unknown tag 'chlid'" in out
        and "did you mean 'child'" in out
    )


@pytest.mark.slow
def test_docxtpl_is_imported_only_for_word(tmp_path):
    """One fresh interpreter: Markdown, HTML and JSON leave docxtpl unimported, Word imports it,
    and none of them imports Textual."""
    code = (
        "import sys\n"
        "from assistant.cli import main\n"
        "for name in sys.argv[1:]:\n"
        f"    rc = main(['--rules', {str(PACK_DIR)!r}, 'form', {str(CASES / 'serious.yaml')!r}, '-o', name])\n"
        "    print(rc, 'docxtpl' in sys.modules, 'textual' in sys.modules)\n"
    )
    names = [str(tmp_path / name) for name in ("f.md", "f.html", "f.json", "f.docx")]
    done = subprocess.run([sys.executable, "-c", code, *names], capture_output=True, text=True)
    assert done.stdout.splitlines() == [
        "0 False False",
        "0 False False",
        "0 False False",
        "0 True False",
    ], done.stderr


def test_a_file_name_that_contradicts_the_format_is_refused(tmp_path):
    out = tmp_path / "form.md"
    done = cli(str(CASES / "serious.yaml"), "--format", "docx", "-o", str(out))
    assert done.returncode == 2 and "form.docx" in done.stderr.decode() and not out.exists()
