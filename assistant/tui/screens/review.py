"""Review: every answer on the path, each editable in place, before the outcome is final.

Changing an answer recomputes the path at once: questions that no longer apply leave the list
(their answers are set aside, not lost) and any new question appears, unanswered.

| Key | Action |
|---|---|
| tab / shift+tab | move between answers |
| enter | open an answer's options (dates: save the typed date) |
| ctrl+o | see the outcome |
| escape | back to the conversation |
"""

from __future__ import annotations

import datetime as dt

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Input, Select, Static

from assistant.conversation.state import ConversationState
from assistant.conversation.ui_words import say, ui
from assistant.core import contract as C
from assistant.core.interpret import Answer, Problem, interpret
from assistant.core.pack import Question
from assistant.tui.screens.base import CloseOnce, KeysPanel, reword_bindings


class ReviewScreen(CloseOnce, KeysPanel, Screen[str]):
    """All answers, editable. Dismisses with "outcome" or "chat"."""

    BINDINGS = [
        Binding("ctrl+o", "done", "See outcome"),
        Binding("escape", "close", "Close"),
        Binding("question_mark", "show_keys", "Keys", key_display="?"),
    ]

    def __init__(self, state: ConversationState) -> None:
        super().__init__()
        self.state = state
        self.pack = state.pack
        self.words = ui(state.pack)
        reword_bindings(self, self.words)

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(self.words.review_intro, markup=False, id="review-intro")
        yield VerticalScroll(id="review-rows")
        yield Static("", markup=False, id="review-status")
        with Horizontal(id="review-buttons"):
            yield Button(self.words.review_done, id="review-done", variant="primary")
            yield Button(self.words.review_back, id="review-back")
        yield Footer()

    async def on_mount(self) -> None:
        self.sub_title = self.words.review_title
        await self.rebuild()
        first = self.query(".answer-control")
        if first:
            first.first().focus()

    def questions(self) -> list[tuple[Question, object]]:
        rows: list[tuple[Question, object]] = list(self.state.answered_questions())
        current = self.state.current
        if current is not None:
            rows.append((current, None))
        return rows

    async def rebuild(self, focus_fact: str | None = None) -> None:
        rows = self.query_one("#review-rows", VerticalScroll)
        await rows.remove_children()
        widgets = []
        for question, value in self.questions():
            control = self._control(question, value)
            row = Vertical(
                Static(Text(question.text), classes="review-question"),
                control,
                classes="review-row" + (" -unanswered" if value is None else ""),
                id=f"row-{question.fact}",
            )
            widgets.append(row)
        await rows.mount_all(widgets)
        self.query_one("#review-done", Button).disabled = not self.state.complete
        if focus_fact:
            found = self.query(f"#answer-{focus_fact}")
            if found:
                found.first().focus()

    def _control(self, question: Question, value: object) -> Input | Select[str]:
        if question.kind == "date":
            if isinstance(value, dt.date):
                shown = value.isoformat()
            elif value in C.FACTS[question.fact].known_values:  # a word it may hold: "Not yet"
                shown = self.state.words(question.fact, value)
            else:
                shown = self.words.review_date_not_sure if value else ""
            return Input(
                value=shown,
                placeholder=self.words.review_date_hint,
                id=f"answer-{question.fact}",
                classes="answer-control",
                compact=True,
            )
        choices = question.choices(self.pack.labels.values.get(question.fact))
        select: Select[str] = Select(
            [(Text(c.label), c.value) for c in choices],
            prompt=self.words.review_not_answered if value is None else self.words.select_prompt,
            allow_blank=value is None,
            value=value if isinstance(value, str) else Select.NULL,
            id=f"answer-{question.fact}",
            classes="answer-control",
            compact=True,
        )
        return select

    async def on_select_changed(self, event: Select.Changed) -> None:
        event.stop()
        fact = (event.select.id or "").removeprefix("answer-")
        if event.value is Select.NULL or self.state.answers.get(fact) == event.value:
            return
        await self.change(fact, str(event.value))

    async def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        fact = (event.input.id or "").removeprefix("answer-")
        question = self.pack.question_for[fact]
        result = interpret(
            event.value, question.choices(), "date", self.state.today or dt.date.today()
        )
        status = self.query_one("#review-status", Static)
        if isinstance(result, Answer):
            if self.state.answers.get(fact) != result.value:
                await self.change(fact, result.value)
        elif isinstance(result, Problem) and result.code != "empty":
            status.update(
                Text(
                    say(
                        self.pack,
                        "date_problem",
                        code=result.code,
                        text=result.text,
                        today=self.state.today or dt.date.today(),
                    )
                )
            )
        else:
            status.update(
                Text(
                    say(
                        self.pack,
                        "date_problem",
                        code="not_a_date",
                        text=event.value,
                        today=self.state.today or dt.date.today(),
                    )
                )
            )

    async def change(self, fact: str, value: str | dt.date) -> None:
        old = self.state.answers.get(fact)
        change = self.state.answer(fact, value)
        words = self.state.words
        label = self.state.fact_label
        if old is not None:
            text = say(
                self.pack,
                "changed",
                label=label(fact),
                old=words(fact, old),
                new=words(fact, value),
                set_aside=[(label(f), words(f, v)) for f, v in change.set_aside.items()],
                restored=[(label(f), words(f, v)) for f, v in change.restored.items()],
            )
            self.query_one("#review-status", Static).update(Text(text))
        else:
            self.query_one("#review-status", Static).update("")
        await self.rebuild(focus_fact=fact)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "review-done":
            self.action_done()
        else:
            self.action_close()

    def action_done(self) -> None:
        self.dismiss("outcome" if self.state.complete else "chat")

    def action_close(self) -> None:
        self.dismiss("chat")
