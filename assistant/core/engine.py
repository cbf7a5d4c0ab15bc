"""The decision engine: pure functions from a rule pack and facts to an explained decision.

No I/O and no Textual. Rules are evaluated in pack order with three-valued logic:
- a rule whose condition is TRUE adds its outputs;
- a rule whose condition is UNKNOWN adds its `if_unknown` outputs (or, if it has none, its
  `then` outputs), marked uncertain; its route always counts, so an unknown never lowers the
  route: every scalar field takes the most protective value any firing rule proposes (the
  pack's precedence), and when that is above what certain rules alone give, the decision says
  so and lists the facts that would settle it;
- a rule whose condition is FALSE adds nothing, and the trace records the fact that stopped it.
A certain rule with `halt: true` (immediate risk) ends the decision: nothing later is decided.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from assistant.core import contract
from assistant.core.calendar import add_working_days
from assistant.core.index import RuleOutputs
from assistant.core.logic import FALSE, TRUE, UNKNOWN, Result
from assistant.core.pack import DeadlineSpec, NotificationSpec, Pack, Question, Rule

# --- the decision (contract version 1, with additions) -----------------------------------------


class RulesInfo(BaseModel):
    name: str
    version: str
    in_force_on: dt.date


class Notification(BaseModel):
    id: str
    who: str
    due: dt.date | None = None
    basis: str | None = None
    certain: bool = True
    rule: str = ""
    done: dt.date | None = None  # already done (its date given): history, not a to-do


class Reviews(BaseModel):
    statutory: str = "none"
    lcspr: str = "not_applicable"
    national_review: str = "not_applicable"
    criteria_met: list[str] = Field(default_factory=list)
    local_options: list[str] = Field(default_factory=list)


class Deadline(BaseModel):
    id: str
    due: dt.date | None = None
    basis: str | None = None
    who: str = ""
    what: str = ""
    certain: bool = True
    rule: str = ""
    done: dt.date | None = None  # already done (its date given): history, not a to-do


class Possible(BaseModel):
    """An item that applies only if facts not yet known turn out one way: never a fact yet."""

    kind: Literal["notification", "signpost", "deadline", "local_option", "criterion"]
    id: str
    settled_by: list[str]


class Reason(BaseModel):
    """A rule that fired (or may fire): its words, source and status, and the facts it used."""

    model_config = ConfigDict(frozen=True)
    rule: str
    title: str = ""
    text: str
    source: str
    status: str
    advice: bool = False
    certain: bool = True
    facts: dict[str, str] = Field(default_factory=dict)


class Unsettled(BaseModel):
    """A decision field that an unknown fact could change, and the facts that would settle it."""

    field: str
    value: str
    facts: list[str]


TraceResult = Literal["fired", "possible", "not_fired", "not_in_force", "not_reached"]


class TraceEntry(BaseModel):
    """One rule's result: fired / possible / not_fired with the deciding facts, or why not run."""

    model_config = ConfigDict(frozen=True)
    rule: str
    title: str = ""
    result: TraceResult
    facts: dict[str, str] = Field(default_factory=dict)
    where: str = ""


class Decision(BaseModel):
    """The contract's decision, plus the trace, the unsettled fields and whether it halted."""

    contract: int = contract.CONTRACT_VERSION
    rules: RulesInfo
    route: str
    certain: bool
    missing: list[str] = Field(default_factory=list)
    notifications: list[Notification] = Field(default_factory=list)
    reviews: Reviews = Field(default_factory=Reviews)
    signposts: list[str] = Field(default_factory=list)
    form: str | None = None
    deadlines: list[Deadline] = Field(default_factory=list)
    reasons: list[Reason] = Field(default_factory=list)
    possible: list[Possible] = Field(default_factory=list)
    unsettled: list[Unsettled] = Field(default_factory=list)
    halted: bool = False
    trace: list[TraceEntry] = Field(default_factory=list)

    def to_json(self, trace: bool = True) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude=None if trace else {"trace"})


