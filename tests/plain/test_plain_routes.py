"""Plain mode driven through a pipe to an outcome for every route, matching `decide` exactly."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml
from plain_helpers import run_cli

from assistant.core import load_pack
from assistant.core.contract import ROUTES
from assistant.tui.state import ConversationState

# Facts that lead to each route (a fact the conversation asks about but that is not listed here
# is answered "not sure").
ROUTE_FACTS: dict[str, dict[str, object]] = {
    "urgent_safeguarding_referral": {"immediate_risk": "yes"},
    "serious_incident": {
        "immediate_risk": "no",
        "subject_age_band": "under_16",
        "harm": "died",
        "abuse_or_neglect": "known",
        "looked_after": "no",
        "incident_location": "in_area",
        "setting": "home_or_community",
        "aware_date": dt.date(2026, 11, 2),
    },
    "practice_review_referral": {
        "immediate_risk": "no",
        "subject_age_band": "under_16",
        "harm": "other_harm",
        "abuse_or_neglect": "suspected",
        "looked_after": "no",
        "incident_location": "in_area",
        "multi_agency_concerns": "yes",
        "improvements_needed": "yes",
        "setting": "home_or_community",
    },
    "good_outcome_referral": {
        "immediate_risk": "no",
        "subject_age_band": "under_16",
        "harm": "no_harm",
        "abuse_or_neglect": "not_suspected",
        "looked_after": "no",
        "incident_location": "in_area",
        "setting": "home_or_community",
        "multi_agency_concerns": "no",
        "single_agency_concerns": "no",
        "improvements_needed": "no",
        "positive_outcome": "yes",
        "agencies_involved": "two_or_more",
        "good_practice_made_difference": "yes",
        "learning_transferable": "yes",
    },
    "other_process": {
        "immediate_risk": "no",
        "subject_age_band": "age_25_plus",
        "harm": "died",
        "abuse_or_neglect": "known",
        "adult_harmed": "yes",
        "perpetrator_relationship": "family_partner_or_household",
        "adult_care_and_support_needs": "yes",
    },
    "no_referral": {
        "immediate_risk": "no",
        "subject_age_band": "under_16",
        "harm": "no_harm",
        "abuse_or_neglect": "not_suspected",
        "looked_after": "no",
        "incident_location": "in_area",
        "setting": "home_or_community",
        "multi_agency_concerns": "no",
        "single_agency_concerns": "no",
        "improvements_needed": "no",
        "recurrent_themes": "no",
        "positive_outcome": "no",
    },
}


def typed_answers(pack, facts):
    """What a person types, question by question, to give `facts` (and the answers it gives)."""
    state = ConversationState(pack)
    lines: list[str] = []
    while state.current is not None:
        question = state.current
        value = facts.get(question.fact, "unknown")
        if isinstance(value, dt.date):
            lines.append(value.isoformat())
        elif value == "unknown":
            lines.append("not sure")
        else:
            choices = question.choices(pack.labels.values.get(question.fact))
            number = [c.value for c in choices].index(value) + 1
            # alternate numbers and the option's own words, as people do
            lines.append(str(number) if len(lines) % 2 == 0 else choices[number - 1].label)
        state.answer(question.fact, value)
    return lines, state


def test_every_route_is_covered():
    assert set(ROUTE_FACTS) == set(ROUTES)


@pytest.mark.parametrize("route", ROUTES)
def test_pipe_reaches_the_outcome_for_each_route(route, env, tmp_path):
    pack = load_pack()
    lines, state = typed_answers(pack, ROUTE_FACTS[route])
    assert state.decision().route == route, (
        f"the conversation for {route} gave {state.decision().route}; asked: "
        f"{[q.fact for q, _ in state.path.asked]}"
    )
    done = run_cli(["plain"], env, "\n".join(lines) + "\n")
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stderr == ""
    assert "Traceback" not in done.stdout

    # the same outcome text as `decide` for a case file holding the same answers
    facts = {
        k: (v.isoformat() if isinstance(v, dt.date) else v)
        for k, v in state.applied.items()
        if not (k.endswith("_date") and v == "unknown")  # a case file leaves an unknown date out
    }
    case = tmp_path / "case.yaml"
    case.write_text(yaml.safe_dump({"contract": 1, "facts": facts}))
    decided = run_cli(["decide", str(case)], env)
    assert decided.returncode == 0, decided.stderr
    assert done.stdout.rstrip().endswith(decided.stdout.rstrip())
    assert f"OUTCOME: {pack.labels.routes[route].label}" in done.stdout
    # one question block per answer given
    assert done.stdout.count("\nQuestion ") + done.stdout.startswith("Question ") == len(lines)
