""" "Not yet" at the Panel notification date: a known answer, unlike "not sure".

The Panel not notified yet cannot have suggested a local review, so that question is not asked
and reg 11(d) is not a possible criterion; to the deadlines "not yet" is no date, so the rapid
review still counts from the latest notification date. "Not sure" stays unknown and changes
nothing that it did before.
"""

from __future__ import annotations

import datetime as dt

import pytest

from assistant.core import contract as C
from assistant.core.case import parse_case
from assistant.core.drafts import Draft, check_answers
from assistant.core.engine import decide, next_question
from assistant.core.errors import InputError
from assistant.core.logic import FALSE, TRUE, parse_condition
from assistant.core.pack import Pack
from tests.support.core import TODAY

SERIOUS_HERE = {
    "immediate_risk": "no",
    "subject_age_band": "under_16",
    "harm": "serious_harm",
    "abuse_or_neglect": "suspected",
    "looked_after": "no",
    "incident_location": "in_area",
    "normally_resident_in_area": "yes",
    "aware_date": dt.date(2026, 11, 2),
}


def _asked(pack: Pack, answers: dict[str, object]) -> list[str]:
    """The facts asked after `answers`, each answered "not sure"."""
    given = dict(answers)
    asked: list[str] = []
    while (q := next_question(pack, given, today=TODAY)) is not None:
        asked.append(q.fact)
        given[q.fact] = "unknown"
        assert len(asked) <= len(pack.questions), asked
    return asked


def _no_refs(name: str):  # pragma: no cover - the conditions here use no ref
    raise AssertionError(name)


def test_a_not_yet_test_is_two_valued_and_told_apart_from_given() -> None:
    not_yet = parse_condition({"notification_date": "not_yet"})
    given = parse_condition({"notification_date": "given"})
    for value, expected_not_yet, expected_given in (
        (C.NOT_YET, TRUE, FALSE),
        (dt.date(2026, 11, 3), FALSE, TRUE),
        ("unknown", FALSE, FALSE),  # "not sure" is not "not yet"
        (None, FALSE, FALSE),
    ):
        facts = {} if value is None else {"notification_date": value}
        assert not_yet.evaluate(facts, _no_refs)[0] == expected_not_yet, value
        assert given.evaluate(facts, _no_refs)[0] == expected_given, value


def test_the_question_offers_not_yet_and_not_sure_apart(salford: Pack) -> None:
    choices = salford.question_for["notification_date"].choices()
    assert [c.value for c in choices] == ["not_yet", "unknown"]
    assert [c.label for c in choices] == ["Not yet", "Not sure"]


def test_not_yet_skips_whether_the_panel_suggested_a_local_review(salford: Pack) -> None:
    not_yet = _asked(salford, {**SERIOUS_HERE, "notification_date": C.NOT_YET})
    not_sure = _asked(salford, {**SERIOUS_HERE, "notification_date": "unknown"})
    notified = _asked(salford, {**SERIOUS_HERE, "notification_date": dt.date(2026, 11, 3)})
    assert "panel_suggested_local_review" not in not_yet
    assert "panel_suggested_local_review" in not_sure
    assert "panel_suggested_local_review" in notified


def test_the_notification_date_question_is_asked_and_leads_on(salford: Pack) -> None:
    asked = _asked(salford, SERIOUS_HERE)
    assert "notification_date" in asked
    assert "rapid_review_completed" not in asked  # "not sure" is no date: nothing done yet


def test_not_yet_counts_the_rapid_review_from_the_latest_notification_date(salford) -> None:
    for value in (C.NOT_YET, "unknown"):
        d = decide(salford, {**SERIOUS_HERE, "notification_date": value}, today=TODAY)
        assert d.route == "serious_incident"
        rapid = next(x for x in d.deadlines if x.id == "rapid_review")
        assert rapid.basis == "latest_notification" and rapid.due is not None, value
        assert rapid.done is None
        panel = next(n for n in d.notifications if n.id == "panel_notification")
        assert panel.done is None and panel.due == dt.date(2026, 11, 9)
        assert d.rules.in_force_on == dt.date(2026, 11, 2)


