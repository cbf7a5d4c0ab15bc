"""The fields added from other partnerships' forms: pre-filled from the answers, dates that
cannot contradict the case, and the address on both forms (the shipped Salford pack too)."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.core import load_pack
from assistant.core.case import Referral, parse_case
from assistant.core.engine import decide
from assistant.core.errors import InputError
from assistant.forms import build_form, prefill, render
from assistant.forms.context import fill_from_answers
from tests.support.forms import PACK_DIR, TODAY
from tests.support.readback import docx_all_text, docx_rows

SALFORD = Path(__file__).resolve().parents[2] / "rules" / "salford"
ANSWERS = {
    "immediate_risk": "no",
    "subject_age_band": "under_16",
    "looked_after": "yes",
    "harm": "died",
    "abuse_or_neglect": "suspected",
    "incident_location": "in_area",
    "perpetrator_relationship": "family_partner_or_household",
    "escalation_tried": "no",
    "multi_agency_concerns": "yes",
    "incident_date": dt.date(2026, 2, 27),
    "aware_date": dt.date(2026, 3, 2),
    "notification_date": dt.date(2026, 3, 4),
}


def test_what_the_answers_say_is_filled_in_and_never_replaces_what_was_typed():
    pack = load_pack(SALFORD)
    filled = fill_from_answers(pack, ANSWERS, Referral())
    assert filled.incident.type == "Death"
    assert filled.incident.location == "In Salford"
    assert filled.incident.alleged_perpetrator == "A relative, partner or household member"
    assert filled.incident.date == dt.date(2026, 2, 27)
    assert (filled.panel.notified, filled.panel.date) == ("Yes", dt.date(2026, 3, 4))
    assert filled.child.legal_status == "Looked after"
    assert "has not been used" in (filled.history.escalation_outcome or "")
    assert "no child is at risk now" in (filled.family.siblings_safe or "")
    typed = Referral.model_validate(
        {"incident": {"type": "Other", "location": "A park"}, "child": {"legal_status": "CP plan"}}
    )
    kept = fill_from_answers(pack, ANSWERS, typed)
    assert (kept.incident.type, kept.incident.location) == ("Other", "A park")
    assert kept.child.legal_status == "CP plan"
    decision = decide(pack, ANSWERS, today=TODAY)
    chat = prefill(pack, decision, ANSWERS, typed, TODAY)
    assert chat.incident.location == "A park" and chat.panel.notified == "Yes"


def test_a_child_who_harmed_someone_is_an_other_incident():
    pack = load_pack(SALFORD)
    answers = {"subject_age_band": "age_16_17", "harm": "no_harm", "harmed_another": "yes"}
    assert fill_from_answers(pack, answers, Referral()).incident.type.startswith("Other")


def _case(referral: str, facts: str = "") -> str:
    return (
        "contract: 1\nfacts:\n  subject_age_band: under_16\n  harm: died\n"
        "  abuse_or_neglect: suspected\n" + facts + "referral:\n" + referral
    )


@pytest.mark.parametrize(
    ("referral", "facts", "said"),
    [
        (
            "  incident: {date: 2026-03-02, aware_date: 2026-03-01}\n",
            "",
            "referral.incident.aware_date: 2026-03-01 is before the incident (2026-03-02)",
        ),
        (
            "  incident: {aware_date: 2026-03-01}\n",
            "  incident_date: 2026-03-02\n",
            "referral.incident.aware_date: 2026-03-01 is before the incident (2026-03-02)",
        ),
        (
            "  incident: {date: 2026-03-03}\n",
            "  incident_date: 2026-03-02\n",
            "referral.incident.date: 2026-03-03 differs from the case's incident_date (2026-03-02)",
        ),
        (
            "  panel: {date: 2026-03-05}\n",
            "  aware_date: 2026-03-06\n",
            "referral.panel.date: 2026-03-05 is before the agency became aware (2026-03-06)",
        ),
        (
            "  incident: {date: 2026-03-02, date_of_death: 2026-03-01}\n",
            "",
            "referral.incident.date_of_death: 2026-03-01 is before the incident (2026-03-02)",
        ),
        (
            "  good_outcome: {period_from: 2026-03-02, period_to: 2026-01-01}\n",
            "",
            "referral.good_outcome.period_to: 2026-01-01 is before the start of the period",
        ),
        (
            "  endorsed_by: {name: N, date: 2027-01-01}\n",
            "",
            "referral.endorsed_by.date: 2027-01-01 is in the future",
        ),
    ],
)
def test_a_forms_dates_cannot_contradict_the_case(referral, facts, said):
    with pytest.raises(InputError) as info:
        parse_case(_case(referral, facts), "case.yaml", today=TODAY)
    problems = getattr(info.value, "problems", None) or [str(info.value)]
    assert any(said in problem for problem in problems), problems


def test_aware_before_incident_is_an_error_in_form_as_in_decide(tmp_path):
    case = tmp_path / "case.yaml"
    case.write_text(
        _case("  referrer: {name: A}\n  incident: {date: 2026-03-02, aware_date: 2026-03-01}\n"),
        encoding="utf-8",
    )
    out = tmp_path / "form.md"
    for command in (["form", str(case), "-o", str(out)], ["decide", str(case)]):
        done = subprocess.run(
            [sys.executable, "-m", "assistant", "--rules", str(PACK_DIR), *command],
            capture_output=True,
            text=True,
        )
        assert done.returncode == 2, done.stderr
        assert "is before the incident" in done.stderr and "Traceback" not in done.stderr
    assert not out.exists()


@pytest.mark.parametrize("form_id", ["practice_review_referral", "seriously_good_outcome_referral"])
def test_both_forms_carry_the_salford_address_in_every_format(form_id):
    pack = load_pack(SALFORD)
    decision = decide(pack, ANSWERS, today=TODAY)
    form = build_form(pack, decision, ANSWERS, Referral(), form_id=form_id, today=TODAY)
    for fmt in ("md", "txt", "html"):
        assert "SSCP@salford.gov.uk" in render(form, fmt), fmt
    word = render(form, "docx")
    assert "SSCP@salford.gov.uk" in docx_all_text(word)
    assert [
        form.context["words"]["agency_name"],
        "Involvement with the child or family",
        "Contact in the agency",
    ] in docx_rows(word)


def test_the_mother_of_an_unborn_child_is_asked_for_only_then():
    pack = load_pack(PACK_DIR)
    unborn = {"subject_age_band": "unborn", "harm": "serious_harm", "abuse_or_neglect": "known"}
    born = {**unborn, "subject_age_band": "under_16"}
    names = []
    for answers in (unborn, born):
        decision = decide(pack, answers, today=TODAY)
        form = build_form(pack, decision, answers, Referral(), today=TODAY)
        names.append({f["name"] for s in form.context["sections"] for f in s["fields"]})
    assert "mother.name" in names[0] and "mother.name" not in names[1]
