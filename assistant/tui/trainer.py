"""Trainer mode: replay a training scenario to a room, step by step, with guess-first and what-if.

`review-assistant train [SCENARIO]`. A scenario (rules/<pack>/scenarios/*.yaml) is a short
fictional story with a case file:

    title: ...
    story: ...
    case: {contract: 1, facts: {...}, dates: {...}}
    expected: {route: ..., ...}          # what the scenario's author expects
    teaching_points: [...]

The conversation the assistant would have had is replayed at the presenter's pace (Right/Space:
next, Left: back): the story, then each question with its answer and the rules that answer
engages, then the outcome. With "guess first" (G) the outcome and the rules' results stay hidden
until revealed (R), so the room can vote. P opens the decision path as a tree; W opens what-if:
change one answer and see both outcomes side by side with the rules that make the difference.

The first part of this module (scenarios, walkthroughs, what-if) uses no Textual: tests and
other front ends can call `load_scenarios`, `walk` and `what_if` directly.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, OptionList, Static, Tree
from textual.widgets.option_list import Option

from assistant.core import contract as C
from assistant.core.case import ALLOWED_VALUES, CaseFile
from assistant.core.engine import Decision, TraceEntry, decide, replay
from assistant.core.errors import InputError, describe_validation_error
from assistant.core.pack import Pack, Question, Rule
from assistant.core.yamlload import YamlError, load_yaml_file

AnswerValue = str | dt.date

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


# --- the replayed conversation ------------------------------------------------------------------


@dataclass
class Step:
    """One question of the replayed conversation, its answer, and the rules it engages."""

    question: Question
    value: AnswerValue
    said: bool  # False: the story does not say, so the answer is "Not sure"
    rules: list[Rule]
    answer_words: str


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
        return value.isoformat()
    for option in question.choices():
        if option.value == value:
            return option.label
    return pack.value_words(question.fact, value)


def walk(
    pack: Pack, answers: Mapping[str, AnswerValue], today: dt.date | None = None
) -> Walkthrough:
    """Replay the questions with `answers`; a question the story does not answer gets "Not sure"."""
    given = dict(answers)
    filled = dict(given)
    path = replay(pack, filled, today)
    for _ in range(len(pack.questions) + 1):
        if path.current is None:
            break
        filled[path.current.fact] = C.UNKNOWN
        path = replay(pack, filled, today)
    decision = decide(pack, path.applied, today=today)
    on = decision.rules.in_force_on
    steps = [
        Step(
            question=q,
            value=v,
            said=q.fact in given,
            rules=[r for r in pack.rules_needing(q.fact) if r.in_force(on)],
            answer_words=answer_words(pack, q, v),
        )
        for q, v in path.asked
    ]
    return Walkthrough(answers=given, steps=steps, decision=decision)


@dataclass
class RuleChange:
    rule: Rule
    before: str
    after: str


@dataclass
class FieldChange:
    field: str
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


def _fields(decision: Decision) -> dict[str, str]:
    r = decision.reviews
    return {
        "route": decision.route,
        "rapid_review": r.statutory,
        "lcspr": r.lcspr,
        "national_review": r.national_review,
        "local_options": ", ".join(r.local_options) or "none",
        "notifications": ", ".join(n.id for n in decision.notifications) or "none",
        "signposts": ", ".join(decision.signposts) or "none",
    }


_MATTERS = ("fired", "possible")


def what_if(
    pack: Pack, before: Walkthrough, fact: str, value: AnswerValue, today: dt.date | None = None
) -> WhatIf:
    """Change one answer (keeping the others as the scenario gives them) and compare outcomes."""
    after = walk(pack, {**before.answers, fact: value}, today)
    old_fields, new_fields = _fields(before.decision), _fields(after.decision)
    fields = [
        FieldChange(k, old_fields[k], new_fields[k])
        for k in old_fields
        if old_fields[k] != new_fields[k]
    ]
    old_trace, new_trace = before.trace(), after.trace()
    rules: list[RuleChange] = []
    for rule_id, entry in new_trace.items():
        was = old_trace.get(rule_id)
        was_result = was.result if was else "not_in_force"
        if entry.result == was_result or not ({entry.result, was_result} & set(_MATTERS)):
            continue
        rule = next(
            (
                r
                for r in pack.rules_by_id.get(rule_id, [])
                if r.in_force(after.decision.rules.in_force_on)
            ),
            None,
        )
        if rule is not None:
            rules.append(RuleChange(rule, was_result, entry.result))
    old = next(
        (s.value for s in before.steps if s.question.fact == fact),
        before.answers.get(fact, C.UNKNOWN),
    )
    return WhatIf(
        fact=fact, old=old, new=value, before=before, after=after, fields=fields, rules=rules
    )


# --- the Textual app ----------------------------------------------------------------------------


class TrainerWords:
    """The `set` variables of prompts/trainer/ui.j2, and the trainer's templates."""

    def __init__(self, pack: Pack) -> None:
        from assistant.core.words import environment

        self.pack = pack
        self.env = environment(pack)
        self.ui = self.env.get_template("trainer/ui.j2").module

    def __getattr__(self, name: str) -> Any:
        return getattr(self.ui, name)

    def render(self, name: str, **context: Any) -> str:
        text = self.env.get_template(f"trainer/{name}.j2").render(
            pack=self.pack, labels=self.pack.labels, words=self.ui, **context
        )
        return text.strip("\n").rstrip()


