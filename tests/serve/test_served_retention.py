"""The notice about drafts kept past the retention period, in words that work where it is read:
a command in a terminal; in the app served to a browser (which has no command line), the list
of drafts the page opens with, and whoever runs the service for the drafts that list leaves out."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.conversation.session import Session, SessionIO, start_session
from assistant.core import load_pack
from assistant.core.prompts import render
from assistant.core.served import SERVED_ENV

PACK = load_pack()
OLD = "2020-01-02T09:00:00Z"  # long past any retention period


def _notice(session: Session) -> str:
    found = [n for n in session.notices if "older than" in n]
    assert len(found) == 1, session.notices
    return found[0]


@pytest.fixture
def stale(tmp_path, monkeypatch) -> dict[str, str]:
    """Two drafts past the retention period: one still in progress, one with its outcome."""
    data = tmp_path / "data"
    monkeypatch.setenv("REVIEW_ASSISTANT_DATA", str(data))
    monkeypatch.delenv(SERVED_ENV, raising=False)
    folder = data / "drafts"
    folder.mkdir(parents=True, mode=0o700)
    drafts = {"0a0a0a0a": "in_progress", "0b0b0b0b": "complete"}
    for draft_id, status in drafts.items():
        path = Path(folder / f"{draft_id}.json")
        path.write_text(
            json.dumps(
                {
                    "format": 1,
                    "id": draft_id,
                    "created": OLD,
                    "updated": OLD,
                    "pack": {"name": PACK.name, "version": PACK.version},
                    "answers": {"immediate_risk": "no"},
                    "status": status,
                }
            ),
            encoding="utf-8",
        )
        path.chmod(0o600)
    return drafts


def _start() -> Session:
    io = SessionIO(ask_passphrase=lambda _: None, stop=pytest.fail, terminal=False)
    session = start_session(PACK, io, front="chat")
    assert isinstance(session, Session)
    return session


def test_in_a_terminal_the_notice_names_the_command(stale):
    notice = _notice(_start())
    assert "0a0a0a0a" in notice and "0b0b0b0b" in notice
    assert "review-assistant drafts purge --older-than" in notice


def test_in_the_browser_the_notice_names_what_the_page_offers(stale, monkeypatch):
    monkeypatch.setenv(SERVED_ENV, "1")
    notice = _notice(_start())
    assert "0a0a0a0a" in notice and "0b0b0b0b" in notice
    assert "review-assistant" not in notice and "purge" not in notice
    assert "open this page again, choose it in the list of drafts and press Delete twice" in notice
    # the finished draft is not in the page's list: said so, and who can delete it
    assert "One of them is not in that list" in notice
    assert "ask whoever runs this service" in notice


@pytest.mark.parametrize(
    ("count", "in_list", "words"),
    [
        (1, 1, "To delete it, open this page again"),
        (2, 2, "To delete one, open this page again"),
        (1, 0, "It cannot be deleted from this page"),
        (3, 0, "They cannot be deleted from this page"),
        (3, 1, "2 of them are not in that list"),
    ],
)
def test_the_browser_words_fit_what_the_list_holds(count, in_list, words):
    text = render(
        PACK,
        "plain/retention.j2",
        count=count,
        retention_days=90,
        ids=["d"] * count,
        browser=True,
        in_list=in_list,
    )
    assert words in text
    assert "review-assistant" not in text and "`" not in text


def test_a_draft_deleted_in_the_list_is_not_named_as_still_kept(stale, monkeypatch):
    from assistant.core.drafts import DraftStore

    monkeypatch.setenv(SERVED_ENV, "1")

    def pick(open_ones: list) -> None:  # the page's list: the old draft deleted, a new one begun
        assert [d.id for d in open_ones] == ["0a0a0a0a"]
        DraftStore().delete("0a0a0a0a")
        return None

    io = SessionIO(ask_passphrase=lambda _: None, stop=pytest.fail, pick=pick, terminal=False)
    session = start_session(PACK, io, front="chat")
    assert isinstance(session, Session)
    notice = _notice(session)
    assert "0a0a0a0a" not in notice and "0b0b0b0b" in notice
    assert "1 saved draft is older than" in notice
    assert "It cannot be deleted from this page" in notice
