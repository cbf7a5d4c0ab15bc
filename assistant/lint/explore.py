"""Completeness and consistency: walk the paths of answers the interview can take.

The walk asks the real `next_question` what comes next, tries every answer (including "not
sure", and for a date question "not sure" and one date in each period the rules change), and
at the end of a path asks the real `decide` for the outcome. So it checks the interview a
practitioner gets, not a model of it.

It stays small in three ways:
- Answers that no condition tells apart are one answer (if every rule tests `harm: [died,
  serious_harm]`, then `other_harm` and `no_harm` lead to the same place; only one is tried).
- It walks once per single-valued field (route, statutory review, LCSPR, national review,
  form), following only the rules that can change that field, and a path ends as soon as no rule
  still open can change the field's value or certainty.
- States are memoised on what can still matter to that field: for each open rule, what is left
  of its condition once the known answers are put in (its residual, by Kleene's rules), and for
  settled rules only the values they add (the most protective certain one and any more
  protective uncertain one). Two states with the same key continue alike, so the second is
  counted, not walked again.
A budget caps the states checked in one run (the report says when it was reached; what was
not walked is then not claimed).
"""

from __future__ import annotations

import datetime as dt
import itertools
from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from assistant.core import contract
from assistant.core.engine import (
    Decision,
    TallyMemo,
    _tally,
    decide,
    in_force,
    in_force_on,
    next_question,
)
from assistant.core.logic import (
    UNDECIDED,
    All,
    Any_,
    Condition,
    Leaf,
    Not,
    Ref,
    Residual,
    leaves,
    residual,
)
from assistant.core.pack import Outputs, Pack, Question, Rule
from assistant.lint.findings import Answers, Finding, show_answers

_ABSENT = "unanswered"
_ERA_FACTS = ("aware_date", "incident_date")  # the dates that choose which rules are in force


class _Ahead(str):
    """ "unknown", given ahead by the walk rather than chosen (see _Explorer.fill)."""


_AHEAD = _Ahead(contract.UNKNOWN)


def _trail(answers: Mapping[str, Any]) -> Answers:
    """The answers of a counterexample, without those the walk gave ahead."""
    return tuple((k, v) for k, v in answers.items() if not isinstance(v, _Ahead))


@lru_cache(maxsize=65536)
def _facts_in(value: Residual) -> frozenset[str]:
    if not isinstance(value, tuple):
        return frozenset()
    if value[0] == "fact":
        return frozenset((value[1],))
    if value[0] == "not":
        return _facts_in(value[1])
    return frozenset().union(*(_facts_in(p) for p in value[1]))


def _settled(value: Residual) -> bool:
    return value is True or value is False or value == UNDECIDED


def _proposals(rule: Rule) -> dict[str, set[str]]:
    """Every value a rule can propose for each single-valued field, certain or not."""
    found: dict[str, set[str]] = {}
    for outputs in (rule.then, rule.if_unknown):
        if outputs is not None:
            for name, value in outputs.scalars():
                found.setdefault(name, set()).add(value)
    return found


def _dates_asked(outputs: Outputs) -> frozenset[str]:
    """The date facts a rule's notifications and deadlines count from."""
    found = {n.after for n in outputs.notifications if n.after}
    for deadline in outputs.deadlines:
        found.add(deadline.after)
        if deadline.otherwise_after:
            found.add(f"via {deadline.otherwise_after}")
    return frozenset(found)


def value_classes(pack: Pack) -> dict[str, tuple[str, ...]]:
    """For each fact, one value per group of values that every condition treats alike."""
    tests: dict[str, list[frozenset[str]]] = {}
    conditions: list[Condition] = [
        *pack.definitions.values(),
        *(r.when for r in pack.rules),
        *(q.ask_if for q in pack.questions),
    ]
    for condition in conditions:
        for leaf in leaves(condition):
            if isinstance(leaf, Leaf):
                tests.setdefault(leaf.fact, []).append(leaf.values)
    classes: dict[str, tuple[str, ...]] = {}
    for name, spec in contract.FACTS.items():
        if spec.kind == "date":
            continue
        firsts: dict[tuple[bool, ...], str] = {}
        for value in spec.known_values:
            firsts.setdefault(tuple(value in s for s in tests.get(name, [])), value)
        classes[name] = tuple(firsts.values())
    return classes


