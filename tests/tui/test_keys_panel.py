"""The keys panel (`?`) and the answers' layout at 80x24: every key described, nothing cut."""

from __future__ import annotations

from rich.console import Console
from textual.widgets import HelpPanel, Input

from assistant.tui.widgets.keys_panel import KeysPanel, key_rows, keys_table
from assistant.tui.widgets.quick_replies import QuickReplies, reply_prompt
from tests.support.pilot import chat, make_app

SIZE = (80, 24)


def _lines(renderable, width: int) -> list[str]:
    console = Console(width=width, color_system=None, legacy_windows=False)
    return [
        "".join(segment.text for segment in line).rstrip()
        for line in console.render_lines(renderable, console.options.update_width(width))
    ]


async def test_every_key_in_the_panel_says_what_it_does_and_fits_80x24(pack):
    app = make_app(pack)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        chat(app).query_one("#replies", QuickReplies).focus()
        await pilot.press("question_mark")
        await pilot.pause()
        panel = chat(app).query_one(KeysPanel)
        assert isinstance(panel, HelpPanel)
        sections = key_rows(chat(app))
        rows = [row for _, rows in sections for row in rows]
        assert all(keys.strip() and what.strip() for keys, what in rows), rows
        described = dict(rows)
        assert "Quit" in described.values() and "Help" in described.values()
        # digits are named with what they do, not as "1 ... 9" alone
        assert any("0-9" in keys and "Enter" in what for keys, what in rows)
        # none of the text box's editing keys bury the assistant's own
        assert not any("cursor" in what.lower() or "Copy" in what for _, what in rows)
        scroll = panel.query_one("#keys-scroll")
        assert scroll.max_scroll_y == 0  # all of it shows at 80x24, nothing below the fold
        width = panel.query_one("#keys-table").content_region.width
        lines = _lines(keys_table(sections), width)
        assert all(len(line) <= width for line in lines)
        shown = " ".join(" ".join(lines).split())
        for _, what in rows:  # every description whole, wrapped rather than cut
            assert " ".join(what.split()[:2]) in shown
            assert what.split()[-1] in shown
        await pilot.press("question_mark")
        await pilot.pause()
        assert not chat(app).query(HelpPanel)


async def test_the_panel_follows_focus_to_the_text_box(pack):
    app = make_app(pack)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        chat(app).query_one("#free-text", Input).focus()
        await pilot.pause()
        headings = [heading for heading, _ in key_rows(chat(app))]
        assert headings == ["Typing", "Everywhere"]
        typing = dict(key_rows(chat(app))[0][1])
        assert typing["⏎"] == "Send what is typed"
        assert typing["↑ ↓"] == "Move into the answers"


def test_answers_that_wrap_keep_a_hanging_indent():
    lines = _lines(reply_prompt(2, "No, every child is safe or already referred"), 24)
    assert lines[0].startswith("2. No,")
    assert len(lines) > 1
    assert all(line.startswith("   ") and line.strip() for line in lines[1:])


async def test_wrapped_answers_keep_their_indent_on_screen(pack):
    """With the facts panel open the answers are narrow: a long one wraps under its words."""
    app = make_app(pack)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("f2")
        await pilot.pause()
        await pilot.pause()
        replies = chat(app).query_one("#replies", QuickReplies)
        width = replies.content_region.width
        label = replies.replies[1].label
        assert len(label) + 3 > width  # it must wrap at this size
        # the answer as the list lays it out at its width: wrapped under its words
        lines = _lines(reply_prompt(2, label), width)
        assert len(lines) > 1 and all(line.startswith("   ") for line in lines[1:]), lines
        assert replies.max_scroll_y == 0  # every answer shows, the wrapped one too
