"""Requests to agencies after the outcome, below any user interface: the conversation's step
(plain mode's next steps) and the function the chat's outcome screen calls."""

from __future__ import annotations

import datetime as dt

import pytest
from docx import Document

from assistant.conversation import events as E
from assistant.conversation.conversation import STEP_REQUESTS, Conversation
from assistant.conversation.requests import (
    FOLDER_AT,
    FORMAT_AT,
    agency_names,
    write_agency_requests,
)
from assistant.conversation.state import ConversationState
from assistant.core import load_pack
from tests.support.routes import PRACTICE_REVIEW

TODAY = dt.date(2026, 11, 30)  # a Monday: 10 working days on is Monday 14 December 2026
HOSTILE = 'Health visiting <b>& {{ 7*7 }} *stars* {%p if x %} _{_ \\ "q"'
REFERRAL = {
    "child": {"name": "Child Alpha Zulu", "date_of_birth": "2020-03-02"},
    "incident": {"date": "2026-01-02"},
    "agencies": [{"name": HOSTILE, "involvement": "visits"}, {"name": "Greater Manchester Police"}],
}


@pytest.fixture(scope="module")
def pack():
    return load_pack()


def at_the_outcome(pack, referral=None) -> tuple[Conversation, list]:
    """A plain-mode conversation walked to its outcome; the events of its last turn."""
    conv = Conversation(ConversationState(pack, None, TODAY), front="plain")
    events = conv.opening()
    while conv.mode == "question":
        events = conv.handle(at=conv.at, choice=PRACTICE_REVIEW.get(conv.asking.fact, "unknown"))
    conv.referral = referral
    return conv, events


def steps(events) -> list[str]:
    offers = [e for e in events if isinstance(e, E.Offer)]
    return [s.value for s in offers[-1].steps] if offers else []


def said(events) -> str:
    return "\n".join(e.text for e in events if isinstance(e, E.Say))


def docx_text(path) -> str:
    document = Document(str(path))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [" | ".join(c.text for c in row.cells) for row in table.rows]
    return "\n".join(parts)


def test_plain_offers_the_step_after_a_referral_outcome_and_writes_each_request(
    pack, tmp_path, monkeypatch
):
    monkeypatch.setenv("HOME", str(tmp_path))
    conv, events = at_the_outcome(pack, REFERRAL)
    assert STEP_REQUESTS in steps(events)
    events = conv.handle(at=conv.at, choice=STEP_REQUESTS)
    assert "2 agencies on the referral form" in said(events) and HOSTILE in said(events)
    ask = events[-1]
    assert isinstance(ask, E.AskText) and ask.at == FORMAT_AT == conv.at
    events = conv.handle("2", at=conv.at)  # Markdown
    ask = events[-1]
    assert isinstance(ask, E.AskText) and ask.at == FOLDER_AT
    out = tmp_path / "requests"
    events = conv.handle(str(out), at=conv.at)
    files = sorted(out.glob("*.md"))
    assert len(files) == 2
    first = files[0].read_text(encoding="utf-8")
    assert "Greater Manchester Police" in files[1].read_text(encoding="utf-8")
    assert "SSCP@salford.gov.uk" in first and "14 December 2026" in first
    text = said(events)
    assert f"Wrote 2 request(s) in {out}" in text and "due back Mon 14 Dec 2026" in text
    assert str(files[0]) in text
    assert conv.mode == "complete" and isinstance(events[-1], E.Offer)  # the steps again

    # the same folder again: nothing is replaced, and another folder is asked for
    before = files[0].read_bytes()
    conv.handle(at=conv.at, choice=STEP_REQUESTS)
    conv.handle("md", at=conv.at)
    events = conv.handle(str(out), at=conv.at)
    assert "already in" in said(events) and "nothing was replaced" in said(events)
    assert conv.at == FOLDER_AT and files[0].read_bytes() == before
    events = conv.handle("cancel", at=conv.at)
    assert "No requests were written." in said(events) and conv.mode == "complete"


def test_without_agencies_the_step_says_how_to_add_them(pack, tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    conv, _ = at_the_outcome(pack, None)
    events = conv.handle(at=conv.at, choice=STEP_REQUESTS)
    assert "Prepare the referral form" in said(events)
    assert conv.mode == "complete" and isinstance(events[-1], E.Offer)
    assert list(tmp_path.rglob("request-*")) == []


def test_a_bad_format_or_folder_is_said_and_asked_again(pack, tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    conv, _ = at_the_outcome(pack, REFERRAL)
    conv.handle(at=conv.at, choice=STEP_REQUESTS)
    events = conv.handle("pdf", at=conv.at)
    assert "by its number" in said(events) and conv.at == FORMAT_AT
    conv.handle("word", at=conv.at)
    events = conv.handle(str(tmp_path / "missing" / "deeper"), at=conv.at)
    assert "does not exist" in said(events) and conv.at == FOLDER_AT
    (tmp_path / "a-file").write_text("x")
    events = conv.handle(str(tmp_path / "a-file"), at=conv.at)
    assert "is a file, not a folder" in said(events) and conv.at == FOLDER_AT


def test_the_chat_calls_the_same_function_and_reads_back_word(pack, tmp_path):
    conv, _ = at_the_outcome(pack, REFERRAL)
    assert agency_names(conv.referral) == [HOSTILE, "Greater Manchester Police"]
    written, events = write_agency_requests(conv, tmp_path / "out", "docx")
    assert [w.agency for w in written] == [HOSTILE, "Greater Manchester Police"]
    text = docx_text(written[0].path)
    assert f"To: {HOSTILE}" in text and "Please reply by 14 December 2026" in text
    assert "C.A.Z." in text and "Alpha" not in text  # initials, not the name
    again, events = write_agency_requests(conv, tmp_path / "out", "docx")
    assert again == [] and "nothing was replaced" in said(events)


def test_no_requests_step_when_the_outcome_has_no_referral(pack):
    conv = Conversation(ConversationState(pack, None, TODAY), front="plain")
    events = conv.opening()
    no_referral = {"immediate_risk": "no", "subject_age_band": "age_25_plus"}
    while conv.mode == "question":
        events = conv.handle(at=conv.at, choice=no_referral.get(conv.asking.fact, "no"))
    if conv.state.decision().form:
        pytest.skip("this path still ends in a referral")
    assert STEP_REQUESTS not in steps(events)


def test_the_agencies_typed_on_plain_modes_form_are_the_ones_asked(pack, tmp_path, monkeypatch):
    from assistant.conversation.conversation import STEP_FORM

    monkeypatch.setenv("HOME", str(tmp_path))
    conv, _ = at_the_outcome(pack, None)
    events = conv.handle(at=conv.at, choice=STEP_FORM)
    for _ in range(80):  # Enter keeps each field, up to the agencies
        if conv.at == "form:agencies":
            break
        events = conv.handle("", at=conv.at)
    assert conv.at == "form:agencies", events
    conv.handle("School: teacher; Greater Manchester Police", at=conv.at)
    conv.handle("cancel", at=conv.at)  # the form is not saved, its fields are kept
    events = conv.handle(at=conv.at, choice=STEP_REQUESTS)
    assert "(School; Greater Manchester Police)" in said(events)
    conv.handle("3", at=conv.at)  # a web page
    out = tmp_path / "out"
    conv.handle(str(out), at=conv.at)
    files = sorted(out.glob("*.html"))
    assert [f.name for f in files] == [
        "request-01-school.html",
        "request-02-greater-manchester-police.html",
    ]