def era_starts(pack: Pack) -> list[dt.date]:
    """The days on which some rule comes into force or goes out of it, in order."""
    days: set[dt.date] = set()
    for rule in pack.rules:
        if rule.effective_from:
            days.add(rule.effective_from)
        if rule.effective_to and rule.effective_to < dt.date.max:
            days.add(rule.effective_to + dt.timedelta(days=1))
    return sorted(days)


@dataclass
class Sample:
    """An outcome the walk reached, with the answers that reach it (for template checks)."""

    decision: Decision
    answers: dict[str, Any]


@dataclass
class ExploreResult:
    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    paths: int = 0
    states: int = 0
    truncated: bool = False
    samples: list[Sample] = field(default_factory=list)
    routes: set[str] = field(default_factory=set)


# A rule that applies or is still open in one state: (its position, its residual, whether it is
# in force on the state's date). A plain tuple, always unpacked by these names: a state makes
# one per rule, and a named tuple or frozen dataclass costs lint a tenth more time.
_RuleState = tuple[int, Residual, bool]


@dataclass(frozen=True, slots=True)
class _RuleStates:
    on: dt.date  # the date whose rules apply
    pending: bool  # a date still to be asked could change which rules are in force
    applying: tuple[_RuleState, ...]
    still_open: tuple[_RuleState, ...]


# What a settled rule adds that can still matter (part of a state's key): not which rule, but
# what it adds.
@dataclass(frozen=True, slots=True)
class _Proposal:
    field: str
    value: str
    sure: bool
    rule: int | None  # named only for a field without a precedence (overlaps name the rules)


@dataclass(frozen=True, slots=True)
class _Dated:
    dates: frozenset[str]  # the dates its notifications and deadlines ask for
    sure: bool


@dataclass(frozen=True, slots=True)
class _Halt:
    pass


_HALT = _Halt()
_Contribution = _Proposal | _Dated | _Halt


@dataclass(frozen=True, slots=True)
class _FieldSummary:
    """Settled proposals for one field: the most protective certain value, and an uncertain
    value more protective than it (None when there is none)."""

    tag: Any  # the proposing rules' dates in force, while a date could still change them
    field: str
    sure: str | None
    unsure: str | None


