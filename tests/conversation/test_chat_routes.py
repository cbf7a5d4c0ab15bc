"""The chat's conversation below the UI: what the chat app shows comes from these events and
from the outcome's Markdown, so the logic is checked here in milliseconds (the Pilot tests in
tests/tui keep the keys, the mouse, focus and layout)."""

from __future__ import annotations

import datetime as dt

import pytest

from assistant.conversation import events as E
from assistant.conversation.conversation import STEP_CARRY_ON, STEP_OUTCOME, STEP_REVIEW
from assistant.conversation.outcome_text import outcome_markdown
from assistant.core import decide, load_pack
from assistant.core.outcome import build_outcome
from tests.support.conversation import TODAY, choose, conversation, of, said, say
from tests.support.routes import SHORT_ROUTES, short_default


@pytest.fixture(scope="module")
def pack():
    return load_pack()


def answer_all(conv, facts, default) -> list[tuple[str, object]]:
    """Answer every question from `facts` (else `default`), dates typed; what was asked."""
    asked: list[tuple[str, object]] = []
    while conv.mode == "question":
        question = conv.asking
        value = facts.get(question.fact, default(question))
        asked.append((question.fact, value))
        if isinstance(value, dt.date):
            say(conv, value.isoformat())
        else:
            choose(conv, value)
    return asked


def shown_outcome(conv, events) -> str:
    """The outcome's Markdown, as the chat's outcome screen shows it for a ShowOutcome."""
    shown = of(events, E.ShowOutcome)
    assert shown, f"no outcome in {events!r}"
    return outcome_markdown(conv.pack, shown[0].decision, conv.state.applied)


def test_yes_to_immediate_risk_gives_the_urgent_route_and_contacts_at_once(pack):
    conv = conversation(pack)
    conv.opening()
    events = choose(conv, "yes")
    assert conv.state.decision().route == "urgent_safeguarding_referral"
    assert [s.value for s in of(events, E.Offer)[-1].steps] == [STEP_CARRY_ON, STEP_OUTCOME]
    text = shown_outcome(conv, choose(conv, STEP_OUTCOME))
    assert pack.labels.routes["urgent_safeguarding_referral"].label in text
    for contact in pack.meta.contacts:
        assert contact.phone in text
        assert contact.phone in said(events)
    assert "safeguarding partners decide" in text


def test_not_sure_about_immediate_risk_shows_the_contacts_and_carries_on(pack):
    conv = conversation(pack)
    conv.opening()
    events = say(conv, "not sure")
    for contact in pack.meta.contacts:
        assert contact.phone in said(events)
    assert conv.asking is not None
    assert conv.asking.fact != "immediate_risk"


@pytest.mark.parametrize("route", list(SHORT_ROUTES))
def test_a_complete_conversation_reaches_each_route(pack, route):
    facts, default = SHORT_ROUTES[route]
    conv = conversation(pack)
    conv.opening()
    asked = answer_all(conv, facts, short_default(default))
    assert asked[0][0] == "immediate_risk"
    assert conv.mode == "complete"
    answered = dict(asked)
    assert conv.state.applied == answered
    assert decide(pack, answered, today=TODAY).route == route
    # before the outcome is final, the user may review it
    assert [c.value for c in conv.choices()] == [STEP_OUTCOME, STEP_REVIEW]
    text = shown_outcome(conv, choose(conv, STEP_OUTCOME))
    decision = conv.state.decision()
    assert decision.route == route
    # the outcome is Markdown: a bracket in the route's words is escaped
    assert pack.labels.routes[route].label.replace("(", "\\(") in text
    assert "safeguarding partners decide" in text
    assert "## Why" in text
    if not decision.certain:
        assert "If these turn out to be true" in text
    for signpost in decision.signposts:
        assert pack.labels.signposts[signpost].label.split(" ")[0] in text
    if any(w.note == "confirm locally" for w in build_outcome(pack, decision, answered).why):
        assert "confirm locally" in text


def test_the_serious_incident_outcome_has_a_dated_timeline(pack):
    facts, default = SHORT_ROUTES["serious_incident"]
    conv = conversation(pack)
    conv.opening()
    answer_all(conv, facts, short_default(default))
    text = shown_outcome(conv, choose(conv, STEP_OUTCOME))
    assert "## Do now" in text
    # 5 working days after Monday 2 March 2026
    assert "Mon 9 Mar 2026" in text
    assert text.index("Mon 9 Mar 2026") < text.index("## Which review")


def test_back_at_the_first_question_says_there_is_nothing_to_go_back_to(pack):
    conv = conversation(pack)
    conv.opening()
    assert "nothing to go back to" in said(say(conv, "go back"))
    assert conv.asking.fact == "immediate_risk"


def test_back_goes_to_the_previous_question(pack):
    conv = conversation(pack)
    conv.opening()
    choose(conv, "no")
    choose(conv, "under_16")
    current = conv.asking.fact
    events = say(conv, "back")
    assert conv.asking.fact == "subject_age_band"
    assert "subject_age_band" not in conv.state.answers
    assert "Going back" in said(events)
    choose(conv, "under_16")
    assert conv.asking.fact == current


