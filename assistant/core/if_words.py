"""The words of an outcome's "If …" line: what the open answers must turn out to be for an item
that only may apply.

An item (a notification, a signpost, a review option, a deadline, a criterion) may apply while
some answers are open ("not sure", or not asked yet). Its line is built from what is left of the
conditions of the rules that give it once the known answers are put in (logic.residual). What is
left is said as it is: one open fact in the pack's words for it (labels.yaml `facts:`, `if:`);
facts that must all hold, joined with "and"; alternatives (a rule of its own is one too), joined
with "or". The pack's words say a fact the way it matters (a "yes", the values that count), so
when what is left mixes "and" with "or", or tests a "no" or a "not", there are no words (None)
and the outcome names the facts that settle it instead ("the answers on … confirm it") rather
than claim a combination. Facts come in the pack's question order, so the words are the same on
every run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from assistant.core import contract
from assistant.core.logic import UNDECIDED, Residual, residual
from assistant.core.pack import Outputs, Pack

# a possible item's kind (Possible.kind) -> the ids a rule's outputs give of that kind
_GIVES: dict[str, Callable[[Outputs], Iterable[str]]] = {
    "notification": lambda out: (n.id for n in out.notifications),
    "deadline": lambda out: (d.id for d in out.deadlines),
    "signpost": lambda out: out.signposts,
    "local_option": lambda out: out.reviews.local_options,
    "criterion": lambda out: out.reviews.criteria_met,
}


def if_words(
    pack: Pack,
    kind: str,
    item: str,
    facts: Mapping[str, Any],
    fact_if: Callable[[str], str],
) -> str | None:
    """The condition under which `item` (of `kind`) would apply, in words; None when the rules
    that give it leave nothing open, or leave what the words cannot say faithfully."""
    gives = _GIVES.get(kind)
    if gives is None:
        return None
    answers = {f: v for f, v in facts.items() if v is not None and v != contract.UNKNOWN}
    cache: dict[str, Residual] = {}
    left: set[Residual] = set()
    for rule in pack.rules:
        if not any(item in gives(out) for out in (rule.then, rule.if_unknown) if out is not None):
            continue
        found = residual(rule.when, answers, pack.definitions, cache)
        if found is True or found == UNDECIDED:
            return None  # applies already (or on a date rule): nothing to say "if" about
        if found is not False:
            left.add(found)
    if not left:
        return None
    node = next(iter(left)) if len(left) == 1 else ("any", frozenset(left))
    return _say(node, fact_if, pack.index.fact_order())


def _say(node: Residual, fact_if: Callable[[str], str], order: Callable[[str], Any]) -> str | None:
    """One fact, or facts that must all hold, or alternatives, in words; else None."""
    if node[0] == "fact":
        return _fact(node[1], node[2], fact_if)
    if node[0] not in ("all", "any") or any(part[0] != "fact" for part in node[1]):
        return None
    words: list[str] = []
    for part in sorted(node[1], key=lambda p: (order(p[1]), repr(p))):
        said = _fact(part[1], part[2], fact_if)
        if said is None:
            return None
        if said not in words:
            words.append(said)
    return join_words(words, "and" if node[0] == "all" else "or")


def _fact(fact: str, values: frozenset[str], fact_if: Callable[[str], str]) -> str | None:
    """The pack's words for an open fact, when they say what the condition tests."""
    spec = contract.FACTS.get(fact)
    if spec is None:
        return None
    if spec.kind == "tri" and values != frozenset(("yes",)):
        return None  # the words say the "yes"
    if spec.kind == "date" and values != frozenset(("given",)):
        return None  # the words say the date is given
    return fact_if(fact)


def join_words(words: list[str], last: str) -> str:
    """ "a", "a and b", "a, b and c" (or "or")."""
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + f" {last} " + words[-1]
