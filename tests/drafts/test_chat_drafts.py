"""The Textual chat with drafts: autosave after every answer, --resume, --no-save, the picker."""

from __future__ import annotations

import json

import pytest

from assistant.cli import build_parser
from assistant.commands.drafts import chat_session
from assistant.core import load_pack
from assistant.core.drafts import DraftStore
from assistant.tui.app import ReviewAssistantApp
from assistant.tui.drafts_picker import DraftPicker
from assistant.tui.screens.chat import ChatScreen
from assistant.tui.widgets.quick_replies import QuickReplies
from assistant.tui.widgets.transcript import ChatMessage

PACK = load_pack()


@pytest.fixture(autouse=True)
def _restore_cache_setting(monkeypatch):
    # --no-save turns the holiday cache off for the process; put it back after each test
    monkeypatch.delenv("REVIEW_ASSISTANT_CACHE", raising=False)


def _session(*argv):
    return chat_session(build_parser().parse_args(list(argv)), PACK)


def _app(session) -> ReviewAssistantApp:
    app = ReviewAssistantApp(PACK, state=session.state)
    app.notices = session.notices
    return app


def _screen(app) -> ChatScreen:
    return app.screen_stack[0]


def _texts(app) -> list[str]:
    return [m.text for m in _screen(app).query(ChatMessage)]


async def _choose(pilot, value: str) -> None:
    replies = _screen(pilot.app).query_one("#replies", QuickReplies)
    index = [r.value for r in replies.replies].index(value)
    replies.focus()
    await pilot.pause()
    await pilot.press(str(index + 1), "enter")
    await pilot.pause()


ANSWERS = [("immediate_risk", "no"), ("subject_age_band", "under_16"), ("harm", "died")]


@pytest.mark.slow
async def test_chat_saves_after_every_answer_and_resumes_where_it_was(data_dir):
    session = _session()
    draft_id = session.autosave.draft_id
    path = data_dir / "drafts" / f"{draft_id}.json"
    app = _app(session)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        assert any(f"saved after each one as draft {draft_id}" in t for t in _texts(app))
        assert not path.exists()  # nothing is written before the first answer
        for count, (fact, value) in enumerate(ANSWERS, start=1):
            assert _screen(app).asking.fact == fact
            await _choose(pilot, value)
            saved = json.loads(path.read_text())
            assert list(saved["answers"].items()) == ANSWERS[:count]
        next_fact = _screen(app).asking.fact
    session.autosave.close()  # that session ends

    resumed = _session("--resume", draft_id)
    assert resumed.autosave.draft_id == draft_id
    assert list(resumed.state.answers.items()) == ANSWERS
    app = _app(resumed)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        texts = _texts(app)
        assert any(
            f"Carrying on with draft {draft_id}: 3 answered so far, all kept." in t for t in texts
        )
        assert any("What we know so far" in t for t in texts)
        assert _screen(app).asking.fact == next_fact  # the next unanswered question, not the first
        await _choose(pilot, "known")
    assert json.loads(path.read_text())["answers"]["abuse_or_neglect"] == "known"


async def test_chat_incognito_says_so_and_writes_nothing(data_dir):
    session = _session("--no-save")
    app = _app(session)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        assert any(
            t.startswith("Incognito: nothing from this conversation is saved") for t in _texts(app)
        )
        for _fact, value in ANSWERS:
            await _choose(pilot, value)
    assert not data_dir.exists()


async def test_chat_with_a_damaged_draft_starts_afresh_and_keeps_the_file(data_dir):
    folder = data_dir / "drafts"
    folder.mkdir(parents=True)
    bad = folder / "deadbeef.json"
    bad.write_bytes(b"\x00\x00 not json")
    session = _session("--resume", "deadbeef")
    assert session.autosave.draft_id != "deadbeef"
    app = _app(session)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        assert any(
            "Draft deadbeef cannot be opened" in t and "Starting a new conversation" in t
            for t in _texts(app)
        )
        await _choose(pilot, "no")
    assert bad.read_bytes() == b"\x00\x00 not json"
    assert (folder / f"{session.autosave.draft_id}.json").exists()


def test_chat_with_a_wrong_passphrase_stops_and_keeps_the_draft(data_dir, monkeypatch, capsys):
    store = DraftStore(passphrase="right")
    draft = store.new(PACK.name, PACK.version)
    draft.set_answers({"immediate_risk": "no"})
    path = store.save(draft)
    store.close()
    before = path.read_bytes()
    monkeypatch.setenv("REVIEW_ASSISTANT_PASSPHRASE", "wrong")
    assert _session("--resume", draft.id) == 2
    assert "that passphrase does not open it" in capsys.readouterr().err
    assert path.read_bytes() == before
    monkeypatch.setenv("REVIEW_ASSISTANT_PASSPHRASE", "right")
    assert _session("--resume", draft.id).state.answers == {"immediate_risk": "no"}


async def test_picker_offers_drafts_in_progress_without_their_answers(data_dir):
    store = DraftStore()
    older = store.new(PACK.name, PACK.version)
    older.set_answers({"immediate_risk": "no", "subject_age_band": "under_16"})
    older.route = "practice_review_referral"
    store.save(older)
    store.close()
    chosen: list[list[str]] = []

    def pick(drafts):
        chosen.append([d.id for d in drafts])
        return drafts[0].id

    session = chat_session(build_parser().parse_args([]), PACK, pick=pick)
    assert chosen == [[older.id]]
    assert session.autosave.draft_id == older.id and len(session.state.answers) == 2

    picker = DraftPicker(PACK, store.list())
    async with picker.run_test(size=(100, 20)) as pilot:
        await pilot.pause()
        shown = str(picker.query_one("OptionList").get_option_at_index(1).prompt)
        assert older.id in shown and "2 answered" in shown and "Under 16" not in shown
        await pilot.press("down", "enter")
    assert picker.return_value == older.id
    picker = DraftPicker(PACK, store.list())
    async with picker.run_test(size=(100, 20)) as pilot:
        await pilot.press("escape")
    assert picker.return_value is None