def _plain(text: str, style: str = "") -> Text:
    """Text shown exactly as written: never read as markup."""
    return Text(text, style=style)


class PickScreen(Screen[None]):
    """The list of training scenarios."""

    BINDINGS: ClassVar = [Binding("q", "app.quit", "Quit")]

    def compose(self) -> ComposeResult:
        app = self.trainer
        yield Header()
        yield Static(_plain(app.words.pick_title), id="pick-title", classes="heading")
        if app.scenarios:
            yield OptionList(
                *[
                    Option(_plain(f"{i}. {s.title}"), id=str(i - 1))
                    for i, s in enumerate(app.scenarios, 1)
                ],
                id="scenario-list",
            )
            yield Static(_plain(app.words.pick_help), classes="hint")
        else:
            yield Static(_plain(app.words.no_scenarios), classes="hint")
        for problem in app.problems:
            yield Static(_plain(problem), classes="problem")
        yield Footer()

    @property
    def trainer(self) -> TrainerApp:
        app = self.app
        assert isinstance(app, TrainerApp)
        return app

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        assert event.option.id is not None
        self.trainer.start(self.trainer.scenarios[int(event.option.id)])


class StepScreen(Screen[None]):
    """The presenter's view: the story, each question and answer, then the outcome.

    Keys: Right/Space/N next, Left/B back, G guess first, R reveal, P decision path, W what if,
    S scenarios, Q quit.
    """

    BINDINGS: ClassVar = [
        Binding("right,space,n", "next", "Next"),
        Binding("left,b", "back", "Back"),
        Binding("g", "guess", "Guess first"),
        Binding("r", "reveal", "Reveal"),
        Binding("p", "path", "Decision path"),
        Binding("w", "whatif", "What if"),
        Binding("s", "scenarios", "Scenarios"),
        Binding("q", "app.quit", "Quit"),
    ]

    def __init__(self, scenario: Scenario, walkthrough: Walkthrough) -> None:
        super().__init__()
        self.scenario = scenario
        self.walkthrough = walkthrough
        self.index = 0

    @property
    def trainer(self) -> TrainerApp:
        app = self.app
        assert isinstance(app, TrainerApp)
        return app

    @property
    def total(self) -> int:
        """Story, one step per question, outcome."""
        return len(self.walkthrough.steps) + 2

    @property
    def kind(self) -> str:
        if self.index == 0:
            return "story"
        if self.index == self.total - 1:
            return "outcome"
        return "question"

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="progress", classes="progress")
        with VerticalScroll(id="stage"):
            yield Static(id="heading", classes="heading")
            yield Static(id="main", classes="big")
            yield Static(id="rules", classes="rules")
        yield Static(id="mode", classes="mode")
        yield Footer()

    def on_mount(self) -> None:
        self.refresh_step()

    def refresh_step(self) -> None:
        words = self.trainer.words
        kind = self.kind
        self.query_one("#progress", Static).update(
            _plain(f"{self.scenario.title}   ({self.index + 1} / {self.total})")
        )
        item = self.walkthrough.steps[self.index - 1] if kind == "question" else None
        heading = {
            "story": words.story_heading,
            "outcome": words.outcome_heading,
        }.get(kind, f"{self.index}. {item.question.text if item else ''}")
        self.query_one("#heading", Static).update(_plain(heading))
        main = words.render(
            "step",
            scenario=self.scenario,
            step=self.index,
            total=self.total,
            kind=kind,
            item=item,
            decision=self.walkthrough.decision,
            revealed=self.trainer.revealed,
            guess_first=self.trainer.guess_first,
        )
        self.query_one("#main", Static).update(_plain(main))
        self.query_one("#rules", Static).update(self._rules_text(item))
        self.query_one("#mode", Static).update(
            _plain(words.guess_on if self.trainer.guess_first else words.guess_off)
        )

    def _rules_text(self, item: Step | None) -> Text:
        if item is None:
            return Text()
        words = self.trainer.words
        text = Text(words.rules_heading + "\n", style="bold")
        if not item.rules:
            text.append(words.no_rules)
            return text
        trace = self.walkthrough.trace()
        hide = self.trainer.guess_first and not self.trainer.revealed
        for rule in item.rules:
            line = f"  [{rule.id}] {rule.title}"
            entry = trace.get(rule.id)
            if not hide and entry is not None:
                line += f": {words.results.get(entry.result, entry.result)}"
            text.append(line + "\n")
        return text

    def action_next(self) -> None:
        if self.index < self.total - 1:
            self.index += 1
            self.refresh_step()

    def action_back(self) -> None:
        if self.index > 0:
            self.index -= 1
            self.refresh_step()

    def action_guess(self) -> None:
        self.trainer.guess_first = not self.trainer.guess_first
        self.trainer.revealed = False
        self.refresh_step()

    def action_reveal(self) -> None:
        self.trainer.revealed = True
        self.refresh_step()

    def action_path(self) -> None:
        self.app.push_screen(PathScreen(self.scenario, self.walkthrough))

    def action_whatif(self) -> None:
        self.app.push_screen(WhatIfScreen(self.walkthrough))

    def action_scenarios(self) -> None:
        self.app.pop_screen()

    def on_screen_resume(self) -> None:
        self.refresh_step()


