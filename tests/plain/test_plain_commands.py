"""Plain mode's commands through a pipe: why, help, what is, back, summary, restart, quit."""

from __future__ import annotations

import re

from assistant.core import load_pack
from tests.support.routes import ROUTE_FACTS, typed_answers
from tests.support.terminal import run_cli

PACK = load_pack()
LINES, STATE = typed_answers(PACK, ROUTE_FACTS["serious_incident"])
FIRST = PACK.question_for[STATE.history[0]]
SECOND = PACK.question_for[STATE.history[1]]


def _questions(out: str) -> list[str]:
    return re.findall(r"^Question \d+: (.*)$", out, flags=re.M)


def test_why_help_and_glossary_answer_without_moving_on(env):
    term = PACK.glossary[0]
    done = run_cli(
        ["plain"], env, f"why\nhelp\nwhat is {term.term}?\nwhat is flibbertigibbet\nquit\n"
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert f'I ask "{FIRST.text}" because' in out
    rule = PACK.rules_needing(FIRST.fact)[0]
    assert f"  - {rule.title}" in out and f"({rule.id})" not in out  # words, never ids
    assert "You can answer in your own words" in out  # help
    assert f"{term.term.capitalize()}: " in out and term.meaning.split()[0] in out
    assert 'I do not have "flibbertigibbet" in the glossary' in out
    # still on the first question, repeated after each of the four commands
    assert _questions(out) == [FIRST.text] * 5
    assert "Stopped." in out


def test_back_and_summary(env):
    done = run_cli(
        ["plain"], env, "\n".join([LINES[0], LINES[1], "summary", "back", "back", "quit"]) + "\n"
    )
    out = done.stdout
    assert done.returncode == 0, done.stderr
    assert "What we know so far:" in out
    assert (
        f"  - {STATE.fact_label(FIRST.fact)}: {STATE.words(FIRST.fact, STATE.answers[FIRST.fact])}"
        in out
    )
    assert out.count("Going back to") == 2
    # asked: first, second, third, then the second again (back), then the first again (back)
    asked = _questions(out)
    assert asked[:2] == [FIRST.text, SECOND.text]
    assert asked[-2:] == [SECOND.text, FIRST.text]
    assert "1 answered; at most" in out  # the progress line


def test_restart_keeps_the_old_case_and_starts_a_new_draft(env):
    done = run_cli(["plain"], env, "\n".join([*LINES[:3], "restart", LINES[0], "quit"]) + "\n")
    assert done.returncode == 0, done.stderr
    ids = re.findall(r"saved after each one as draft ([0-9a-f]{8})", done.stdout)
    assert len(ids) == 2 and ids[0] != ids[1]
    assert "Starting again with a new case." in done.stdout
    listing = run_cli(["drafts", "--json"], env).stdout
    assert ids[0] in listing and ids[1] in listing


def test_typed_markup_and_control_characters_are_shown_literally(env):
    typed = "[bold]maybe[/] {{ 7*7 }} \x1b[2J"
    done = run_cli(["plain"], env, f"{typed}\nquit\n")
    assert done.returncode == 0, done.stderr
    assert 'Sorry, I did not understand "[bold]maybe[/] {{ 7*7 }} \\x1b[2J".' in done.stdout
    assert (
        "49" not in done.stdout and "\x1b" not in done.stdout
    )  # no raw escape reaches the terminal


def test_date_problems_are_explained(env):
    lines = list(LINES)
    date_at = next(i for i, fact in enumerate(STATE.history) if fact.endswith("_date"))
    answers = [*lines[:date_at], "2026-02-30", "2999-01-01", "quit"]
    done = run_cli(["plain"], env, "\n".join(answers) + "\n")
    assert done.returncode == 0, done.stderr
    assert '"2026-02-30" is not a real date' in done.stdout
    assert '"2999-01-01" is in the future' in done.stdout


def test_bytes_that_are_not_utf8_are_shown_not_a_crash(env):
    import subprocess
    import sys

    from tests.support.terminal import ROOT

    done = subprocess.run(
        [sys.executable, "-m", "assistant", "plain"],
        input=b"\xff\xfe bad\nquit\n",
        capture_output=True,
        env=env,
        cwd=ROOT,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "Sorry, I did not understand" in done.stdout.decode("utf-8")
    assert b"Traceback" not in done.stderr