# --- evaluation ---------------------------------------------------------------------------------


@dataclass
class Firing:
    rule: Rule
    value: int | None  # TRUE / UNKNOWN / FALSE, or None when not in force or not reached
    facts: frozenset[str]
    reached: bool = True


@dataclass
class Tally:
    """What the rules proposed, before dates and words are attached."""

    firings: list[Firing]
    halted: bool = False
    scalars: dict[str, list[tuple[str, bool, frozenset[str]]]] = field(default_factory=dict)
    items: dict[str, dict[str, bool]] = field(default_factory=dict)  # kind -> id -> certain
    # id -> (spec, rule id, certain): the spec of a certain rule wins over an uncertain one
    notification_specs: dict[str, tuple[NotificationSpec, str, bool]] = field(default_factory=dict)
    deadline_specs: dict[str, tuple[DeadlineSpec, str, bool]] = field(default_factory=dict)
    unknown_items: dict[str, frozenset[str]] = field(default_factory=dict)  # "kind.id" -> facts
    rank: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    _signature: tuple[Any, ...] | None = field(default=None, repr=False, compare=False)

    def signature(self) -> tuple[Any, ...]:
        """Everything a practitioner would see change, certainty included.

        next_question asks a question only when some answer changes this. Certainty counts: an
        answer that turns "serious incident, not certain" into "serious incident" settles the
        decision, so the question matters even though the route stays the same.
        """
        if self._signature is None:
            scalars = tuple(sorted((name, *self._best(name)) for name in self.scalars))
            items = tuple(
                sorted((kind, tuple(sorted(ids.items()))) for kind, ids in self.items.items())
            )
            open_items = tuple(sorted(key for key in self.unknown_items if not self.settled(key)))
            self._signature = (scalars, items, open_items, self.halted)
        return self._signature

    def settled(self, key: str) -> bool:
        """Whether a "kind.id" item that some uncertain rule proposed is certain anyway."""
        kind, _, item = key.partition(".")
        return self.items.get(kind, {}).get(item, False)

    def _best(self, name: str) -> tuple[str, bool]:
        """The most protective value proposed for a scalar field, and whether it is certain."""
        rank = self.rank[name]
        candidates = self.scalars[name]
        best = min(candidates, key=lambda c: rank[c[0]])[0]
        certain = any(c[1] and c[0] == best for c in candidates)
        return best, certain


def in_force_on(facts: Mapping[str, Any], today: dt.date | None = None) -> dt.date:
    """The date whose rules apply: aware_date, else incident_date, else today."""
    for name in ("aware_date", "incident_date"):
        value = facts.get(name)
        if isinstance(value, dt.date):
            return value
    return today or dt.date.today()


def _known(facts: Mapping[str, Any]) -> dict[str, Any]:
    """The facts that are known; a date given as ISO text ("2026-03-02") becomes a date."""
    known = {k: v for k, v in facts.items() if v is not None and v != contract.UNKNOWN}
    for name in contract.DATE_FACTS:
        value = known.get(name)
        if value == contract.NOT_YET:
            continue  # "not yet": known, and no date (a deadline counts as without one)
        if isinstance(value, str):
            try:
                known[name] = dt.date.fromisoformat(value.strip())
            except ValueError:
                del known[name]  # not a date: treated as not known, never guessed
        elif isinstance(value, dt.datetime):
            known[name] = value.date()
    return known


_RESULTS: dict[int, TraceResult] = {TRUE: "fired", UNKNOWN: "possible", FALSE: "not_fired"}


