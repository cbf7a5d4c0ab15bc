"""The real Textual app in a terminal (a pty), killed with SIGKILL mid-conversation, then resumed."""

from __future__ import annotations

import json
import os
import signal
import sys
import time
from pathlib import Path

import pytest

from tests.support.terminal import Terminal, wait_for

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pty")


def _answers(folder: Path) -> tuple[str, dict[str, str]] | None:
    for path in folder.glob("*.json"):
        try:
            data = json.loads(path.read_text())
        except (OSError, ValueError):
            return None  # never happens with atomic writes; the test would then time out
        return path.stem, data["answers"]
    return None


PREFERRED = {
    "immediate_risk": "no",
    "subject_age_band": "under_16",
    "harm": "died",
    "abuse_or_neglect": "known",
}


def _script(count: int) -> list[tuple[str, str, str]]:
    """(fact, value, keys: the number and Enter) for the first `count` questions the pack asks."""
    from assistant.conversation.state import ConversationState
    from assistant.core import load_pack

    pack = load_pack()
    state = ConversationState(pack)
    out = []
    for _ in range(count):
        question = state.current
        values = [c.value for c in question.choices(pack.labels.values.get(question.fact))]
        value = PREFERRED.get(question.fact, values[0])
        out.append((question.fact, value, str(values.index(value) + 1) + "\r"))  # number, Enter
        state.answer(question.fact, value)
    return out


@pytest.mark.slow
def test_sigkill_the_chat_mid_conversation_and_resume(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("REVIEW_ASSISTANT_", "XDG_"))}
    env.update(
        HOME=str(home),
        REVIEW_ASSISTANT_DATA=str(tmp_path / "data"),
        TERM="xterm-256color",
        COLUMNS="100",
        LINES="40",
        NO_COLOR="1",
        PYTHONDONTWRITEBYTECODE="1",
    )
    folder = tmp_path / "data" / "drafts"
    script = _script(4)
    expected = [(fact, value) for fact, value, _ in script[:3]]

    term = Terminal([], env)
    try:
        wait_for(
            lambda: b"Hello" in term.output or b"Is any child" in term.output,
            "the first question",
            term,
        )
        time.sleep(1.0)  # let the app finish mounting and focus the answers
        for count, (_, _, key) in enumerate(script[:3], start=1):
            term.press(key)
            wait_for(
                lambda count=count: (
                    (found := _answers(folder)) and len(found[1]) == count and found
                ),
                f"answer {count} to be saved",
                term,
            )
            time.sleep(0.5)
    finally:
        status = term.kill()
    assert status == -signal.SIGKILL
    draft_id, answers = _answers(folder)
    assert list(answers.items()) == expected
    assert [p.name for p in folder.iterdir()] == [f"{draft_id}.json"]  # no temporary file left

    term = Terminal(["--resume", draft_id], env)
    try:
        wait_for(lambda: b"Carrying on with draft" in term.output, "the resumed conversation", term)
        time.sleep(1.0)
        term.press(script[3][2])  # an answer to the fourth question: it carried on where it was
        wait_for(lambda: len(_answers(folder)[1]) == 4, "the next answer to be saved", term)
    finally:
        term.kill()
    _, answers = _answers(folder)
    assert list(answers.items()) == [*expected, script[3][:2]]
