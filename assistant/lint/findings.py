"""What lint found: each finding points at a file and line and says what to change, in plain words."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

Answers = tuple[tuple[str, Any], ...]
"""A counterexample: the answers, in the order they were given, that reach a problem."""


@dataclass(frozen=True)
class Finding:
    """One problem in a rule pack, at `file`:`line`."""

    check: str  # schema | completeness | consistency | template
    file: str
    line: int | None
    message: str
    answers: Answers | None = None  # the counterexample, when there is one
    route: str | None = None  # the route the pack decides for the counterexample today

    def where(self) -> str:
        shown = _relative(self.file)
        return f"{shown}:{self.line}" if self.line else shown

    def __str__(self) -> str:
        return f"{self.where()}: {self.message}"


@dataclass
class Report:
    """Everything lint learned about one pack."""

    pack_dir: Path
    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # worth knowing, but not a fault
    readable: bool = True  # False: not a rule pack folder at all (exit status 2)
    loaded: bool = False  # False: the pack has schema problems; the deeper checks did not run
    rules: int = 0
    questions: int = 0
    paths: int = 0  # complete paths of answers covered by the walk
    states: int = 0  # distinct interview states actually checked (the rest were memoised)
    templates: int = 0  # template renderings checked
    seconds: float = 0.0

    @property
    def exit_status(self) -> int:
        if not self.readable:
            return 2
        return 1 if self.findings else 0

    def summary(self) -> str:
        found = len(self.findings)
        text = (
            f"{self.rules} rules, {self.questions} questions, {self.paths} paths explored "
            f"({self.states} states checked), {self.templates} template renderings: "
            f"{found} finding{'' if found == 1 else 's'}"
        )
        if not self.loaded and self.readable:
            text += " (the path and template checks run once the pack loads)"
        return text


def show_answers(answers: Answers) -> str:
    """Answers as a person reads them: `harm: died; aware_date: 2018-06-28; setting: not sure`."""
    if not answers:
        return "(before any question is answered)"
    return "; ".join(f"{fact}: {show_value(value)}" for fact, value in answers)


def show_value(value: Any) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    if value == "unknown" or value is None:
        return "not sure"
    return str(value)


def _relative(path: str) -> str:
    """A path relative to the current folder when it is inside it, so it stays short."""
    if not path or not os.path.isabs(path):
        return path
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return path
    return path if rel.startswith("..") else rel