class PathScreen(Screen[None]):
    """The decision path as a tree: questions, answers, the rules each engaged; the outcome."""

    BINDINGS: ClassVar = [
        Binding("escape,p", "app.pop_screen", "Close"),
        Binding("r", "reveal", "Reveal"),
        Binding("q", "app.quit", "Quit"),
    ]

    def __init__(self, scenario: Scenario, walkthrough: Walkthrough) -> None:
        super().__init__()
        self.scenario = scenario
        self.walkthrough = walkthrough

    def compose(self) -> ComposeResult:
        yield Header()
        yield Tree(_plain(self.scenario.title), id="path-tree")
        yield Footer()

    def on_mount(self) -> None:
        self.build()

    def build(self) -> None:
        app = self.app
        assert isinstance(app, TrainerApp)
        words = app.words
        hide = app.guess_first and not app.revealed
        tree = self.query_one("#path-tree", Tree)
        tree.clear()
        tree.root.set_label(_plain(f"{words.path_title}: {self.scenario.title}"))
        trace = self.walkthrough.trace()
        asked = tree.root.add(_plain(words.path_questions), expand=True)
        for i, step in enumerate(self.walkthrough.steps, 1):
            node = asked.add(_plain(f"{i}. {step.question.text}"), expand=True)
            node.add_leaf(
                _plain(f"-> {step.answer_words}" + ("" if step.said else f" ({words.not_said})"))
            )
            for rule in step.rules:
                entry = trace.get(rule.id)
                result = (
                    ""
                    if hide or entry is None
                    else f": {words.results.get(entry.result, entry.result)}"
                )
                node.add_leaf(_plain(f"[{rule.id}] {rule.title}{result}"))
        fired = tree.root.add(_plain(words.path_fired), expand=True)
        if hide:
            fired.add_leaf(_plain(words.hidden))
        else:
            for entry in self.walkthrough.decision.trace:
                if entry.result in _MATTERS:
                    suffix = "" if entry.result == "fired" else f" ({words.results[entry.result]})"
                    fired.add_leaf(_plain(f"[{entry.rule}] {entry.title}{suffix}"))
        decision = self.walkthrough.decision
        route = app.pack.labels.routes.get(decision.route)  # type: ignore[call-overload]
        outcome = words.hidden if hide else (route.label if route else decision.route)
        tree.root.add_leaf(_plain(f"{words.outcome_heading}: {outcome}"))
        tree.root.expand()

    def action_reveal(self) -> None:
        app = self.app
        assert isinstance(app, TrainerApp)
        app.revealed = True
        self.build()


