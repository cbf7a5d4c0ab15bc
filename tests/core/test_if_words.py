"""The outcome's "If …" lines say how the open answers combine: "or" for alternatives, "and" only
for facts that must all hold, and the facts by name when the words cannot say how they combine."""

from __future__ import annotations

import pytest

from assistant.core import decide, load_pack
from assistant.core.if_words import _say
from assistant.core.outcome import build_outcome


@pytest.fixture(scope="module")
def pack():
    return load_pack()


def conditions(pack, facts) -> dict[str, str]:
    """Each possible item's first words -> the condition it is listed under."""
    outcome = build_outcome(pack, decide(pack, facts), facts)
    return {
        item.split(".")[0]: group.condition for group in outcome.possible for item in group.items
    }


CHILD_DIED = dict(
    immediate_risk="no",
    subject_age_band="under_16",
    harm="died",
    incident_location="in_area",
    normally_resident_in_area="yes",
    looked_after="no",
)


def test_alternatives_are_joined_with_or(pack):
    """The coroner is told of a death that was unnatural, or with abuse or neglect, or in custody:
    any one of them, so the line must not say all three are needed."""
    facts = dict(
        CHILD_DIED,
        abuse_or_neglect="unknown",
        setting="unknown",
        death_unnatural_or_unexplained="unknown",
    )
    condition = conditions(pack, facts)["Coroner"]
    assert condition == (
        "abuse or neglect is known or suspected, the child was living or held in custody, "
        "detention or a regulated setting or the death was or may have been violent, unnatural "
        "or unexplained"
    )


def test_one_open_fact_is_said_in_its_own_words(pack):
    facts = dict(CHILD_DIED, abuse_or_neglect="unknown", setting="home_or_community")
    found = conditions(pack, facts)
    assert found[
        "Notify the Child Safeguarding Practice Review Panel (serious incident notification)"
    ] == ("abuse or neglect is known or suspected")


def test_facts_that_combine_both_ways_are_named_not_combined(pack):
    """Abuse, where it happened and where the child lives combine with both "and" and "or" for
    the Panel notification: the line names them rather than claim they must all hold."""
    facts = dict(
        immediate_risk="no", subject_age_band="under_16", harm="died", abuse_or_neglect="unknown"
    )
    condition = conditions(pack, facts)["Report the incident to the safeguarding partners"]
    assert condition == (
        "the answers on abuse or neglect, where it happened and normally lives in Salford "
        "confirm it"
    )


def words(fact: str) -> str:
    return f"<{fact}>"


def order(fact: str) -> tuple[int, str]:
    return (["harm", "abuse_or_neglect", "multi_agency_concerns"].index(fact), fact)


HARM = ("fact", "harm", frozenset({"died", "serious_harm"}))
ABUSE = ("fact", "abuse_or_neglect", frozenset({"known", "suspected"}))
CONCERN = ("fact", "multi_agency_concerns", frozenset({"yes"}))


@pytest.mark.parametrize(
    ("node", "said"),
    [
        (("all", frozenset({CONCERN, HARM})), "<harm> and <multi_agency_concerns>"),
        (
            ("any", frozenset({ABUSE, HARM, CONCERN})),
            "<harm>, <abuse_or_neglect> or <multi_agency_concerns>",
        ),
        (("all", frozenset({HARM, ("any", frozenset({ABUSE, CONCERN}))})), None),
        (("fact", "multi_agency_concerns", frozenset({"no"})), None),  # the words say the "yes"
        (("not", HARM), None),
    ],
    ids=["and", "or-in-question-order", "mixed", "a-no", "not"],
)
def test_what_is_left_is_said_only_when_the_words_say_it_faithfully(node, said):
    assert _say(node, words, order) == said
