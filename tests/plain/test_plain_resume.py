"""Plain mode carrying on with a draft: the answers so far are summed up once, and the way to
change one is what plain mode offers (typing "back"), not the chat's keys or clicks."""

from __future__ import annotations

import re

import pytest

from assistant.conversation.conversation import Conversation
from assistant.conversation.events import Say
from assistant.conversation.state import ConversationState
from assistant.core import load_pack
from tests.support.terminal import run_plain

PACK = load_pack()
CHAT_ONLY = ("ctrl+t", "click", "Select it", "Select any")


@pytest.fixture
def data(tmp_path, monkeypatch):
    monkeypatch.setenv("REVIEW_ASSISTANT_DATA", str(tmp_path / "data"))
    return tmp_path / "data"


def _state(count: int) -> ConversationState:
    state = ConversationState(PACK)
    for value in ("no", "under_16", "serious_harm")[:count]:
        assert state.current is not None
        state.answer(state.current.fact, value)
    return state


@pytest.mark.parametrize("count", [1, 3])
def test_plain_mode_is_told_what_to_type_not_which_chat_key_to_press(count):
    state = _state(count)
    events = Conversation(state, front="plain").opening(welcome=False)
    said = [e for e in events if isinstance(e, Say)]
    text = "\n".join(e.text for e in said)
    for words in CHAT_ONLY:
        assert words not in text, text
    assert '"back"' in text
    asked = [q.text for q, _ in state.answered_questions()]
    assert not any(e.text in asked for e in said), "the earlier questions are not listed again"


def test_the_chat_still_lists_the_answers_to_select():
    state = _state(3)
    events = Conversation(state, front="chat").opening(welcome=False)
    text = "\n".join(e.text for e in events if isinstance(e, Say))
    assert "ctrl+t" in text
    assert sum(isinstance(e, Say) and e.template == "asked" for e in events) == 3


def test_resuming_in_plain_mode_sums_up_the_answers_once(data):
    first = run_plain(PACK, "2\n2\nquit\n")
    found = re.search(r"saved as draft ([0-9a-f]{8})", first.stdout)
    assert found, first.stdout
    draft = found[1]

    done = run_plain(PACK, "quit\n", resume=draft)
    out = done.stdout
    # in this process the first session still holds the draft, so it carries on in a copy
    assert re.search(r"Carrying on with draft [0-9a-f]{8}: 2 answered so far, all kept\.", out)
    assert out.count("What we know so far:") == 1
    assert "  - Age: Under 16" in out
    for words in CHAT_ONLY:
        assert words not in out
    assert '"back"' in out
    # the two questions already answered are not printed again (not even without their answers)
    before = out.split("Question 3:", 1)[0]
    for question, _ in ConversationState(PACK, {"immediate_risk": "no"}).answered_questions():
        assert question.text not in before
    assert "How old is (or was) the child or young person?" not in before
