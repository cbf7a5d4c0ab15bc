"""A loaded pack's index: what the engine and its readers derive from the rules, built once.

`PackIndex.of(pack)` is built when the pack is loaded (`Pack.index`) and never changed after:
the rules flattened for the engine, which rules look at each fact, which rules can set each
decision value, which rules are in force on any date, the precedence ranks, the questions by
fact and the order facts are listed in. Nothing here is remembered behind the pack's back:
a new pack has a new index.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from assistant.core import contract

if TYPE_CHECKING:
    from assistant.core.pack import DeadlineSpec, NotificationSpec, Outputs, Pack, Question, Rule


@dataclass(frozen=True)
class RuleOutputs:
    """A rule's outputs flattened once per pack, so evaluating a rule is a few tuple loops."""

    scalars: tuple[tuple[str, str], ...]
    items: tuple[tuple[str, tuple[str, ...]], ...]  # (kind, ids) for signposts, options ...
    criteria: tuple[str, ...]
    notifications: tuple[NotificationSpec, ...]
    deadlines: tuple[DeadlineSpec, ...]
    halt: bool
    adds: bool  # anything to tally (many rules add nothing while unknown)

    @classmethod
    def of(cls, outputs: Outputs) -> RuleOutputs:
        kinds = (
            ("signposts", tuple(outputs.signposts)),
            ("local_options", tuple(outputs.reviews.local_options)),
            ("notifications", tuple(n.id for n in outputs.notifications)),
            ("deadlines", tuple(d.id for d in outputs.deadlines)),
        )
        scalars = tuple(outputs.scalars())
        items = tuple((kind, ids) for kind, ids in kinds if ids)  # notifications, deadlines too
        criteria = tuple(outputs.reviews.criteria_met)
        return cls(
            scalars=scalars,
            items=items,
            criteria=criteria,
            notifications=tuple(outputs.notifications),
            deadlines=tuple(outputs.deadlines),
            halt=outputs.halt,
            adds=bool(scalars or items or criteria),
        )


@dataclass(frozen=True)
class CompiledRule:
    """One rule as the engine reads it."""

    rule: Rule
    where: str
    text: str
    then: RuleOutputs
    if_unknown: RuleOutputs  # `then` when the rule has no if_unknown
    route_if_unknown: str | None  # then.route, kept when if_unknown replaces `then`


_CONTRACT_ORDER = {name: i for i, name in enumerate(contract.FACTS)}


def _word(value: Any) -> Any:
    """A precedence value as the YAML gives it (YAML reads a bare no as False)."""
    if value is True:
        return "yes"
    if value is False:
        return "no"
    return value


@dataclass(frozen=True)
class PackIndex:
    """Everything derived from one pack's rules and questions (see the module docstring)."""

    compiled: tuple[CompiledRule, ...]
    # fact -> the positions of the rules whose condition looks at it (through definitions too)
    rules_using: Mapping[str, frozenset[int]]
    # (field, value) -> ids of the rules whose outputs can set it
    setters: Mapping[tuple[str, str], frozenset[str]]
    # the days on which some rule starts or stops being in force, and which rules are in force
    # before the first of them, between each two and after the last (one more than the days)
    changes: tuple[dt.date, ...]
    live: tuple[tuple[bool, ...], ...]
    # for each scalar field, value -> rank (0 = most protective)
    rank: Mapping[str, Mapping[str, int]]
    question_for: Mapping[str, Question]
    fact_position: Mapping[str, int]  # each asked fact's place in the question order
    rules_by_id: Mapping[str, tuple[Rule, ...]]

    @classmethod
    def of(cls, pack: Pack) -> PackIndex:
        compiled = []
        for rule in pack.rules:
            then = RuleOutputs.of(rule.then)
            unknown = then if rule.if_unknown is None else RuleOutputs.of(rule.if_unknown)
            keep_route = rule.then.route if rule.if_unknown is not None else None
            compiled.append(
                CompiledRule(rule, rule.where, rule.text.strip(), then, unknown, keep_route)
            )
        uses: dict[str, set[int]] = {}
        for i, rule in enumerate(pack.rules):
            for fact in rule.when.facts_used(pack.definitions):
                uses.setdefault(fact, set()).add(i)
        setters: dict[tuple[str, str], set[str]] = {}
        for rule in pack.rules:
            for out in (rule.then, rule.if_unknown):
                if out is None:
                    continue
                for name, value in out.scalars():
                    setters.setdefault((name, value), set()).add(rule.id)
                for option in out.reviews.local_options:
                    setters.setdefault(("reviews.local_options", option), set()).add(rule.id)
        days: set[dt.date] = set()
        for rule in pack.rules:
            if rule.effective_from is not None:
                days.add(rule.effective_from)
            if rule.effective_to is not None and rule.effective_to < dt.date.max:
                days.add(rule.effective_to + dt.timedelta(days=1))
        changes = tuple(sorted(days))
        # a day in each stretch: the day before the first change, then each change itself
        samples = ([changes[0] - dt.timedelta(days=1)] if changes else [dt.date.today()]) + list(
            changes
        )
        live = tuple(tuple(r.in_force(day) for r in pack.rules) for day in samples)
        rank: dict[str, Mapping[str, int]] = {}
        for name, default in contract.SCALAR_FIELDS.items():
            order = pack.meta.precedence.get(name) or list(default)
            rank[name] = MappingProxyType(
                {(_word(v) if v is not None else "none"): i for i, v in enumerate(order)}
            )
        by_id: dict[str, list[Rule]] = {}
        for rule in pack.rules:
            by_id.setdefault(rule.id, []).append(rule)
        return cls(
            compiled=tuple(compiled),
            rules_using=MappingProxyType({f: frozenset(p) for f, p in uses.items()}),
            setters=MappingProxyType({k: frozenset(v) for k, v in setters.items()}),
            changes=changes,
            live=live,
            rank=MappingProxyType(rank),
            question_for=MappingProxyType({q.fact: q for q in pack.questions}),
            fact_position=MappingProxyType({q.fact: i for i, q in enumerate(pack.questions)}),
            rules_by_id=MappingProxyType({k: tuple(v) for k, v in by_id.items()}),
        )

    def in_force(self, on: dt.date) -> tuple[bool, ...]:
        """Whether each of the pack's rules (in pack order) is in force on `on`."""
        return self.live[bisect_right(self.changes, on)]

    def fact_order(self) -> Callable[[str], tuple[int, int, str]]:
        """Facts sort in the order the pack asks them, then in the contract's order."""
        position = self.fact_position
        last = len(position)
        return lambda name: (position.get(name, last), _CONTRACT_ORDER.get(name, 0), name)
