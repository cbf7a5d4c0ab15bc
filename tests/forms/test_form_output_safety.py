"""`form` output: -o never replaces a file without --force and never the case file it reads;
form text shown on a terminal cannot drive it, while a pipe or a file gets the exact text.

The refusals to replace a file run the command line in this process (tests.support.terminal
run_command), sparing an interpreter start each; the output tests run `python -m assistant` in
real subprocesses, with a pipe, a file and a terminal.
"""

from __future__ import annotations

import os
import pty
import shutil
import subprocess
import sys
from pathlib import Path

from tests.support.terminal import run_command

REPO = Path(__file__).resolve().parents[2]
SERIOUS = REPO / "tests" / "forms" / "cases" / "serious.yaml"
ESCAPES = "Baby R\x1b]0;pwned\x07\x1b[2J"


def form(*args: str, home: Path, **kwargs) -> subprocess.CompletedProcess:
    env = {"HOME": str(home), "REVIEW_ASSISTANT_CACHE": "off", "PATH": "/usr/bin:/bin"}
    return subprocess.run(
        [sys.executable, "-m", "assistant", "form", *args],
        capture_output=True,
        timeout=120,
        cwd=REPO,
        env=env,
        **kwargs,
    )


def form_here(*args: str) -> subprocess.CompletedProcess:
    return run_command(["form", *args])


def case_copy(tmp_path: Path, name: str = "case.yaml") -> Path:
    path = tmp_path / name
    shutil.copyfile(SERIOUS, path)
    return path


def test_an_existing_file_is_not_replaced_without_force(tmp_path):
    case = case_copy(tmp_path)
    out = tmp_path / "referral.md"
    out.write_text("someone's notes", encoding="utf-8")
    refused = form_here(str(case), "-o", str(out))
    assert refused.returncode == 2
    assert out.read_text(encoding="utf-8") == "someone's notes"
    assert "already exists and was left as it is" in refused.stderr
    assert "--force" in refused.stderr
    forced = form_here(str(case), "-o", str(out), "--force")
    assert forced.returncode == 0, forced.stderr
    assert "Baby R" in out.read_text(encoding="utf-8")


def test_a_new_file_needs_no_force(tmp_path):
    case = case_copy(tmp_path)
    out = tmp_path / "referral.txt"
    done = form_here(str(case), "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert "Baby R" in out.read_text(encoding="utf-8")


def test_the_case_file_is_never_replaced_even_with_force(tmp_path):
    case = case_copy(tmp_path, "case.md")  # a case file named like a form
    before = case.read_bytes()
    for output in (str(case), str(tmp_path / "." / "case.md")):
        refused = form_here(str(case), "-o", output, "--force", "-f", "md")
        assert refused.returncode == 2
        assert "this is the case file the form is made from" in refused.stderr
        assert case.read_bytes() == before


def test_a_link_to_the_case_file_is_not_a_way_round(tmp_path):
    case = case_copy(tmp_path)
    before = case.read_bytes()
    link = tmp_path / "link.md"
    link.symlink_to(case)
    hard = tmp_path / "hard.md"
    os.link(case, hard)
    for output in (link, hard):
        refused = form_here(str(case), "-o", str(output), "--force")
        assert refused.returncode == 2, refused.stderr
        assert "never replaced" in refused.stderr
    assert case.read_bytes() == before


def hostile_case(tmp_path: Path) -> Path:
    text = SERIOUS.read_text(encoding="utf-8").replace(
        "child: {name: Baby R,", 'child: {name: "Baby R\\e]0;pwned\\a\\e[2J",'
    )
    assert "\\e]0;pwned" in text
    path = tmp_path / "hostile.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_pipe_and_a_file_get_the_exact_text(tmp_path):
    case = hostile_case(tmp_path)
    piped = form(str(case), "-f", "txt", home=tmp_path)
    assert piped.returncode == 0, piped.stderr
    assert ESCAPES.encode() in piped.stdout
    out = tmp_path / "referral.txt"
    saved = form(str(case), "-o", str(out), home=tmp_path)
    assert saved.returncode == 0
    assert ESCAPES in out.read_text(encoding="utf-8")


def test_a_terminal_sees_escapes_as_text(tmp_path):
    case = hostile_case(tmp_path)
    main, secondary = pty.openpty()
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "assistant", "form", str(case), "-f", "txt"],
            stdout=secondary,
            stderr=subprocess.DEVNULL,
            cwd=REPO,
            env={"HOME": str(tmp_path), "REVIEW_ASSISTANT_CACHE": "off", "PATH": "/usr/bin:/bin"},
        )
        os.close(secondary)
        shown = b""
        while True:  # read as it comes: a terminal holds only a few kilobytes
            try:
                chunk = os.read(main, 65536)
            except OSError:  # the terminal closed
                break
            if not chunk:
                break
            shown += chunk
        returncode = process.wait(timeout=120)
    finally:
        os.close(main)
    assert returncode == 0
    text = shown.decode("utf-8")
    assert "\x1b" not in text and "\x07" not in text
    assert "Baby R\\x1b]0;pwned\\x07\\x1b[2J" in text
    assert "\n" in text  # lines are still lines


def test_escapes_in_the_output_name_are_shown_as_text(tmp_path):
    case = case_copy(tmp_path)
    out = tmp_path / "re\x1b[2Jferral.md"
    out.write_text("kept", encoding="utf-8")
    refused = form(str(case), "-o", str(out), home=tmp_path, text=True)
    assert refused.returncode == 2
    assert "\x1b" not in refused.stderr
    assert "re\\x1b[2Jferral.md" in refused.stderr