class WhatIfScreen(Screen[None]):
    """Change one answer: the outcome before and after, side by side, and the rule that differs."""

    BINDINGS: ClassVar = [
        Binding("escape", "step_back", "Back"),
        Binding("w", "close", "Close"),
        Binding("r", "reveal", "Reveal"),
        Binding("q", "app.quit", "Quit"),
    ]

    def __init__(self, walkthrough: Walkthrough) -> None:
        super().__init__()
        self.walkthrough = walkthrough
        self.step: Step | None = None
        self.result: WhatIf | None = None

    @property
    def trainer(self) -> TrainerApp:
        app = self.app
        assert isinstance(app, TrainerApp)
        return app

    def compose(self) -> ComposeResult:
        words = self.trainer.words
        yield Header()
        yield Static(_plain(words.whatif_pick_step), id="whatif-prompt", classes="heading")
        with Horizontal(id="whatif-choose"):
            yield OptionList(
                *[
                    Option(_plain(f"{i}. {s.question.text}  ->  {s.answer_words}"), id=str(i - 1))
                    for i, s in enumerate(self.walkthrough.steps, 1)
                ],
                id="whatif-steps",
            )
            yield OptionList(id="whatif-answers")
        with Horizontal(id="whatif-compare"):
            with VerticalScroll(classes="side"):
                yield Static(_plain(words.before), classes="heading")
                yield Static(id="whatif-before")
            with VerticalScroll(classes="side"):
                yield Static(_plain(words.after), classes="heading")
                yield Static(id="whatif-after")
        with VerticalScroll(id="whatif-difference-box"):
            yield Static(_plain(words.difference_heading), classes="heading")
            yield Static(id="whatif-difference")
        yield Footer()

    def on_mount(self) -> None:
        self.add_class("-choosing")
        self.query_one("#whatif-steps", OptionList).focus()
        self.show()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        assert event.option.id is not None
        if event.option_list.id == "whatif-steps":
            self.step = self.walkthrough.steps[int(event.option.id)]
            answers = self.query_one("#whatif-answers", OptionList)
            answers.clear_options()
            for option in self.step.question.choices():
                if option.value != self.step.value:
                    answers.add_option(Option(_plain(option.label), id=option.value))
            self.query_one("#whatif-prompt", Static).update(
                _plain(self.trainer.words.whatif_pick_value)
            )
            answers.highlighted = 0
            answers.focus()
        elif event.option_list.id == "whatif-answers" and self.step is not None:
            self.result = what_if(
                self.trainer.pack,
                self.walkthrough,
                self.step.question.fact,
                event.option.id,
                self.trainer.today,
            )
            self.remove_class("-choosing")
            self.add_class("-compared")
            self.query_one("#whatif-prompt", Static).update(_plain(self.trainer.words.whatif_again))
            self.show()

    def show(self) -> None:
        words = self.trainer.words
        hide = self.trainer.guess_first and not self.trainer.revealed
        self.query_one("#whatif-before", Static).update(
            _plain(words.render("whatif", decision=self.walkthrough.decision, hidden=hide))
        )
        if self.result is None:
            self.query_one("#whatif-after", Static).update(Text())
            self.query_one("#whatif-difference", Static).update(Text())
            return
        result = self.result
        self.query_one("#whatif-after", Static).update(
            _plain(words.render("whatif", decision=result.after.decision, hidden=hide))
        )
        assert self.step is not None
        question = self.step.question
        self.query_one("#whatif-difference", Static).update(
            _plain(
                words.render(
                    "difference",
                    changes=result.rules,
                    fields=result.fields,
                    question=question,
                    old_words=answer_words(self.trainer.pack, question, result.old),
                    new_words=answer_words(self.trainer.pack, question, result.new),
                    hidden=hide,
                )
            )
        )

    def action_reveal(self) -> None:
        self.trainer.revealed = True
        self.show()

    def action_step_back(self) -> None:
        """From the comparison back to choosing; from choosing, close."""
        if self.has_class("-compared"):
            self.remove_class("-compared")
            self.add_class("-choosing")
            self.query_one("#whatif-prompt", Static).update(
                _plain(self.trainer.words.whatif_pick_step)
            )
            self.query_one("#whatif-steps", OptionList).focus()
        else:
            self.app.pop_screen()

    def action_close(self) -> None:
        self.app.pop_screen()


class TrainerApp(App[None]):
    """Trainer mode: pick a scenario, replay it step by step, explore what-ifs."""

    CSS_PATH = "trainer.tcss"
    ENABLE_COMMAND_PALETTE = False

    def __init__(
        self,
        pack: Pack,
        scenarios: Sequence[Scenario],
        *,
        problems: Sequence[str] = (),
        start: Scenario | None = None,
        guess_first: bool = False,
        today: dt.date | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.pack = pack
        self.scenarios = list(scenarios)
        self.problems = list(problems)
        self.words = TrainerWords(pack)
        self.title = self.words.app_title
        self.sub_title = pack.meta.title
        self.guess_first = guess_first
        self.revealed = False
        self.today = today
        self.first = start

    def on_mount(self) -> None:
        self.push_screen(PickScreen())
        if self.first is not None:
            self.start(self.first)

    def start(self, scenario: Scenario) -> None:
        """Open a scenario at its story; the outcome is hidden again if guessing first."""
        self.revealed = False
        self.push_screen(StepScreen(scenario, walk(self.pack, scenario.answers(), self.today)))
