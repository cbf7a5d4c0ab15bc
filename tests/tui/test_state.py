"""The conversation state: quick path updates equal a full replay; changes report what moved."""

from __future__ import annotations

import datetime as dt
import random

from assistant.conversation.state import ConversationState
from assistant.core import contract
from assistant.core.engine import replay


def test_answering_step_by_step_gives_the_same_path_as_a_full_replay(pack):
    rnd = random.Random(5)

    def value(fact):
        if contract.FACTS[fact].kind == "date":
            return rnd.choice(["unknown", dt.date(2026, 3, 2)])
        return rnd.choice(contract.FACTS[fact].values)

    for _ in range(25):
        state = ConversationState(pack)
        for _ in range(40):
            question = state.current
            if question is None:
                break
            state.answer(question.fact, value(question.fact))
            full = replay(pack, state.answers)
            assert full.applied == state.path.applied
            assert full.set_aside == state.path.set_aside
            assert (full.current and full.current.fact) == (state.current and state.current.fact)
            if rnd.random() < 0.15 and state.path.asked:
                fact = rnd.choice([q.fact for q, _ in state.path.asked])
                state.answer(fact, value(fact))


def test_a_change_reports_answers_set_aside_and_restored(pack):
    state = ConversationState(pack)
    for fact, value in [
        ("immediate_risk", "no"),
        ("subject_age_band", "under_16"),
        ("harm", "serious_harm"),
        ("abuse_or_neglect", "suspected"),
    ]:
        while state.current is not None and state.current.fact != fact:
            state.answer(state.current.fact, "unknown")
        state.answer(fact, value)
    change = state.answer("subject_age_band", "age_25_plus")
    assert change.changed_earlier
    assert change.old == "under_16"
    assert change.set_aside  # child-only questions no longer apply
    back = state.answer("subject_age_band", "under_16")
    assert set(back.restored) == set(change.set_aside)


def test_back_withdraws_the_latest_answer_on_the_path(pack):
    state = ConversationState(pack)
    state.answer("immediate_risk", "no")
    state.answer(state.current.fact, "under_16")
    question = state.back()
    assert question is not None and question.fact == "subject_age_band"
    assert state.current.fact == "subject_age_band"
    assert state.back().fact == "immediate_risk"
    assert state.back() is None


def test_the_ui_free_parts_never_import_textual():
    import subprocess
    import sys

    code = (
        "import sys; import assistant.core.interpret, assistant.conversation.state, assistant.conversation.outcome_text, "
        "assistant.conversation.ui_words; assert 'textual' not in sys.modules, sorted(m for m in sys.modules if 'textual' in m)"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
