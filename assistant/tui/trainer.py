"""Trainer mode's screens: replay a training scenario to a room, step by step.

`review-assistant train [SCENARIO]`. The scenarios, the replayed conversation and what-if are
UI-free (assistant/training.py); this module only shows them.

Right/Space: next, Left: back. The story, then each question with its answer and the rules that
answer changed, then the outcome. With "guess first" (G) the outcome and the rules' results stay
hidden until revealed (R), so the room can vote. P opens the decision path (the questions that
decided the route; A shows every question); W opens what-if: change one answer and see both
outcomes side by side with the rules that make the difference. M (room mode) makes the text
larger and bolder for a projector, in the terminal and in the browser (`serve --app train`).
? opens the panel of every key: the footer shows the ones a presenter uses most, so it fits 80
columns, and the words on the keys are the pack's (prompts/trainer/ui.j2 `bindings`). A rule's
title, and a question's on the decision path, wrap under their own words (a hanging indent).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, ClassVar

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.markup import escape
from textual.screen import Screen
from textual.widgets import Collapsible, Footer, Header, OptionList, Static
from textual.widgets.collapsible import CollapsibleTitle
from textual.widgets.option_list import Option

from assistant.core.pack import Pack
from assistant.training import (
    Scenario,
    Step,
    TrainerWords,
    Walkthrough,
    WhatIf,
    answer_words,
    replay_scenario,
    what_if,
)
from assistant.tui.screens.base import KeysPanel, reword_bindings


def _plain(text: str, style: str = "") -> Text:
    """Text shown exactly as written: never read as markup."""
    return Text(text, style=style)


def hanging(lead: str, text: str, style: str = "") -> Table:
    """`lead` then `text`; lines of `text` that wrap line up under its first word, not under
    `lead` (a hanging indent): "[R-04a] A looked-after ..." wraps under "A"."""
    grid = Table.grid(padding=0, expand=True)
    grid.add_column(no_wrap=True)
    grid.add_column(ratio=1)
    grid.add_row(_plain(lead, style), _plain(text, style))
    return grid


def rule_lines(
    changes: Sequence[Any], hide: bool, words: TrainerWords, indent: str = ""
) -> list[RenderableType]:
    """Each rule an answer changed: "[id] title" (wrapping under the title), then its result
    before and after, one step further in, unless results are hidden."""
    rows: list[RenderableType] = []
    for change in changes:
        rows.append(hanging(f"{indent}[{change.rule.id}] ", change.rule.title))
        if not hide:
            result = f"{words.result(change.before)} -> {words.result(change.after)}"
            rows.append(hanging(indent + "    ", result))
    return rows


class _BindingWords:
    """The pack's words for the trainer's keys (prompts/trainer/ui.j2 `bindings`)."""

    def __init__(self, words: TrainerWords) -> None:
        self.words: dict[str, str] = dict(getattr(words.ui, "bindings", {}) or {})

    def binding(self, action: str, default: str) -> str:
        return str(self.words.get(action.removeprefix("app."), default))


class _HangingTitle(CollapsibleTitle):
    """A decision-path question's title: "▶ 1. " then the question, which wraps under itself."""

    def _update_label(self) -> None:
        symbol = self.collapsed_symbol if self.collapsed else self.expanded_symbol
        label = self.label.plain if hasattr(self.label, "plain") else str(self.label)
        number, space, rest = label.partition(" ")
        if number.endswith(".") and number[:-1].isdigit() and rest:
            self.update(hanging(f"{symbol} {number}{space}", rest))
        else:
            self.update(hanging(f"{symbol} ", label))


class _PathStep(Collapsible):
    """A Collapsible whose title wraps with a hanging indent (_HangingTitle)."""

    def __init__(self, *children: Any, title: str, collapsed: bool = True, **kwargs: Any) -> None:
        super().__init__(*children, title=title, collapsed=collapsed, **kwargs)
        plain = self._title  # Collapsible composes the title it made here: use ours instead
        self._title = _HangingTitle(
            label=title,
            collapsed_symbol=plain.collapsed_symbol,
            expanded_symbol=plain.expanded_symbol,
            collapsed=collapsed,
        )


KEYS = Binding("question_mark", "show_keys", "Keys", key_display="?")
"""`?`: the panel of every key on the screen, those the footer leaves out included."""