class TallyMemo:
    """Tallies of one pack remembered by known facts and date, and the trace entries made
    from them, for a caller that evaluates the same facts again and again.

    A conversation replays its earlier answers at every step, next_question tries each answer
    of a question, and lint walks thousands of paths that share their beginnings: they keep
    one memo and pass it in. Tallies and entries are never changed once made, so sharing them
    is safe; the oldest are forgotten first. A one-shot `decide` passes none: kept tallies
    make many distinct decisions slower (the garbage collector walks them).
    """

    def __init__(self, pack: Pack, kept: int = 4096, entries_kept: int = 50_000) -> None:
        self.pack = pack
        self.kept = kept  # tallies (a few MB for the default)
        self.entries_kept = entries_kept  # trace entries, before starting afresh
        self.tallies: dict[tuple[dt.date, frozenset[tuple[str, Any]]], Tally] = {}
        self.entries: dict[tuple[Any, ...], tuple[TraceEntry, Reason | None]] = {}

    def tally(
        self,
        known: Mapping[str, Any],
        on: dt.date,
        base: Tally | None = None,
        changed: str | None = None,
    ) -> Tally:
        """`evaluate` for the memo's pack, remembered for the same known facts and date."""
        try:
            key = (on, frozenset(known.items()))
        except TypeError:  # a value that cannot be remembered (never from a case file)
            return evaluate(self.pack, known, on, base=base, changed=changed)
        found = self.tallies.get(key)
        if found is None:
            found = evaluate(self.pack, known, on, base=base, changed=changed)
            if len(self.tallies) >= self.kept:
                del self.tallies[next(iter(self.tallies))]
            self.tallies[key] = found
        return found


def in_force(pack: Pack, on: dt.date) -> tuple[bool, ...]:
    """Whether each of the pack's rules (in pack order) is in force on `on`."""
    return pack.index.in_force(on)


def evaluate(
    pack: Pack,
    facts: Mapping[str, Any],
    on: dt.date,
    base: Tally | None = None,
    changed: str | None = None,
) -> Tally:
    """Run every rule in force on `on` over `facts` (unknowns absent) and tally the outputs.

    With `base` (a tally of the same facts on the same date, not halted) and `changed` (the one
    fact that differs), only the rules that look at `changed` are evaluated again; every other
    rule's result is taken from `base`. next_question tries each answer this way.
    """
    reuse = base.firings if base is not None and changed is not None else None
    index = pack.index
    recompute = index.rules_using.get(changed or "", frozenset()) if reuse is not None else None
    memo: dict[str, Result] = {}
    definitions = pack.definitions

    def refs(name: str) -> Result:
        found = memo.get(name)
        if found is None:
            found = memo[name] = definitions[name].evaluate(facts, refs)
        return found

    tally = Tally(firings=[], rank=pack.rank)
    firings = tally.firings
    nothing: frozenset[str] = frozenset()
    live = index.in_force(on)
    for i, compiled in enumerate(index.compiled):
        rule = compiled.rule
        if tally.halted:
            firings.append(Firing(rule, None, nothing, reached=False))
            continue
        if not live[i]:
            firings.append(Firing(rule, None, nothing))
            continue
        if reuse is not None and i not in recompute:  # type: ignore[operator]
            firing = reuse[i]
            value, used = firing.value, firing.facts
            firings.append(firing)
        else:
            value, used = rule.when.evaluate(facts, refs)
            firings.append(Firing(rule, value, used))
        if value == TRUE:
            if compiled.then.adds:
                _add(tally, compiled.then, True, used, rule.id)
            if compiled.then.halt:
                tally.halted = True
        elif value == UNKNOWN:
            if compiled.if_unknown.adds:
                _add(tally, compiled.if_unknown, False, used, rule.id)
            if compiled.route_if_unknown is not None:
                # an unknown never lowers the route, whatever if_unknown says
                tally.scalars.setdefault("route", []).append(
                    (compiled.route_if_unknown, False, used)
                )
    return tally


def _tally(
    pack: Pack,
    known: Mapping[str, Any],
    on: dt.date,
    memo: TallyMemo | None = None,
    base: Tally | None = None,
    changed: str | None = None,
) -> Tally:
    """`evaluate`, through `memo` when one is given for this pack."""
    if memo is None or memo.pack is not pack:
        return evaluate(pack, known, on, base=base, changed=changed)
    return memo.tally(known, on, base=base, changed=changed)


