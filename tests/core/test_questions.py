"""next_question asks only what can still change the decision; replay keeps answers apart."""

from __future__ import annotations

import datetime as dt

from assistant.core.engine import next_question, replay
from assistant.core.pack import Pack
from tests.support.core import TODAY


def _walk(pack: Pack, answers: dict[str, object]) -> list[str]:
    """The facts asked, in order, answering each from `answers` (else "unknown")."""
    asked: list[str] = []
    given: dict[str, object] = {}
    while (q := next_question(pack, given, today=TODAY)) is not None:
        asked.append(q.fact)
        given[q.fact] = answers.get(q.fact, "unknown")
        assert len(asked) <= len(pack.questions), asked
    return asked


def test_the_first_question_is_immediate_risk(mini: Pack, salford: Pack) -> None:
    assert next_question(mini, {}, today=TODAY).fact == "immediate_risk"
    assert next_question(salford, {}, today=TODAY).fact == "immediate_risk"


def test_yes_to_immediate_risk_ends_the_questions(mini: Pack, salford: Pack) -> None:
    assert next_question(mini, {"immediate_risk": "yes"}, today=TODAY) is None
    assert next_question(salford, {"immediate_risk": "yes"}, today=TODAY) is None


def test_a_serious_incident_walk(mini: Pack) -> None:
    answers = {
        "immediate_risk": "no",
        "subject_age_band": "under_16",
        "harm": "serious_harm",
        "abuse_or_neglect": "suspected",
        "multi_agency_concerns": "yes",
        "aware_date": dt.date(2026, 3, 2),
        "notification_date": dt.date(2026, 3, 4),
    }
    asked = _walk(mini, answers)
    # looked_after only matters to LAC-DEATH, which harm=serious_harm has already stopped;
    # single_agency_concerns cannot matter once multi_agency_concerns is yes (an any-of)
    assert asked == [
        "immediate_risk",
        "subject_age_band",
        "harm",
        "abuse_or_neglect",
        "multi_agency_concerns",
        "aware_date",
        "notification_date",
    ]


def test_questions_that_cannot_matter_are_skipped(mini: Pack) -> None:
    # an adult: every rule needing a child is already false, so no child questions, no dates
    asked = _walk(
        mini, {"immediate_risk": "no", "subject_age_band": "age_25_plus", "harm": "no_harm"}
    )
    assert asked == ["immediate_risk", "subject_age_band", "harm"]
    # ask_if: looked_after is asked only about a child
    assert "looked_after" not in asked


def test_a_date_is_asked_only_when_a_deadline_needs_it(mini: Pack) -> None:
    asked = _walk(
        mini,
        {
            "immediate_risk": "no",
            "subject_age_band": "under_16",
            "harm": "other_harm",
            "multi_agency_concerns": "no",
            "single_agency_concerns": "no",
        },
    )
    assert "aware_date" not in asked and "notification_date" not in asked


def test_not_sure_is_an_answer_and_is_not_asked_again(mini: Pack) -> None:
    answers = {"immediate_risk": "no", "subject_age_band": "under_16", "harm": "unknown"}
    q = next_question(mini, answers, today=TODAY)
    assert q is not None and q.fact == "abuse_or_neglect"
    asked = _walk(mini, {"immediate_risk": "no", "subject_age_band": "under_16"})
    assert asked.count("harm") == 1


def test_an_any_of_question_that_only_settles_certainty_is_asked(mini: Pack) -> None:
    """Both concerns unknown: CONCERNS is possible. Answering 'yes' to one settles it, so the
    question matters even though 'no' leaves the rule possible through the other fact."""
    answers = {
        "immediate_risk": "no",
        "subject_age_band": "under_16",
        "harm": "other_harm",
        "abuse_or_neglect": "not_suspected",
    }
    assert next_question(mini, answers, today=TODAY).fact == "multi_agency_concerns"


def test_choices_always_end_with_not_sure(mini: Pack, salford: Pack) -> None:
    for pack in (mini, salford):
        for question in pack.questions:
            choices = question.choices()
            assert choices[-1].value == "unknown"
            assert choices[-1].label


# --- replay ---------------------------------------------------------------------------------------

FULL = {
    "immediate_risk": "no",
    "subject_age_band": "under_16",
    "harm": "died",
    "abuse_or_neglect": "suspected",
    "looked_after": "yes",
    "multi_agency_concerns": "yes",
    "aware_date": dt.date(2026, 3, 2),
}


def test_replay_applies_every_answer_on_the_path(mini: Pack) -> None:
    path = replay(mini, FULL, today=TODAY)
    assert path.applied == FULL
    assert path.set_aside == {}
    assert [q.fact for q, _ in path.asked] == [
        "immediate_risk",
        "subject_age_band",
        "harm",
        "abuse_or_neglect",
        "looked_after",
        "multi_agency_concerns",
    ]
    assert path.current is not None and path.current.fact == "notification_date"
    assert not path.complete


def test_changing_an_early_answer_sets_later_ones_aside_not_lost(mini: Pack) -> None:
    path = replay(mini, {**FULL, "immediate_risk": "yes"}, today=TODAY)
    assert path.applied == {"immediate_risk": "yes", "aware_date": FULL["aware_date"]}
    assert set(path.set_aside) == {
        "subject_age_band",
        "harm",
        "abuse_or_neglect",
        "looked_after",
        "multi_agency_concerns",
    }
    assert path.complete
    # changing it back: every later answer is used again, nothing asked twice
    back = replay(mini, {**FULL, **path.set_aside, "immediate_risk": "no"}, today=TODAY)
    assert back.applied == FULL and back.set_aside == {}


def test_changing_a_middle_answer_keeps_what_still_applies(mini: Pack) -> None:
    path = replay(mini, {**FULL, "subject_age_band": "age_25_plus"}, today=TODAY)
    # an adult: looked_after (ask_if child) and the child-only concerns no longer apply
    assert "looked_after" in path.set_aside
    assert "multi_agency_concerns" in path.set_aside
    # answers still on the path are kept
    assert path.applied["harm"] == "died"
    assert path.applied["immediate_risk"] == "no"
