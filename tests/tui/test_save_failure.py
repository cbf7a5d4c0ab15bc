"""The chat when drafts cannot be saved: a warning in the transcript, the urgent advice shown,
the conversation goes on (the app does not exit)."""

from __future__ import annotations

import argparse

import pytest

from assistant.commands.drafts import chat_session
from tests.support.pilot import chat, choose, make_app, transcript_texts

SIZE = (100, 40)


@pytest.mark.slow
async def test_yes_to_risk_with_an_unwritable_data_folder(pack, tmp_path, monkeypatch):
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where the data folder should be")
    monkeypatch.setenv("REVIEW_ASSISTANT_DATA", str(blocker / "data"))
    monkeypatch.delenv("REVIEW_ASSISTANT_PASSPHRASE", raising=False)
    session = chat_session(argparse.Namespace(), pack)
    app = make_app(pack, state=session.state)
    app.notices = session.notices
    app.conversation = session.conversation
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await choose(pilot, "yes")
        await pilot.pause()
        assert app.is_running and app.return_code is None
        said = "\n".join(text for _, text in transcript_texts(app))
        assert "Saving has stopped" in said
        for contact in pack.meta.contacts:
            assert contact.phone in said
        # the conversation carries on after the referral
        await choose(pilot, "step:carry_on")
        assert chat(app).asking is not None and chat(app).asking.fact != "immediate_risk"
        assert said.count("Saving has stopped") == 1
