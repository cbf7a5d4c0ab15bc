"""The conversation: the transcript, the current question's quick replies and a free-text box.

What the user types or chooses goes to assistant.conversation's `Conversation.handle` with the
id of what was on screen; the screen renders the events it returns (`show_events`) and keeps
only keys, focus and layout. The progress line is the answers' box subtitle.

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

The screen opens on a loaded pack. The command line's quick start shows the first question on
a screen of its own while the pack loads (screens/first_question.py), then hands over to this
one with what the user did there (`take_over`).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header, Input

from assistant.conversation.ui_words import ui
from assistant.tui.screens.base import CHAT_KEYS, ConversationPanes, reword_bindings
from assistant.tui.screens.handover import Handover
from assistant.tui.widgets.facts_panel import FactsPanel
from assistant.tui.widgets.quick_replies import AnswerBox, QuickReplies, Reply
from assistant.tui.widgets.transcript import AnswerMessage, ChatMessage

if TYPE_CHECKING:
    from assistant.conversation.conversation import Conversation
    from assistant.conversation.state import AnswerValue, ConversationState
    from assistant.core.interpret import Command
    from assistant.core.pack import Question

STEP_OUTCOME = "step:outcome"
STEP_REVIEW = "step:review"


class ChatScreen(ConversationPanes, Screen[None]):
    """The main conversation screen."""

    BINDINGS = list(CHAT_KEYS)

    def __init__(self, state: ConversationState, handed: Handover | None = None) -> None:
        super().__init__()
        self.state, self.pack = state, state.pack
        self.words = ui(state.pack)
        self.handed = handed  # what was done on the first question's screen, acted on at mount
        reword_bindings(self, self.words)
        self.conversation: Conversation
        self.shown_at: str | None = None  # the id of what is on screen (a question's fact)
        self.shown_replies: list[Reply] = []

    # --- layout ------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="main"):
            with Vertical(id="conversation"):
                yield from self.conversation_panes()
            yield FactsPanel(
                self.words.facts_title,
                self.words.facts_empty,
                self.words.facts_set_aside,
                id="facts",
            )
        yield Footer()

    def on_mount(self) -> None:
        self.prepare_panes()
        self.query_one("#facts", FactsPanel).display = False
        self.start()
        if self.handed is not None:
            self.take_over(self.handed)

    def start(self) -> None:
        """The conversation's opening, from the pack: welcome, notices, earlier answers, question."""
        self.conversation = self._conversation(getattr(self.app, "conversation", None))
        self.state.listeners.append(self._answers_changed)
        self.show_events(self.conversation.opening())
        self.refresh_facts()

    def take_over(self, handed: Handover) -> None:
        """Act on what was done on the first question's screen, in order, as if done here; then
        leave the answer box and the focus as the user left them."""
        question = self.pack.question_for.get(handed.at)
        for kept in handed.kept:
            if kept.kind == "answer":
                if question is not None:  # given to the question it was given at
                    self.give_answer(question, kept.value, kept.typed)
            elif kept.kind == "text":
                self.handle_text(str(kept.value), at=handed.at)
            else:
                getattr(self, f"action_{kept.value}")()
        box = self.box
        box.value, box.cursor_position = handed.text, handed.cursor
        if not handed.kept and handed.highlighted is not None:
            self.replies.highlighted = handed.highlighted
        asking = self.asking
        typing = handed.typing or (asking is not None and asking.kind == "date")
        target = box if typing or self.focused is box else self.replies
        # now, so keys that came while this screen opened go where the user was typing; and
        # again after the focus the question asked for (queued), so that one does not move it
        self.set_focus(target, scroll_visible=False)
        target.focus()

    def _conversation(self, given: Conversation | None) -> Conversation:
        """The session's conversation (it saves the draft), else one over this state."""
        from assistant.conversation.conversation import Conversation

        if given is not None and given.state is self.state:
            given.notices = list(getattr(self.app, "notices", None) or given.notices)
            conversation = given
        else:
            conversation = Conversation(
                self.state, front="chat", notices=list(getattr(self.app, "notices", ()) or ())
            )
        self.app.conversation = conversation  # type: ignore[attr-defined]  # the form keeps its fields there
        return conversation

    def on_unmount(self) -> None:
        if self._answers_changed in self.state.listeners:
            self.state.listeners.remove(self._answers_changed)

    @property
    def today(self) -> dt.date:
        return self.state.today or dt.date.today()

    # --- the conversation: rendering its events ---------------------------------------------

    @property
    def asking(self) -> Question | None:
        conversation = self.conversation
        return conversation.asking if conversation.mode == "question" else None

    @property
    def mode(self) -> str:
        return "question" if self.conversation.mode == "question" else "complete"

    @property
    def editing(self) -> str | None:
        return self.conversation.editing

    def show_events(self, events: list[Any]) -> None:
        """Show each event of the conversation: the screen decides nothing else."""
        from assistant.conversation import events as E

        with self.app.batch_update():  # one repaint for an answer, any notes and what follows
            for event in events:
                if isinstance(event, E.Echo):
                    if event.fact is not None:
                        for message in self.transcript.answers():
                            if message.fact == event.fact:
                                message.mark_superseded(self.words.changed_marker)
                        self.transcript.said(
                            self.words.you_prefix,
                            event.text,
                            event.fact,
                            event.note,
                            self.words.selected_marker,
                        )
                    else:
                        self.transcript.said(self.words.you_prefix, event.text)
                elif isinstance(event, E.Ask):
                    self.show_question(
                        event.text,
                        [Reply(c.value, c.label) for c in event.choices],
                        date=event.question.kind == "date",
                        highlight=event.highlight,
                    )
                    self.replies.border_subtitle = event.progress.text
                    self.shown_at = event.at
                elif isinstance(event, E.Offer):
                    self.replies.border_subtitle = ""
                    self.replies.show([Reply(c.value, c.label) for c in event.steps])
                    self.shown_at = event.at
                    if not isinstance(self.focused, Input):
                        self.replies.focus()
                elif isinstance(event, E.SaveWarning):
                    self.transcript.say(self.words.assistant_prefix, event.text)
                    self.notify(event.text, severity="warning", timeout=12, markup=False)
                elif isinstance(event, E.Say | E.Clarify | E.AskText):
                    self.transcript.say(self.words.assistant_prefix, event.text)
                elif isinstance(event, E.AnswersChanged):
                    self.mark_set_aside()
                elif isinstance(event, E.Restarted):
                    self.transcript.clear()
                elif isinstance(event, E.ShowOutcome):
                    self.call_after_refresh(self.show_outcome)
                elif isinstance(event, E.OpenReview):
                    self.call_after_refresh(self.action_review)
                elif isinstance(event, E.Quit):
                    self.app.exit()

    def show_question(
        self, text: str, replies: list[Reply], date: bool = False, highlight: str | None = None
    ) -> ChatMessage:
        """The assistant's question and its answers as quick replies (every question is shown
        here, the first one too: bench/bench_chat.py times the start up to this)."""
        message = self.transcript.say(self.words.assistant_prefix, text)
        self.replies.show(replies, highlight)
        self.shown_replies = self.replies.replies
        if date:
            self.box.focus()  # a date is typed
        elif not isinstance(self.focused, Input):
            self.replies.focus()
        return message

    def give_answer(self, question: Question, value: AnswerValue, typed: str | None = None) -> None:
        """Record an answer to `question` (the one on screen) and show what follows."""
        self.show_events(self.conversation.give_answer(question, value, typed))

    def mark_set_aside(self) -> None:
        aside = self.state.set_aside
        for message in self.transcript.answers():
            message.mark_set_aside(message.fact in aside, self.words.set_aside_marker)

    def start_edit(self, fact: str) -> None:
        """Ask an earlier question again so its answer can be changed."""
        events = self.conversation.edit(fact)
        if events:
            self.show_events(events)
            self.replies.focus()

    # --- events ------------------------------------------------------------------------------

    def on_quick_replies_chosen(self, event: QuickReplies.Chosen) -> None:
        event.stop()
        # an answer chosen from replies that are no longer on screen is for an earlier question
        current = any(r is event.reply for r in self.replies.replies)
        at = self.shown_at if current else None
        self.show_events(self.conversation.handle(at=at, choice=event.reply.value))

    def on_answer_message_selected(self, event: AnswerMessage.Selected) -> None:
        event.stop()
        self.start_edit(event.fact)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        text = event.value
        if not isinstance(event.input, AnswerBox):  # the answer box empties itself on Enter
            event.input.clear()
        self.handle_text(text)

    def handle_text(self, text: str, at: str | None = None) -> None:
        """Typed text, given to the conversation with what was on screen when it was typed."""
        self.show_events(self.conversation.handle(text, at=at or self.shown_at))

    def command(self, command: Command) -> None:
        self.show_events(self.conversation.command(command.name, command.topic))

    def fact_lines(self) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
        return self.conversation.fact_lines()

    def refresh_facts(self) -> None:
        facts, aside = self.fact_lines()
        self.query_one("#facts", FactsPanel).show(facts, aside)

    def _answers_changed(self, state: ConversationState) -> None:
        if self.query_one("#facts", FactsPanel).display:  # a hidden panel is filled when shown
            self.refresh_facts()

    # --- actions -----------------------------------------------------------------------------

    def action_question_help(self) -> None:
        self.show_events(self.conversation.command("help"))

    def action_why(self) -> None:
        self.show_events(self.conversation.command("why"))

    def action_toggle_facts(self) -> None:
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
        if self.editing is not None:
            self.show_events(self.conversation.cancel_edit())
        self.show_events(self.conversation.command("back"))

    def action_cancel_edit(self) -> None:
        self.show_events(self.conversation.cancel_edit())

    def action_restart(self) -> None:
        self.show_events(self.conversation.command("restart"))

    def action_review(self) -> None:
        if self.app.screen is not self:
            return  # asked twice in a burst of keys: the review is open already
        from assistant.tui.screens.review import ReviewScreen

        self.app.push_screen(ReviewScreen(self.state), self._after_review)

    def _after_review(self, result: str | None) -> None:
        self.refresh_facts()
        events = self.conversation.resume()
        if result == "outcome" and self.state.complete:
            from assistant.conversation import events as E

            # the steps are offered again quietly, and the outcome opens
            events = [e for e in events if isinstance(e, E.AnswersChanged | E.Offer)]
            self.show_events(events)
            self.show_outcome()
        else:
            self.show_events(events)

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
