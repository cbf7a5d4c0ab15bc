"""The conversation's state in one place: the answers, the path they give, and the decision.

Textual-free, so plain mode, autosave and tests can use it directly. Every change goes through
`answer`, `back` or `restart`, each of which ends by calling `on_answers_changed()`: the one
hook for anything that must follow the answers (a draft save, a facts panel refresh).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from assistant.core import contract
from assistant.core.engine import AnswerPath, Decision, TallyMemo, decide, next_question, replay
from assistant.core.pack import Pack, Question

AnswerValue = str | dt.date
Listener = Callable[["ConversationState"], None]


@dataclass(frozen=True)
class Change:
    """What one answer did: the old value, and answers it set aside or brought back."""

    fact: str
    old: AnswerValue | None
    new: AnswerValue | None
    set_aside: dict[str, AnswerValue] = field(default_factory=dict)
    restored: dict[str, AnswerValue] = field(default_factory=dict)

    @property
    def changed_earlier(self) -> bool:
        return self.old is not None and self.old != self.new


class ConversationState:
    """The answers given so far (set-aside ones included) and the path they give now."""

    def __init__(
        self,
        pack: Pack,
        answers: Mapping[str, AnswerValue] | None = None,
        today: dt.date | None = None,
    ) -> None:
        self.pack = pack
        self.today = today
        self.answers: dict[str, AnswerValue] = dict(answers or {})
        self.history: list[str] = list(self.answers)  # facts in the order they were answered
        self.listeners: list[Listener] = []
        self._decision: Decision | None = None
        # the tallies this conversation's answers gave, shared by every replay and decision
        self.memo = TallyMemo(pack)
        self.path: AnswerPath = replay(pack, self.answers, today, self.memo)

    # --- reading -----------------------------------------------------------------------------

    @property
    def current(self) -> Question | None:
        """The question to ask now, or None when the path is complete."""
        return self.path.current

    @property
    def complete(self) -> bool:
        return self.path.current is None

    @property
    def applied(self) -> dict[str, AnswerValue]:
        """The answers on the current path (what the decision uses)."""
        return self.path.applied

    @property
    def set_aside(self) -> dict[str, AnswerValue]:
        return self.path.set_aside

    def decision(self) -> Decision:
        """The decision for the answers on the path (cached until the answers change)."""
        if self._decision is None:
            self._decision = decide(self.pack, self.path.applied, today=self.today, memo=self.memo)
        return self._decision

    def answered_questions(self) -> list[tuple[Question, AnswerValue]]:
        """Every question answered on the path, in the pack's order, with its answer."""
        return [
            (q, self.path.applied[q.fact])
            for q in self.pack.questions
            if q.fact in self.path.applied
        ]

    def words(self, fact: str, value: Any) -> str:
        """An answer in plain words, as the option the user chose says it."""
        question = self.pack.question_for.get(fact)
        if question is not None and not isinstance(value, dt.date):
            for option in question.choices(self.pack.labels.values.get(fact)):
                if option.value == value:
                    return option.label
        return self.pack.value_words(fact, value)

    def fact_label(self, fact: str) -> str:
        """A fact's name in plain words: its label, else its question."""
        return self.pack.fact_label(fact)

    # --- changing ----------------------------------------------------------------------------

    def answer(self, fact: str, value: AnswerValue) -> Change:
        """Record (or change) the answer to `fact`, recompute the path and say what moved."""
        if fact not in contract.FACTS:
            raise KeyError(fact)
        old = self.answers.get(fact)
        aside_before = dict(self.path.set_aside)
        current = self.path.current
        self.answers[fact] = value
        if fact in self.history:
            self.history.remove(fact)
        self.history.append(fact)
        if current is not None and current.fact == fact and old is None:
            self._extend(current, value)
        else:
            self._recompute()
        now_aside = self.path.set_aside
        change = Change(
            fact=fact,
            old=old,
            new=value,
            set_aside={k: v for k, v in now_aside.items() if k not in aside_before},
            restored={k: v for k, v in aside_before.items() if k not in now_aside},
        )
        self.on_answers_changed()
        return change

    def back(self) -> Question | None:
        """Withdraw the latest answer still on the path; return the question to ask again."""
        for fact in reversed(self.history):
            if fact in self.path.applied:
                self.answers.pop(fact)
                self.history.remove(fact)
                self._recompute()
                self.on_answers_changed()
                return self.pack.question_for.get(fact)
        return None

    def restart(self) -> None:
        """Forget every answer and start from the first question."""
        self.answers.clear()
        self.history.clear()
        self._recompute()
        self.on_answers_changed()

    def on_answers_changed(self) -> None:
        """Called after every change to the answers; tells each listener (autosave hooks here)."""
        for listener in list(self.listeners):
            listener(self)

    def _recompute(self) -> None:
        self._decision = None
        self.path = replay(self.pack, self.answers, self.today, self.memo)

    def _extend(self, question: Question, value: AnswerValue) -> None:
        """The path after answering its current question: `replay`'s walk, from where it was.

        Equal to `replay(pack, answers)` (the walk is deterministic and the earlier steps are
        unchanged) at a fraction of the cost, which keeps each answer quick on long paths.
        """
        self._decision = None
        applied = dict(self.path.applied)
        asked = list(self.path.asked)
        applied[question.fact] = value
        asked.append((question, value))
        current: Question | None = None
        for _ in range(len(self.pack.questions) + 1):
            following = next_question(self.pack, applied, self.today, self.memo)
            if following is None:
                break
            if following.fact in self.answers and following.fact not in applied:
                applied[following.fact] = self.answers[following.fact]
                asked.append((following, self.answers[following.fact]))
                continue
            current = following
            break
        set_aside = {k: v for k, v in self.answers.items() if k not in applied}
        self.path = AnswerPath(asked=asked, applied=applied, set_aside=set_aside, current=current)