def test_why_lists_the_rules_that_need_the_fact_in_words(pack):
    conv = conversation(pack)
    conv.opening()
    choose(conv, "no")
    choose(conv, "under_16")
    while conv.asking.fact != "harm":
        choose(conv, "no" if conv.asking.kind == "tri" else "unknown")
    text = of(say(conv, "why?"), E.Say)[0].text
    rules = pack.rules_needing("harm")
    assert rules
    assert any(f"  - {rule.title}" in text for rule in rules)
    assert not any(f"{rule.id} " in text or f"({rule.id})" in text for rule in rules)
    assert len(text.splitlines()) <= 11  # at most ten lines, then "more"
    assert conv.asking.fact == "harm"  # still asking


def test_glossary_look_ups(pack):
    conv = conversation(pack)
    conv.opening()
    entry = pack.glossary[0]
    text = said(say(conv, f"what is {entry.term}?"))
    assert entry.meaning.split()[0] in text
    assert entry.term.capitalize() in text
    alias_entry = next(e for e in pack.glossary if e.aliases)
    text = said(say(conv, f"what does {alias_entry.aliases[0]} mean"))
    assert alias_entry.term.capitalize() in text
    text = said(say(conv, "what is a flibbertigibbet"))
    assert 'I do not have "flibbertigibbet"' in text
    assert entry.term in text
    text = said(say(conv, "help"))
    assert "why" in text
    assert entry.term in text
    assert conv.asking.fact == "immediate_risk"


def test_free_text_answers(pack):
    conv = conversation(pack)
    conv.opening()
    events = say(conv, "nope")
    assert conv.state.answers["immediate_risk"] == "no"
    echo = of(events, E.Echo)[0]
    assert echo.text == "nope"
    assert "taken as" in echo.note
    say(conv, "Under 16")
    assert conv.state.answers["subject_age_band"] == "under_16"
    while conv.asking.fact != "harm":
        say(conv, "dunno")
    say(conv, "they died")
    assert conv.state.answers["harm"] == "died"
    assert conv.asking.fact == "abuse_or_neglect"
    say(conv, "2")
    assert conv.state.answers["abuse_or_neglect"] == "suspected"
    asked = conv.asking.fact
    say(conv, "?")
    assert conv.state.answers[asked] == "unknown"
    assert conv.asking is not None


def test_unrecognised_input_gets_a_polite_clarification_with_the_options(pack):
    conv = conversation(pack)
    conv.opening()
    events = say(conv, "banana")
    text = of(events, E.Clarify)[0].text
    assert text.startswith('Sorry, I did not understand "banana"')
    for choice in conv.choices():
        assert choice.label in text
    assert conv.state.answers == {}
    assert conv.asking.fact == "immediate_risk"


@pytest.mark.parametrize(
    "typed",
    [
        "[/]",
        "[bold]loud[/bold]",
        "[link=https://x]y[/link]",
        "[red",
        "\\[b]x",
        "[@click=app.quit]q[/]",
        "{{ 7*7 }}",
    ],
)
def test_markup_typed_by_the_user_is_quoted_back_exactly(pack, typed):
    conv = conversation(pack)
    conv.opening()
    events = say(conv, typed)
    assert f'"{typed}"' in of(events, E.Clarify)[0].text  # not as markup or a template
    assert conv.state.answers == {}


def test_dates_are_checked_and_never_in_the_future(pack):
    facts, _ = SHORT_ROUTES["serious_incident"]
    conv = conversation(pack)
    conv.opening()
    for _ in range(20):
        if conv.asking.kind == "date":
            break
        choose(conv, facts.get(conv.asking.fact, "unknown"))
    assert conv.asking.fact == "aware_date"
    assert "in the future" in said(say(conv, "2099-01-01"))
    assert "not a real date" in said(say(conv, "2026-02-30"))
    assert "not a date I can read" in said(say(conv, "3rd of March"))
    assert "aware_date" not in conv.state.answers
    say(conv, "2026-03-02")
    assert conv.state.answers["aware_date"] == dt.date(2026, 3, 2)


def test_the_answers_changed_hook_is_called_after_every_answer(pack):
    calls = []
    conv = conversation(pack)
    conv.state.listeners.append(lambda state: calls.append(dict(state.answers)))
    conv.opening()
    choose(conv, "no")
    say(conv, "under 16")
    say(conv, "back")
    assert calls == [
        {"immediate_risk": "no"},
        {"immediate_risk": "no", "subject_age_band": "under_16"},
        {"immediate_risk": "no"},
    ]


@pytest.mark.parametrize(
    ("where", "implied"),
    [
        ({"incident_location": "elsewhere_in_england", "normally_resident_in_area": "yes"}, True),
        (
            {
                "incident_location": "outside_england",
                "normally_resident_in_area": "no",
                "area_agency_involved": "yes",
            },
            True,
        ),
        ({"incident_location": "in_area", "normally_resident_in_area": "yes"}, False),
    ],
    ids=["salford-child-elsewhere", "salford-agency-wales", "in-salford"],
)
def test_more_than_one_area_is_asked_only_when_the_answers_do_not_already_say_so(
    pack, where, implied
):
    """Harmed outside Salford, yet a Salford child or agency: more than one area is involved,
    so the question is not asked and the circumstance is found (with its reasons)."""
    conv = conversation(pack)
    conv.opening()
    facts = {
        "immediate_risk": "no",
        "subject_age_band": "under_16",
        "harm": "serious_harm",
        "abuse_or_neglect": "suspected",
        **where,
    }
    asked = [
        fact for fact, _ in answer_all(conv, facts, lambda q: "no" if q.kind != "date" else TODAY)
    ]
    decision = conv.state.decision()
    assert ("cross_area" in asked) is not implied
    assert ("cross_area" in decision.reviews.criteria_met) is implied