def _add(tally: Tally, out: RuleOutputs, certain: bool, used: frozenset[str], rule_id: str) -> None:
    for name, value in out.scalars:
        tally.scalars.setdefault(name, []).append((value, certain, used))
    for kind, ids in out.items:
        bucket = tally.items.setdefault(kind, {})
        for item in ids:
            bucket[item] = bucket.get(item, False) or certain
            if not certain:
                key = f"{kind}.{item}"
                tally.unknown_items[key] = tally.unknown_items.get(key, frozenset()) | used
    if out.criteria:
        bucket = tally.items.setdefault("criteria_met", {})
        for item in out.criteria:
            if certain:  # a criterion is met only when its facts are known
                bucket[item] = True
            else:
                key = f"criteria_met.{item}"
                tally.unknown_items[key] = tally.unknown_items.get(key, frozenset()) | used
    for spec in out.notifications:
        current = tally.notification_specs.get(spec.id)
        if current is None or (certain and not current[2]):
            tally.notification_specs[spec.id] = (spec, rule_id, certain)
    for dspec in out.deadlines:
        current_d = tally.deadline_specs.get(dspec.id)
        if current_d is None or (certain and not current_d[2]):
            tally.deadline_specs[dspec.id] = (dspec, rule_id, certain)


# --- deciding -----------------------------------------------------------------------------------


def decide(
    pack: Pack,
    facts: Mapping[str, Any],
    on: dt.date | None = None,
    today: dt.date | None = None,
    memo: TallyMemo | None = None,
) -> Decision:
    """The decision for `facts` under the rules in force on `on` (default: the case's date).

    `memo` (for this pack) shares tallies and trace entries with earlier calls."""
    known = _known(facts)
    on = on or in_force_on(known, today)
    if memo is not None and memo.pack is not pack:
        memo = None  # a memo of another pack shares nothing
    tally = _tally(pack, known, on, memo)
    order = pack.index.fact_order()
    scalars = _scalars(pack, tally, order)
    possible, open_items = _possible_items(tally, known, order)
    notifications, dues = _dated_notifications(tally, known)
    deadlines = _dated_deadlines(tally, known, dues)
    reasons, trace = _explanation(pack, tally, known, order, memo)
    items = tally.items
    chosen = scalars.chosen
    form = chosen["form"]
    return Decision(
        rules=RulesInfo(name=pack.name, version=pack.version, in_force_on=on),
        route=chosen["route"],
        certain=not scalars.missing,
        missing=sorted(scalars.missing, key=order),
        notifications=notifications,
        reviews=Reviews(
            statutory=chosen["reviews.statutory"],
            lcspr=chosen["reviews.lcspr"],
            national_review=chosen["reviews.national_review"],
            criteria_met=[c for c in contract.CRITERIA if c in items.get("criteria_met", {})],
            local_options=[
                o for o in contract.LOCAL_OPTIONS if o in items.get("local_options", {})
            ],
        ),
        signposts=[s for s in contract.SIGNPOSTS if s in items.get("signposts", {})],
        form=None if form == "none" else form,
        deadlines=deadlines,
        reasons=reasons,
        possible=possible,
        unsettled=scalars.unsettled + open_items,
        halted=tally.halted,
        trace=trace,
    )


FactOrder = Callable[[str], tuple[int, int, str]]


@dataclass(frozen=True)
class _Scalars:
    """The single-valued fields chosen, those an unknown may still change, and the facts that
    would settle the route (none when it is certain)."""

    chosen: dict[str, str]
    unsettled: list[Unsettled]
    missing: set[str]