class TrainerScreen(KeysPanel, Screen[None]):
    """What every trainer screen shares: the app, its words, and whether results are hidden."""

    def on_mount(self) -> None:  # Textual calls it as well as a subclass's own on_mount
        reword_bindings(self, _BindingWords(self.words))
        reword_bindings(self.app, _BindingWords(self.words))
        self.refresh_bindings()

    @property
    def trainer(self) -> TrainerApp:
        app = self.app
        assert isinstance(app, TrainerApp)
        return app

    @property
    def words(self) -> TrainerWords:
        return self.trainer.words

    @property
    def hide(self) -> bool:
        """Guessing first and not yet revealed: results stay hidden."""
        return self.trainer.guess_first and not self.trainer.revealed


class PickScreen(TrainerScreen):
    """The list of training scenarios."""

    BINDINGS: ClassVar[list[BindingType]] = [KEYS, Binding("q", "app.quit", "Quit")]

    def compose(self) -> ComposeResult:
        app = self.trainer
        yield Header()
        yield Static(_plain(app.words.pick_title), id="pick-title", classes="heading")
        yield Static(_plain(app.pack.meta.title), id="pick-pack", classes="hint")
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

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        assert event.option.id is not None
        self.trainer.start(self.trainer.scenarios[int(event.option.id)])


class StepScreen(TrainerScreen):
    """The presenter's view: the story, each question and answer, then the outcome.

    Keys: Right/Space/N next, Left/B back, G guess first, R reveal, P decision path, W what if,
    S scenarios, M room mode, ? keys, Q quit. The footer leaves out S (the ? panel has it).
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        # one binding per key, so the footer shows the arrow and the ? panel every key; the
        # arrows before the stage's own (it never scrolls sideways: its lines wrap)
        Binding("right", "next", "Next", key_display="→", priority=True),
        Binding("space", "next", "Next"),
        Binding("n", "next", "Next"),
        Binding("left", "back", "Back", key_display="←", priority=True),
        Binding("b", "back", "Back"),
        Binding("down", "scroll('down')", "Scroll down", show=False),
        Binding("up", "scroll('up')", "Scroll up", show=False),
        Binding("pagedown", "scroll('page_down')", "Page down", show=False),
        Binding("pageup", "scroll('page_up')", "Page up", show=False),
        Binding("home", "scroll('home')", "Top", show=False),
        Binding("end", "scroll('end')", "End", show=False),
        Binding("g", "guess", "Guess"),
        Binding("r", "reveal", "Reveal"),
        Binding("p", "path", "Path"),
        Binding("w", "whatif", "What if"),
        Binding("s", "scenarios", "Scenarios", show=False),
        KEYS,
        Binding("q", "app.quit", "Quit"),
    ]

    def __init__(self, scenario: Scenario, walkthrough: Walkthrough) -> None:
        super().__init__()
        self.scenario = scenario
        self.walkthrough = walkthrough
        self.index = 0

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
        words = self.words
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
            outcome=lambda decision: words.outcome(decision, self.walkthrough.answers),
            width=self._columns(),
        )
        self.query_one("#main", Static).update(_plain(main))
        self.query_one("#rules", Static).update(self._rules_text(item))
        self.query_one("#mode", Static).update(_plain(self.trainer.mode_words()))

    def _columns(self) -> int:
        """The columns the outcome is wrapped at: the stage's width, as far as it is known."""
        stage = self.query_one("#stage", VerticalScroll)
        width = self.query_one("#main", Static).content_size.width
        if width <= 0:
            width = self.app.size.width - 4
        if not stage.show_vertical_scrollbar:  # room for the scrollbar a long outcome brings
            width -= stage.styles.scrollbar_size_vertical
        return max(40, min(width, 100))

    def on_resize(self) -> None:
        if self.kind == "outcome":
            self.refresh_step()  # the outcome is wrapped to the new width

    def _rules_text(self, item: Step | None) -> RenderableType:
        """The rules whose result this answer changed, with the change unless hidden."""
        if item is None:
            return Text()
        words = self.words
        heading = Text(words.rules_heading, style="bold")
        if self.hide and item.changes:
            heading.append(f" {words.rules_hidden}")
        if not item.changes:
            return Group(heading, _plain(words.no_rules))
        return Group(heading, *rule_lines(item.changes, self.hide, words, indent="  "))

    def action_scroll(self, where: str) -> None:
        """Read a long step by keyboard: the stage scrolls (the mouse wheel works too)."""
        stage = self.query_one("#stage", VerticalScroll)
        getattr(stage, f"scroll_{where}")(animate=False)

    def action_next(self) -> None:
        if self.index < self.total - 1:
            self.index += 1
            self.refresh_step()
            self.action_scroll("home")  # each step starts at its top

    def action_back(self) -> None:
        if self.index > 0:
            self.index -= 1
            self.refresh_step()
            self.action_scroll("home")

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


