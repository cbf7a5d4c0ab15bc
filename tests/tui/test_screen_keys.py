"""`?` on the outcome and review screens opens the chat's keys panel (not Textual's help panel):
every key with what it does, wrapped rather than cut, at 80x24."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.console import Console
from textual.widgets import HelpPanel

from assistant.conversation.state import ConversationState
from assistant.core.case import load_case
from assistant.tui.screens.outcome import OutcomeScreen
from assistant.tui.screens.review import ReviewScreen
from assistant.tui.widgets.keys_panel import KeysPanel, key_rows, keys_table
from tests.support.pilot import TODAY, make_app

SIZE = (80, 24)
SERIOUS = (
    Path(__file__).resolve().parents[1] / "core" / "fixtures" / "cases" / "serious-incident.yaml"
)


def _lines(renderable, width: int) -> list[str]:
    console = Console(width=width, color_system=None, legacy_windows=False)
    return [
        "".join(segment.text for segment in line).rstrip()
        for line in console.render_lines(renderable, console.options.update_width(width))
    ]


@pytest.mark.parametrize(
    ("screen_class", "must_show"),
    [
        (OutcomeScreen, ["Referral form", "Keep", "Copy", "Review", "Start again", "Close"]),
        (ReviewScreen, ["See outcome", "Close"]),
    ],
)
async def test_question_mark_lists_every_key_with_what_it_does(pack, screen_class, must_show):
    app = make_app(pack)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        state = ConversationState(pack, load_case(SERIOUS).fact_values(), today=TODAY)
        screen = screen_class(state)
        app.push_screen(screen)
        await pilot.pause()
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        panel = screen.query_one(KeysPanel)  # the chat's panel (a HelpPanel subclass)
        assert type(panel) is KeysPanel
        assert len(screen.query(HelpPanel)) == 1
        sections = key_rows(screen)
        rows = [row for _, rows in sections for row in rows]
        assert all(keys.strip() and what.strip() for keys, what in rows), rows
        described = {what for _, what in rows}
        for what in must_show:
            assert what in described, (what, described)
        assert "Keys" in described  # `?` itself
        assert not any("cursor" in what.lower() for _, what in rows)  # no editing keys
        assert panel.query_one("#keys-scroll").max_scroll_y == 0  # all of it shows at 80x24
        width = panel.query_one("#keys-table").content_region.width
        assert width < SIZE[0]
        lines = _lines(keys_table(sections), width)
        assert all(len(line) <= width for line in lines)
        shown = " ".join(" ".join(lines).split())
        for _, what in rows:  # every description whole, wrapped rather than cut
            assert " ".join(what.split()[:2]) in shown
            assert what.split()[-1] in shown
        await pilot.press("question_mark")
        await pilot.pause()
        assert not screen.query(HelpPanel)
        assert app.screen is screen  # `?` opened and closed the panel, nothing else


async def test_the_outcome_names_its_step_digits(pack):
    app = make_app(pack)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        state = ConversationState(pack, load_case(SERIOUS).fact_values(), today=TODAY)
        screen = OutcomeScreen(state)
        app.push_screen(screen)
        await pilot.pause()
        rows = dict(row for _, rows in key_rows(screen) for row in rows)
        assert rows.get("1-9") in ("Choose a next step", "Choose that answer")
