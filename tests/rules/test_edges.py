"""The pack's edges that a YAML rule test cannot say: who notifies, date tests, the address.

The rule tests compare ids; these read the words a practitioner gets (the notification's `who`),
the `{date: given}` condition, the date check on a completed rapid review, and the referral
address the forms read from pack.yaml.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path

import pytest

from assistant.core import Pack, decide, load_pack, next_question
from assistant.core.case import parse_case
from assistant.core.errors import InputError
from assistant.core.logic import FALSE, TRUE, parse_condition

PACK_DIR = Path(__file__).resolve().parents[2] / "rules" / "salford"
TODAY = dt.date(2026, 6, 1)


@cache
def _pack() -> Pack:
    return load_pack(PACK_DIR)


LAC_DEATH = {
    "immediate_risk": "no",
    "subject_age_band": "under_16",
    "looked_after": "yes",
    "harm": "died",
    "abuse_or_neglect": "not_suspected",
    "death_unnatural_or_unexplained": "no",
    "incident_location": "in_area",
    "setting": "home_or_community",
    "multi_agency_concerns": "no",
    "single_agency_concerns": "no",
    "aware_date": dt.date(2026, 3, 2),
}


def _who(facts: dict[str, object]) -> str:
    decision = decide(_pack(), facts)
    (found,) = [n for n in decision.notifications if n.id == "ofsted_secretary_of_state"]
    return found.who


def test_the_authority_that_looks_after_the_child_notifies() -> None:
    assert _who({**LAC_DEATH, "responsible_authority": "this_area"}).startswith(
        "Salford City Council"
    )
    other = _who({**LAC_DEATH, "responsible_authority": "other_area"})
    assert "another area" in other and "Salford agencies tell that authority" in other
    unknown = _who(LAC_DEATH)
    assert "Salford" not in unknown and "looks after the child" in unknown


def test_the_responsible_authority_is_asked_for_a_looked_after_childs_death() -> None:
    answers = {k: v for k, v in LAC_DEATH.items() if k != "death_unnatural_or_unexplained"}
    asked = []
    for _ in range(40):
        question = next_question(_pack(), answers, today=TODAY)
        if question is None:
            break
        asked.append(question.fact)
        answers[question.fact] = "unknown"
    assert "responsible_authority" in asked
    assert "death_unnatural_or_unexplained" in asked


def test_a_16_year_old_is_asked_about_leaving_care_only_when_not_looked_after() -> None:
    base = {"immediate_risk": "no", "subject_age_band": "age_16_17", "harm": "died"}

    def asks(extra: dict[str, object]) -> list[str]:
        answers = {**base, **extra}
        asked = []
        for _ in range(40):
            question = next_question(_pack(), answers, today=TODAY)
            if question is None:
                break
            asked.append(question.fact)
            answers[question.fact] = "no" if question.fact == "looked_after" else "unknown"
        return asked

    assert "care_leaver" in asks({})
    assert "care_leaver" not in asks({"looked_after": "yes"})


def test_a_date_condition_tests_only_whether_the_date_is_given() -> None:
    done = parse_condition({"rapid_review_completed": "given"})
    assert (
        done.evaluate(
            {"rapid_review_completed": dt.date(2026, 1, 2)}, lambda n: (TRUE, frozenset())
        )[0]
        == TRUE
    )
    assert done.evaluate({}, lambda n: (TRUE, frozenset()))[0] == FALSE
    assert (
        done.evaluate({"rapid_review_completed": "unknown"}, lambda n: (TRUE, frozenset()))[0]
        == FALSE
    )


def test_rapid_review_completed_before_the_notification_is_an_input_error() -> None:
    text = (
        "contract: 1\nfacts: {subject_age_band: under_16}\n"
        "dates: {aware_date: 2026-01-05, notification_date: 2026-01-07, "
        "rapid_review_completed: 2026-01-06}\n"
    )
    with pytest.raises(InputError) as info:
        parse_case(text, "case.yaml", today=TODAY)
    message = str(info.value)
    assert "rapid_review_completed: 2026-01-06 is before notification_date 2026-01-07" in message


def test_rapid_review_completed_is_a_date_of_the_case() -> None:
    text = (
        "contract: 1\nfacts: {subject_age_band: under_16, rapid_review_completed: 2026-01-27}\n"
        "dates: {notification_date: 2026-01-07}\n"
    )
    case = parse_case(text, "case.yaml", today=TODAY)
    assert case.fact_values()["rapid_review_completed"] == dt.date(2026, 1, 27)
    with pytest.raises(InputError) as info:
        parse_case(text.replace("2026-01-27", "2027-01-27"), "case.yaml", today=TODAY)
    assert "in the future" in str(info.value)


def test_the_referral_address_is_in_the_pack() -> None:
    assert _pack().meta.referral_address == "SSCP@salford.gov.uk"
    texts = {r.id: r.text for r in _pack().rules}
    assert "SSCP@salford.gov.uk" in texts["R-07c"]


def test_no_text_promises_an_inquest() -> None:
    for rule in _pack().rules:
        assert "there will be an inquest" not in " ".join(rule.text.split()).lower(), rule.id
