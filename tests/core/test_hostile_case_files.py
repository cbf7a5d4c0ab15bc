"""Crafted case files and records: each attack is performed and must end quickly with one clear
message, never a traceback, a hang, pages of output or escape sequences reaching the terminal."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assistant.core.calendar import DateOutOfRange, add_working_days, working_days_between
from assistant.core.case import (
    LONG_TEXT_LIMIT,
    MAX_CASE_BYTES,
    SHORT_TEXT_LIMIT,
    is_email,
    load_case,
    parse_case,
)
from assistant.core.errors import MAX_PROBLEMS, InputError

REPO = Path(__file__).resolve().parents[2]
TODAY = dt.date(2026, 11, 27)
FACTS = "contract: 1\nfacts:\n  harm: died\n"


def cli(*args: str, home: Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    env = {
        "HOME": str(home),
        "REVIEW_ASSISTANT_CACHE": "off",
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": str(REPO),
    }
    return subprocess.run(
        [sys.executable, "-m", "assistant", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=REPO,
        env=env,
    )


def problems_of(text: str, path: str = "case.yaml") -> list[str]:
    with pytest.raises(InputError) as caught:
        parse_case(text, path, today=TODAY)
    return caught.value.problems


# --- email and free-text lengths ------------------------------------------------------------


def test_the_crafted_email_is_refused_at_once():
    email = "a@" + "." * 100_000 + "@"
    started = time.perf_counter()
    assert not is_email(email)
    problems = problems_of(FACTS + f"referral:\n  referrer:\n    email: '{email}'\n")
    assert time.perf_counter() - started < 0.5
    assert "referral.referrer.email" in problems[0]


def test_the_form_screen_checks_the_crafted_email_at_once_too():
    from assistant.forms.fields import problem

    started = time.perf_counter()
    assert problem("email", "a@" + "." * 100_000 + "@", TODAY) == "email_invalid"
    assert problem("email", "alex@example.org", TODAY) is None
    assert time.perf_counter() - started < 0.5
    assert problem("date", "1066-10-14", TODAY) == "date_invalid"


@pytest.mark.parametrize(
    "email, ok",
    [
        ("alex.morgan@example.org", True),
        ("a@b.c", True),
        ("a@.c", False),
        ("a@b.", False),
        ("a@bc", False),
        ("@b.c", False),
        ("a@b@c.d", False),
        ("a b@c.d", False),
        ("a@b.c\u2003", False),
        ("x" * 250 + "@b.co", False),
    ],
)
def test_email_shapes(email, ok):
    assert is_email(email) is ok


def test_a_short_field_over_its_limit_names_the_field_its_length_and_the_limit():
    name = "N" * (SHORT_TEXT_LIMIT + 1)
    problems = problems_of(FACTS + f"referral:\n  child:\n    name: {name}\n")
    assert len(problems) == 1
    message = problems[0]
    assert "referral.child.name" in message
    assert f"{SHORT_TEXT_LIMIT + 1:,} characters" in message
    assert f"{SHORT_TEXT_LIMIT:,} at most" in message


def test_a_long_field_takes_a_long_account_but_not_an_endless_one():
    fine = "x" * LONG_TEXT_LIMIT
    case = parse_case(
        FACTS + f"referral:\n  incident:\n    description: {fine}\n", "c.yaml", today=TODAY
    )
    assert case.referral.incident.description == fine
    problems = problems_of(FACTS + f"referral:\n  incident:\n    description: {fine}y\n")
    assert "referral.incident.description" in problems[0]
    assert f"{LONG_TEXT_LIMIT + 1:,} characters" in problems[0]


# --- size and number of problems ----------------------------------------------------------


def test_a_huge_file_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "huge.yaml"
    with path.open("w", encoding="utf-8") as handle:
        handle.write("contract: 1\nfacts:\n")
        line = "  bad_key_{:07d}: yes\n"
        for start in range(0, 1_000_000, 10_000):
            handle.write("".join(line.format(n) for n in range(start, start + 10_000)))
    assert path.stat().st_size > 12 * 1024 * 1024
    started = time.perf_counter()
    result = cli("decide", str(path), home=tmp_path)
    assert time.perf_counter() - started < 20
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert f"it may be at most {MAX_CASE_BYTES // 1024 // 1024} MB" in lines[0]


def test_ten_thousand_bad_keys_give_twenty_problems_and_a_count(tmp_path):
    path = tmp_path / "many.yaml"
    body = "".join(f"  bad_key_{n:05d}: yes\n" for n in range(10_000))
    path.write_text("contract: 1\nfacts:\n" + body, encoding="utf-8")
    started = time.perf_counter()
    result = cli("decide", str(path), home=tmp_path)
    assert time.perf_counter() - started < 30
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == MAX_PROBLEMS + 1
    assert "bad_key_00000" in lines[0] and ", line 3:" in lines[0]  # in the order of the file
    assert (
        lines[-1] == "review-assistant: ... and 9,980 more problems in the same file (not listed)"
    )
    assert len(result.stderr) < 30_000


def test_an_input_error_never_lists_more_than_the_cap():
    error = InputError("first", [f"problem {n}" for n in range(1000)])
    assert len(error.problems) == MAX_PROBLEMS + 1
    assert error.problems[-1].startswith("... and 980 more problems")


# --- regular files only ----------------------------------------------------------------------


def test_a_fifo_as_a_case_file_is_refused_without_waiting(tmp_path):
    fifo = tmp_path / "case.yaml"
    os.mkfifo(fifo)
    result = cli("decide", str(fifo), home=tmp_path, timeout=60)
    assert result.returncode == 2
    assert "not a regular file (a pipe, socket or device)" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_fifo_among_check_records_is_refused_without_waiting(tmp_path):
    fifo = tmp_path / "record.yaml"
    os.mkfifo(fifo)
    result = cli("check", str(fifo), home=tmp_path, timeout=60)
    assert "not a regular file" in result.stdout + result.stderr
    assert "Traceback" not in result.stderr


def test_a_device_as_a_case_file_is_refused():
    with pytest.raises(InputError, match="not a regular file"):
        load_case("/dev/zero")


# --- dates ------------------------------------------------------------------------------------


@pytest.mark.parametrize("day", ["9999-12-31", "1899-12-31", "0001-01-01"])
def test_absurd_years_are_refused_with_the_field(day):
    problems = problems_of(FACTS.replace("harm: died", f"aware_date: {day}"))
    assert "facts.aware_date" in problems[0]
    assert "check the year" in problems[0]


def test_a_due_date_may_be_ahead_but_not_years_ahead():
    base = FACTS + "referral:\n  child:\n    expected_due_date: {}\n"
    soon = TODAY + dt.timedelta(days=200)
    parse_case(base.format(soon.isoformat()), "c.yaml", today=TODAY)
    problems = problems_of(base.format("2031-01-01"))
    assert "referral.child.expected_due_date" in problems[0]
    assert "more than a year after today" in problems[0]


def test_working_days_near_the_end_of_the_calendar_are_a_clear_error():
    with pytest.raises(DateOutOfRange, match="check the year"):
        add_working_days(dt.date(9999, 12, 30), 5)
    with pytest.raises(DateOutOfRange):
        add_working_days(dt.date.max, 0)
    started = time.perf_counter()
    with pytest.raises(DateOutOfRange):
        working_days_between(dt.date(2026, 1, 1), dt.date(9999, 12, 31))
    assert time.perf_counter() - started < 0.1
    assert working_days_between(dt.date(2026, 1, 2), dt.date(2026, 1, 1)) == 0


def test_check_as_of_the_last_day_does_not_crash(tmp_path):
    record = tmp_path / "record.yaml"
    text = (REPO / "tests" / "check" / "records" / "late-notification.yaml").read_text()
    record.write_text(text, encoding="utf-8")
    far = tmp_path / "far.yaml"
    far.write_text(text.replace("2026-03-02", "9999-12-30"), encoding="utf-8")
    started = time.perf_counter()
    result = cli("check", "--as-of", "9999-12-31", str(record), str(far), home=tmp_path)
    assert time.perf_counter() - started < 30
    assert result.returncode in (0, 1, 2), result.stderr
    assert "Traceback" not in result.stderr
    assert "unexpected" not in result.stderr.lower()
    assert "check the year" in result.stdout + result.stderr


# --- escapes never reach the terminal ---------------------------------------------------------


def test_escapes_in_a_file_name_and_a_key_are_shown_as_text(tmp_path):
    path = tmp_path / "case\x1b]0;pwned\x07\x1b[2J.yaml"
    path.write_text('contract: 1\nfacts:\n  "harm\\e[2J\\e]0;pwned\\a": died\n', encoding="utf-8")
    result = cli("decide", str(path), home=tmp_path)
    assert result.returncode == 2
    assert "\x1b" not in result.stderr and "\x07" not in result.stderr
    assert "\\x1b]0;pwned\\x07\\x1b[2J.yaml" in result.stderr
    assert "harm\\x1b[2J\\x1b]0;pwned\\x07" in result.stderr


def test_escapes_in_a_value_are_shown_as_text(tmp_path):
    path = tmp_path / "case.yaml"
    path.write_text('contract: 1\nfacts:\n  harm: "died\\e[2J"\n', encoding="utf-8")
    result = cli("decide", str(path), home=tmp_path)
    assert result.returncode == 2
    assert "\x1b" not in result.stderr
    assert "died\\x1b[2J" in result.stderr


def test_a_fifo_among_training_scenarios_is_reported_without_waiting(tmp_path):
    from assistant.training import load_scenarios

    os.mkfifo(tmp_path / "01-pipe.yaml")
    started = time.perf_counter()
    scenarios, problems = load_scenarios(tmp_path)
    assert time.perf_counter() - started < 5
    assert scenarios == []
    assert len(problems) == 1 and "01-pipe.yaml: not a regular file" in problems[0]


def test_a_huge_yaml_file_in_a_pack_is_refused_before_it_is_read(tmp_path):
    from assistant.core.yamlload import MAX_YAML_BYTES, YamlError, load_yaml_file

    path = tmp_path / "rules.yaml"
    with path.open("wb") as handle:
        handle.truncate(MAX_YAML_BYTES + 1)  # sparse: nothing is written
    with pytest.raises(YamlError, match="it may be at most 8 MB"):
        load_yaml_file(path)
