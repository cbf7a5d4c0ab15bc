"""The conversation: the transcript, the current question's quick replies and a free-text box.

| Key | Action |
|---|---|
| 1-9, arrows + enter, click | choose an answer |
| F1 | help with this question (and the glossary) |
| F2 | show or hide the facts panel |
| F3 | review and change every answer |
| F4 | why this question is asked |
| ctrl+b | back to the previous question |
| ctrl+t | go to the earlier answers (up/down, enter to change one) |
| escape | cancel changing an earlier answer |
| ? | every key (when not typing) |
| ctrl+q | quit |
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header, Input

from assistant.core import contract as C
from assistant.core.interpret import Answer, Command, Problem, Unclear, Unrecognised, interpret
from assistant.core.pack import Question
from assistant.tui.state import AnswerValue, Change, ConversationState
from assistant.tui.widgets.facts_panel import FactsPanel
from assistant.tui.widgets.quick_replies import QuickReplies, Reply
from assistant.tui.widgets.transcript import AnswerMessage, Transcript
from assistant.tui.words import say, ui

STEP_OUTCOME = "step:outcome"
STEP_REVIEW = "step:review"


def reword_bindings(node: Any, words: Any) -> None:
    """Replace binding descriptions with the pack's words (prompts/chat/ui.j2 `bindings`)."""
    from dataclasses import replace

    for key, bindings in node._bindings.key_to_bindings.items():
        node._bindings.key_to_bindings[key] = [
            replace(b, description=words.binding(b.action.split("(")[0], b.description))
            for b in bindings
        ]