class PathScreen(TrainerScreen):
    """The decision path: the questions that decided the route, each opening to its answer and
    the rules it changed; every question on A; the rules that fired; the outcome.

    Long lines wrap. Up/Down (or Tab) move between questions, Enter opens or closes one. E and C
    (open all, close all) are in the line under the title and the ? panel, not the footer.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,p", "app.pop_screen", "Close"),
        Binding("a", "all_questions", "All questions"),
        Binding("e", "expand_all", "Open all", show=False),
        Binding("c", "collapse_all", "Close all", show=False),
        Binding("down", "app.focus_next", "Next", show=False),
        Binding("up", "app.focus_previous", "Previous", show=False),
        Binding("r", "reveal", "Reveal"),
        KEYS,
        Binding("q", "app.quit", "Quit"),
    ]

    def __init__(self, scenario: Scenario, walkthrough: Walkthrough) -> None:
        super().__init__()
        self.scenario = scenario
        self.walkthrough = walkthrough
        self.show_all = False

    def compose(self) -> ComposeResult:
        words = self.words
        yield Header()
        yield Static(
            _plain(f"{words.path_title}: {self.scenario.title}"), id="path-title", classes="heading"
        )
        yield Static(_plain(words.path_help), classes="hint")
        with VerticalScroll(id="path"):
            yield Static(id="path-questions-heading", classes="subheading")
            for i, step in enumerate(self.walkthrough.steps, 1):
                with _PathStep(
                    title=escape(f"{i}. {step.question.text} -> {step.answer_words}"),
                    collapsed=True,
                    id=f"path-step-{i}",
                    classes="path-step" + (" -decides" if step.decides_route else ""),
                ):
                    yield Static(id=f"path-detail-{i}", classes="path-detail")
            yield Static(id="path-more", classes="hint")
            with Collapsible(title=escape(words.path_fired), collapsed=True, id="path-fired"):
                yield Static(id="path-fired-list", classes="path-detail")
            yield Static(id="path-outcome", classes="heading")
        yield Footer()

    def on_mount(self) -> None:
        self.build()
        first = self.query(".path-step.-decides CollapsibleTitle")
        if first:
            first.first().focus()

    def build(self) -> None:
        """Fill in the details (results hidden while guessing first) and show the questions."""
        words = self.words
        hide = self.hide
        steps = self.walkthrough.steps
        shown_steps = [s for s in steps if self.show_all or s.decides_route]
        self.query_one("#path-questions-heading", Static).update(
            _plain(words.path_all_questions if self.show_all else words.path_questions)
        )
        for i, step in enumerate(steps, 1):
            box = self.query_one(f"#path-step-{i}", Collapsible)
            box.display = step in shown_steps
            self.query_one(f"#path-detail-{i}", Static).update(self._detail(step))
        hidden_count = len(steps) - len(shown_steps)
        more = self.query_one("#path-more", Static)
        more.display = hidden_count > 0
        more.update(_plain(f"+ {hidden_count} {words.path_more}"))
        fired = self.query_one("#path-fired-list", Static)
        if hide:
            fired.update(_plain(words.hidden))
        else:
            fired.update(
                Group(
                    *(
                        hanging(
                            f"[{entry.rule}] ",
                            entry.title
                            + (
                                ""
                                if entry.result == "fired"
                                else f" ({words.result(entry.result)})"
                            ),
                        )
                        for entry in self.walkthrough.decision.trace
                        if entry.result in ("fired", "possible")
                    )
                )
            )
        route = self.trainer.words.lines(self.walkthrough.decision)[0].value
        self.query_one("#path-outcome", Static).update(
            _plain(f"{words.outcome_heading}: {words.hidden if hide else route}")
        )

    def _detail(self, step: Step) -> Group:
        """Under an opened question: the rules its answer changed (the answer is in the title)."""
        words = self.words
        lines: list[RenderableType] = [] if step.said else [_plain(f"({words.not_said})")]
        if not step.changes:
            lines.append(_plain(words.no_rules))
        lines += rule_lines(step.changes, self.hide, words)
        return Group(*lines)

    def action_all_questions(self) -> None:
        self.show_all = not self.show_all
        self.build()

    def action_expand_all(self) -> None:
        for box in self.query(Collapsible):
            if box.display:
                box.collapsed = False

    def action_collapse_all(self) -> None:
        for box in self.query(Collapsible):
            box.collapsed = True

    def action_reveal(self) -> None:
        self.trainer.revealed = True
        self.build()


class WhatIfScreen(TrainerScreen):
    """Change one answer: the outcome before and after, side by side, and the rules that differ.

    The comparison is one scrolling area: PageUp/PageDown, Up/Down and Home/End read it all.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "step_back", "Back"),
        Binding("w", "close", "Close"),
        Binding("r", "reveal", "Reveal"),
        KEYS,
        Binding("q", "app.quit", "Quit"),
    ]

    def __init__(self, walkthrough: Walkthrough) -> None:
        super().__init__()
        self.walkthrough = walkthrough
        self.step: Step | None = None
        self.result: WhatIf | None = None

    def compose(self) -> ComposeResult:
        words = self.words
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
        with VerticalScroll(id="whatif-compare"):
            with Horizontal(id="whatif-sides"):
                with Vertical(classes="side"):
                    yield Static(_plain(words.before), classes="heading")
                    yield Static(id="whatif-before")
                with Vertical(classes="side"):
                    yield Static(_plain(words.after), classes="heading")
                    yield Static(id="whatif-after")
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
            self.query_one("#whatif-prompt", Static).update(_plain(self.words.whatif_pick_value))
            answers.highlighted = 0
            answers.focus()
        elif event.option_list.id == "whatif-answers" and self.step is not None:
            self.result = what_if(
                self.trainer.pack,
                self.walkthrough,
                self.step.question.fact,
                event.option.id,
                self.trainer.today,
                self.words.field_names,
            )
            self.remove_class("-choosing")
            self.add_class("-compared")
            self.query_one("#whatif-prompt", Static).update(_plain(self.words.whatif_again))
            self.show()
            compare = self.query_one("#whatif-compare", VerticalScroll)
            compare.scroll_home(animate=False)
            compare.focus()

    def show(self) -> None:
        words = self.words
        hide = self.hide
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
            self.query_one("#whatif-prompt", Static).update(_plain(self.words.whatif_pick_step))
            self.query_one("#whatif-steps", OptionList).focus()
        else:
            self.app.pop_screen()

    def action_close(self) -> None:
        self.app.pop_screen()


