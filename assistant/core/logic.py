"""Three-valued (Kleene) conditions over facts, written as data and never eval'd.

A condition in a rule pack is one of:
    {all: [c, ...]}   true when every part is true; false as soon as one part is false
    {any: [c, ...]}   true when one part is true; false only when every part is false
    {not: c}
    {ref: name}       a named condition from the pack's `definitions`
    {fact: value}     or {fact: [value, ...]}: the fact has (one of) these values
    {date_fact: given}  the case records this date (a step already done); never unknown: a
                      date not given means the case does not record it
    {date_fact: not_yet}  the case records that the step has not happened yet (the Panel not
                      notified yet); never unknown either: "not sure" or no answer is not "not yet"
A mapping with several fact keys means all of them. A fact that is not known makes its test
UNKNOWN, and UNKNOWN passes through all/any/not by Kleene's rules (TRUE > UNKNOWN > FALSE:
all = minimum, any = maximum, not = reversal).

Every evaluation also returns the facts that decided it: for TRUE the facts that satisfied it,
for FALSE the facts that stopped it, for UNKNOWN the unknown facts that would settle it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from assistant.core import contract

FALSE, UNKNOWN, TRUE = 0, 1, 2
GIVEN = "given"  # a condition tests a date fact for being given ...
NOT_YET = "not_yet"  # ... or for the step not having happened yet
DATE_TESTS = frozenset((GIVEN, NOT_YET))

Facts = Mapping[str, Any]
Result = tuple[int, frozenset[str]]
_EMPTY: frozenset[str] = frozenset()


class Condition:
    """Base class: evaluate against facts, with `refs` resolving named definitions."""

    def evaluate(self, facts: Facts, refs: Callable[[str], Result]) -> Result:  # pragma: no cover
        raise NotImplementedError

    def facts_used(self, definitions: Mapping[str, Condition]) -> set[str]:  # pragma: no cover
        raise NotImplementedError

    def to_data(self) -> Any:  # pragma: no cover
        raise NotImplementedError


@dataclass(frozen=True)
class Leaf(Condition):
    fact: str
    values: frozenset[str]
    line: int = 0
    used: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "used", frozenset((self.fact,)))  # made once, not per call

    def evaluate(self, facts: Facts, refs: Callable[[str], Result]) -> Result:
        value = facts.get(self.fact)
        if self.values & DATE_TESTS:  # a date test: is the date (or "not yet") recorded?
            return (TRUE if date_test(self.values, value) else FALSE), self.used
        if value is None or value == "unknown":
            return UNKNOWN, self.used
        return (TRUE if value in self.values else FALSE), self.used

    def facts_used(self, definitions: Mapping[str, Condition]) -> set[str]:
        return {self.fact}

    def to_data(self) -> Any:
        values = sorted(self.values)
        return {self.fact: values[0] if len(values) == 1 else values}


@dataclass(frozen=True)
class All(Condition):
    parts: tuple[Condition, ...]

    def evaluate(self, facts: Facts, refs: Callable[[str], Result]) -> Result:
        unknown: frozenset[str] = _EMPTY
        satisfied: frozenset[str] = _EMPTY
        any_unknown = False
        for part in self.parts:
            value, used = part.evaluate(facts, refs)
            if value == FALSE:
                return FALSE, used
            if value == UNKNOWN:
                any_unknown = True
                unknown = unknown | used
            else:
                satisfied = satisfied | used
        return (UNKNOWN, unknown) if any_unknown else (TRUE, satisfied)

    def facts_used(self, definitions: Mapping[str, Condition]) -> set[str]:
        return set().union(*(p.facts_used(definitions) for p in self.parts))

    def to_data(self) -> Any:
        return {"all": [p.to_data() for p in self.parts]}


@dataclass(frozen=True)
class Any_(Condition):
    parts: tuple[Condition, ...]

    def evaluate(self, facts: Facts, refs: Callable[[str], Result]) -> Result:
        unknown: frozenset[str] = _EMPTY
        stopped: frozenset[str] = _EMPTY
        satisfied: frozenset[str] = _EMPTY
        any_true = any_unknown = False
        for part in self.parts:
            value, used = part.evaluate(facts, refs)
            if value == TRUE:
                any_true = True
                satisfied = satisfied | used
            elif value == UNKNOWN:
                any_unknown = True
                unknown = unknown | used
            else:
                stopped = stopped | used
        if any_true:
            return TRUE, satisfied
        return (UNKNOWN, unknown) if any_unknown else (FALSE, stopped)

    def facts_used(self, definitions: Mapping[str, Condition]) -> set[str]:
        return set().union(*(p.facts_used(definitions) for p in self.parts))

    def to_data(self) -> Any:
        return {"any": [p.to_data() for p in self.parts]}


@dataclass(frozen=True)
class Not(Condition):
    part: Condition

    def evaluate(self, facts: Facts, refs: Callable[[str], Result]) -> Result:
        value, used = self.part.evaluate(facts, refs)
        return TRUE - value, used

    def facts_used(self, definitions: Mapping[str, Condition]) -> set[str]:
        return self.part.facts_used(definitions)

    def to_data(self) -> Any:
        return {"not": self.part.to_data()}


@dataclass(frozen=True)
class Ref(Condition):
    name: str
    line: int = 0

    def evaluate(self, facts: Facts, refs: Callable[[str], Result]) -> Result:
        return refs(self.name)

    def facts_used(self, definitions: Mapping[str, Condition]) -> set[str]:
        target = definitions.get(self.name)
        return target.facts_used(definitions) if target else set()

    def to_data(self) -> Any:
        return {"ref": self.name}


def date_test(values: frozenset[str], value: Any) -> bool:
    """A date test ({date_fact: given} or {date_fact: not_yet}) on a fact's value: two-valued."""
    if isinstance(value, dt.date):
        return GIVEN in values
    return value == NOT_YET and NOT_YET in values