class _Explorer:
    def __init__(self, pack: Pack, today: dt.date, max_states: int, fields: frozenset[str]) -> None:
        self.pack = pack
        self.today = today
        self.max_states = max_states
        self.tallies = TallyMemo(pack)  # paths share their beginnings: tallies are reused
        self.rules = pack.rules
        self.classes = value_classes(pack)
        self.starts = era_starts(pack)
        era_days = [self.starts[0] - dt.timedelta(days=1), *self.starts] if self.starts else [today]
        self.era_days = era_days
        self.dated = [
            any(o is not None and (o.notifications or o.deadlines) for o in (r.then, r.if_unknown))
            for r in self.rules
        ]
        self.proposes = [_proposals(r) for r in self.rules]
        self.then_scalars = [tuple(r.then.scalars()) for r in self.rules]
        self.unknown_scalars = [tuple((r.if_unknown or r.then).scalars()) for r in self.rules]
        self.residuals: dict[int, tuple[tuple[str, ...], dict[Any, Residual], Condition]] = {}
        self.halts = [rule.then.halt for rule in self.rules]
        self.ask_facts = {q.fact: q.ask_if.facts_used(pack.definitions) for q in pack.questions}
        self.testing: dict[str, list[int]] = {}  # fact -> the rules whose condition tests it
        for i, rule in enumerate(self.rules):
            for fact in rule.when.facts_used(pack.definitions):
                self.testing.setdefault(fact, []).append(i)
        self.undeclared = [n for n in contract.SCALAR_FIELDS if n not in pack.meta.precedence]
        self.fired: set[int] = set()
        self.asked: set[str] = set()
        self.truncated = False
        self.visited = 0
        self.ends = 0  # paths whose end was checked
        self.prefilled: set[str] = set()  # facts answered "not sure" ahead (see fill)
        self.followed: set[int] = set()  # rules some walk followed
        self.track(fields)
        self.gaps: dict[tuple[str, Any], tuple[Answers, str]] = {}
        self.overlaps: dict[tuple[str, frozenset[int]], tuple[Answers, dict[str, int]]] = {}
        self.unanswerable: dict[str, tuple[Answers, str]] = {}
        self.effective: set[tuple[int, str]] = set()
        self.overridden: dict[tuple[int, str], tuple[Answers, str, str]] = {}
        self.samples: dict[tuple[Any, ...], Sample] = {}
        self.routes: set[str] = set()

    def track(self, fields: frozenset[str]) -> None:
        """Walk again, following `fields`: a state is finished once they cannot change."""
        self.fields = fields
        self.strong = [
            any(name in fields for name in self.proposes[i]) or rule.then.halt
            for i, rule in enumerate(self.rules)
        ]
        self.prune = not any(name in self.undeclared for name in fields)
        self.followed.update(i for i, strong in enumerate(self.strong) if strong)
        self.memo: dict[Any, int] = {}
        self.made: dict[tuple[int, bool, bool], list[_Contribution]] = {}  # per walk
        self.settled_now = False
        self.pending_now = False
        self.relevant_now: set[str] = set()

    # -- the walk ---------------------------------------------------------------------------

    def choices(self, question: Question) -> list[Any]:
        if question.kind == "date":
            days = self.era_days if question.fact in _ERA_FACTS else [self.today]
            return [*days, *contract.FACTS[question.fact].known_values, contract.UNKNOWN]
        return [*self.classes[question.fact], contract.UNKNOWN]

    def visit(
        self,
        answers: dict[str, Any],
        budget: int,
        before: list[Residual] | None = None,
        changed: Iterable[str] = (),
    ) -> int:
        """Walk on from `answers`, checking at most `budget` new states; the number of paths.

        `before` holds every rule's residual before the answers in `changed` were given, so
        only the rules that test those facts are worked out again.
        """
        values = self.rule_residuals(answers, before, changed)
        states = self.rule_states(answers, values)
        self.record(states, answers)
        key = self.key(states, answers)
        count = self.memo.get(key)
        if count is not None:
            return count
        if budget < 1:
            self.truncated = True
            return 0
        self.visited += 1
        if self.settled_now and self.prune:
            # nothing still to be asked can change the fields this walk follows
            self.check_end(answers, values, final=False)
            self.memo[key] = 1
            return 1
        given = answers
        answers = self.fill(answers)
        if answers is not given:
            values = self.rule_residuals(answers, values, [f for f in answers if f not in given])
        question = next_question(self.pack, answers, self.today, self.tallies)
        if question is None:
            self.check_end(answers, values, final=True)
            count = 1
        else:
            if question.fact in answers:  # the engine would loop: never expected
                raise RuntimeError(f"next_question asked {question.fact} again")
            self.asked.add(question.fact)
            left = budget - 1
            count = 0
            for value in self.choices(question):
                visited = self.visited
                child = {**answers, question.fact: value}
                count += self.visit(child, left, values, (question.fact,))
                left -= self.visited - visited
        self.memo[key] = count
        return count

    def residual_of(self, condition: Condition, answers: Mapping[str, Any]) -> Residual:
        """`residual`, remembered per condition and the answers to the facts it uses."""
        entry = self.residuals.get(id(condition))
        if entry is None:
            facts = tuple(sorted(condition.facts_used(self.pack.definitions)))
            entry = self.residuals[id(condition)] = (facts, {}, condition)
        facts, seen, _ = entry
        key = tuple([answers.get(f, _ABSENT) for f in facts])
        found = seen.get(key)
        if found is None:
            found = seen[key] = residual(condition, answers, self.pack.definitions, {})
        return found

    def fill(self, answers: dict[str, Any]) -> dict[str, Any]:
        """Answer "not sure" now to every question that cannot matter to the followed fields.

        Such a question's fact is in no open rule this walk follows and in no `ask_if` of a
        question that is; whatever its answer, the followed fields continue the same way, so
        the walk need not wait for the interview to reach it. Facts given this way are kept
        out of the counterexamples.
        """
        relevant = set(self.relevant_now)
        pending_questions = [q for q in self.pack.questions if q.fact not in answers]
        grew = True
        while grew:
            grew = False
            for question in pending_questions:
                if question.fact in relevant or question.kind == "date":
                    extra = self.ask_facts[question.fact] - relevant
                    if extra:
                        relevant |= extra
                        grew = True
        filled = {
            q.fact: _AHEAD for q in pending_questions if q.kind != "date" and q.fact not in relevant
        }
        if not filled:
            return answers
        self.prefilled.update(filled)
        return {**answers, **filled}

    def rule_residuals(
        self, answers: Mapping[str, Any], before: list[Residual] | None, changed: Iterable[str]
    ) -> list[Residual]:
        if before is None:
            return [self.residual_of(rule.when, answers) for rule in self.rules]
        values = list(before)
        for i in {i for fact in changed for i in self.testing.get(fact, ())}:
            values[i] = self.residual_of(self.rules[i].when, answers)
        return values

    def rule_states(self, answers: Mapping[str, Any], values: list[Residual]) -> _RuleStates:
        """The rules that apply (TRUE or "not sure") and the rules still open, in rule order; a
        rule that cannot apply adds nothing and keeps nothing open."""
        known = {k: v for k, v in answers.items() if v != contract.UNKNOWN}
        on = in_force_on(known, self.today)
        pending = self.pending_now = self.pending(answers)
        applying: list[_RuleState] = []
        still_open: list[_RuleState] = []
        halts = self.halts
        for i, live in enumerate(in_force(self.pack, on)):
            if not (live or pending):
                continue
            value = values[i]
            if value is False:
                continue
            if value is True:
                applying.append((i, value, live))
                if live and halts[i]:
                    break  # nothing after a certain halt is decided
            elif value == UNDECIDED:
                applying.append((i, value, live))
            else:
                still_open.append((i, value, live))
        return _RuleStates(on, pending, tuple(applying), tuple(still_open))

    def record(self, states: _RuleStates, answers: Mapping[str, Any]) -> None:
        """For every state reached (memoised or not): the rules that apply for certain, the
        proposals overridden and the rules that overlap, whether the followed fields are
        settled, and the facts the rules still open look at."""
        relevant: set[str] = set()
        strong, dated = self.strong, self.dated
        for i, value, _ in states.still_open:
            if strong[i] or (states.pending and dated[i]):
                relevant |= _facts_in(value)
        self.relevant_now = relevant
        certain: list[tuple[int, str, str]] = []  # (rule, field, value) of rules that apply now
        for i, value, live in states.applying:
            if value is True and live:
                self.fired.add(i)
                certain.extend((i, name, v) for name, v in self.then_scalars[i])
        self.check_certain(certain, answers)
        self.settled_now = not states.pending and self.settled(states.applying, states.still_open)

    def key(self, states: _RuleStates, answers: Mapping[str, Any]) -> Any:
        """What decides the rest of the interview from here (see the module docstring)."""
        pending = states.pending
        parts: set[Any] = set()
        strong, dated = self.strong, self.dated
        for i, value, _ in states.still_open:
            if strong[i] or (pending and dated[i]):
                parts.add((i, value))
        proposals: dict[tuple[Any, str], list[tuple[str, bool]]] = {}
        for i, value, _ in states.applying:
            rule = self.rules[i]
            sure = value is True
            tag = (rule.effective_from, rule.effective_to) if pending else None
            made = self.made.get((i, sure, pending))
            if made is None:
                made = self.made[(i, sure, pending)] = self.contributions(i, sure)
            for contribution in made:
                if isinstance(contribution, _Proposal) and contribution.rule is None:
                    proposals.setdefault((tag, contribution.field), []).append(
                        (contribution.value, contribution.sure)
                    )
                else:
                    parts.add((tag, contribution))
        parts.update(self.summaries(proposals))
        asking: list[tuple[str, Residual]] = []
        for question in self.pack.questions:
            if question.fact not in answers:
                value = self.residual_of(question.ask_if, answers)
                if value is False or not _settled(value):
                    asking.append((question.fact, value))
        # A known date matters only through the rules in force (already in `parts`), unless a
        # date still to come could change them; otherwise known, "not sure" or not yet asked.
        dates = (
            tuple(
                answers.get(f, _ABSENT)
                if answers.get(f, contract.UNKNOWN) == contract.UNKNOWN
                else True
                for f in contract.DATE_FACTS
            )
            if not pending
            else tuple(answers.get(f, _ABSENT) for f in contract.DATE_FACTS)
        )
        era = bisect_right(self.starts, states.on) if pending else None
        return (era, frozenset(parts), frozenset(asking), dates)

    def summaries(
        self, proposals: dict[tuple[Any, str], list[tuple[str, bool]]]
    ) -> list[_FieldSummary]:
        """Settled proposals for one field, reduced to what the future can see: the most
        protective certain value, and an uncertain value more protective than it, if any."""
        out: list[_FieldSummary] = []
        for (tag, name), values in proposals.items():
            rank = self.pack.rank[name]
            sure = min((v for v, c in values if c), key=rank.__getitem__, default=None)
            limit = rank[sure] if sure is not None else len(rank)
            unsure = min((v for v, c in values if not c), key=rank.__getitem__, default=None)
            if unsure is not None and rank[unsure] >= limit:
                unsure = None
            out.append(_FieldSummary(tag, name, sure, unsure))
        return out

    def pending(self, answers: Mapping[str, Any]) -> bool:
        """Whether a date still to be asked could change which rules are in force."""
        if not self.starts or isinstance(answers.get("aware_date"), dt.date):
            return False
        return any(f not in answers and f in self.pack.question_for for f in _ERA_FACTS)

    def contributions(self, i: int, sure: bool) -> list[_Contribution]:
        """What a settled rule adds that can still matter: not which rule, but what it adds."""
        rule = self.rules[i]
        out = rule.then if sure or rule.if_unknown is None else rule.if_unknown
        found: list[_Contribution] = []
        for name, value in self.then_scalars[i] if sure else self.unknown_scalars[i]:
            if name not in self.fields:
                continue
            who = i if name in self.undeclared else None  # overlaps name the rules
            found.append(_Proposal(name, value, sure, who))
        if not sure and rule.if_unknown is not None and rule.then.route and "route" in self.fields:
            found.append(_Proposal("route", rule.then.route, False, None))
        if (out.notifications or out.deadlines) and self.pending_now:
            found.append(_Dated(_dates_asked(out), sure))
        if sure and out.halt:
            found.append(_HALT)
        return found

    def settled(self, applying: tuple[_RuleState, ...], still_open: tuple[_RuleState, ...]) -> bool:
        """Whether no rule still open can change the followed fields (their value or certainty)."""
        for name in self.fields:
            rank = self.pack.rank[name]
            best: str | None = None
            best_sure = False
            for i, value, live in applying:
                if not live:
                    continue
                rule = self.rules[i]
                scalars = self.then_scalars[i] if value is True else self.unknown_scalars[i]
                found = [v for n, v in scalars if n == name]
                if (
                    name == "route"
                    and value == UNDECIDED
                    and rule.if_unknown is not None
                    and rule.then.route
                ):
                    found.append(rule.then.route)
                for v in found:
                    if best is None or rank[v] < rank[best]:
                        best, best_sure = v, value is True
                    elif v == best and value is True:
                        best_sure = True
            for i, _, live in still_open:
                if not live:
                    continue
                if self.halts[i]:
                    return False
                for v in self.proposes[i].get(name, ()):
                    if best is None or rank[v] < rank[best] or (v == best and not best_sure):
                        return False
        return True

    # -- checks on each state ---------------------------------------------------------------

    def check_certain(
        self, certain: list[tuple[int, str, str]], answers: Mapping[str, Any]
    ) -> None:
        """Among the rules that apply for certain: overlaps without a precedence, and proposals
        that beat no other (the first state where a rule applies is its best chance: later
        answers only add rules)."""
        best: dict[str, str] = {}
        rank = self.pack.rank
        for _, name, value in certain:
            if name not in best or rank[name][value] < rank[name][best[name]]:
                best[name] = value
        for i, name, value in certain:
            if value == best[name]:
                self.effective.add((i, name))
            else:
                self.overridden.setdefault((i, name), (_trail(answers), value, best[name]))
        for name in self.undeclared:
            by_value: dict[str, int] = {}
            for i, field_name, value in certain:
                if field_name == name:
                    by_value.setdefault(value, i)
            if len(by_value) > 1:
                key = (name, frozenset(by_value.values()))
                self.overlaps.setdefault(key, (_trail(answers), dict(by_value)))

    def check_end(self, answers: Mapping[str, Any], values: list[Residual], final: bool) -> None:
        """Checks at the end of a path (`final`) or where the followed fields are settled.

        `values` holds every rule's residual for `answers`."""
        self.ends += 1
        pack = self.pack
        known = {k: v for k, v in answers.items() if v != contract.UNKNOWN}
        tally = _tally(pack, known, in_force_on(known, self.today), self.tallies)
        trail: Answers = _trail(answers)
        # its tally is the one above
        decision = decide(pack, answers, today=self.today, memo=self.tallies)
        self.routes.add(decision.route)
        last = trail[-1] if trail else ("", None)
        if (
            (final or "route" in self.fields)
            and not tally.halted
            and not tally.scalars.get("route")
        ):
            self.gaps.setdefault((last[0], last[1]), (trail, decision.route))
        open_facts: set[str] = set()  # facts that could still change some rule
        for firing, rest in zip(tally.firings, values, strict=True):
            if firing.value is not None and firing.reached:
                if not _settled(rest):
                    open_facts |= _facts_in(rest)
        for unsettled in decision.unsettled:
            if not final and unsettled.field not in self.fields:
                continue
            for fact in unsettled.facts:
                if fact in answers or fact not in pack.question_for or fact not in open_facts:
                    continue  # answered, no question at all (a schema finding), or cannot matter
                ask_if = pack.question_for[fact].ask_if
                if self.residual_of(ask_if, answers) is not False:
                    continue  # askable, so not asked only because it cannot change the outcome
                self.unanswerable.setdefault(fact, (trail, unsettled.field))
        shape = (
            decision.route,
            decision.certain,
            decision.halted,
            decision.form,
            tuple(n.due is not None for n in decision.notifications),
            tuple(d.basis for d in decision.deadlines),
            bool(decision.reviews.local_options or decision.signposts),
        )
        if shape not in self.samples:
            self.samples[shape] = Sample(decision, dict(answers))

    # -- findings ---------------------------------------------------------------------------

    def findings(self) -> list[Finding]:
        out: list[Finding] = []
        pack = self.pack
        questions_file = str(pack.path / "questions.yaml")
        for (fact, _), (trail, route) in self.gaps.items():
            question = pack.question_for.get(fact)
            out.append(
                Finding(
                    "completeness",
                    question.file if question else str(pack.path / "pack.yaml"),
                    question.line if question else None,
                    "gap: after these answers the questions end but no rule gives a route, so the "
                    f"assistant would say '{route}' with no reason; add a rule that covers them. "
                    f"Answers: {show_answers(trail)}",
                    trail,
                    route,
                )
            )
        for fact, (trail, field_name) in self.unanswerable.items():
            question = pack.question_for[fact]
            out.append(
                Finding(
                    "completeness",
                    question.file,
                    question.line,
                    f"question '{question.id}' is not asked after these answers (its ask_if rules "
                    f"it out), yet {field_name} still depends on {fact}, so it can never be "
                    f"settled; widen the ask_if. Answers: {show_answers(trail)}",
                    trail,
                )
            )
        for (name, _), (trail, by_value) in self.overlaps.items():
            rules = [self.rules[i] for i in by_value.values()]
            first, second = rules[0], rules[1]
            values = " and ".join(
                f"{r.id} sets {name} to '{v}'" for v, r in zip(by_value, rules, strict=True)
            )
            out.append(
                Finding(
                    "consistency",
                    second.file,
                    second.line,
                    f"overlap: {values} ({first.where}), for the same answers, and pack.yaml "
                    f"declares no precedence for {name}; make the conditions exclusive or add "
                    f"`precedence: {{{name}: [...]}}` to pack.yaml. Answers: {show_answers(trail)}",
                    trail,
                )
            )
        for i, rule in enumerate(self.rules):
            if i in self.fired:
                continue
            facts = sorted(rule.when.facts_used(pack.definitions))
            if _while_unknown(rule.when, pack.definitions):
                continue  # written to apply while an answer is "not sure": see notes()
            if i in self.followed and not self.truncated:
                out.append(Finding("completeness", rule.file, rule.line, self.never_fires(rule)))
            elif not _satisfiable(rule.when, facts, self.classes, pack.definitions):
                # a rule the walks do not follow (signposts, options only): at least its
                # condition must be able to hold
                out.append(Finding("completeness", rule.file, rule.line, self.never_fires(rule)))
        if self.truncated:
            return out  # what never happened is not proven when the walk stopped early
        for question in pack.questions:
            if question.fact not in self.asked and question.fact not in self.prefilled:
                used = bool(pack.rules_needing(question.fact)) or question.kind == "date"
                why = (
                    "no path of answers makes its answer matter to the outcome"
                    if used
                    else "no rule uses its answer"
                )
                out.append(
                    Finding(
                        "completeness",
                        question.file or questions_file,
                        question.line,
                        f"question '{question.id}' is never asked: {why}",
                    )
                )
        return out

    def dead_outputs(self) -> list[str]:
        """Proposals always overridden where their rule applies: worth a look, not a fault
        (a rule may be there for its reason text or its notifications)."""
        notes: list[str] = []
        for rule in self.rules:
            if _while_unknown(rule.when, self.pack.definitions):
                notes.append(
                    f"{Finding('completeness', rule.file, rule.line, '').where()}: rule {rule.id} "
                    "tests that no value of a fact is given, so it applies only while that "
                    "answer is 'not sure', and its outputs always show as uncertain"
                )
        for (i, name), (trail, value, chosen) in self.overridden.items():
            if (i, name) in self.effective:
                continue
            rule = self.rules[i]
            notes.append(
                f"{Finding('consistency', rule.file, rule.line, '').where()}: rule {rule.id} sets "
                f"{name} to '{value}', but wherever it applied on the paths checked a more "
                f"protective '{chosen}' from another rule took priority, so its {name} never "
                f"shows. For example: {show_answers(trail)}"
            )
        return notes

    def never_fires(self, rule: Any) -> str:
        pack = self.pack
        facts = sorted(rule.when.facts_used(pack.definitions))
        head = f"rule {rule.id} never applies for certain on any path of answers"
        if not _satisfiable(rule.when, facts, self.classes, pack.definitions):
            return f"{head}: its condition can never be true (its tests exclude each other)"
        unasked = [f for f in facts if f not in pack.question_for]
        if unasked:
            return f"{head}: no question asks {', '.join(unasked)}"
        never = [f for f in facts if f not in self.asked]
        if never:
            return (
                f"{head}: the questions it needs ({', '.join(never)}) are never asked when they "
                "could make it true (check their ask_if, and rules that end the questions first)"
            )
        if rule.effective_from or rule.effective_to:
            return f"{head}: check its effective dates against the rules that decide first"
        return f"{head}: the answers it needs never come together on one path (check the ask_if of its questions)"