def _scalars(pack: Pack, tally: Tally, order: FactOrder) -> _Scalars:
    """Each single-valued field takes the most protective value any rule proposed."""
    chosen: dict[str, str] = {}
    unsettled: list[Unsettled] = []
    missing: set[str] = set()
    for name, default_order in contract.SCALAR_FIELDS.items():
        rank = pack.rank[name]
        least = max(rank, key=rank.__getitem__) if rank else default_order[-1]
        candidates = tally.scalars.get(name, [])
        best = min((c[0] for c in candidates), key=rank.__getitem__, default=least)
        sure = min((c[0] for c in candidates if c[1]), key=rank.__getitem__, default=least)
        chosen[name] = best
        if rank[best] < rank[sure]:
            # The facts that would confirm or rule out the value chosen: once they are known,
            # the next value down (if any) names its own. Listing every fact behind every
            # higher value at once buries the one question that matters.
            facts_needed: set[str] = set()
            for value, certain, used in candidates:
                if not certain and value == best:
                    facts_needed |= used
            unsettled.append(
                Unsettled(field=name, value=best, facts=sorted(facts_needed, key=order))
            )
            if name == "route":
                missing = facts_needed
    return _Scalars(chosen, unsettled, missing)


def _possible_items(
    tally: Tally, known: Mapping[str, Any], order: FactOrder
) -> tuple[list[Possible], list[Unsettled]]:
    """The items that only may apply, in the contract's order, and the facts behind each."""
    possible: list[Possible] = []
    unsettled: list[Unsettled] = []
    for key, used in tally.unknown_items.items():
        kind, _, item = key.partition(".")
        if not tally.items.get(kind, {}).get(item, False):
            facts_needed_item = sorted(used, key=order)
            unsettled.append(Unsettled(field=kind, value=item, facts=facts_needed_item))
            open_facts = [f for f in facts_needed_item if f not in known]
            possible.append(Possible(kind=_POSSIBLE_KINDS[kind], id=item, settled_by=open_facts))
    possible.sort(key=lambda p: (_KIND_ORDER[p.kind], _contract_position(p.kind, p.id)))
    return possible, unsettled


def _dated_notifications(
    tally: Tally, known: Mapping[str, Any]
) -> tuple[list[Notification], dict[str, dt.date]]:
    """The notifications, each due a number of working days after its date when it is known;
    and those due dates by id (a deadline may count from one)."""
    notifications: list[Notification] = []
    dues: dict[str, dt.date] = {}
    for nid, certain in tally.items.get("notifications", {}).items():
        spec, rule_id, _ = tally.notification_specs[nid]
        due = basis = None
        base = known.get(spec.after) if spec.after else None
        if isinstance(base, dt.date) and spec.working_days is not None:
            due, basis = add_working_days(base, spec.working_days), spec.after
            dues[nid] = due
        notifications.append(
            Notification(
                id=nid,
                who=spec.who,
                due=due,
                basis=basis,
                certain=certain,
                rule=rule_id,
                done=_done(known, nid),
            )
        )
    return notifications, dues


def _dated_deadlines(
    tally: Tally, known: Mapping[str, Any], dues: Mapping[str, dt.date]
) -> list[Deadline]:
    """The deadlines, counted from their date, else from the notification they follow."""
    deadlines: list[Deadline] = []
    for did, certain in tally.items.get("deadlines", {}).items():
        dspec, rule_id, _ = tally.deadline_specs[did]
        due = basis = None
        base = known.get(dspec.after)
        if isinstance(base, dt.date):
            due, basis = add_working_days(base, dspec.working_days), dspec.after
        elif dspec.otherwise_after and dspec.otherwise_after in dues:
            due = add_working_days(dues[dspec.otherwise_after], dspec.working_days)
            basis = "latest_notification"
        deadlines.append(
            Deadline(
                id=did,
                due=due,
                basis=basis,
                who=dspec.who,
                what=dspec.what,
                certain=certain,
                rule=rule_id,
                done=_done(known, did),
            )
        )
    return deadlines


