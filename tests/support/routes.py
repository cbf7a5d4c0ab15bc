"""Facts that reach each route of the shipped Salford pack, and how a person types them.

One answer set per route: a fact the conversation asks about that is not listed is answered
"not sure". The chat, plain mode and the conversation layer all walk these.
"""

from __future__ import annotations

import datetime as dt

from assistant.conversation.state import ConversationState

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
        "harmed_another": "no",
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
        "harmed_another": "no",
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


# the practice review route, the one most tests walk to
PRACTICE_REVIEW = ROUTE_FACTS["practice_review_referral"]


# The fewest facts that reach each route, in the shipped pack and in the frozen copy the chat's
# snapshots use (tests/tui/pack): a yes/no question not listed is answered with the word beside
# the facts, any other with "not sure". The chat's tests and snapshots walk these.
SHORT_ROUTES: dict[str, tuple[dict[str, object], str]] = {
    "serious_incident": (
        {
            "immediate_risk": "no",
            "subject_age_band": "under_16",
            "harm": "serious_harm",
            "abuse_or_neglect": "suspected",
            "incident_location": "in_area",
            "aware_date": dt.date(2026, 3, 2),
        },
        "unknown",
    ),
    "practice_review_referral": (
        {
            "immediate_risk": "no",
            "subject_age_band": "under_16",
            "harm": "other_harm",
            "abuse_or_neglect": "suspected",
            "incident_location": "in_area",
            "multi_agency_concerns": "yes",
            "agencies_involved": "two_or_more",
        },
        "unknown",
    ),
    "good_outcome_referral": (
        {
            "immediate_risk": "no",
            "subject_age_band": "age_16_17",
            "harm": "no_harm",
            "abuse_or_neglect": "not_suspected",
            "incident_location": "in_area",
            "positive_outcome": "yes",
            "agencies_involved": "two_or_more",
            "good_practice_made_difference": "yes",
            "learning_transferable": "yes",
        },
        "no",
    ),
    "other_process": (
        {
            "immediate_risk": "no",
            "subject_age_band": "age_25_plus",
            "harm": "died",
            "abuse_or_neglect": "suspected",
        },
        "unknown",
    ),
    "no_referral": (
        {
            "immediate_risk": "no",
            "subject_age_band": "under_16",
            "harm": "other_harm",
            "incident_location": "in_area",
        },
        "no",
    ),
}


def short_default(word: str):
    def pick(question):
        if question.kind == "tri":
            return word
        return "unknown"

    return pick


def answers_for(pack, facts, default: str, today=None) -> dict:
    """The answers given on the way to an outcome from SHORT_ROUTES-style `facts` (no UI)."""
    state = ConversationState(pack, today=today)
    while state.current is not None:
        question = state.current
        state.answer(question.fact, facts.get(question.fact, short_default(default)(question)))
    return dict(state.answers)
