"""Any input at all gives a recorded answer the transcript shows, a "did you mean", or "Sorry, I
did not understand": never a crash, and never an answer the transcript does not show."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.conversation import events as E
from assistant.conversation.conversation import Conversation
from assistant.conversation.state import ConversationState
from assistant.core import load_pack

PACK = load_pack()


def _empty(text: str) -> bool:
    from assistant.core.interpret import Problem, interpret

    found = interpret(text, (), "choice")
    return isinstance(found, Problem) and found.code == "empty"


TODAY = dt.date(2026, 11, 27)
WORDS = [
    "1",
    "2",
    "3",
    "5",
    "9",
    "15",
    "17",
    "yes",
    "no",
    "not sure",
    "nope",
    "under 16",
    "unborn",
    "why",
    "help",
    "what is child",
    "more",
    "back",
    "summary",
    "review",
    "restart",
    "2026-11-20",
    "27/11/2026",
    "today",
    "2999-01-01",
    "",
    "  ",
    "name KS",
    "flibbertigibbet",
    "I have made the referral: carry on with the review questions",
    "See the outcome",
]
typed = st.one_of(st.sampled_from(WORDS), st.text(max_size=30))
# a turn: typed text or a chosen option's number, at the current id or at a stale one
turn = st.tuples(st.booleans(), typed, st.integers(0, 8), st.booleans())


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(turn, max_size=25))
def test_random_input_never_records_an_unshown_answer(turns):
    conv = Conversation(ConversationState(PACK, None, TODAY), front="chat")
    conv.opening()
    for is_choice, text, number, stale in turns:
        if conv.mode not in ("question", "urgent", "complete"):
            break
        at = "stale-id" if stale else conv.at
        before = dict(conv.state.answers)
        if is_choice:
            choices = conv.choices()
            if not choices:
                continue
            events = conv.handle(at=at, choice=choices[number % len(choices)].value)
        else:
            events = conv.handle(text, at=at)
        if any(isinstance(e, E.Quit) for e in events):
            break
        if any(isinstance(e, E.Restarted) for e in events):
            continue
        changed = {
            f
            for f in set(before) | set(conv.state.answers)
            if before.get(f) != conv.state.answers.get(f)
        }
        shown = {e.fact for e in events if isinstance(e, E.Echo) and e.fact}
        back = any(isinstance(e, E.Say) and e.template == "back" for e in events)
        carried = any(isinstance(e, E.Say) and e.template == "referral_made" for e in events)
        if back:  # "back" withdraws the latest answer and says which
            assert len(changed) <= 1
            continue
        if carried:  # "I have made the referral" records the risk question, and says so
            assert changed <= {"immediate_risk"}
            continue
        assert changed <= shown, (text, changed, shown)
        if stale:
            assert not changed
        # always a reply, except to a line with nothing in it (the chat ignores those)
        assert events or _empty(text), repr(text)
