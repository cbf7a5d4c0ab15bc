"""`review-assistant check` over a folder of decision records, through the real CLI.

The records in records/ are checked against the fixed pack in pack/ (version 2.0), as of
2026-11-27, so the figures below do not move when the shipped Salford pack changes. The JSON
results come from `python -m assistant` in a real subprocess; the other outputs run the same
command line in this process (tests.support.terminal run_command), sparing an interpreter start.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.core.case import load_case
from assistant.core.check import check_case, check_paths
from assistant.core.pack import load_pack
from tests.support.terminal import run_command

HERE = Path(__file__).parent
PACK = HERE / "pack"
RECORDS = HERE / "records"
AS_OF = "2026-11-27"


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    with contextlib.chdir(HERE):
        return run_command(["--rules", str(PACK), "check", *args, "--as-of", AS_OF])


@pytest.fixture(scope="module")
def results() -> dict[str, dict]:
    done = subprocess.run(
        [sys.executable, "-m", "assistant", "--rules", str(PACK), "check", "records", "--json"]
        + ["--as-of", AS_OF],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=HERE,
    )
    assert done.returncode == 0, done.stderr
    return {Path(r["file"]).stem: r for r in json.loads(done.stdout)}


def test_json_has_one_object_per_record_with_the_contract_keys(results):
    assert sorted(results) == [
        "agrees-on-time",
        "differs-rapid-review",
        "late-notification",
        "needs-reason-lcspr",
        "needs-reason-national-and-method",
        "older-pack",
        "reason-recorded",
    ]  # no-decision-yet.yaml has no decision: block and is left out
    contract_keys = {
        "file",
        "verdict",
        "findings",
        "deadlines",
        "pack_version_then",
        "pack_version_now",
        "differs_under_current_pack",
    }
    for r in results.values():
        assert contract_keys <= set(r)
        for f in r["findings"]:
            assert {"field", "chosen", "expected", "rule", "text"} <= set(f)
        for d in r["deadlines"]:
            assert {"id", "due", "done", "late_working_days"} <= set(d)


def test_agrees_and_on_time(results):
    r = results["agrees-on-time"]
    assert r["verdict"] == "agrees" and r["findings"] == []
    deadlines = {d["id"]: d for d in r["deadlines"]}
    assert deadlines["panel_notification"] == {
        "id": "panel_notification",
        "due": "2026-01-12",  # 5 working days after Monday 5 January
        "done": "2026-01-09",
        "late_working_days": 0,
        "basis": "aware_date",
        "status": "on_time",
    }
    assert deadlines["rapid_review"]["due"] == "2026-01-30"  # 15 working days after 9 January
    assert deadlines["rapid_review"]["late_working_days"] == 0
    assert r["pack_version_then"] == r["pack_version_now"] == "2.0"
    assert r["differs_under_current_pack"] is False


def test_differs_when_a_rapid_review_was_held_below_the_threshold(results):
    r = results["differs-rapid-review"]
    assert r["verdict"] == "differs"
    [finding] = r["findings"]
    assert finding["field"] == "rapid_review"
    assert (finding["chosen"], finding["expected"]) == ("yes", "none")
    assert "not a serious child safeguarding incident" in finding["text"]
    assert r["deadlines"] == []  # no notification or rapid review is due for this case


def test_needs_reason_when_lcspr_criteria_met_but_no_lcspr_and_no_reasons(results):
    r = results["needs-reason-lcspr"]
    assert r["verdict"] == "needs_reason"
    [finding] = r["findings"]
    assert finding == {
        "field": "lcspr",
        "chosen": "no",
        "expected": "indicated",
        "rule": "T-06c",
        "text": finding["text"],
        "kind": "needs_reason",
        "code": "lcspr_indicated_not_commissioned",
    }
    assert "the partners decide. Record the partners' reasons." in finding["text"]
    rapid = {d["id"]: d for d in r["deadlines"]}["rapid_review"]
    assert (rapid["due"], rapid["done"], rapid["late_working_days"], rapid["status"]) == (
        "2026-02-23",
        None,
        None,
        "overdue",
    )


def test_recorded_reasons_make_the_departure_agree_but_keep_it_visible(results):
    r = results["reason-recorded"]
    assert r["verdict"] == "agrees"
    [finding] = r["findings"]
    assert finding["kind"] == "reason_recorded" and finding["rule"] == "T-06c"


def test_national_review_not_referred_and_local_method_not_suggested(results):
    r = results["needs-reason-national-and-method"]
    assert r["verdict"] == "needs_reason"
    by_field = {f["field"]: f for f in r["findings"]}
    assert by_field["national_review_referral"]["rule"] == "T-06N"
    assert by_field["national_review_referral"]["expected"] == "suggested"
    assert by_field["local_method"]["chosen"] == "root_cause_analysis"
    # the spring bank holiday (25 May 2026) is not a working day
    assert {d["id"]: d["due"] for d in r["deadlines"]}["rapid_review"] == "2026-05-28"


def test_late_by_working_days_skipping_easter(results):
    deadlines = {d["id"]: d for d in results["late-notification"]["deadlines"]}
    assert deadlines["panel_notification"]["due"] == "2026-03-09"
    assert deadlines["panel_notification"]["late_working_days"] == 2
    assert deadlines["panel_notification"]["status"] == "late"
    # due Wednesday 1 April; done Wednesday 8 April: Good Friday and Easter Monday do not count
    assert deadlines["rapid_review"]["due"] == "2026-04-01"
    assert deadlines["rapid_review"]["late_working_days"] == 3


def test_older_pack_version_and_todays_rules_differ(results):
    r = results["older-pack"]
    assert r["pack_version_then"] == "1.0" and r["pack_version_now"] == "2.0"
    assert r["verdict"] == "agrees"  # judged by the rules in force in January 2026
    assert r["differs_under_current_pack"] is True
    assert r["pack_changes"] == [
        {"field": "reviews.lcspr", "then": "not_indicated", "now": "indicated"}
    ]


def test_table_is_readable_and_names_each_verdict():
    done = cli("records")
    assert done.returncode == 0, done.stderr
    out = done.stdout
    header = out.splitlines()[0]
    for heading in ("FILE", "VERDICT", "PANEL NOTIFICATION", "RAPID REVIEW", "RULE PACK"):
        assert heading in header
    rows = {line.split()[0]: line for line in out.splitlines()[1:8]}
    assert "agrees" in rows["records/agrees-on-time.yaml"]
    assert "DIFFERS" in rows["records/differs-rapid-review.yaml"]
    assert "needs a reason" in rows["records/needs-reason-lcspr.yaml"]
    assert "LATE by 2 working days" in rows["records/late-notification.yaml"]
    assert "OVERDUE (due 2026-02-23)" in rows["records/needs-reason-lcspr.yaml"]
    assert "1.0 (now 2.0); today differs" in rows["records/older-pack.yaml"]
    assert "7 records checked" in out and "4 agree, 1 differs, 2 need a recorded reason" in out
    assert "1 case file without a 'decision:' block was left out" in out
    assert "reviews.lcspr: not indicated then, indicated now" in out


def test_csv_has_a_row_per_record():
    done = cli("records", "--csv")
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    by_file = {Path(r["file"]).stem: r for r in rows}
    assert len(rows) == 7
    late = by_file["late-notification"]
    assert late["panel_notification_late_working_days"] == "2"
    assert late["rapid_review_late_working_days"] == "3"
    assert by_file["needs-reason-lcspr"]["rapid_review_status"] == "overdue"
    assert by_file["needs-reason-lcspr"]["rapid_review_late_working_days"] == ""
    assert by_file["older-pack"]["differs_under_current_pack"] == "true"
    assert by_file["differs-rapid-review"]["verdict"] == "differs"


@pytest.mark.slow
def test_nothing_personal_beyond_the_file_name():
    for fmt in ((), ("--json",), ("--csv",)):
        out = cli("records", *fmt).stdout + cli("unreadable", *fmt).stdout
        assert "Child Alpha Zulu" not in out  # referral details
        assert "Secret Reason Text" not in out  # recorded reasons
        assert "0161" not in out and "236978177" not in out  # an unquoted phone number


def test_an_unreadable_record_is_reported_and_the_others_still_checked():
    done = cli("unreadable", "--json")
    assert done.returncode == 2
    by_file = {Path(r["file"]).name: r for r in json.loads(done.stdout)}
    assert by_file["good.yaml"]["verdict"] == "agrees"
    bad = by_file["bad-value.yaml"]
    assert bad["verdict"] == "error"
    assert any("decision.lcspr" in e and "perhaps" in e for e in bad["error"])
    assert "Traceback" not in done.stderr


def test_a_named_file_without_a_decision_is_an_error_not_silence():
    done = cli("records/no-decision-yet.yaml", "--json")
    assert done.returncode == 2
    [r] = json.loads(done.stdout)
    assert r["verdict"] == "error" and "no 'decision:' block" in r["error"][0]


def test_a_missing_path_is_a_clear_error():
    done = cli("no-such-folder")
    assert done.returncode == 2
    assert "no such file" in done.stdout + done.stderr
    assert "Traceback" not in done.stderr


def test_records_with_unrecorded_choices_need_recording(tmp_path):
    pack = load_pack(PACK)
    record = tmp_path / "blank.yaml"
    record.write_text(
        (RECORDS / "needs-reason-lcspr.yaml")
        .read_text()
        .replace("  lcspr: no\n", "")
        .replace("  rapid_review: yes\n", ""),
        encoding="utf-8",
    )
    case = load_case(record, today=dt.date(2026, 11, 27))
    result = check_case(pack, case, "blank.yaml", today=dt.date(2026, 11, 27)).result
    assert result.verdict == "needs_reason"
    kinds = {f.field: f.kind for f in result.findings}
    assert kinds == {"rapid_review": "not_recorded", "lcspr": "not_recorded"}


def test_the_shipped_pack_checks_a_serious_incident():
    run = check_paths(load_pack(), [RECORDS / "agrees-on-time.yaml"], today=dt.date(2026, 11, 27))
    [result] = run.results
    assert result.route == "serious_incident"
    assert {d.id for d in result.deadlines} == {"panel_notification", "rapid_review"}
    assert result.pack_version_now == load_pack().version


def test_impossible_decision_dates_make_the_record_unreadable(tmp_path):
    text = (RECORDS / "agrees-on-time.yaml").read_text(encoding="utf-8")
    (tmp_path / "early.yaml").write_text(
        text.replace("notification_date: 2026-01-09", "notification_date: 2026-01-02"),
        encoding="utf-8",
    )
    (tmp_path / "backwards.yaml").write_text(
        text.replace("rapid_review_completed: 2026-01-28", "rapid_review_completed: 2026-01-07"),
        encoding="utf-8",
    )
    run = check_paths(load_pack(PACK), [tmp_path], today=dt.date(2026, 11, 27))
    errors = {Path(r.file).name: r.error for r in run.results}
    assert "is before aware_date 2026-01-05" in errors["early.yaml"][0]
    assert "is before the notification (2026-01-09)" in errors["backwards.yaml"][0]
    assert not run.all_read


def test_a_completion_date_means_the_rapid_review_was_held(tmp_path):
    text = (
        (RECORDS / "agrees-on-time.yaml")
        .read_text(encoding="utf-8")
        .replace("  rapid_review: yes\n", "")
    )
    (tmp_path / "implied.yaml").write_text(text, encoding="utf-8")
    [result] = check_paths(load_pack(PACK), [tmp_path], today=dt.date(2026, 11, 27)).results
    assert result.verdict == "agrees" and result.findings == []


def test_the_counts_agree_with_their_number():
    """One record "needs" a reason; several "need" one."""
    from types import SimpleNamespace

    from assistant.core import load_pack
    from assistant.core.prompts import environment

    counts = environment(load_pack()).get_template("check/words.j2").module.counts
    one_each = [SimpleNamespace(verdict=v) for v in ("agrees", "differs", "needs_reason")]
    assert str(counts(one_each)).strip() == "1 agrees, 1 differs, 1 needs a recorded reason"
    two = [SimpleNamespace(verdict="needs_reason")] * 2
    assert str(counts(two)).strip() == "0 agree, 0 differ, 2 need a recorded reason"
