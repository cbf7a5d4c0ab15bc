"""A statutory duty is not the partners' discretion: free-text reasons never excuse a missed one.

The Panel notification and the rapid review after a serious incident are duties. A record that
shows one not done differs whatever its reasons say; only a structured
`criteria_found_not_met: yes` with its date turns a missing rapid review into a departure the
partners may explain. Free text still settles what the rules leave to the partners. Lateness is
in the verdict line of every output. Records are variations of records/agrees-on-time.yaml.
The escape-sequence test runs `python -m assistant` in a real subprocess; the other outputs run
the same command line in this process (tests.support.terminal run_command).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.core.check import check_paths
from assistant.core.pack import load_pack
from assistant.tui.register import RegisterWords
from tests.support.terminal import run_command

HERE = Path(__file__).parent
PACK = HERE / "pack"
BASE = (HERE / "records" / "agrees-on-time.yaml").read_text(encoding="utf-8")
TODAY = dt.date(2026, 11, 27)
REASONS = '  reasons: "Free text: the partners thought it unnecessary."\n'


def record(tmp_path: Path, name: str, *edits: tuple[str, str], extra: str = "") -> Path:
    text = BASE
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new)
    path = tmp_path / name
    path.write_text(text + extra, encoding="utf-8")
    return path


def check_one(path: Path, today: dt.date = TODAY):
    [result] = check_paths(load_pack(PACK), [path], today=today).results
    return result


NO_RAPID_REVIEW = (
    ("  rapid_review: yes\n  rapid_review_completed: 2026-01-28\n", "  rapid_review: no\n"),
)
NOT_NOTIFIED = (("  notification_date: 2026-01-09\n", ""),)


def test_a_rapid_review_not_held_differs_whatever_the_reasons_say(tmp_path):
    for name, extra in (("bare.yaml", ""), ("reasons.yaml", REASONS)):
        r = check_one(record(tmp_path, name, *NO_RAPID_REVIEW, extra=extra))
        assert r.verdict == "differs", name
        [finding] = r.findings
        assert (finding.field, finding.code, finding.kind) == (
            "rapid_review",
            "rapid_review_not_held",
            "differs",
        )
        assert "reasons cannot replace it" in finding.text
        assert "criteria_found_not_met" in finding.text  # the fix is named


def test_criteria_found_not_met_turns_a_missing_rapid_review_into_a_reason_to_record(tmp_path):
    found = "  criteria_found_not_met: yes\n  criteria_found_not_met_on: 2026-01-20\n"
    bare = check_one(record(tmp_path, "found.yaml", *NO_RAPID_REVIEW, extra=found))
    assert bare.verdict == "needs_reason"
    [finding] = bare.findings
    assert (finding.code, finding.kind) == ("rapid_review_criteria_not_met", "needs_reason")
    assert "on 2026-01-20" in finding.text
    assert {d.id: d.status for d in bare.deadlines}["rapid_review"] == "not_held"

    explained = check_one(
        record(tmp_path, "found-reasons.yaml", *NO_RAPID_REVIEW, extra=found + REASONS)
    )
    assert explained.verdict == "agrees"
    assert [f.kind for f in explained.findings] == ["reason_recorded"]

    # with no rapid_review key at all, the finding says it was not held
    implied = check_one(
        record(
            tmp_path,
            "implied.yaml",
            ("  rapid_review: yes\n  rapid_review_completed: 2026-01-28\n", ""),
            extra=found + REASONS,
        )
    )
    assert implied.verdict == "agrees"


def test_criteria_found_not_met_no_or_absent_leaves_the_duty_standing(tmp_path):
    r = check_one(
        record(
            tmp_path, "no.yaml", *NO_RAPID_REVIEW, extra="  criteria_found_not_met: no\n" + REASONS
        )
    )
    assert r.verdict == "differs"


def test_criteria_found_not_met_needs_a_sensible_date(tmp_path):
    undated = record(
        tmp_path, "undated.yaml", *NO_RAPID_REVIEW, extra="  criteria_found_not_met: yes\n"
    )
    early = record(
        tmp_path,
        "early.yaml",
        *NO_RAPID_REVIEW,
        extra="  criteria_found_not_met: yes\n  criteria_found_not_met_on: 2026-01-08\n",
    )
    dangling = record(
        tmp_path,
        "dangling.yaml",
        *NO_RAPID_REVIEW,
        extra="  criteria_found_not_met_on: 2026-01-20\n",
    )
    future = record(
        tmp_path,
        "future.yaml",
        *NO_RAPID_REVIEW,
        extra="  criteria_found_not_met: yes\n  criteria_found_not_met_on: 2027-01-20\n",
    )
    run = check_paths(load_pack(PACK), [tmp_path], today=TODAY)
    errors = {Path(r.file).name: " ".join(r.error or []) for r in run.results}
    assert "add criteria_found_not_met_on: YYYY-MM-DD" in errors[undated.name]
    assert "is before the notification (2026-01-09)" in errors[early.name]
    assert "criteria_found_not_met is not yes" in errors[dangling.name]
    assert "is in the future" in errors[future.name]
    assert not run.all_read


def test_a_missing_panel_notification_differs_whatever_the_reasons_say(tmp_path):
    r = check_one(record(tmp_path, "unnotified.yaml", *NOT_NOTIFIED, extra=REASONS))
    assert r.verdict == "differs"
    finding = next(f for f in r.findings if f.code == "panel_not_notified")
    assert (finding.field, finding.kind, finding.chosen) == ("notification_date", "differs", None)
    assert "reasons cannot replace it" in finding.text
    assert r.lateness == "overdue"
    assert "Panel notification OVERDUE (due 2026-01-12)" in r.verdict_line


def test_a_panel_notification_not_yet_due_is_no_departure(tmp_path):
    # aware on Monday 5 January: due Monday 12 January, so on Friday 9th it is still pending
    path = record(
        tmp_path,
        "pending.yaml",
        *NOT_NOTIFIED,
        ("  decided_on: 2026-01-30\n", ""),
        ("  rapid_review: yes\n  rapid_review_completed: 2026-01-28\n", ""),
    )
    r = check_one(path, today=dt.date(2026, 1, 9))
    assert all(f.code != "panel_not_notified" for f in r.findings)
    assert {d.id: d.status for d in r.deadlines}["panel_notification"] == "pending"
    late = check_one(path, today=dt.date(2026, 1, 13))
    assert any(f.code == "panel_not_notified" for f in late.findings)
    assert late.verdict == "differs"


def test_free_text_still_settles_what_the_rules_leave_to_the_partners(tmp_path):
    # an LCSPR indicated but not commissioned: reasons make it agree (the finding stays visible)
    edits = (("  multi_agency_concerns: no\n", "  multi_agency_concerns: yes\n"),)
    bare = check_one(record(tmp_path, "lcspr.yaml", *edits))
    assert bare.verdict == "needs_reason"
    explained = check_one(record(tmp_path, "lcspr-reasons.yaml", *edits, extra=REASONS))
    assert explained.verdict == "agrees"
    assert [f.kind for f in explained.findings] == ["reason_recorded"]


def subprocess_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "assistant", "--rules", str(PACK), "check", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return run_command(["--rules", str(PACK), "check", *args])


@pytest.fixture(scope="module")
def late_folder(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("late")
    (folder / "late.yaml").write_text(
        (HERE / "records" / "late-notification.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    record(folder, "on-time.yaml")
    return folder


@pytest.mark.slow
def test_lateness_is_in_the_verdict_line_of_every_output(late_folder):
    as_of = ("--as-of", "2026-11-27")
    line = "agrees; Panel notification LATE by 2 working days; rapid review LATE by 3 working days"

    by_file = {
        Path(r["file"]).name: r for r in json.loads(cli(str(late_folder), "--json", *as_of).stdout)
    }
    assert by_file["late.yaml"]["verdict_line"] == line
    assert by_file["late.yaml"]["lateness"] == "late"
    assert (by_file["on-time.yaml"]["verdict_line"], by_file["on-time.yaml"]["lateness"]) == (
        "agrees",
        None,
    )

    rows = {
        Path(row["file"]).name: row
        for row in csv.DictReader(io.StringIO(cli(str(late_folder), "--csv", *as_of).stdout))
    }
    assert rows["late.yaml"]["verdict_line"] == line and rows["late.yaml"]["lateness"] == "late"

    table = cli(str(late_folder), *as_of).stdout
    [late_row] = [
        row for row in table.splitlines() if row.startswith(f"{late_folder / 'late.yaml'} ")
    ]
    assert "agrees, LATE" in late_row
    assert f"late.yaml: {line}" in table

    [result] = [
        r
        for r in check_paths(load_pack(PACK), [late_folder], today=TODAY).results
        if r.file.endswith("late.yaml")
    ]
    row = RegisterWords(load_pack(PACK)).row(result)
    assert "LATE" in str(row[1])


def test_escape_sequences_from_files_are_shown_not_obeyed(tmp_path):
    nasty = "\\e]0;owned\\a\\e[2J"  # YAML's escapes for ESC and BEL
    folder = tmp_path / "records"
    folder.mkdir()
    record(
        folder,
        "case\x1b[31mred.yaml",
        ('  pack_version: "2.0"\n', f'  pack_version: "2.0{nasty}"\n'),
    )
    outputs = [
        subprocess_cli(str(folder), *fmt, "--as-of", "2026-11-27").stdout
        for fmt in ((), ("--csv",))
    ]
    for out in outputs:
        assert "\x1b" not in out and "\x07" not in out
        assert "\\x1b[31mred.yaml" in out
        assert "2.0\\x1b]0;owned\\x07" in out
    [result] = check_paths(load_pack(PACK), [folder], today=TODAY).results
    row = RegisterWords(load_pack(PACK)).row(result)
    assert all("\x1b" not in str(cell) for cell in row)


def test_json_output_holds_the_same_data_and_nothing_a_terminal_obeys(tmp_path):
    case = yaml_to_json_record()
    case["decision"]["pack_version"] = "2.0\u009b2J\u202e"
    (tmp_path / "c1.json").write_text(json.dumps(case, ensure_ascii=False), encoding="utf-8")
    out = cli(str(tmp_path), "--json", "--as-of", "2026-11-27").stdout
    assert "\u009b" not in out and "\u202e" not in out  # written as escapes
    [result] = json.loads(out)
    assert result["pack_version_then"] == "2.0\u009b2J\u202e"  # the same data


def yaml_to_json_record() -> dict:
    import yaml

    return json.loads(json.dumps(yaml.safe_load(BASE), default=str))


def test_typed_values_do_not_reach_the_output(tmp_path):
    folder = tmp_path / "records"
    folder.mkdir()
    record(
        folder,
        "typed.yaml",
        ("  harm: serious_harm\n", '  harm: "Jane Doe of 12 Acacia Road"\n'),
        ("  national_issues: no\n", "  national_issues: no\n  Jane Doe lives here: yes\n"),
    )
    for fmt in ((), ("--json",), ("--csv",)):
        out = cli(str(folder), *fmt, "--as-of", "2026-11-27").stdout
        assert "Jane" not in out and "Acacia" not in out
        assert "facts.harm" in out  # where the problem is, still named


def test_with_no_date_to_count_from_a_decision_without_a_notification_differs(tmp_path):
    edits = (*NOT_NOTIFIED, ("  aware_date: 2026-01-05\n", "  incident_date: 2026-01-05\n"))
    decided = check_one(record(tmp_path, "decided.yaml", *edits, extra=REASONS))
    assert any(f.code == "panel_not_notified" for f in decided.findings)
    undecided = check_one(
        record(tmp_path, "undecided.yaml", *edits, ("  decided_on: 2026-01-30\n", ""))
    )
    assert all(f.code != "panel_not_notified" for f in undecided.findings)