class TrainerApp(App[None]):
    """Trainer mode: pick a scenario, replay it step by step, explore what-ifs."""

    CSS_PATH = "trainer.tcss"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS: ClassVar[list[BindingType]] = [Binding("m", "room_mode", "Room mode")]

    def __init__(
        self,
        pack: Pack,
        scenarios: Sequence[Scenario],
        *,
        problems: Sequence[str] = (),
        start: Scenario | None = None,
        guess_first: bool = False,
        room: bool = False,
        today: dt.date | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.pack = pack
        self.scenarios = list(scenarios)
        self.problems = list(problems)
        self.words = TrainerWords(pack)
        self.title = self.words.app_title
        self.guess_first = guess_first
        self.revealed = False
        self.room = room
        self.today = today
        self.first = start

    def on_mount(self) -> None:
        self.set_class(self.room, "-room")
        self.push_screen(PickScreen())
        if self.first is not None:
            self.start(self.first)

    def mode_words(self) -> str:
        """The line under a step: guess first (hidden or revealed) and room mode, as they are."""
        words = self.words
        if not self.guess_first:
            mode = words.guess_off
        else:
            mode = words.guess_revealed if self.revealed else words.guess_on
        return f"{mode}   {words.room_on}" if self.room else mode

    def action_room_mode(self) -> None:
        """Larger, bolder, high-contrast text for a projector (the same in the browser)."""
        self.room = not self.room
        self.set_class(self.room, "-room")
        if isinstance(self.screen, StepScreen):
            self.screen.refresh_step()
            if self.screen.kind == "outcome":  # wrapped again once the new padding is laid out
                self.call_after_refresh(self.screen.refresh_step)

    def start(self, scenario: Scenario) -> None:
        """Open a scenario at its story; the outcome is hidden again if guessing first."""
        self.revealed = False
        self.push_screen(
            StepScreen(scenario, replay_scenario(self.pack, scenario.answers(), self.today))
        )
