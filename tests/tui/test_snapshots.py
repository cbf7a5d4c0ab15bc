"""Snapshots of the chat at 80x24, against a frozen copy of the pack (tests/tui/pack/), so the
shipped pack's wording can change without touching them. Update with --snapshot-update and
look at the SVGs in __snapshots__ before committing."""

from __future__ import annotations

from typing import Any

import pytest
from textual.widgets import Input

from tests.support.pilot import TODAY, make_app
from tests.support.routes import SHORT_ROUTES, answers_for

SIZE = (80, 24)


async def settle(pilot: Any) -> None:
    for box in pilot.app.screen.query(Input):
        box.cursor_blink = False
    await pilot.pause()
    await pilot.pause()


def test_opening(snap_compare, fixed_pack):
    assert snap_compare(make_app(fixed_pack), terminal_size=SIZE, run_before=settle)


def test_question_with_help(snap_compare, fixed_pack):
    async def run_before(pilot: Any) -> None:
        await pilot.pause()
        await pilot.press("2", "enter")  # no immediate risk
        await pilot.pause()
        await pilot.press("f1")  # help with "How old was the person ...?"
        await settle(pilot)

    assert snap_compare(make_app(fixed_pack), terminal_size=SIZE, run_before=run_before)


def test_outcome_urgent(snap_compare, fixed_pack):
    app = make_app(fixed_pack, answers={"immediate_risk": "yes"})

    async def run_before(pilot: Any) -> None:
        await pilot.pause()
        await pilot.press("2", "enter")  # the contacts came first; then "See the outcome"
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


@pytest.mark.slow
@pytest.mark.parametrize("route", list(SHORT_ROUTES))
def test_outcome(snap_compare, fixed_pack, route):
    facts, default = SHORT_ROUTES[route]
    app = make_app(fixed_pack, answers=answers_for(fixed_pack, facts, default, TODAY))

    async def run_before(pilot: Any) -> None:
        await pilot.pause()
        await pilot.press("1", "enter")  # "See the outcome"
        await settle(pilot)
        assert pilot.app.state.decision().route == route

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


@pytest.mark.slow
def test_review_screen(snap_compare, fixed_pack):
    facts, default = SHORT_ROUTES["serious_incident"]
    app = make_app(fixed_pack, answers=answers_for(fixed_pack, facts, default, TODAY))

    async def run_before(pilot: Any) -> None:
        await pilot.pause()
        await pilot.press("2", "enter")  # "Review my answers first"
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
