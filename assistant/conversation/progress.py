"""How far the conversation has got: questions answered, and at most how many remain.

The bound is cheap and never too small: a question still to come is one not yet answered whose
`ask_if` is not false and whose answer could still matter. For a choice, that means its fact is
an unknown of a rule that is undecided now (Kleene logic is monotone: a decided rule stays
decided, so a fact outside that set can never matter later). A date can become needed by a
notification or deadline a later answer brings, so every date question not ruled out counts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from assistant.core.engine import TallyMemo, _known, _open_facts, _tally, in_force_on
from assistant.core.logic import FALSE, UNKNOWN
from assistant.core.pack import Pack, Rule


@dataclass(frozen=True)
class Progress:
    answered: int  # questions answered on the current path
    at_most: int  # questions that may still be asked after the one on screen (an upper bound)


def progress(
    pack: Pack,
    applied: Mapping[str, Any],
    today: dt.date | None = None,
    memo: TallyMemo | None = None,
) -> Progress:
    """Questions answered on the path and at most how many may follow the current one."""
    known = _known(applied)
    tally = _tally(pack, known, in_force_on(known, today), memo)
    if tally.halted:
        return Progress(len(applied), 0)
    open_facts = _open_facts(pack, tally)
    resolved: dict[str, Any] = {}

    def refs(name: str) -> Any:
        found = resolved.get(name)
        if found is None:
            found = resolved[name] = pack.definitions[name].evaluate(known, refs)
        return found

    left = 0
    for question in pack.questions:
        if question.fact in applied:
            continue
        if question.ask_if.evaluate(known, refs)[0] == FALSE:
            continue
        if question.kind == "date" or question.fact in open_facts:
            left += 1
    return Progress(len(applied), max(left - 1, 0))  # the one on screen is not "still to come"


def rules_still_open(
    pack: Pack,
    applied: Mapping[str, Any],
    fact: str,
    today: dt.date | None = None,
    memo: TallyMemo | None = None,
) -> list[Rule]:
    """The rules whose outcome the answer to `fact` can still change (undecided now, using it).

    Falls back to every rule that looks at the fact when none is undecided (a date question is
    asked for the dates that follow, not for a rule's condition).
    """
    known = _known(applied)
    tally = _tally(pack, known, in_force_on(known, today), memo)
    needing = pack.rules_needing(fact)
    ids = {r.id for r in needing}
    open_ids = {
        f.rule.id
        for f in tally.firings
        if f.value == UNKNOWN and f.rule.id in ids and fact in f.facts
    }
    still = [r for r in needing if r.id in open_ids]
    return still or needing