ALWAYS = All(())
"""A condition that is always true (an empty `all`)."""


class ConditionError(ValueError):
    """A condition written wrongly; `line` points at it."""

    def __init__(self, message: str, line: int | None = None) -> None:
        self.line = line
        super().__init__(message)


MAX_DEPTH = 32
"""How deeply all/any/not may nest (the shipped pack uses 4). Evaluating, explaining and
caching a condition all walk it recursively, so a hostile or mistaken pack nesting thousands
of levels gets a clear error at load instead of a RecursionError later."""


def parse_condition(data: Any, line: int | None = None, depth: int = 0) -> Condition:
    """Build a condition from YAML data (see the module docstring for the forms)."""
    own_line = getattr(data, "line", None) or line
    if depth > MAX_DEPTH:
        raise ConditionError(
            f"condition nested deeper than {MAX_DEPTH} levels (all/any/not inside each other); "
            "split it into named definitions and refer to them with {ref: name}",
            own_line,
        )
    if isinstance(data, list):
        lines = getattr(data, "item_lines", None) or [own_line] * len(data)
        return All(
            tuple(
                parse_condition(item, ln, depth + 1) for item, ln in zip(data, lines, strict=True)
            )
        )
    if not isinstance(data, dict) or not data:
        raise ConditionError(
            "a condition must be a mapping such as {harm: died}, {all: [...]}, {any: [...]}, "
            f"{{not: ...}} or {{ref: name}}; got {data!r}",
            own_line,
        )
    key_lines = getattr(data, "key_lines", {})
    parts: list[Condition] = []
    for key, value in data.items():
        key_line = key_lines.get(key, own_line)
        if key in ("all", "any"):
            if not isinstance(value, list):
                raise ConditionError(f"'{key}' takes a list of conditions", key_line)
            lines = getattr(value, "item_lines", None) or [key_line] * len(value)
            children = tuple(
                parse_condition(item, ln, depth + 1) for item, ln in zip(value, lines, strict=True)
            )
            parts.append(All(children) if key == "all" else Any_(children))
        elif key == "not":
            parts.append(Not(parse_condition(value, key_line, depth + 1)))
        elif key == "ref":
            if not isinstance(value, str):
                raise ConditionError("'ref' takes the name of a definition", key_line)
            parts.append(Ref(value, key_line or 0))
        else:
            values = value if isinstance(value, list) else [value]
            parts.append(Leaf(str(key), frozenset(_word(v) for v in values), key_line or 0))
    return parts[0] if len(parts) == 1 else All(tuple(parts))


