"""Plain mode's referral form, field by field, with the form screen's checks (no UI)."""

from __future__ import annotations

import datetime as dt

from assistant.conversation import events as E
from assistant.conversation.conversation import STEP_FORM, Conversation
from assistant.conversation.state import ConversationState
from assistant.core import load_pack
from tests.support.conversation import TODAY, walk
from tests.support.routes import PRACTICE_REVIEW

PACK = load_pack()


def _form(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DOCUMENTS_DIR", str(tmp_path))
    conv = Conversation(ConversationState(PACK, None, TODAY), front="plain")
    conv.opening()
    walk(conv, PRACTICE_REVIEW)
    events = conv.handle(at=conv.at, choice=STEP_FORM)
    assert conv.mode == "form" and isinstance(events[-1], E.AskText)
    return conv


def _to(conv, name):
    """Keep each field (Enter) until `name` is asked."""
    for _ in range(80):
        if conv.at == f"form:{name}":
            return
        conv.handle("", at=conv.at)
    raise AssertionError(f"{name} was never asked")


def test_a_bad_email_is_refused_with_the_screens_message(tmp_path, monkeypatch):
    conv = _form(tmp_path, monkeypatch)
    _to(conv, "referrer.email")
    events = conv.handle("not an email", at=conv.at)
    assert "Not an email address" in events[1].text
    assert conv.at == "form:referrer.email"  # asked again
    conv.handle("alex@example.org", at=conv.at)
    assert conv.at != "form:referrer.email"
    assert conv._form.data["referrer"]["email"] == "alex@example.org"


def test_a_future_date_is_refused(tmp_path, monkeypatch):
    conv = _form(tmp_path, monkeypatch)
    _to(conv, "incident.date")
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    events = conv.handle(tomorrow, at=conv.at)
    assert "in the future" in events[1].text and conv.at == "form:incident.date"


def test_the_form_is_saved_and_its_fields_kept_for_the_export(tmp_path, monkeypatch):
    conv = _form(tmp_path, monkeypatch)
    _to(conv, "child.name")
    conv.handle("Child S", at=conv.at)
    while conv.at != "form:save":
        conv.handle("", at=conv.at)
    target = tmp_path / "form.txt"
    events = conv.handle(str(target), at=conv.at)
    assert any(e.template == "file_saved" for e in events if isinstance(e, E.Say))
    assert "Child S" in target.read_text()
    assert conv.referral["child"]["name"] == "Child S"
    assert "Child S" in conv.case_file_text()
    # the steps are on screen again; the form starts from what was typed
    assert conv.mode == "complete" and conv.at == "steps"
    conv.handle(at=conv.at, choice=STEP_FORM)
    assert conv._form.data["child"]["name"] == "Child S"


def test_cancel_leaves_the_form(tmp_path, monkeypatch):
    conv = _form(tmp_path, monkeypatch)
    events = conv.handle("cancel", at=conv.at)
    assert conv.mode == "complete" and isinstance(events[-1], E.Offer)
