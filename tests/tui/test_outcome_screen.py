"""The chat's outcome screen fits small terminals and keeps the outcome.

At 100x32 the headline and every Do-now line show without scrolling, for every training
scenario; at 80x24 and 100x32 the next-steps box shows every step; `k` saves the outcome and the
answers, `c` copies it. An outcome that takes longer than a frame to build shows "preparing"
until it is drawn.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from textual.geometry import Region

from assistant.conversation.state import ConversationState
from assistant.core.case import load_case
from assistant.core.outcome import build_outcome
from assistant.core.pack import default_rules_dir
from assistant.tui.screens.outcome import KeepScreen, OutcomeScreen
from assistant.tui.widgets.quick_replies import QuickReplies
from tests.support.pilot import TODAY, make_app

SCENARIOS = sorted((default_rules_dir() / "scenarios").glob("*.yaml"))
SERIOUS = (
    Path(__file__).resolve().parents[1] / "core" / "fixtures" / "cases" / "serious-incident.yaml"
)


def _facts(path: Path, tmp_path: Path) -> dict:
    case_file = tmp_path / path.name
    case = yaml.safe_load(path.read_text(encoding="utf-8"))["case"]
    case_file.write_text(yaml.safe_dump(case), encoding="utf-8")
    return load_case(case_file).fact_values()


async def _open(pilot, pack, facts) -> OutcomeScreen:
    state = ConversationState(pack, facts, today=TODAY)
    screen = OutcomeScreen(state)
    pilot.app.push_screen(screen)
    await pilot.pause()
    await pilot.pause()
    for _ in range(500):  # on a busy machine the outcome may still be being prepared
        if screen.prepared:
            break
        await pilot.pause(0.01)
    return screen


def _rendered_lines(screen: OutcomeScreen) -> list[str]:
    """The outcome as drawn, line by line, from the top (before any scrolling)."""
    widget = screen.query_one("#outcome")
    strips = widget.render_lines(Region(0, 0, widget.size.width, widget.size.height))
    return [strip.text.rstrip() for strip in strips]


@pytest.mark.slow
async def test_headline_and_every_do_now_line_show_at_100x32(pack, tmp_path):
    app = make_app(pack)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        for path in SCENARIOS:
            screen = await _open(pilot, pack, _facts(path, tmp_path))
            body = screen.query_one("#outcome-body")
            visible = body.scrollable_content_region.height
            lines = _rendered_lines(screen)
            outcome = build_outcome(pack, screen.decision, dict(screen.state.applied))
            headline_end = max(
                i
                for i, line in enumerate(lines[:12])
                if line.strip() and outcome.headline.split()[-1] in line
            )
            assert headline_end < visible, path.stem
            if outcome.do_now:
                start = lines.index("Do now")
                end = next(
                    i
                    for i in range(start + 2, len(lines))
                    if lines[i] and not lines[i].startswith(" ")
                )  # the next heading
                last = max(i for i in range(start, end) if lines[i].strip())
                assert last < visible, (
                    f"{path.stem}: the last Do-now line is row {last}, below the "
                    f"{visible} rows shown:\n" + "\n".join(lines[: last + 1])
                )
                shown = " ".join(" ".join(lines[start:end]).split())
                for line in outcome.do_now:
                    assert " ".join(line.what.split()[:4]) in shown or line.done, path.stem
            screen.dismiss("chat")
            await pilot.pause()


@pytest.mark.parametrize("size", [(80, 24), (100, 32)])
async def test_every_next_step_is_visible(pack, size):
    app = make_app(pack)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        screen = await _open(pilot, pack, load_case(SERIOUS).fact_values())
        steps = screen.query_one("#next-steps", QuickReplies)
        assert steps.option_count == len(steps.replies) >= 6  # form, keep, review, chat, new, quit
        assert steps.max_scroll_y == 0
        assert steps.region.height >= steps.option_count + 2  # every item inside the border
        assert steps.region.bottom <= size[1] - 1  # above the footer


async def test_keep_saves_the_outcome_and_the_answers_and_copies(pack, tmp_path, monkeypatch):
    monkeypatch.setattr("assistant.forms.save.documents_folder", lambda: tmp_path)
    app = make_app(pack)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        screen = await _open(pilot, pack, load_case(SERIOUS).fact_values())
        await pilot.press("k")
        await pilot.pause()
        assert isinstance(app.screen, KeepScreen)
        await pilot.press("1")  # Markdown
        await pilot.pause()
        assert app.screen is screen
        saved = list(tmp_path.glob("outcome-*.md"))
        assert len(saved) == 1
        assert "SSCP@salford.gov.uk" in saved[0].read_text(encoding="utf-8")
        await pilot.press("k")
        await pilot.pause()
        await pilot.press("1")  # again: a new name, the first file is kept
        await pilot.pause()
        assert len(list(tmp_path.glob("outcome-*.md"))) == 2
        await pilot.press("k")
        await pilot.pause()
        await pilot.press("5")  # the answers as a case file
        await pilot.pause()
        cases = list(tmp_path.glob("case-*.yaml"))
        assert len(cases) == 1
        # the answers the outcome rests on (those on the path), which decide the same
        assert load_case(cases[0]).fact_values() == dict(screen.state.applied)
        await pilot.press("c")
        await pilot.pause()
        assert "DO NOW" in app.clipboard and "SSCP@salford.gov.uk" in app.clipboard


async def test_a_slow_outcome_shows_preparing_then_the_outcome(pack, monkeypatch):
    import threading

    from assistant.conversation import outcome_text

    release = threading.Event()
    real = outcome_text.outcome_markdown

    def slow(*args, **kwargs):
        release.wait(10)
        return real(*args, **kwargs)

    monkeypatch.setattr("assistant.tui.screens.outcome.outcome_markdown", slow)
    app = make_app(pack)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        state = ConversationState(pack, load_case(SERIOUS).fact_values(), today=TODAY)
        screen = OutcomeScreen(state)
        app.push_screen(screen)
        await pilot.pause()
        assert app.screen is screen and not screen.prepared
        assert _rendered_lines(screen)[0] == "Preparing the outcome…"
        assert screen.query_one("#next-steps", QuickReplies).option_count >= 6  # usable already
        release.set()
        for _ in range(500):
            if screen.prepared:
                break
            await pilot.pause(0.01)
        lines = _rendered_lines(screen)
        assert "Do now" in lines and "Preparing the outcome…" not in lines


async def test_a_fast_outcome_is_drawn_in_the_first_frame(pack):
    app = make_app(pack)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        facts = load_case(SERIOUS).fact_values()
        await _open(pilot, pack, facts)  # the templates are warm now
        screen = OutcomeScreen(ConversationState(pack, facts, today=TODAY))
        app.push_screen(screen)
        await pilot.pause()
        assert screen.prepared and "Do now" in _rendered_lines(screen)