def test_not_yet_settles_reg11d_but_not_sure_leaves_it_possible(salford: Pack) -> None:
    others = {
        "improvements_needed": "no",
        "recurrent_themes": "no",
        "multi_agency_concerns": "no",
        "single_agency_concerns": "no",
        "no_agency_involvement_concern": "no",
        "cross_area": "no",
        "institutional_setting": "no",
    }
    facts = {**SERIOUS_HERE, **others}
    not_yet = decide(salford, {**facts, "notification_date": C.NOT_YET}, today=TODAY)
    not_sure = decide(salford, facts, today=TODAY)
    assert ("criterion", "reg11_d") not in {(p.kind, p.id) for p in not_yet.possible}
    assert ("criterion", "reg11_d") in {(p.kind, p.id) for p in not_sure.possible}
    assert not_yet.reviews.lcspr == "not_indicated"
    assert not_sure.reviews.lcspr == "possible"  # an unknown never lowers it
    # the same route either way: "not yet" is about the Panel, never about the route
    assert not_yet.route == not_sure.route == "serious_incident"
    # a suggestion the Panel made (with a date) still counts
    notified = decide(
        salford,
        {**facts, "notification_date": dt.date(2026, 11, 3), "panel_suggested_local_review": "yes"},
        today=TODAY,
    )
    assert "reg11_d" in notified.reviews.criteria_met and notified.reviews.lcspr == "indicated"


CASE = """contract: 1
facts:
  immediate_risk: no
  subject_age_band: under_16
  harm: serious_harm
  abuse_or_neglect: suspected
  incident_location: in_area
  aware_date: 2026-11-02
"""


@pytest.mark.parametrize("where", ["facts", "dates"])
def test_a_case_file_may_say_not_yet(salford: Pack, where: str) -> None:
    text = (
        CASE + "  notification_date: not_yet\n"
        if where == "facts"
        else CASE + "dates:\n  notification_date: not_yet\n"
    )
    case = parse_case(text, "c.yaml", TODAY)
    assert case.fact_values()["notification_date"] == C.NOT_YET
    d = decide(salford, case.fact_values(), today=TODAY)
    rapid = next(x for x in d.deadlines if x.id == "rapid_review")
    assert rapid.basis == "latest_notification"


@pytest.mark.parametrize(
    ("extra", "fragment"),
    [
        ("  notification_date: not yet yesterday\n", "or not_yet if it has not happened yet"),
        ("  aware_date: not_yet\n", "not a date"),  # only the notification date may be not_yet
        (
            "  notification_date: not_yet\n  rapid_review_completed: 2026-11-20\n",
            "a rapid review follows the notification",
        ),
        (
            "  notification_date: not_yet\n  panel_suggested_local_review: yes\n",
            "cannot have suggested a local review",
        ),
        (
            "  notification_date: not_yet\nreferral:\n  panel: {date: 2026-11-04}\n",
            "the form and the case must agree",
        ),
    ],
)
def test_not_yet_cannot_contradict_the_case(extra: str, fragment: str) -> None:
    text = CASE.replace("  aware_date: 2026-11-02\n", "") if "aware_date" in extra else CASE
    with pytest.raises(InputError, match=fragment):
        parse_case(text + extra, "c.yaml", TODAY)


def test_drafts_keep_not_yet() -> None:
    assert check_answers({"notification_date": "not_yet"}) == {"notification_date": "not_yet"}
    with pytest.raises(ValueError):
        check_answers({"aware_date": "not_yet"})
    draft = Draft.start("salford", "1")
    draft.set_answers({"notification_date": C.NOT_YET, "aware_date": dt.date(2026, 11, 2)})
    assert draft.answers == {"notification_date": "not_yet", "aware_date": "2026-11-02"}
    assert draft.engine_answers() == {
        "notification_date": "not_yet",
        "aware_date": dt.date(2026, 11, 2),
    }


@pytest.mark.parametrize(
    ("value", "expected"),
    [(C.NOT_YET, "Not yet"), (dt.date(2026, 11, 3), "Yes"), ("unknown", "(not given)")],
)
def test_the_form_says_whether_the_panel_was_notified(salford: Pack, value, expected) -> None:
    from assistant.core.case import Referral
    from assistant.forms import render as render_form
    from assistant.forms.context import build_form, fill_from_answers

    facts = {**SERIOUS_HERE, "notification_date": value}
    referral = fill_from_answers(salford, facts, Referral())
    form = build_form(salford, decide(salford, facts, today=TODAY), facts, referral, today=TODAY)
    text = str(render_form(form, "txt"))
    line = next(x for x in text.splitlines() if x.startswith("Whether the Panel has been notified"))
    assert line.endswith(": " + expected), line
