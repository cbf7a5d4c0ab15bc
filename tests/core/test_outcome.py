"""The outcome a practitioner reads: what applies and what only may apply, who acts, one line per
duty, done duties as history, where referrals go, and the length budget of `decide`."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from assistant.core import load_pack
from assistant.core.case import load_case
from assistant.core.engine import decide
from assistant.core.errors import InputError
from assistant.core.outcome import build_outcome, readable_source
from assistant.core.pack import Pack, default_rules_dir
from assistant.core.prompts import render
from assistant.forms.outcome import render_outcome, save_case_file, save_outcome
from tests.support.terminal import run_command

ROOT = Path(__file__).resolve().parents[2]
CASES = Path(__file__).parent / "fixtures" / "cases"
SERIOUS = CASES / "serious-incident.yaml"
SCENARIOS = sorted((default_rules_dir() / "scenarios").glob("*.yaml"))
TODAY = dt.date(2026, 11, 27)


@pytest.fixture(scope="module")
def pack() -> Pack:
    return load_pack()


def _text(pack: Pack, facts: dict[str, Any]) -> str:
    decision = decide(pack, facts, today=TODAY)
    return render(pack, "decision.txt.j2", decision=decision, facts=facts)


def _section(text: str, heading: str) -> str:
    """The lines under an upper-case heading, up to the next blank line."""
    if heading not in text:
        return ""
    return text.split(heading + "\n", 1)[1].split("\n\n", 1)[0]


def _do_lines(text: str) -> list[str]:
    """The Do-now lines, each joined back from its wrapped lines."""
    lines: list[str] = []
    for row in _section(text, "DO NOW").splitlines():
        if row[:3].strip().rstrip(".").isdigit():
            lines.append(row.split(". ", 1)[1])
        else:
            lines[-1] += " " + row.strip()
    return lines


SERIOUS_FACTS = {
    "immediate_risk": "no",
    "subject_age_band": "under_16",
    "looked_after": "no",
    "harm": "serious_harm",
    "abuse_or_neglect": "suspected",
    "incident_location": "in_area",
    "normally_resident_in_area": "yes",
    "aware_date": dt.date(2026, 3, 2),
}


# --- applies vs may apply ------------------------------------------------------------------------


def test_the_serious_incident_example_words_the_dhr_with_if_never_as_fact(pack):
    facts = load_case(SERIOUS).fact_values()
    assert "adult_harmed" not in facts  # the example leaves it unknown
    decision = decide(pack, facts, today=TODAY)
    dhr = [p for p in decision.possible if p.id == "dhr"]
    assert dhr and dhr[0].kind == "signpost" and "adult_harmed" in dhr[0].settled_by
    text = render(pack, "decision.txt.j2", decision=decision, facts=facts)
    label = pack.labels.signposts["dhr"].label
    maybe = _section(text, "IF THESE TURN OUT TO BE TRUE")
    assert label in maybe
    line = next(x for x in maybe.replace("\n   ", " ").splitlines() if label in x)
    assert line.startswith(" - If ")
    outside = text.replace(maybe, "")
    assert label not in outside  # never stated unconditionally anywhere else


def test_decide_json_lists_possible_items_with_their_settling_facts():
    done = subprocess.run(
        [sys.executable, "-m", "assistant", "decide", str(SERIOUS), "--json", "--no-trace"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    kinds = {"notification", "signpost", "deadline", "local_option", "criterion"}
    assert data["possible"]
    for item in data["possible"]:
        assert set(item) == {"kind", "id", "settled_by"}
        assert item["kind"] in kinds and item["settled_by"]
        for fact in item["settled_by"]:
            assert fact not in data.get("facts", {})
    # an item not in `possible` applies on the facts given
    assert not any(p["id"] == "panel_notification" for p in data["possible"])


def test_a_rule_that_cannot_fire_says_nothing(pack):
    facts = {**SERIOUS_FACTS, "adult_harmed": "no"}
    decision = decide(pack, facts, today=TODAY)
    assert "dhr" not in decision.signposts
    assert not any(p.id == "dhr" for p in decision.possible)
    assert pack.labels.signposts["dhr"].label not in _text(pack, facts)


def test_why_names_only_rules_that_fired_on_the_facts_given(pack):
    facts = load_case(SERIOUS).fact_values()
    decision = decide(pack, facts, today=TODAY)
    outcome = build_outcome(pack, decision, facts)
    fired = {r.title for r in decision.reasons if r.certain}
    assert outcome.why
    for line in outcome.why:
        assert line.text in fired


# --- who acts, one line per duty ----------------------------------------------------------------


def test_harm_elsewhere_in_england_names_the_other_area_and_the_5_day_date(pack):
    facts = {
        **SERIOUS_FACTS,
        "incident_location": "elsewhere_in_england",
        "aware_date": dt.date(2026, 5, 11),
    }
    text = _text(pack, facts)
    headline = text.split("\n\n", 1)[0]
    assert "that area's local authority notifies the Panel" in headline
    assert "Mon 18 May 2026" in " ".join(headline.split())
    assert "Salford City Council notifies" not in headline
    first = _do_lines(text)[0]
    assert "that area's local authority notifies the Panel" in first
    assert "Mon 18 May 2026, 5 working days from 11 May" in first  # Monday 11 May + 5


def test_a_looked_after_childs_death_has_one_line_per_duty(pack):
    facts = {
        "immediate_risk": "no",
        "subject_age_band": "under_16",
        "looked_after": "yes",
        "harm": "died",
        "abuse_or_neglect": "suspected",
        "incident_location": "in_area",
        "normally_resident_in_area": "yes",
        "aware_date": dt.date(2026, 5, 1),
    }
    decision = decide(pack, facts, today=TODAY)
    outcome = build_outcome(pack, decision, facts)
    duties = [line.duty for line in outcome.do_now]
    assert len(duties) == len(set(duties))
    assert "ofsted_secretary_of_state" in duties
    assert "looked_after_death_notification" not in duties  # the same duty as the line above
    lines = _do_lines(_text(pack, facts))
    assert len(lines) == len(duties)
    assert sum("Secretary of State and Ofsted" in line for line in lines) == 1
    assert not any("give the dates" in line or "date of awareness" in line for line in lines)
    ofsted = next(x for x in lines if "Secretary of State and Ofsted" in x)
    assert "Mon 11 May 2026" in ofsted


def test_statutory_steps_already_done_are_history_with_their_dates(pack):
    facts = {
        **SERIOUS_FACTS,
        "notification_date": dt.date(2026, 3, 4),
        "rapid_review_completed": dt.date(2026, 3, 20),
    }
    decision = decide(pack, facts, today=TODAY)
    panel = next(n for n in decision.notifications if n.id == "panel_notification")
    review = next(d for d in decision.deadlines if d.id == "rapid_review")
    assert panel.done == dt.date(2026, 3, 4)
    assert review.done == dt.date(2026, 3, 20)
    assert decision.to_json()["deadlines"][0]["done"] == "2026-03-20"
    lines = _do_lines(_text(pack, facts))
    done = [x for x in lines if x.startswith("Done:")]
    assert any("Wed 4 Mar 2026" in x for x in done)
    assert any("Fri 20 Mar 2026" in x for x in done)
    todo = [x for x in lines if not x.startswith("Done:")]
    assert not any("Notify the Child Safeguarding Practice Review Panel" in x for x in todo)
    assert not any("Complete the rapid review" in x for x in todo)


def test_without_those_dates_nothing_is_done(pack):
    decision = decide(pack, SERIOUS_FACTS, today=TODAY)
    assert all(n.done is None for n in decision.notifications)
    assert all(d.done is None for d in decision.deadlines)


# --- where referrals go ----------------------------------------------------------------------------


def _scenario_case(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))["case"]


def _scenario_facts(path: Path, tmp_path: Path) -> dict[str, Any]:
    case_file = tmp_path / path.name
    case_file.write_text(yaml.safe_dump(_scenario_case(path)), encoding="utf-8")
    return load_case(case_file).fact_values()


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_every_referral_outcome_names_the_address_and_the_representative(pack, path, tmp_path):
    facts = _scenario_facts(path, tmp_path)
    decision = decide(pack, facts, today=TODAY)
    if decision.form is None:
        pytest.skip("no referral on this route")
    email = pack.referral_contact.email
    assert email == "SSCP@salford.gov.uk"
    for fmt in ("txt", "md", "html"):
        text = " ".join(render_outcome(pack, decision, facts, fmt).split())
        assert email in text, fmt
        assert "subgroup representative" in text, fmt


def test_the_address_lives_in_the_pack_not_in_python():
    for source in (ROOT / "assistant").rglob("*.py"):
        assert "salford.gov.uk" not in source.read_text(encoding="utf-8"), source


# --- sources ---------------------------------------------------------------------------------------


def test_readable_sources_name_what_a_person_can_look_up(pack):
    assert readable_source(pack, "R-03; Children Act 2004 s16C(1)(a) [C: S4, S3, S8, S55]") == (
        "Children Act 2004 s16C(1)(a)"
    )
    assert readable_source(pack, "1.1; WT2023 ch.5 [C: S1]") == "Working Together 2023, chapter 5"
    assert (
        readable_source(pack, "R-05a [C: S6, S16]")
        == "Child Safeguarding Practice Review Panel: FAQs"
    )
    for tag in ("[C:", "[L/C", "[DERIVED]", "UNCONFIRMED", "T5", "WT2018", "R-0"):
        for rule in pack.rules:
            assert tag not in readable_source(pack, rule.source), (rule.id, tag)


# --- length budget ---------------------------------------------------------------------------------


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_decide_fits_60_lines_at_100_columns(path, tmp_path, monkeypatch):
    """The first scenario in a real subprocess, the others through the same command line in
    this process (run_command), sparing an interpreter start each."""
    case_file = tmp_path / path.name
    case_file.write_text(yaml.safe_dump(_scenario_case(path)), encoding="utf-8")
    if path == SCENARIOS[0]:
        done = subprocess.run(
            [sys.executable, "-m", "assistant", "decide", str(case_file)],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=120,
        )
    else:
        monkeypatch.chdir(ROOT)
        done = run_command(["decide", str(case_file)])
    assert done.returncode == 0, done.stderr
    lines = done.stdout.rstrip("\n").splitlines()
    assert len(lines) <= 60, f"{path.name}: {len(lines)} lines\n{done.stdout}"
    wide = [line for line in lines if len(line) > 100]
    assert not wide, f"{path.name}: lines wider than 100 columns: {wide}"


def test_explain_keeps_the_full_trace():
    done = subprocess.run(
        [sys.executable, "-m", "assistant", "decide", str(SERIOUS), "--explain"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "RULE TRACE" in done.stdout and "[R-03a]" in done.stdout


# --- keeping the outcome ---------------------------------------------------------------------------


def test_save_outcome_in_each_format_and_never_overwrite(pack, tmp_path):
    facts = load_case(SERIOUS).fact_values()
    decision = decide(pack, facts, today=TODAY)
    for name in ("outcome.md", "outcome.txt", "outcome.html"):
        path = save_outcome(tmp_path / name, pack, decision, facts)
        assert path.stat().st_mode & 0o777 == 0o600
        text = path.read_text(encoding="utf-8")
        assert "SSCP@salford.gov.uk" in text
        before = text
        with pytest.raises(InputError, match="already exists"):
            save_outcome(tmp_path / name, pack, decision, facts)
        assert path.read_text(encoding="utf-8") == before
    assert "<h2>Do now</h2>" in (tmp_path / "outcome.html").read_text(encoding="utf-8")
    with pytest.raises(InputError, match=r"\.md, \.txt or \.html"):
        save_outcome(tmp_path / "outcome.pdf", pack, decision, facts)


def test_html_never_passes_markup_through(pack):
    facts = load_case(SERIOUS).fact_values()
    decision = decide(pack, facts, today=TODAY)
    page = render_outcome(pack, decision, facts, "html")
    assert "<script" not in page


def test_the_answers_saved_as_a_case_file_decide_the_same(pack, tmp_path):
    facts = load_case(SERIOUS).fact_values()
    path = save_case_file(tmp_path / "case.yaml", facts)
    again = load_case(path).fact_values()
    assert again == facts
    assert decide(pack, again, today=TODAY).route == decide(pack, facts, today=TODAY).route
    with pytest.raises(InputError, match="already exists"):
        save_case_file(path, facts)


def test_a_date_answered_not_sure_is_left_out_of_the_saved_case_file(pack, tmp_path):
    """The chat keeps "not sure" for a date as "unknown": the saved file must still load."""
    facts = {**load_case(SERIOUS).fact_values(), "notification_date": "unknown"}
    path = save_case_file(tmp_path / "case.yaml", facts)
    again = load_case(path).fact_values()
    assert "notification_date" not in again
    assert decide(pack, again, today=TODAY).route == "serious_incident"


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_every_referral_form_names_the_address_and_the_representative(pack, path, tmp_path):
    import io

    import docx

    from assistant.forms import render as render_form
    from assistant.forms.context import build_form

    facts = _scenario_facts(path, tmp_path)
    decision = decide(pack, facts, today=TODAY)
    if decision.form is None:
        pytest.skip("no referral on this route")
    form = build_form(pack, decision, facts, today=TODAY)
    document = docx.Document(io.BytesIO(render_form(form, "docx")))
    texts = {fmt: " ".join(str(render_form(form, fmt)).split()) for fmt in ("txt", "md", "html")}
    texts["docx"] = " ".join(" ".join(p.text for p in document.paragraphs).split())
    for fmt, text in texts.items():
        assert "SSCP@salford.gov.uk" in text, fmt
        assert "Practice Review Subgroup" in text and "representative" in text, fmt
