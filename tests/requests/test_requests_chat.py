"""The chat's outcome screen writes the requests to agencies: Keep, then the requests dialog
(keys and layout only; the writing is tested below the UI in test_requests_steps.py)."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from docx import Document

from assistant.conversation.conversation import Conversation
from assistant.conversation.state import ConversationState
from assistant.core import load_pack
from assistant.core.case import load_case
from assistant.tui.app import ReviewAssistantApp
from assistant.tui.screens.outcome import KeepScreen, OutcomeScreen, RequestsScreen

pytestmark = pytest.mark.pilot

TODAY = dt.date(2026, 11, 30)  # Monday: due back Monday 14 December 2026
SERIOUS = (
    Path(__file__).resolve().parents[1] / "core" / "fixtures" / "cases" / "serious-incident.yaml"
)
HOSTILE = 'Health visiting <b>& {{ 7*7 }} *stars* {%p if x %} _{_ \\ "q"'
REFERRAL = {
    "child": {"name": "Child Alpha Zulu"},
    "agencies": [{"name": HOSTILE}, {"name": "Greater Manchester Police"}],
}


@pytest.fixture(scope="module")
def pack():
    return load_pack()


async def outcome(pilot, pack, referral) -> OutcomeScreen:
    state = ConversationState(pack, load_case(SERIOUS).fact_values(), today=TODAY)
    conversation = Conversation(state, front="chat")
    conversation.referral = referral
    pilot.app.conversation = conversation
    screen = OutcomeScreen(state)
    pilot.app.push_screen(screen)
    await pilot.pause()
    assert screen.decision.form  # a referral: its agencies can be asked
    return screen


def notified(app) -> str:
    return "\n".join(str(n.message) for n in app._notifications)


async def test_keep_writes_a_word_request_per_agency_in_the_documents_folder(
    pack, tmp_path, monkeypatch
):
    monkeypatch.setattr("assistant.forms.save.documents_folder", lambda: tmp_path)
    app = ReviewAssistantApp(pack, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = await outcome(pilot, pack, REFERRAL)
        await pilot.press("k")
        await pilot.pause()
        assert isinstance(app.screen, KeepScreen)
        choices = app.screen.query_one("#keep-choices")
        assert choices.option_count == 7 and choices.max_scroll_y == 0  # every choice in view
        assert choices.region.bottom <= 24
        await pilot.press("6")  # write requests to agencies
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, RequestsScreen)
        box = dialog.query_one("#requests-box")
        assert box.region.bottom <= 24 and dialog.query_one("#requests-write").region.bottom <= 24
        folder = dialog.query_one("#requests-folder")
        assert folder.value == str(tmp_path / "agency-requests-2026-11-30")
        await pilot.click("#requests-write")  # Word, the default
        await pilot.pause()
        assert app.screen is screen
        files = sorted((tmp_path / "agency-requests-2026-11-30").glob("*.docx"))
        assert len(files) == 2
        document = Document(str(files[0]))
        text = "\n".join(p.text for p in document.paragraphs)
        assert f"To: {HOSTILE}" in text  # exactly as typed
        assert "Please reply by 14 December 2026" in text and "SSCP@salford.gov.uk" in text
        assert "Wrote 2 request(s)" in notified(app) and str(files[1]) in notified(app)

        # the same folder again: refused, nothing replaced, the dialog stays to choose another
        before = files[0].read_bytes()
        await pilot.press("k")
        await pilot.pause()
        await pilot.press("6")
        await pilot.pause()
        folder = app.screen.query_one("#requests-folder")
        folder.value = str(tmp_path / "agency-requests-2026-11-30")
        folder.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, RequestsScreen)
        problem = str(app.screen.query_one("#requests-problem").render())
        assert "nothing was replaced" in problem
        assert files[0].read_bytes() == before
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen


async def test_with_no_agencies_keep_says_how_to_add_them(pack, tmp_path, monkeypatch):
    monkeypatch.setattr("assistant.forms.save.documents_folder", lambda: tmp_path)
    app = ReviewAssistantApp(pack, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = await outcome(pilot, pack, None)
        await pilot.press("k")
        await pilot.pause()
        await pilot.press("6")
        await pilot.pause()
        assert app.screen is screen
        assert "Prepare the referral form" in notified(app)
        assert list(tmp_path.iterdir()) == []


async def test_in_a_browser_each_request_is_a_download(pack, tmp_path, monkeypatch):
    monkeypatch.setattr("assistant.forms.save.documents_folder", lambda: tmp_path)
    monkeypatch.setattr(ReviewAssistantApp, "is_web", property(lambda self: True))
    delivered: list[tuple[str, bytes, str]] = []
    app = ReviewAssistantApp(pack, today=TODAY)
    monkeypatch.setattr(
        app,
        "deliver_binary",
        lambda data, *, save_filename, mime_type, **_: delivered.append(
            (save_filename, data.read(), mime_type)
        ),
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = await outcome(pilot, pack, REFERRAL)
        await pilot.press("k")
        await pilot.pause()
        await pilot.press("6")
        await pilot.pause()
        assert not app.screen.query("#requests-folder")  # no folder to choose in a browser
        await pilot.click("#requests-write")
        await pilot.pause()
        assert app.screen is screen
    assert [name for name, _, _ in delivered] == [
        "request-01-health-visiting-b-7-7-stars-p-if-x-q.docx",
        "request-02-greater-manchester-police.docx",
    ]
    text = "\n".join(p.text for p in Document(io.BytesIO(delivered[1][1])).paragraphs)
    assert "To: Greater Manchester Police" in text
    assert list(tmp_path.iterdir()) == []  # nothing left on the server
