"""Trainer mode at 80x24: every key the footer shows fits on the line, the keys it leaves out are
in the `?` panel, and a rule's title (or a question's on the decision path) that wraps lines up
under its own words."""

from __future__ import annotations

from typing import Any

import pytest
from rich.console import Console
from textual.geometry import Region
from textual.widgets import Footer, Static

from assistant.core.pack import default_rules_dir, load_pack
from assistant.training import load_scenarios, scenarios_dir
from assistant.tui.trainer import PathScreen, StepScreen, TrainerApp, WhatIfScreen, hanging
from assistant.tui.widgets.keys_panel import key_rows

SIZE = (80, 24)


@pytest.fixture(scope="module")
def shipped():
    pack = load_pack(default_rules_dir())
    found, problems = load_scenarios(scenarios_dir(pack))
    assert found and not problems
    return pack, found


def footer_keys(app: Any) -> list[Any]:
    return list(app.screen.query_one(Footer).query("FooterKey"))


def assert_footer_fits(app: Any) -> list[str]:
    """Every key in the footer ends inside the 80 columns; the keys it shows."""
    keys = footer_keys(app)
    assert keys
    for key in keys:
        assert key.region.width > 0 and key.region.right <= SIZE[0], (
            f"{key.key_display} {key.description} is cut at {SIZE[0]} columns"
        )
    return [key.key_display for key in keys]


def panel_keys(app: Any) -> set[str]:
    """Every key the `?` panel lists for the screen."""
    return {key for _, rows in key_rows(app.screen) for keys, _ in rows for key in keys.split(" ")}


def rendered(widget: Static) -> list[str]:
    """The widget as drawn, line by line (its padding included)."""
    width, height = widget.region.size
    strips = widget.render_lines(Region(0, 0, width, height))
    return [strip.text.rstrip() for strip in strips]


async def test_every_footer_key_fits_at_80x24_and_the_rest_are_in_the_keys_panel(shipped):
    pack, scenarios = shipped
    app = TrainerApp(pack, scenarios)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        shown = assert_footer_fits(app)  # the list of scenarios
        assert {"q", "m", "?"} <= set(shown)

        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, StepScreen)
        shown = assert_footer_fits(app)
        assert {"→", "←", "g", "r", "p", "w", "?", "q", "m"} <= set(shown)
        assert {"→", "space", "n", "←", "b", "s", "m"} <= panel_keys(app)

        await pilot.press("?")  # the keys panel opens and closes
        await pilot.pause()
        assert app.screen.query("KeysPanel")
        await pilot.press("?")
        await pilot.pause()
        assert not app.screen.query("KeysPanel")

        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, PathScreen)
        shown = assert_footer_fits(app)
        assert {"esc", "a", "r", "?", "q", "m"} <= set(shown)
        assert {"e", "c"} <= panel_keys(app)  # open all, close all: in the panel
        await pilot.press("escape")
        await pilot.pause()

        await pilot.press("w")
        await pilot.pause()
        assert isinstance(app.screen, WhatIfScreen)
        assert {"esc", "w", "r", "?", "q", "m"} <= set(assert_footer_fits(app))


async def test_the_keys_take_the_packs_short_words(shipped):
    pack, scenarios = shipped
    app = TrainerApp(pack, scenarios, start=scenarios[0])
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        words = {key.key_display: key.description for key in footer_keys(app)}
        assert words["m"] == "Room"  # "Room mode" ran off the edge of the path screen
        assert words["?"] == "Keys"


def test_a_hanging_line_wraps_under_its_own_words():
    console = Console(width=30, color_system=None)
    with console.capture() as captured:
        console.print(hanging("  [R-01] ", "A rule title long enough to wrap twice over"))
    lines = [line.rstrip() for line in captured.get().splitlines()]
    assert lines[0] == "  [R-01] A rule title long"
    assert len(lines) >= 2
    for line in lines[1:]:
        assert line.startswith(" " * 9) and line[9] != " ", lines


def _continuations_line_up(lines: list[str], lead: str, title: str) -> bool:
    """The title after `lead` in `lines`, and whether it wrapped; continuations start under it."""
    first = next(i for i, line in enumerate(lines) if lead in line)
    column = lines[first].index(lead) + len(lead)
    words = lines[first][column:].split()
    row = first + 1
    while len(" ".join(words)) < len(title):
        line = lines[row]
        assert line[:column].strip() == "" and line[column] != " ", (lead, lines[first : row + 1])
        words += line.split()
        row += 1
    assert " ".join(words) == " ".join(title.split())
    return row > first + 1


@pytest.mark.slow
async def test_at_80x24_wrapped_rule_titles_line_up_under_the_title(shipped):
    pack, scenarios = shipped
    app = TrainerApp(pack, scenarios, start=scenarios[0])
    wrapped = 0
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, StepScreen)
        while screen.kind != "outcome":
            await pilot.press("right")
            await pilot.pause()
            item = screen.walkthrough.steps[screen.index - 1] if screen.kind == "question" else None
            if item is None:
                continue
            rules = screen.query_one("#rules", Static)
            lines = rendered(rules)
            for change in item.changes:
                wrapped += _continuations_line_up(lines, f"[{change.rule.id}] ", change.rule.title)
    assert wrapped, "no rule title wrapped at 80 columns: the check saw no continuation line"


@pytest.mark.slow
async def test_at_80x24_a_wrapped_question_on_the_path_lines_up_after_its_number(shipped):
    pack, scenarios = shipped
    app = TrainerApp(pack, scenarios, start=scenarios[0])
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("p")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, PathScreen)
        titles = [t for t in screen.query("CollapsibleTitle") if t.display and t.size.height > 1]
        assert titles, "a question long enough to wrap at 80 columns"
        for title in titles:
            assert title.region.right <= SIZE[0]
            lines = [line for line in rendered(title) if line.strip()]
            number = str(title.label).split(" ", 1)[0] + " "
            assert _continuations_line_up(lines, number, str(title.label).split(" ", 1)[1])