class ChatScreen(Screen[None]):
    """The main conversation screen."""

    BINDINGS = [
        Binding("f1", "question_help", "Help"),
        Binding("f2", "toggle_facts", "Facts"),
        Binding("f3", "review", "Review"),
        Binding("f4", "why", "Why"),
        Binding("ctrl+b", "back", "Back"),
        Binding("ctrl+t", "focus_transcript", "Change an answer"),
        Binding("escape", "cancel_edit", "Cancel change", show=False),
        Binding("question_mark", "show_keys", "Keys", key_display="?"),
        Binding("ctrl+r", "restart", "Start again", show=False),
    ]

    def __init__(self, state: ConversationState) -> None:
        super().__init__()
        self.state = state
        self.pack = state.pack
        self.words = ui(state.pack)
        reword_bindings(self, self.words)
        self.asking: Question | None = None
        self.editing: str | None = None  # the fact whose earlier answer is being changed
        self.mode = "question"  # question | complete
        self.warned_not_sure = False

    # --- layout ------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="main"):
            with Vertical(id="conversation"):
                yield Transcript(id="transcript")
                yield QuickReplies(id="replies")
                yield Input(
                    placeholder=self.words.input_placeholder, id="free-text", select_on_focus=False
                )
            yield FactsPanel(
                self.words.facts_title,
                self.words.facts_empty,
                self.words.facts_set_aside,
                id="facts",
            )
        yield Footer()

    def on_mount(self) -> None:
        self.replies.border_title = self.words.quick_replies_title
        self.replies.type_into = self.query_one("#free-text", Input)
        reword_bindings(self.replies, self.words)
        self.query_one("#facts", FactsPanel).display = False
        self.state.listeners.append(self._answers_changed)
        self.transcript.say(self.words.assistant_prefix, say(self.pack, "welcome"))
        for notice in getattr(
            self.app, "notices", ()
        ):  # drafts: saving, incognito, resumed (issue 7)
            self.transcript.say(self.words.assistant_prefix, notice)
        self.show_earlier_answers()
        self.refresh_facts()
        self.advance()

    def show_earlier_answers(self) -> None:
        """A resumed conversation shows its answers, each selectable to change as usual."""
        answered = self.state.answered_questions()
        if not answered:
            return
        self.assistant("resumed", count=len(answered))
        for question, value in answered:
            self.transcript.say(self.words.assistant_prefix, question.text)
            self.transcript.said(
                self.words.you_prefix,
                self.state.words(question.fact, value),
                question.fact,
                marker=self.words.selected_marker,
            )

    def on_unmount(self) -> None:
        if self._answers_changed in self.state.listeners:
            self.state.listeners.remove(self._answers_changed)

    @property
    def transcript(self) -> Transcript:
        return self.query_one("#transcript", Transcript)

    @property
    def replies(self) -> QuickReplies:
        return self.query_one("#replies", QuickReplies)

    @property
    def today(self) -> dt.date:
        return self.state.today or dt.date.today()

    # --- the conversation --------------------------------------------------------------------

    def assistant(self, template: str, **context: Any) -> None:
        self.transcript.say(self.words.assistant_prefix, say(self.pack, template, **context))

    def ask(self, question: Question, old: AnswerValue | None = None) -> None:
        """Put `question` to the user, with its options as quick replies."""
        self.mode = "question"
        self.asking = question
        old_words = self.state.words(question.fact, old) if old is not None else None
        self.assistant("question", question=question, old=old_words, has_help=bool(question.help))
        choices = question.choices(self.pack.labels.values.get(question.fact))
        highlight = old if isinstance(old, str) else None
        self.replies.show([Reply(c.value, c.label) for c in choices], highlight)
        if question.kind == "date":
            self.query_one("#free-text", Input).focus()  # a date is typed
        elif not isinstance(self.focused, Input):
            self.replies.focus()

    def advance(self) -> None:
        """Ask the next question, or, when the path is complete, offer the outcome."""
        self.editing = None
        decision = self.state.decision() if self.state.complete else None
        if decision is not None and decision.halted:
            self.asking = None
            self.mode = "complete"
            route = self.pack.labels.routes.get(decision.route)  # type: ignore[call-overload]
            self.assistant("urgent", route=route, contacts=self.pack.meta.contacts, not_sure=False)
            self._offer_steps()
            self.show_outcome()
            return
        if self.state.applied.get("immediate_risk") == C.UNKNOWN and not self.warned_not_sure:
            self.warned_not_sure = True
            route = self.pack.labels.routes.get("urgent_safeguarding_referral")  # type: ignore[call-overload]
            self.assistant("urgent", route=route, contacts=self.pack.meta.contacts, not_sure=True)
        current = self.state.current
        if current is not None:
            self.ask(current)
            return
        assert decision is not None
        self.asking = None
        self.mode = "complete"
        route = self.pack.labels.routes.get(decision.route)  # type: ignore[call-overload]
        self.assistant("complete", route=route, certain=decision.certain)
        self._offer_steps()

    def _offer_steps(self) -> None:
        self.replies.show(
            [
                Reply(STEP_OUTCOME, self.words.step_outcome),
                Reply(STEP_REVIEW, self.words.step_review),
            ]
        )
        if not isinstance(self.focused, Input):
            self.replies.focus()

    def give_answer(
        self, question: Question, value: AnswerValue, typed: str | None = None
    ) -> Change:
        """Record an answer (typed, or chosen from the quick replies) and move on."""
        with self.app.batch_update():  # one repaint for the answer, any notes and the next question
            return self._give_answer(question, value, typed)

    def _give_answer(self, question: Question, value: AnswerValue, typed: str | None) -> Change:
        label = self.state.words(question.fact, value)
        note = ""
        if typed is not None and typed.strip().lower() != label.lower():
            note = f"({self.words.understood_as} {label})"
        for message in self.transcript.answers():
            if message.fact == question.fact:
                message.mark_superseded(self.words.changed_marker)
        self.transcript.said(
            self.words.you_prefix,
            typed if typed is not None else label,
            question.fact,
            note,
            self.words.selected_marker,
        )
        change = self.state.answer(question.fact, value)
        if change.changed_earlier or change.set_aside or change.restored:
            self.assistant(
                "changed",
                label=self.state.fact_label(question.fact),
                old=self.state.words(question.fact, change.old) if change.old is not None else "",
                new=label,
                set_aside=[
                    (self.state.fact_label(f), self.state.words(f, v))
                    for f, v in change.set_aside.items()
                ],
                restored=[
                    (self.state.fact_label(f), self.state.words(f, v))
                    for f, v in change.restored.items()
                ],
            )
        self.mark_set_aside()
        self.advance()
        return change

    def mark_set_aside(self) -> None:
        aside = self.state.set_aside
        for message in self.transcript.answers():
            message.mark_set_aside(message.fact in aside, self.words.set_aside_marker)

    def start_edit(self, fact: str) -> None:
        """Ask an earlier question again so its answer can be changed."""
        question = self.pack.question_for.get(fact)
        if question is None or fact not in self.state.answers:
            return
        self.editing = fact
        self.ask(question, old=self.state.answers[fact])
        self.replies.focus()

    def step(self, value: str) -> None:
        if value == STEP_OUTCOME:
            self.show_outcome()
        elif value == STEP_REVIEW:
            self.action_review()

    # --- events ------------------------------------------------------------------------------

    def on_quick_replies_chosen(self, event: QuickReplies.Chosen) -> None:
        event.stop()
        if self.mode == "complete":
            self.step(event.reply.value)
        elif self.asking is not None:
            self.give_answer(self.asking, event.reply.value)

    def on_answer_message_selected(self, event: AnswerMessage.Selected) -> None:
        event.stop()
        self.start_edit(event.fact)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        text = event.value
        event.input.clear()
        self.handle_text(text)

    def handle_text(self, text: str) -> None:
        """Understand free text: an answer, a command, or something to ask about again."""
        replies = self.replies.replies
        kind = self.asking.kind if self.mode == "question" and self.asking is not None else "choice"
        result = interpret(text, replies, kind, self.today)
        if isinstance(result, Problem) and result.code == "empty":
            return
        steps = (STEP_OUTCOME, STEP_REVIEW)
        if isinstance(result, Answer) and self.mode == "complete" and result.value not in steps:
            result = Unrecognised(text)
        if isinstance(result, Answer):
            if self.mode == "complete":
                self.transcript.said(self.words.you_prefix, text)
                self.step(str(result.value))
            elif self.asking is not None:
                self.give_answer(self.asking, result.value, typed=text)
            return
        self.transcript.said(self.words.you_prefix, text)
        if isinstance(result, Command):
            self.command(result)
        elif isinstance(result, Problem):
            self.assistant("date_problem", code=result.code, text=result.text, today=self.today)
        else:
            labels = {r.value: r.label for r in replies}
            candidates = (
                [labels[v] for v in result.candidates if v in labels]
                if isinstance(result, Unclear)
                else []
            )
            self.assistant("clarify", text=text, choices=replies, candidates=candidates)

    def command(self, command: Command) -> None:
        name = command.name
        if name == "why":
            self.action_why()
        elif name == "help" or (name == "what_is" and not command.topic):
            self.action_question_help()
        elif name == "what_is":
            self.glossary(command.topic)
        elif name == "back":
            self.action_back()
        elif name == "summary":
            self.summary()
        elif name == "review":
            self.action_review()
        elif name == "restart":
            self.action_restart()
        elif name == "quit":
            self.app.exit()

    def glossary(self, topic: str) -> None:
        wanted = topic.strip().lower()
        entries = [
            e
            for e in self.pack.glossary
            if wanted in [e.term.lower(), *(a.lower() for a in e.aliases)]
        ] or [
            e
            for e in self.pack.glossary
            if wanted and (wanted in e.term.lower() or e.term.lower() in wanted)
        ]
        self.assistant(
            "glossary", topic=topic, entries=entries, terms=[e.term for e in self.pack.glossary]
        )

    def summary(self) -> None:
        facts, aside = self.fact_lines()
        decision = self.state.decision()
        route = self.pack.labels.routes.get(decision.route)  # type: ignore[call-overload]
        self.assistant(
            "summary", facts=facts, set_aside=aside, route=route.label if route and facts else None
        )

    def fact_lines(self) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
        facts = [
            (self.state.fact_label(q.fact), self.state.words(q.fact, v))
            for q, v in self.state.answered_questions()
        ]
        aside = [
            (self.state.fact_label(f), self.state.words(f, v))
            for f, v in self.state.set_aside.items()
        ]
        return facts, aside

    def refresh_facts(self) -> None:
        facts, aside = self.fact_lines()
        self.query_one("#facts", FactsPanel).show(facts, aside)

    def _answers_changed(self, state: ConversationState) -> None:
        if self.query_one("#facts", FactsPanel).display:  # a hidden panel is filled when shown
            self.refresh_facts()

    # --- actions -----------------------------------------------------------------------------

    def action_question_help(self) -> None:
        question = self.asking if self.mode == "question" else None
        self.assistant("help", question=question, terms=[e.term for e in self.pack.glossary])

    def action_why(self) -> None:
        if self.mode == "question" and self.asking is not None:
            self.assistant(
                "why", question=self.asking, rules=self.pack.rules_needing(self.asking.fact)
            )
        else:
            self.show_outcome()

    def action_toggle_facts(self) -> None:
        panel = self.query_one("#facts", FactsPanel)
        panel.display = not panel.display
        if panel.display:
            self.refresh_facts()

    def action_show_keys(self) -> None:
        from textual.widgets import HelpPanel

        if self.query(HelpPanel):
            self.app.action_hide_help_panel()
        else:
            self.app.action_show_help_panel()

    def action_focus_transcript(self) -> None:
        self.transcript.focus()

    def action_back(self) -> None:
        if self.editing is not None:
            self.action_cancel_edit()
        history = [f for f in self.state.history if f in self.state.applied]
        old = self.state.applied.get(history[-1]) if history else None
        question = self.state.back()
        old_words = (
            self.state.words(question.fact, old) if question is not None and old is not None else ""
        )
        self.assistant("back", question=question, old=old_words)
        self.mark_set_aside()
        if question is not None:
            self.editing = None
            current = self.state.current
            if current is not None and current.fact == question.fact:
                self.ask(question)
                if isinstance(old, str):
                    self.replies.show(self.replies.replies, old)
                return
        self.advance()

    def action_cancel_edit(self) -> None:
        if self.editing is None:
            return
        fact = self.editing
        self.editing = None
        self.assistant("edit_cancelled", label=self.state.fact_label(fact))
        self.advance()

    def action_restart(self) -> None:
        self.state.restart()
        self.warned_not_sure = False
        self.editing = None
        self.transcript.clear()
        self.assistant("restart")
        self.transcript.say(self.words.assistant_prefix, say(self.pack, "welcome"))
        self.advance()

    def action_review(self) -> None:
        from assistant.tui.screens.review import ReviewScreen

        self.app.push_screen(ReviewScreen(self.state), self._after_review)

    def _after_review(self, result: str | None) -> None:
        self.mark_set_aside()
        self.refresh_facts()
        if result == "outcome" and self.state.complete:
            self.advance_quietly()
            self.show_outcome()
        else:
            self.advance()

    def advance_quietly(self) -> None:
        self.asking = None
        self.mode = "complete"
        self._offer_steps()

    def show_outcome(self) -> None:
        from assistant.tui.screens.outcome import OutcomeScreen

        self.app.push_screen(OutcomeScreen(self.state), self._after_outcome)

    def _after_outcome(self, result: str | None) -> None:
        if result == "review":
            self.action_review()
        elif result == "restart":
            self.action_restart()
        elif result == "quit":
            self.app.exit()