def _while_unknown(condition: Condition, definitions: Mapping[str, Condition]) -> bool:
    """`not: {fact: [every value]}`: the only way to write "while this is not known"."""
    if isinstance(condition, Not):
        part = condition.part
        if isinstance(part, Ref):
            part = definitions.get(part.name, part)
        if (
            isinstance(part, Leaf)
            and contract.FACTS[part.fact].kind != "date"  # a date test is never unknown
            and set(contract.FACTS[part.fact].known_values) <= part.values
        ):
            return True
        return _while_unknown(part, definitions)
    if isinstance(condition, All | Any_):
        return any(_while_unknown(p, definitions) for p in condition.parts)
    if isinstance(condition, Ref) and condition.name in definitions:
        return _while_unknown(definitions[condition.name], definitions)
    return False


def _satisfiable(
    condition: Condition,
    facts: list[str],
    classes: Mapping[str, tuple[str, ...]],
    definitions: Mapping[str, Condition],
    limit: int = 20000,
) -> bool:
    domains = [
        classes.get(f, ())
        if contract.FACTS[f].kind != "date"
        else (dt.date.min, *contract.FACTS[f].known_values, contract.UNKNOWN)
        for f in facts
    ]
    size = 1
    for domain in domains:
        size *= max(len(domain), 1)
    if size > limit:
        return True  # too many to try: assume it can be true
    for combination in itertools.product(*domains):
        if residual(condition, dict(zip(facts, combination, strict=True)), definitions, {}) is True:
            return True
    return False


def explore(pack: Pack, today: dt.date | None = None, max_states: int = 100_000) -> ExploreResult:
    """Walk the paths of answers in `pack` and report gaps, overlaps and what never happens.

    One walk per single-valued field (route first, with half the budget), each following only
    the rules that can change that field and finishing a path as soon as nothing left to ask can
    change it. Everything found on any walk is reported once.
    """
    fields = list(contract.SCALAR_FIELDS)
    state = _Explorer(pack, today or dt.date.today(), max_states, frozenset(fields[:1]))
    paths = 0
    for name in fields:
        state.track(frozenset((name,)))
        before = state.ends
        state.visit({}, max_states - state.visited)
        if name == "route":
            paths = state.ends - before  # paths the route walk followed to their end
    findings = state.findings()
    notes = state.dead_outputs()
    if state.truncated:
        notes.append(
            f"the pack has more paths than one run checks ({max_states} states), so not every "
            "path was walked: rules that never apply and questions never asked are not "
            "reported (raise --max-states)"
        )
    return ExploreResult(
        findings=findings,
        notes=notes,
        paths=paths,
        states=state.visited,
        truncated=state.truncated,
        samples=list(state.samples.values()),
        routes=state.routes,
    )