def _word(value: Any) -> str:
    """YAML reads yes/no as booleans; in a condition they mean the fact values yes/no."""
    if value is True:
        return "yes"
    if value is False:
        return "no"
    return str(value)


def leaves(condition: Condition) -> list[Leaf | Ref]:
    """Every fact test and reference in a condition, in order (for lint and 'why')."""
    if isinstance(condition, Leaf | Ref):
        return [condition]
    if isinstance(condition, Not):
        return leaves(condition.part)
    if isinstance(condition, All | Any_):
        return [leaf for part in condition.parts for leaf in leaves(part)]
    return []


# --- residuals: what is left of a condition once some answers are known -----------------------

UNDECIDED = "not sure"  # the residual of a condition an answered "not sure" leaves undecided

Residual = Any  # True | False | UNDECIDED | a hashable tuple that still tests unanswered facts


def residual(
    condition: Condition,
    answers: Mapping[str, Any],
    definitions: Mapping[str, Condition],
    cache: dict[str, Residual],
) -> Residual:
    """What is left of `condition` once `answers` are known, simplified by Kleene's rules.

    An answered "not sure" becomes the constant UNDECIDED; an unanswered fact stays a test. Two
    states whose residuals are equal evaluate every future answer the same way (lint's search
    relies on it); the outcome's "If" lines say what is left in words (core/if_words.py).
    """
    if isinstance(condition, Leaf):
        if condition.fact not in answers:
            return ("fact", condition.fact, condition.values)
        value = answers[condition.fact]
        if condition.values & DATE_TESTS:  # a date test is never unknown (see Leaf.evaluate)
            return date_test(condition.values, value)
        if value is None or value == contract.UNKNOWN:
            return UNDECIDED
        return value in condition.values
    if isinstance(condition, Ref):
        found = cache.get(condition.name)
        if found is None:
            found = cache[condition.name] = residual(
                definitions[condition.name], answers, definitions, cache
            )
        return found
    if isinstance(condition, Not):
        part = residual(condition.part, answers, definitions, cache)
        if part is True or part is False:
            return not part
        return UNDECIDED if part == UNDECIDED else ("not", part)
    if isinstance(condition, All | Any_):
        deciding = condition.__class__ is Any_  # a TRUE part decides `any`, a FALSE one `all`
        kind = "any" if deciding else "all"
        rest: set[Residual] = set()
        for part in condition.parts:
            value = residual(part, answers, definitions, cache)
            if value is deciding:
                return deciding
            if value is not (not deciding):
                if isinstance(value, tuple) and value[0] == kind:
                    rest |= value[1]  # all(all(a, b), c) is all(a, b, c)
                else:
                    rest.add(value)
        if UNDECIDED in rest:
            # with a "not sure" part, a part that cannot decide (never FALSE in `all`, never
            # TRUE in `any`) can change nothing: all(U, x) where x is TRUE or U is U
            rest = {p for p in rest if p == UNDECIDED or deciding in residual_values(p)}
        if not rest:
            return not deciding
        if len(rest) == 1:
            return next(iter(rest))
        return (kind, frozenset(rest))
    raise TypeError(f"unknown condition {condition!r}")  # pragma: no cover


@lru_cache(maxsize=65536)
def residual_values(value: Residual) -> frozenset[Any]:
    """The values (True, False, UNDECIDED) a residual might still take; a superset is safe."""
    if value is True or value is False or value == UNDECIDED:
        return frozenset((value,))
    kind = value[0]
    if kind == "fact":
        if value[2] & DATE_TESTS:
            return frozenset((True, False))
        every = set(contract.FACTS[value[1]].known_values) <= value[2]
        return frozenset((True, UNDECIDED) if every else (True, False, UNDECIDED))
    if kind == "not":
        return frozenset(v if v == UNDECIDED else not v for v in residual_values(value[1]))
    parts = [residual_values(p) for p in value[1]]
    deciding = kind == "any"
    found: set[Any] = {UNDECIDED} if any(UNDECIDED in p for p in parts) else set()
    if any(deciding in p for p in parts):
        found.add(deciding)
    if all((not deciding) in p for p in parts):
        found.add(not deciding)
    return frozenset(found)
