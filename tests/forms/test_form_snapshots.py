"""Snapshots of the form screen at 80x24 (fixed test pack). Update with --snapshot-update and
look at the SVGs in __snapshots__ before committing."""

from __future__ import annotations

from typing import Any

import pytest
from textual.widgets import Input

from tests.support.forms import serious
from tests.support.pilot import FormApp, prepared

SIZE = (80, 24)


async def settle(pilot: Any) -> None:
    for box in pilot.app.screen.query(Input):
        box.cursor_blink = False
    await pilot.pause()
    await pilot.pause()


@pytest.mark.slow
def test_form_opening(snap_compare, pack):
    assert snap_compare(FormApp(serious(pack)), terminal_size=SIZE, run_before=settle)


def test_form_insists_on_endorsement(snap_compare, pack):
    async def run_before(pilot: Any) -> None:
        await pilot.pause()
        await pilot.press("ctrl+s")
        await settle(pilot)

    assert snap_compare(FormApp(serious(pack)), terminal_size=SIZE, run_before=run_before)


@pytest.mark.slow
def test_form_preview(snap_compare, pack):
    async def run_before(pilot: Any) -> None:
        await pilot.pause()
        pilot.app.screen.query_one("#field-child--name", Input).value = "Baby R [bold]not bold[/]"
        await pilot.press("ctrl+r")
        await prepared(pilot, pilot.app.screen)
        await settle(pilot)

    assert snap_compare(FormApp(serious(pack)), terminal_size=SIZE, run_before=run_before)
