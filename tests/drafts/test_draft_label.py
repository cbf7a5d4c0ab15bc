"""Drafts carry a name and say "too early to say" until the route is settled; the start-up
picker can delete a draft; old drafts (no name, no referral fields) still load."""

from __future__ import annotations

import json

from assistant.cli import build_parser
from assistant.commands.drafts import chat_session
from assistant.core import load_pack
from assistant.core.drafts import DraftStore
from assistant.tui.drafts_picker import DraftPicker
from tests.support.conversation import walk
from tests.support.routes import PRACTICE_REVIEW

PACK = load_pack()


def _session(*argv):
    return chat_session(build_parser().parse_args(list(argv)), PACK)


def test_a_draft_is_named_once_and_the_name_is_kept(data_dir):
    session = _session()
    conv = session.conversation
    conv.opening()
    first = conv.handle(at=conv.at, choice="no")
    offers = [e for e in first if getattr(e, "template", "") == "name_offer"]
    assert len(offers) == 1 and session.autosave.draft_id in offers[0].text
    second = conv.handle(at=conv.at, choice="under_16")
    assert not [e for e in second if getattr(e, "template", "") == "name_offer"]  # once
    at = conv.at
    named = conv.handle("name KS", at=at)
    assert any(getattr(e, "template", "") == "named" for e in named)
    assert conv.at == at and "KS" not in json.dumps(session.state.answers)
    info = DraftStore().info(session.autosave.draft_id)
    assert info.label == "KS"
    resumed = _session("--resume", session.autosave.draft_id)
    assert resumed.conversation.label == "KS"
    conv.handle("name \x1b[2JK", at=conv.at)  # control characters are kept visible, not raw
    assert "\x1b" not in DraftStore().info(session.autosave.draft_id).label


def test_the_route_is_too_early_to_say_until_it_is_settled(data_dir):
    session = _session()
    conv = session.conversation
    conv.opening()
    conv.handle(at=conv.at, choice="no")
    assert DraftStore().info(session.autosave.draft_id).route is None
    walk(conv, PRACTICE_REVIEW)
    assert DraftStore().info(session.autosave.draft_id).route == "practice_review_referral"


def test_an_old_draft_without_name_or_referral_loads(data_dir):
    store = DraftStore()
    draft = store.new(PACK.name, PACK.version)
    draft.set_answers({"immediate_risk": "no"})
    store.save(draft)
    data = json.loads(store.path_for(draft.id).read_text())
    assert "label" not in data and "referral" not in data
    assert store.load(draft.id).referral is None and store.info(draft.id).label is None


def test_name_and_referral_are_encrypted_with_the_answers(data_dir):
    store = DraftStore(passphrase="correct horse battery")
    draft = store.new(PACK.name, PACK.version)
    draft.set_answers({"immediate_risk": "no"})
    draft.label = "Baby KS"
    draft.referral = {"child": {"name": "Baby K Smith"}}
    store.save(draft)
    raw = store.path_for(draft.id).read_text()
    # whole names, with their spaces: base64 has no space, so the ciphertext cannot hold them by
    # chance (a two-letter "KS" turns up in random ciphertext about one save in ten)
    assert "Baby K Smith" not in raw and "Baby KS" not in raw
    opened = DraftStore(passphrase="correct horse battery").load(
        draft.id, passphrase="correct horse battery"
    )
    assert opened.label == "Baby KS" and opened.referral == {"child": {"name": "Baby K Smith"}}


async def test_the_picker_shows_the_name_and_deletes_a_draft_on_a_second_press(data_dir):
    store = DraftStore()
    kept = store.new(PACK.name, PACK.version)
    kept.set_answers({"immediate_risk": "no"})
    kept.label = "KS"
    store.save(kept)
    gone = store.new(PACK.name, PACK.version)
    gone.set_answers({"immediate_risk": "no", "subject_age_band": "under_16"})
    store.save(gone)
    store.close()  # this session ends: its drafts are no longer open anywhere
    picker = DraftPicker(PACK, store.list())
    async with picker.run_test(size=(100, 20)) as pilot:
        await pilot.pause()
        options = picker.query_one("OptionList")
        lines = [str(options.get_option_at_index(i).prompt) for i in (1, 2)]
        assert any('"KS"' in line for line in lines)
        assert all("too early to say" in line for line in lines)
        index = 1 + [gone.id in line for line in lines].index(True)
        await pilot.press(*(["down"] * index))
        await pilot.press("delete")
        await pilot.pause()
        assert store.path_for(gone.id).exists()  # the first press only asks
        await pilot.press("delete")
        await pilot.pause()
        assert not store.path_for(gone.id).exists() and store.path_for(kept.id).exists()
        await pilot.press("escape")
    assert picker.return_value is None
