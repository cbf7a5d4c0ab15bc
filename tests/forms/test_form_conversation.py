"""From a finished conversation in the real chat app to a saved Word form (Pilot, shipped pack)."""

from __future__ import annotations

import datetime as dt
import stat

import pytest
from textual.widgets import Input, TextArea

from assistant.conversation.state import ConversationState
from assistant.core import load_pack
from assistant.forms.context import fact_words
from assistant.tui.app import ReviewAssistantApp
from assistant.tui.screens.chat import STEP_OUTCOME, ChatScreen
from assistant.tui.screens.outcome import OutcomeScreen
from assistant.tui.screens.referral import ReferralFormScreen, widget_id
from assistant.tui.widgets.quick_replies import QuickReplies
from tests.support.readback import docx_rows

TODAY = dt.date(2026, 11, 27)
FACTS = {
    "immediate_risk": "no",
    "subject_age_band": "under_16",
    "harm": "other_harm",
    "abuse_or_neglect": "suspected",
    "incident_location": "in_area",
    "normally_resident_in_area": "yes",
    "multi_agency_concerns": "yes",
    "agencies_involved": "two_or_more",
    "escalation_tried": "yes",
}


async def choose(pilot, value: str) -> None:
    replies = pilot.app.screen.query_one(QuickReplies)
    index = [r.value for r in replies.replies].index(value)
    replies.focus()
    await pilot.pause()
    await pilot.press(str(index + 1), "enter")
    await pilot.pause()


@pytest.mark.slow
async def test_conversation_to_a_saved_word_form(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_DOCUMENTS_DIR", str(tmp_path))
    pack = load_pack()
    # the conversation's answers, as given (the walk itself is checked in tests/conversation)
    state = ConversationState(pack, today=TODAY)
    while state.current is not None:
        state.answer(state.current.fact, FACTS.get(state.current.fact, "unknown"))
    app = ReviewAssistantApp(pack, today=TODAY, answers=dict(state.answers))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        chat = app.screen
        assert isinstance(chat, ChatScreen)
        assert chat.mode == "complete"
        await choose(pilot, STEP_OUTCOME)
        assert isinstance(app.screen, OutcomeScreen)
        decision = app.state.decision()
        assert decision.form == "practice_review_referral", decision.route
        await pilot.press("f")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, ReferralFormScreen)
        # what the conversation established is already on the form
        reasons = form.query_one(f"#{widget_id('reasons')}", TextArea).text
        assert fact_words(pack, "multi_agency_concerns") in reasons
        for name, value in (
            ("referrer.name", "Alex Morgan"),
            ("referrer.role", "Social worker"),
            ("referrer.agency", "Children's services"),
            ("referrer.email", "alex.morgan@example.org"),
            ("endorsed_by.name", "Priya Shah"),
            ("endorsed_by.role", "Principal social worker"),
            ("endorsed_by.agency", "Children's services"),
            ("child.name", "Child S"),
            ("child.address_area", "Salford"),
        ):
            form.query_one(f"#{widget_id(name)}", Input).value = value
        path = tmp_path / "referral.docx"
        form.query_one("#save-path", Input).value = str(path)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, OutcomeScreen)  # back where the form was asked for
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    rows = docx_rows(path.read_bytes())
    assert ["Name", "Alex Morgan"] in rows and ["Name", "Priya Shah"] in rows
    assert ["Area where the child lives", "Salford"] in rows
    question = pack.question_for["multi_agency_concerns"].text
    assert [question, pack.value_words("multi_agency_concerns", "yes")] in rows
    assert any(
        r[0] == "Outcome" and r[1].startswith(pack.labels.routes[decision.route].label)
        for r in rows
    )
