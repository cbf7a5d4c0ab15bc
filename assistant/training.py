"""Training scenarios replayed without a screen: the walkthrough, each answer's effect, what-if.

A scenario (rules/<pack>/scenarios/*.yaml) is a short fictional story with a case file:

    title: ...
    story: ...
    case: {contract: 1, facts: {...}, dates: {...}}
    expected: {route: ..., ...}          # what the scenario's author expects
    teaching_points: [...]

`replay_scenario` replays the conversation the assistant would have had with the scenario's
answers: each step records the rules whose result that answer changed and whether it moved the
route.
`what_if` changes one answer and compares the two outcomes in the pack's own words.
`outcome_lines` gives an outcome as the labelled lines the trainer compares (what-if, the
decision path); the revealed outcome itself is the one outcome shape (assistant.core.outcome),
laid out as the chat and `decide` lay it out (prompts/outcome/text.j2).

UI-free: no Textual here (an import contract in pyproject.toml keeps it so). The trainer's
screens live in assistant/tui/trainer.py; tests and other front ends call this module directly.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from assistant.core import contract
from assistant.core.case import ALLOWED_VALUES, CaseFile
from assistant.core.engine import Decision, TraceEntry, decide, replay
from assistant.core.errors import InputError, describe_validation_error
from assistant.core.outcome import Outcome, build_outcome
from assistant.core.pack import Label, Pack, Question, Rule
from assistant.core.prompts import environment
from assistant.core.yamlload import YamlError, load_yaml_file

AnswerValue = str | dt.date

DATE_FORMAT = "%a %-d %b %Y"  # as the chat shows a date: "Mon 7 Dec 2026"

# --- scenarios ----------------------------------------------------------------------------------


class Scenario(BaseModel):
    """A training scenario: a story a trainer tells, its case, and what its author expects."""

    model_config = ConfigDict(extra="ignore")
    title: str
    story: str
    case: CaseFile
    expected: dict[str, Any] = Field(default_factory=dict)
    teaching_points: list[str] = Field(default_factory=list)
    file: str = ""

    @property
    def name(self) -> str:
        return Path(self.file).stem

    def answers(self) -> dict[str, AnswerValue]:
        """Every fact the scenario states, "unknown" included (as a practitioner's "Not sure")."""
        return dict(self.case.answered())


def scenarios_dir(pack: Pack) -> Path:
    return pack.path / "scenarios"


def load_scenario(path: Path) -> Scenario:
    try:
        raw = load_yaml_file(path)
    except YamlError as exc:
        raise InputError(str(exc)) from None
    if not isinstance(raw, dict):
        raise InputError(f"{path}: a scenario is a mapping with title, story and case")
    try:
        return Scenario.model_validate({**raw, "file": str(path)})
    except ValidationError as exc:
        allowed = dict(ALLOWED_VALUES)
        problems = describe_validation_error(exc, raw, str(path), Scenario, allowed)
        raise InputError(problems[0], problems) from None


def load_scenarios(folder: Path) -> tuple[list[Scenario], list[str]]:
    """Every scenario in `folder` (by file name), and the problems of any that cannot be read."""
    scenarios: list[Scenario] = []
    problems: list[str] = []
    files = (
        sorted(p for p in folder.glob("*") if p.suffix.lower() in (".yaml", ".yml"))
        if folder.is_dir()
        else []
    )
    for path in files:
        try:
            scenarios.append(load_scenario(path))
        except InputError as exc:
            problems.extend(exc.problems)
    return scenarios, problems


def find_scenario(scenarios: Sequence[Scenario], wanted: str) -> Scenario:
    """A scenario by file name (with or without .yaml), number (1 = first) or title."""
    key = wanted.strip().lower()
    for s in scenarios:
        if key in (s.name.lower(), Path(s.file).name.lower(), s.title.strip().lower()):
            return s
    if key.isdigit() and 1 <= int(key) <= len(scenarios):
        return scenarios[int(key) - 1]
    names = ", ".join(s.name for s in scenarios) or "none"
    raise InputError(f"no training scenario called {wanted!r}; the scenarios are: {names}")


# --- an outcome in the pack's words -------------------------------------------------------------


def show_date(day: dt.date) -> str:
    """A date as the chat shows it: "Mon 7 Dec 2026"."""
    return day.strftime(DATE_FORMAT)


def _label(table: Mapping[str, Label], key: str) -> str:
    found = table.get(key)
    return found.label if found is not None else key.replace("_", " ")


@dataclass(frozen=True)
class OutcomeLine:
    """One labelled part of an outcome: `field` is its key, `name` and `value` are words."""

    field: str
    name: str
    value: str


def _dated(label: str, due: dt.date | None, certain: bool) -> str:
    text = f"{label}, by {show_date(due)}" if due else label
    return text if certain else f"{text} (if the missing answers confirm it)"


FIELD_NAMES = {
    "route": "Route",
    "rapid_review": "Rapid review",
    "lcspr": "LCSPR",
    "national_review": "National review",
    "local_options": "Local options",
    "notifications": "Notifications",
    "deadlines": "Deadlines",
    "signposts": "Also consider",
}


def outcome_lines(
    pack: Pack, decision: Decision, names: Mapping[str, str] | None = None
) -> list[OutcomeLine]:
    """The outcome as labelled lines, every value in the pack's labels (never a raw id).

    The notifications and deadlines (the rapid review among them) carry their due dates.
    `names` rewords the parts (prompts/trainer/ui.j2 `fields`); FIELD_NAMES fills any gap.
    """
    labels = pack.labels
    named = {**FIELD_NAMES, **(names or {})}
    reviews = decision.reviews
    none = "none"
    route = _label(labels.routes, decision.route)
    dated = [
        _dated(_label(labels.notifications, n.id), n.due, n.certain) for n in decision.notifications
    ]
    deadlines = [
        _dated(
            _label(labels.deadlines, d.id) if d.id in labels.deadlines else (d.what or d.id),
            d.due,
            d.certain,
        )
        for d in decision.deadlines
    ]
    return [
        OutcomeLine(
            "route", named["route"], route if decision.certain else f"{route} (not certain yet)"
        ),
        OutcomeLine(
            "rapid_review", named["rapid_review"], _label(labels.statutory, reviews.statutory)
        ),
        OutcomeLine("lcspr", named["lcspr"], _label(labels.lcspr, reviews.lcspr)),
        OutcomeLine(
            "national_review",
            named["national_review"],
            _label(labels.national_review, reviews.national_review),
        ),
        OutcomeLine(
            "local_options",
            named["local_options"],
            "; ".join(_label(labels.local_options, o) for o in reviews.local_options) or none,
        ),
        OutcomeLine("notifications", named["notifications"], "; ".join(dated) or none),
        OutcomeLine("deadlines", named["deadlines"], "; ".join(deadlines) or none),
        OutcomeLine(
            "signposts",
            named["signposts"],
            "; ".join(_label(labels.signposts, s) for s in decision.signposts) or none,
        ),
    ]


# --- the replayed conversation ------------------------------------------------------------------

MATTERS = ("fired", "possible")  # a change to or from these results changes what is advised


@dataclass(frozen=True)
class RuleChange:
    """A rule whose result differs between two decisions (results as trace ids)."""

    rule: Rule
    before: str
    after: str


@dataclass
class Step:
    """One question of the replayed conversation, its answer, and what that answer changed."""

    question: Question
    value: AnswerValue
    said: bool  # False: the story does not say, so the answer is "Not sure"
    answer_words: str
    changes: list[RuleChange]  # the rules whose result this answer changed
    decides_route: bool  # another answer here, the rest kept, would give another route

    @property
    def rules(self) -> list[Rule]:
        return [c.rule for c in self.changes]


@dataclass
class Walkthrough:
    """The conversation the assistant would have had with these answers, and its outcome."""

    answers: dict[str, AnswerValue]
    steps: list[Step]
    decision: Decision

    def trace(self) -> dict[str, TraceEntry]:
        return {entry.rule: entry for entry in self.decision.trace}


def answer_words(pack: Pack, question: Question, value: AnswerValue) -> str:
    if isinstance(value, dt.date):
        return show_date(value)
    for option in question.choices():
        if option.value == value:
            return option.label
    return pack.value_words(question.fact, value)


def rule_changes(pack: Pack, before: Decision, after: Decision) -> list[RuleChange]:
    """The rules whose result moved to or from "fired" or "possible", in pack order."""
    old = {entry.rule: entry.result for entry in before.trace}
    on = after.rules.in_force_on
    changes: list[RuleChange] = []
    for entry in after.trace:
        was = old.get(entry.rule, "not_in_force")
        if entry.result == was or not ({entry.result, was} & set(MATTERS)):
            continue
        rule = next((r for r in pack.rules_by_id.get(entry.rule, []) if r.in_force(on)), None)
        if rule is not None:
            changes.append(RuleChange(rule, was, entry.result))
    return changes


def _decides_route(
    pack: Pack, question: Question, answers: Mapping[str, Any], route: str, today: dt.date | None
) -> bool:
    """Whether another answer to `question`, every other answer kept, gives another route."""
    if question.kind == "date":
        return False
    for option in question.choices():
        if option.value == answers.get(question.fact):
            continue
        other = decide(pack, {**answers, question.fact: option.value}, today=today)
        if other.route != route:
            return True
    return False


def replay_scenario(
    pack: Pack, answers: Mapping[str, AnswerValue], today: dt.date | None = None
) -> Walkthrough:
    """Replay the questions with `answers`; a question the story does not answer gets "Not sure".

    Each step is compared with the one before it (the rules whose result the answer changed)
    and with the other answers it could have had (whether it decides the route).
    """
    given = dict(answers)
    filled = dict(given)
    path = replay(pack, filled, today)
    for _ in range(len(pack.questions) + 1):
        if path.current is None:
            break
        filled[path.current.fact] = contract.UNKNOWN
        path = replay(pack, filled, today)
    decision = decide(pack, path.applied, today=today)
    steps: list[Step] = []
    so_far: dict[str, Any] = {}
    previous = decide(pack, so_far, today=today)
    for question, value in path.asked:
        so_far[question.fact] = value
        now = decide(pack, so_far, today=today)
        steps.append(
            Step(
                question=question,
                value=value,
                said=question.fact in given,
                answer_words=answer_words(pack, question, value),
                changes=rule_changes(pack, previous, now),
                decides_route=_decides_route(pack, question, path.applied, decision.route, today),
            )
        )
        previous = now
    return Walkthrough(answers=given, steps=steps, decision=decision)


@dataclass(frozen=True)
class FieldChange:
    """One part of the outcome that differs: its key, its name and both values, in words."""

    field: str
    name: str
    before: str
    after: str


@dataclass
class WhatIf:
    """One answer changed: both outcomes and what makes the difference."""

    fact: str
    old: AnswerValue
    new: AnswerValue
    before: Walkthrough
    after: Walkthrough
    fields: list[FieldChange]
    rules: list[RuleChange]


def what_if(
    pack: Pack,
    before: Walkthrough,
    fact: str,
    value: AnswerValue,
    today: dt.date | None = None,
    names: Mapping[str, str] | None = None,
) -> WhatIf:
    """Change one answer (keeping the others as the scenario gives them) and compare outcomes."""
    after = replay_scenario(pack, {**before.answers, fact: value}, today)
    old_lines = outcome_lines(pack, before.decision, names)
    new_lines = {line.field: line for line in outcome_lines(pack, after.decision, names)}
    fields = [
        FieldChange(line.field, line.name, line.value, new_lines[line.field].value)
        for line in old_lines
        if line.value != new_lines[line.field].value
    ]
    old = next(
        (s.value for s in before.steps if s.question.fact == fact),
        before.answers.get(fact, contract.UNKNOWN),
    )
    return WhatIf(
        fact=fact,
        old=old,
        new=value,
        before=before,
        after=after,
        fields=fields,
        rules=rule_changes(pack, before.decision, after.decision),
    )


# --- the trainer's words ------------------------------------------------------------------------


class TrainerWords:
    """The `set` variables of prompts/trainer/ui.j2, and the trainer's templates."""

    def __init__(self, pack: Pack) -> None:
        self.pack = pack
        self.env = environment(pack)
        self.ui = self.env.get_template("trainer/ui.j2").module

    def __getattr__(self, name: str) -> Any:
        return getattr(self.ui, name)

    @property
    def field_names(self) -> Mapping[str, str]:
        """The names of an outcome's parts (ui.j2 `fields`)."""
        return getattr(self.ui, "fields", FIELD_NAMES)

    def lines(self, decision: Decision) -> list[OutcomeLine]:
        return outcome_lines(self.pack, decision, self.field_names)

    def result(self, result: str) -> str:
        """A rule's result (a trace id) in words."""
        results: Mapping[str, str] = self.ui.results
        return results.get(result, result.replace("_", " "))

    def outcome(self, decision: Decision, answers: Mapping[str, Any] | None = None) -> Outcome:
        """The outcome in the one shape the chat, plain mode and `decide` show."""
        return build_outcome(self.pack, decision, answers or {})

    def render(self, name: str, **context: Any) -> str:
        """A trainer template. `outcome` (decision -> Outcome) is given the scenario's answers
        by the step view, so its dates are the scenario's; `width` is the columns to wrap at."""
        values: dict[str, Any] = {
            "pack": self.pack,
            "labels": self.pack.labels,
            "words": self.ui,
            "outcome_lines": self.lines,
            "outcome": self.outcome,
            "width": 100,
            "show_date": show_date,
            **context,
        }
        text = self.env.get_template(f"trainer/{name}.j2").render(**values)
        return text.strip("\n").rstrip()
