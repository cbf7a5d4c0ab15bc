"""The referral form's fields belong to the draft: closed, saved and resumed, they stay.
Ctrl+S with no file name chosen asks where to save first (Pilot, shipped pack)."""

from __future__ import annotations

import argparse
import json

import pytest
from textual.widgets import Input

from assistant.commands.drafts import chat_session
from assistant.tui.screens.outcome import OutcomeScreen
from assistant.tui.screens.referral import ReferralFormScreen, widget_id
from tests.support.conversation import walk
from tests.support.pilot import make_app
from tests.support.routes import PRACTICE_REVIEW

SIZE = (100, 40)


def _session(pack, tmp_path, monkeypatch, resume=None):
    monkeypatch.setenv("REVIEW_ASSISTANT_DATA", str(tmp_path / "data"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_DOCUMENTS_DIR", str(tmp_path / "documents"))
    monkeypatch.delenv("REVIEW_ASSISTANT_PASSPHRASE", raising=False)
    return chat_session(argparse.Namespace(resume=resume), pack)


def _app(pack, session):
    app = make_app(pack, state=session.state)
    app.notices, app.conversation = session.notices, session.conversation
    return app


async def _open_form(pilot, app):
    await pilot.pause()
    await pilot.press("1", "enter")  # "See the outcome"
    await pilot.pause()
    assert isinstance(app.screen, OutcomeScreen)
    await pilot.press("f")
    await pilot.pause()
    assert isinstance(app.screen, ReferralFormScreen)
    return app.screen


@pytest.mark.slow
async def test_form_fields_survive_closing_and_resuming(pack, tmp_path, monkeypatch):
    session = _session(pack, tmp_path, monkeypatch)
    session.conversation.opening()
    walk(session.conversation, PRACTICE_REVIEW)
    draft_id = session.autosave.draft_id
    app = _app(pack, session)
    async with app.run_test(size=SIZE) as pilot:
        form = await _open_form(pilot, app)
        form.query_one(f"#{widget_id('child.name')}", Input).value = "Child S"
        form.query_one(f"#{widget_id('referrer.email')}", Input).value = "not an email"
        await pilot.press("escape")  # close: something was typed, so it asks
        await pilot.pause()
        await pilot.click("#confirm-save")  # "close without saving the form"
        await pilot.pause()
        assert isinstance(app.screen, OutcomeScreen)
        # opened again in the same session: the name is still there
        await pilot.press("f")
        await pilot.pause()
        again = app.screen
        assert isinstance(again, ReferralFormScreen)
        assert again.query_one(f"#{widget_id('child.name')}", Input).value == "Child S"
    saved = json.loads((tmp_path / "data" / "drafts" / f"{draft_id}.json").read_text())
    assert saved["referral"]["child"]["name"] == "Child S"
    assert "email" not in saved["referral"].get("referrer", {})  # an invalid value is not kept

    resumed = _session(pack, tmp_path, monkeypatch, resume=draft_id)
    assert resumed.conversation.referral["child"]["name"] == "Child S"
    app = _app(pack, resumed)
    async with app.run_test(size=SIZE) as pilot:
        form = await _open_form(pilot, app)
        assert form.query_one(f"#{widget_id('child.name')}", Input).value == "Child S"


@pytest.mark.slow
async def test_ctrl_s_without_a_chosen_file_asks_where(pack, tmp_path, monkeypatch):
    session = _session(pack, tmp_path, monkeypatch)
    session.conversation.opening()
    walk(session.conversation, PRACTICE_REVIEW)
    app = _app(pack, session)
    home = tmp_path / "home"
    async with app.run_test(size=SIZE) as pilot:
        form = await _open_form(pilot, app)
        form.query_one(f"#{widget_id('endorsed_by.name')}", Input).value = "Priya Shah"
        offered = form.query_one("#save-path", Input).value
        assert offered.startswith(str(tmp_path / "documents"))
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form  # not saved yet: it asks where
        assert app.focused is form.query_one("#save-path", Input)
        assert not (tmp_path / "documents").exists() and not list(home.glob("*.docx"))
        await pilot.press("ctrl+s")  # the offered place, now confirmed
        await pilot.pause()
        assert isinstance(app.screen, OutcomeScreen)
    assert (tmp_path / "documents").is_dir() and list((tmp_path / "documents").glob("*.docx"))