def _explanation(
    pack: Pack,
    tally: Tally,
    known: Mapping[str, Any],
    order: FactOrder,
    memo: TallyMemo | None,
) -> tuple[list[Reason], list[TraceEntry]]:
    """A reason for every rule that fired or may fire, and a trace entry for every rule.

    Trace entries and reasons are frozen, so one made for the same rule, result and fact
    values can be shared between decisions through `memo` (a decision has an entry for every
    rule, and building them was a third of decide's time)."""
    said: dict[str, str] = {}
    shown_for: dict[frozenset[str], dict[str, str]] = {}

    def words(names: frozenset[str]) -> dict[str, str]:
        """Facts in plain words, in question order (many rules share the same facts)."""
        out = shown_for.get(names)
        if out is not None:
            return out
        out = {}
        for n in sorted(names, key=order) if len(names) > 1 else names:
            text = said.get(n)
            if text is None:
                text = said[n] = pack.value_words(n, known.get(n))
            out[n] = text
        shown_for[names] = out
        return out

    compiled = pack.index.compiled
    entries: dict[tuple[Any, ...], tuple[TraceEntry, Reason | None]] = (
        memo.entries if memo is not None else {}
    )
    value_keys: dict[frozenset[str], frozenset[tuple[str, Any]]] = {}

    def values_of(names: frozenset[str]) -> frozenset[tuple[str, Any]]:
        found = value_keys.get(names)
        if found is None:
            found = value_keys[names] = frozenset((n, known.get(n)) for n in names)
        return found

    reasons: list[Reason] = []
    trace: list[TraceEntry] = []
    for index, firing in enumerate(tally.firings):
        rule = firing.rule
        if not firing.reached:
            result: TraceResult = "not_reached"
        elif firing.value is None:
            result = "not_in_force"
        else:
            result = _RESULTS[firing.value]
        if memo is not None:
            entry_key = (index, result, values_of(firing.facts))
            entry = entries.get(entry_key)
        else:
            entry = None  # nothing to share it with: no key needed
        if entry is None:
            shown = words(firing.facts)
            entry = (
                TraceEntry(
                    rule=rule.id,
                    title=rule.title,
                    result=result,
                    facts=shown,
                    where=compiled[index].where,
                ),
                Reason(
                    rule=rule.id,
                    title=rule.title,
                    text=compiled[index].text,
                    source=rule.source,
                    status=rule.status,
                    advice=rule.advice,
                    certain=result == "fired",
                    facts=shown,
                )
                if result in ("fired", "possible")
                else None,
            )
            if memo is not None:
                if len(entries) > memo.entries_kept:
                    entries.clear()
                entries[entry_key] = entry
        trace.append(entry[0])
        if entry[1] is not None:
            reasons.append(entry[1])
    return reasons, trace


# A tally's item kinds, named as the contract's `possible[].kind`.
_POSSIBLE_KINDS: dict[str, Any] = {
    "notifications": "notification",
    "signposts": "signpost",
    "deadlines": "deadline",
    "local_options": "local_option",
    "criteria_met": "criterion",
}
_KIND_ORDER = {kind: i for i, kind in enumerate(_POSSIBLE_KINDS.values())}
_CONTRACT_IDS: dict[str, tuple[str, ...]] = {
    "notification": contract.NOTIFICATIONS,
    "signpost": contract.SIGNPOSTS,
    "local_option": contract.LOCAL_OPTIONS,
    "criterion": contract.CRITERIA,
}

# The dates that show a duty is already done: the Panel notification once it was sent, the rapid
# review once it was completed. A done duty is history, never a current to-do.
DONE_BY: dict[str, str] = {
    "panel_notification": "notification_date",
    "rapid_review": "rapid_review_completed",
}


def _done(known: Mapping[str, Any], duty: str) -> dt.date | None:
    value = known.get(DONE_BY.get(duty, ""))
    return value if isinstance(value, dt.date) else None


def _contract_position(kind: str, item: str) -> tuple[int, str]:
    ids = _CONTRACT_IDS.get(kind, ())
    return (ids.index(item) if item in ids else len(ids), item)


# --- asking -------------------------------------------------------------------------------------


def _open_facts(pack: Pack, tally: Tally) -> set[str]:
    """Facts that could still change some rule: the unknowns of rules that are UNKNOWN now.

    Kleene logic is monotone: a condition that is already TRUE or FALSE stays so whatever an
    unknown fact turns out to be, so only the unknowns of UNKNOWN conditions can matter.
    """
    open_: set[str] = set()
    for firing in tally.firings:
        if firing.value == UNKNOWN:
            open_ |= firing.facts
    return open_


