""" "Not yet" at the Panel notification date, and how a typed answer was read, in both fronts."""

from __future__ import annotations

import datetime as dt

import pytest

from assistant.conversation import events as E
from assistant.conversation.conversation import Conversation, case_file_text
from assistant.conversation.state import ConversationState
from assistant.core import decide, load_pack
from assistant.core.case import parse_case

TODAY = dt.date(2026, 11, 27)

SERIOUS = {
    "immediate_risk": "no",
    "subject_age_band": "under_16",
    "harm": "serious_harm",
    "abuse_or_neglect": "known",
    "looked_after": "no",
    "harmed_another": "no",
    "incident_location": "in_area",
    "normally_resident_in_area": "yes",
    "setting": "home_or_community",
    "aware_date": "2026-11-02",
}


@pytest.fixture(scope="module")
def pack():
    return load_pack()


def conversation(pack, front="chat") -> Conversation:
    conv = Conversation(ConversationState(pack, None, TODAY), None, front=front)
    conv.opening()
    return conv


def up_to(conv: Conversation, fact: str) -> None:
    """Answer from SERIOUS ("not sure" otherwise) until `fact` is asked."""
    while conv.mode == "question" and conv.asking.fact != fact:
        conv.handle(at=conv.at, choice=SERIOUS.get(conv.asking.fact, "unknown"))
    assert conv.mode == "question" and conv.asking.fact == fact


def rest(conv: Conversation) -> list[str]:
    """Answer every remaining question "not sure"; the facts asked."""
    asked = []
    while conv.mode == "question":
        asked.append(conv.asking.fact)
        conv.handle(at=conv.at, choice="unknown")
    return asked


@pytest.mark.parametrize("typed", ["not yet", "Not yet", "1"])
def test_not_yet_is_its_own_answer_and_the_panel_question_is_not_asked(pack, typed):
    conv = conversation(pack)
    up_to(conv, "notification_date")
    events = conv.handle(typed, at=conv.at)
    assert conv.state.answers["notification_date"] == "not_yet"
    echo = [e for e in events if isinstance(e, E.Echo)][0]
    assert echo.fact == "notification_date"
    assert "not yet" in (echo.text + echo.note).lower()
    asked = rest(conv)
    assert "panel_suggested_local_review" not in asked
    assert "rapid_review_completed" not in asked
    summary = " ".join(e.text for e in conv.command("summary") if isinstance(e, E.Say))
    assert "Date the Panel was notified: Not yet" in summary


@pytest.mark.parametrize("typed", ["not sure", "2"])
def test_not_sure_is_still_unknown_and_the_panel_question_is_asked(pack, typed):
    conv = conversation(pack)
    up_to(conv, "notification_date")
    conv.handle(typed, at=conv.at)
    assert conv.state.answers["notification_date"] == "unknown"
    assert "panel_suggested_local_review" in rest(conv)


def test_an_exported_not_yet_reads_back_and_decides_the_same(pack):
    conv = conversation(pack)
    up_to(conv, "notification_date")
    conv.handle(at=conv.at, choice="not_yet")
    rest(conv)
    text = case_file_text(conv.state.applied)
    assert "notification_date: not_yet" in text
    case = parse_case(text, "export.yaml", today=TODAY)
    assert case.fact_values()["notification_date"] == "not_yet"
    again = decide(pack, case.fact_values(), today=TODAY)
    mine = conv.state.decision()
    assert again.route == mine.route == "serious_incident"
    assert again.reviews == mine.reviews
    assert [p.id for p in again.possible] == [p.id for p in mine.possible]


def _noted(events) -> str:
    return " ".join(e.text for e in events if isinstance(e, E.Say) and e.template == "noted")


def test_plain_mode_says_how_a_typed_date_was_read_as_the_chat_does(pack):
    plain, chat = conversation(pack, front="plain"), conversation(pack)
    for conv in (plain, chat):
        up_to(conv, "aware_date")
    said = plain.handle("2/11/2026", at=plain.at)
    shown = chat.handle("2/11/2026", at=chat.at)
    note = [e for e in shown if isinstance(e, E.Echo)][0].note
    assert note == "(taken as Mon 2 Nov 2026)"
    assert "2/11/2026, taken as Mon 2 Nov 2026" in _noted(said)
    assert plain.state.answers["aware_date"] == dt.date(2026, 11, 2)


def test_plain_mode_notes_typed_words_and_not_an_options_number(pack):
    conv = conversation(pack, front="plain")
    conv.handle("no", at=conv.at)
    said = conv.handle("15", at=conv.at)  # an age, read as the option it falls in
    assert "Age: 15, taken as Under 16." in _noted(said)
    said = conv.handle("2", at=conv.at)  # an option's number: its words, nothing to explain
    noted = _noted(said)
    assert noted.startswith("Noted: What happened: They were seriously harmed")
    assert "taken as" not in noted


def test_a_typed_note_in_plain_mode_cannot_carry_terminal_controls(pack):
    conv = conversation(pack, front="plain")
    up_to(conv, "aware_date")
    said = conv.handle("2/11/2026\x1b[2J", at=conv.at)
    assert "\x1b" not in _noted(said)
