"""The chat's outcome screen flags a duty due on the conversation's date, or past it."""

from __future__ import annotations

import datetime as dt

from assistant.conversation.state import ConversationState
from assistant.tui.screens.outcome import OutcomeScreen
from tests.support.pilot import make_app
from tests.support.routes import SHORT_ROUTES, answers_for


async def _shown(pack, today: dt.date) -> str:
    facts, default = SHORT_ROUTES["serious_incident"]  # aware Mon 2 Mar 2026: Panel by Mon 9 Mar
    state = ConversationState(pack, answers_for(pack, facts, default, today), today=today)
    app = make_app(pack)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = OutcomeScreen(state)
        app.push_screen(screen)
        for _ in range(500):
            await pilot.pause(0.01)
            if screen.prepared:
                break
        return str(screen.query_one("#outcome").source)


async def test_the_outcome_screen_flags_against_the_conversations_date(pack):
    on_the_day = " ".join((await _shown(pack, dt.date(2026, 3, 9))).split())
    assert "**due today, Mon 9 Mar 2026, 5 working days from 2 Mar**" in on_the_day
    later = " ".join((await _shown(pack, dt.date(2026, 3, 10))).split())
    assert "**overdue since Mon 9 Mar 2026, 5 working days from 2 Mar: do it now**" in later