def _date_facts_needed(tally: Tally, known: Mapping[str, Any]) -> set[str]:
    needed: set[str] = set()
    for spec, _, _ in tally.notification_specs.values():
        if spec.after and spec.after not in known:
            needed.add(spec.after)
    for dspec, _, _ in tally.deadline_specs.values():
        if dspec.after not in known:
            needed.add(dspec.after)
            if dspec.otherwise_after:
                spec_n = tally.notification_specs.get(dspec.otherwise_after)
                if spec_n and spec_n[0].after and spec_n[0].after not in known:
                    needed.add(spec_n[0].after)
    return needed


def next_question(
    pack: Pack,
    answers: Mapping[str, Any],
    today: dt.date | None = None,
    memo: TallyMemo | None = None,
) -> Question | None:
    """The first question, in pack order, whose answer can still change the decision.

    `answers` holds every fact answered so far, "unknown" included (a question answered "not
    sure" is not asked again). None means the decision is complete. `memo` (for this pack)
    shares tallies with earlier calls.
    """
    known = _known(answers)
    on = in_force_on(known, today)
    tally = _tally(pack, known, on, memo)
    if tally.halted:
        return None
    open_facts = _open_facts(pack, tally)
    date_facts = _date_facts_needed(tally, known)
    base: tuple[Any, ...] | None = None
    resolved: dict[str, Result] = {}

    def refs(name: str) -> Result:
        found = resolved.get(name)
        if found is None:
            found = resolved[name] = pack.definitions[name].evaluate(known, refs)
        return found

    for question in pack.questions:
        fact = question.fact
        if fact in answers:
            continue
        if question.ask_if.evaluate(known, refs)[0] == FALSE:
            continue
        if question.kind == "date":
            if fact in date_facts:
                return question
            if fact in pack.index.rules_using:  # a condition tests the date: given, or "not yet"
                if base is None:
                    base = tally.signature()
                for value in (on, *contract.FACTS[fact].known_values):
                    trial = _tally(pack, {**known, fact: value}, on, memo, base=tally, changed=fact)
                    if trial.signature() != base:
                        return question
            continue
        if fact not in open_facts:
            continue
        if base is None:
            base = tally.signature()
        for value in contract.FACTS[fact].known_values:
            trial = _tally(pack, {**known, fact: value}, on, memo, base=tally, changed=fact)
            if trial.signature() != base:
                return question
    return None


@dataclass
class AnswerPath:
    """A conversation replayed from its answers: what was asked, what applies, what is set aside."""

    asked: list[tuple[Question, Any]]
    applied: dict[str, Any]
    set_aside: dict[str, Any]
    current: Question | None

    @property
    def complete(self) -> bool:
        return self.current is None


def replay(
    pack: Pack,
    answers: Mapping[str, Any],
    today: dt.date | None = None,
    memo: TallyMemo | None = None,
) -> AnswerPath:
    """Walk the questions again with `answers`; later answers that still apply are kept.

    Answers are kept apart from the path: changing an earlier answer recomputes which questions
    are asked, reuses every answer still on the path, and sets the others aside (not lost).
    """
    applied: dict[str, Any] = {}
    # dates given up front apply whether or not a date question is on the path
    for name in contract.DATE_FACTS:
        if name in answers:
            applied[name] = answers[name]
    asked: list[tuple[Question, Any]] = []
    current: Question | None = None
    for _ in range(len(pack.questions) + 1):
        question = next_question(pack, applied, today, memo)
        if question is None:
            break
        if question.fact in answers and question.fact not in applied:
            applied[question.fact] = answers[question.fact]
            asked.append((question, answers[question.fact]))
            continue
        current = question
        break
    set_aside = {k: v for k, v in answers.items() if k not in applied}
    return AnswerPath(asked=asked, applied=applied, set_aside=set_aside, current=current)
