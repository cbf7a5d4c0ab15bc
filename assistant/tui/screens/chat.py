"""The conversation: the transcript, the current question's quick replies and a free-text box.

| Key | Action |
|---|---|
| arrows + enter, click | choose an answer |
| digits, letters | type an answer (a number too); enter sends it |
| F1 | help with this question (and the glossary) |
| F2 | show or hide the facts panel |
| F3 | review and change every answer |
| F4 | why this question is asked |
| ctrl+b | back to the previous question |
| ctrl+t | go to the earlier answers (up/down, enter to change one) |
| escape | cancel changing an earlier answer |
| ? | every key (when not typing) |
| ctrl+q | quit |

The screen can open before the rule pack has loaded (the command line's quick start, issue 5):
given an `Opening` (assistant.tui.opening) and a `load` function instead of a state, it shows
the opening's welcome and first question at once, then runs `load` in a worker thread. Anything
the user does meanwhile (an answer chosen by key or mouse, typed text, a key command, quitting)
is kept in order and acted on, unchanged, once the pack is there. An answer is shown at once
and given to the question that was on screen: a "yes" to the immediate-risk question gets the
urgent route as it always does. Should the pack's own opening differ from the kept one
(the key guards against this), the pack's is shown from the start and nothing kept is applied.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widget import MountError
from textual.widgets import Input
from textual.worker import Worker, WorkerState

from assistant.core import contract as C
from assistant.tui.widgets.facts_panel import FactsPanel
from assistant.tui.widgets.quick_replies import AnswerBox, QuickReplies, Reply
from assistant.tui.widgets.transcript import AnswerMessage, ChatMessage, Transcript
from assistant.tui.words import UiWords, say, ui

if TYPE_CHECKING:  # the pack, the engine and the state are imported when the pack has loaded
    from assistant.core.interpret import Command
    from assistant.core.pack import Pack, Question
    from assistant.tui.opening import Opening
    from assistant.tui.state import AnswerValue, Change, ConversationState

STEP_OUTCOME = "step:outcome"
STEP_REVIEW = "step:review"
LOAD_WORKER = "load-pack"


class Loaded(Protocol):
    """What a `load` function gives the screen: the conversation, and notices to show first."""

    state: ConversationState
    notices: list[str]


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

    state: ConversationState
    pack: Pack

    def __init__(
        self,
        state: ConversationState | None = None,
        *,
        opening: Opening | None = None,
        load: Callable[[], Loaded] | None = None,
    ) -> None:
        super().__init__()
        self.opening = opening
        self.load = load
        self.loaded = state is not None
        self.pending: list[Callable[[], Any]] = []  # what the user did before the pack loaded
        self.quit_when_loaded = False  # quit asked for after answers given before the pack loaded
        self.opening_message: ChatMessage | None = None
        if state is not None:
            self.state, self.pack = state, state.pack
            self.words = ui(state.pack)
        elif opening is not None and load is not None:
            self.words = UiWords(opening.ui)
        else:
            raise TypeError("ChatScreen needs a state, or an opening and a load function")
        reword_bindings(self, self.words)
        self.asking: Question | None = None
        self.editing: str | None = None  # the fact whose earlier answer is being changed
        self.mode = "question"  # question | complete
        self.warned_not_sure = False

    # --- layout ------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        # opening before the pack (quick start): the header and the key help come, and are
        # imported, after the first question (_after_first_question)
        from textual.widgets import Footer, Header

        if self.loaded:
            yield Header()
        with Horizontal(id="main"):
            with Vertical(id="conversation"):
                yield Transcript(id="transcript")
                yield QuickReplies(id="replies")
                yield AnswerBox(
                    placeholder=self.words.input_placeholder, id="free-text", select_on_focus=False
                )
            yield FactsPanel(
                self.words.facts_title,
                self.words.facts_empty,
                self.words.facts_set_aside,
                id="facts",
            )
        if self.loaded:
            yield Footer()

    def on_mount(self) -> None:
        self.replies.border_title = self.words.quick_replies_title
        self.replies.type_into = self.query_one("#free-text", Input)
        reword_bindings(self.replies, self.words)
        self.query_one("#facts", FactsPanel).display = False
        if self.loaded:
            self.start()
            return
        assert self.opening is not None
        self.query_one("#main").styles.margin = (1, 0)  # the header's and key help's rows
        self.transcript.say(self.words.assistant_prefix, self.opening.welcome)
        self.opening_message = self.show_question(
            self.opening.question,
            [Reply(value, words) for value, words in self.opening.replies],
            date=self.opening.kind == "date",
        )
        self.call_after_refresh(self._after_first_question)

    # --- loading the pack behind the opening ---------------------------------------------------

    async def _after_first_question(self) -> None:
        """The question is on screen: add the header and the key help, then load the pack."""
        from textual.widgets import Footer, Header

        main = self.query_one("#main")
        try:
            with self.app.batch_update():  # one repaint: nothing on screen moves
                await self.mount(Header(), before=main)
                await self.mount(Footer())
                main.styles.margin = 0
        except MountError:
            return  # closing already (quit at once)
        self.call_after_refresh(self._start_loading)

    def _start_loading(self) -> None:
        self.run_worker(self._load_in_thread, name=LOAD_WORKER, thread=True, exit_on_error=False)

    def _load_in_thread(self) -> tuple[Loaded, Opening | None]:
        """The pack, the conversation and notices (self.load), and the pack's own opening."""
        from assistant.tui.opening import opening_for, write_opening

        assert self.load is not None and self.opening is not None
        loaded = self.load()
        state = loaded.state
        first = state.current if not state.answers else None
        own = opening_for(state.pack, first, self.opening.key) if first is not None else None
        if own is not None and own != self.opening:
            write_opening(own)  # the kept one was out of date: the next start shows this one
        return loaded, own

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.name != LOAD_WORKER:
            return
        event.stop()
        if event.state == WorkerState.SUCCESS and event.worker.result is not None:
            self.pack_loaded(*event.worker.result)
        elif event.state == WorkerState.ERROR:
            # reported by the command line after the app closes, as if it had never opened
            self.app.load_error = event.worker.error  # type: ignore[attr-defined]
            self.app.exit(return_code=2)

    def pack_loaded(self, loaded: Loaded, own: Opening | None) -> None:
        """Finish opening: the pack is here; act on what the user did meanwhile, in order."""
        shown = self.opening
        self.state, self.pack = loaded.state, loaded.state.pack
        self.app.pack, self.app.state = self.pack, self.state  # type: ignore[attr-defined]
        self.app.notices = loaded.notices  # type: ignore[attr-defined]
        self.loaded = True
        pending, self.pending = self.pending, []
        if own is None or own != shown:
            # not the pack's own opening (out of date): start again from the pack's words; what
            # was chosen from the kept question is not applied, as that was not the pack's question
            self.apply_words(ui(self.pack))
            self.transcript.clear()
            self.start()
            if self.quit_when_loaded:
                self.app.exit()
            return
        self.words = ui(self.pack)
        with self.app.batch_update():
            self.state.listeners.append(self._answers_changed)
            for notice in loaded.notices:  # between the welcome and the question, as usual
                self.transcript.say(
                    self.words.assistant_prefix, notice, before=self.opening_message
                )
            self.asking = self.state.current
            self.mode = "question"
            self.refresh_facts()
            for action in pending:
                action()
        if self.quit_when_loaded:
            self.app.exit()

    def answer_before_loading(self, value: AnswerValue, typed: str | None = None) -> None:
        """An answer to the opening question before the pack has loaded: shown at once, and
        given to that question, unchanged, once the pack is here (even if others came after)."""
        assert self.opening is not None
        fact = self.opening.fact
        words = dict(self.opening.replies).get(value, str(value)) if typed is None else typed
        shown = self.transcript.said(self.words.you_prefix, words)

        def give() -> None:
            shown.remove()  # give_answer shows it again, as every answer is shown
            question = self.pack.question_for.get(fact)
            if question is not None:
                self.give_answer(question, value, typed)

        self.pending.append(give)

    def later(self, action: Callable[..., Any], *args: Any) -> bool:
        """Before the pack has loaded: keep `action(*args)` to do once it has (True if kept)."""
        if self.loaded:
            return False
        self.pending.append(lambda: action(*args))
        return True

    def apply_words(self, words: UiWords) -> None:
        """Show the screen's short words from `words` (titles, placeholder, key help)."""
        self.words = words
        self.app.title = words.app_title
        for node in (self.app, self, self.replies):
            reword_bindings(node, words)
        self.replies.border_title = words.quick_replies_title
        self.query_one("#free-text", Input).placeholder = words.input_placeholder
        panel = self.query_one("#facts", FactsPanel)
        panel.title = panel.border_title = words.facts_title
        panel.empty, panel.aside_title = words.facts_empty, words.facts_set_aside

    def start(self) -> None:
        """The conversation's opening, from the pack: welcome, notices, earlier answers, question."""
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
        if self.loaded and self._answers_changed in self.state.listeners:
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
        from assistant.tui.opening import question_message, question_replies

        self.mode = "question"
        self.asking = question
        old_words = self.state.words(question.fact, old) if old is not None else None
        self.show_question(
            question_message(self.pack, question, old_words),
            [Reply(value, words) for value, words in question_replies(self.pack, question)],
            date=question.kind == "date",
            highlight=old if isinstance(old, str) else None,
        )

    def show_question(
        self, text: str, replies: list[Reply], date: bool = False, highlight: str | None = None
    ) -> ChatMessage:
        """The assistant's question and its answers as quick replies (every question is shown
        here, the first one too: bench/bench_chat.py times the start up to this)."""
        message = self.transcript.say(self.words.assistant_prefix, text)
        self.replies.show(replies, highlight)
        if date:
            self.query_one("#free-text", Input).focus()  # a date is typed
        elif not isinstance(self.focused, Input):
            self.replies.focus()
        return message

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
        from assistant.core.interpret import date_words

        # a typed date is said back as it was read ("27/11/2026": "Fri 27 Nov 2026")
        label = (
            date_words(value)
            if isinstance(value, dt.date)
            else self.state.words(question.fact, value)
        )
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
        if not self.loaded:
            self.answer_before_loading(event.reply.value)
            return
        if self.mode == "complete":
            self.step(event.reply.value)
        elif self.asking is not None:
            self.give_answer(self.asking, event.reply.value)

    def on_answer_message_selected(self, event: AnswerMessage.Selected) -> None:
        event.stop()
        if self.later(self.on_answer_message_selected, event):
            return
        self.start_edit(event.fact)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        text = event.value
        event.input.clear()
        self.handle_text(text)

    def handle_text(self, text: str) -> None:
        """Understand free text: an answer, a command, or something to ask about again."""
        from assistant.core.interpret import (
            Answer,
            Command,
            Problem,
            Unclear,
            Unrecognised,
            interpret,
        )

        if not self.loaded:  # an answer is read as the one question on screen would read it
            assert self.opening is not None
            early = interpret(text, self.replies.replies, self.opening.kind, dt.date.today())
            if isinstance(early, Answer):  # an option's number shows as its words
                self.answer_before_loading(early.value, None if early.how == "number" else text)
            else:
                self.later(self.handle_text, text)
            return

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
            elif self.asking is not None:  # an option's number shows as its words
                self.give_answer(
                    self.asking, result.value, None if result.how == "number" else text
                )
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
        if self.later(self.action_question_help):
            return
        question = self.asking if self.mode == "question" else None
        self.assistant("help", question=question, terms=[e.term for e in self.pack.glossary])

    def action_why(self) -> None:
        if self.later(self.action_why):
            return
        if self.mode == "question" and self.asking is not None:
            self.assistant(
                "why", question=self.asking, rules=self.pack.rules_needing(self.asking.fact)
            )
        else:
            self.show_outcome()

    def action_toggle_facts(self) -> None:
        if self.later(self.action_toggle_facts):
            return
        panel = self.query_one("#facts", FactsPanel)
        panel.display = not panel.display
        if panel.display:
            self.refresh_facts()

    def action_show_keys(self) -> None:
        from assistant.tui.widgets.keys_panel import toggle_keys

        toggle_keys(self)

    def action_focus_transcript(self) -> None:
        self.transcript.focus()

    def action_back(self) -> None:
        if self.later(self.action_back):
            return
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
        if self.later(self.action_cancel_edit):
            return
        if self.editing is None:
            return
        fact = self.editing
        self.editing = None
        self.assistant("edit_cancelled", label=self.state.fact_label(fact))
        self.advance()

    def action_restart(self) -> None:
        if self.later(self.action_restart):
            return
        self.state.restart()
        self.warned_not_sure = False
        self.editing = None
        self.transcript.clear()
        self.assistant("restart")
        self.transcript.say(self.words.assistant_prefix, say(self.pack, "welcome"))
        self.advance()

    def action_review(self) -> None:
        if self.later(self.action_review):
            return
        if self.app.screen is not self:
            return  # asked twice in a burst of keys: the review is open already
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
        if self.app.screen is not self:
            return  # asked twice in a burst of keys: the outcome is open already
        from assistant.tui.screens.outcome import OutcomeScreen

        self.app.push_screen(OutcomeScreen(self.state), self._after_outcome)

    def _after_outcome(self, result: str | None) -> None:
        if result == "review":
            self.action_review()
        elif result == "restart":
            self.action_restart()
        elif result == "quit":
            self.app.exit()
