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

The screen can open before the rule pack has loaded (the command line's quick start):
given an `Opening` (assistant.conversation.opening) and a `load` function instead of a state, it shows
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

from assistant.conversation.ui_words import UiWords, ui
from assistant.tui.screens.base import reword_bindings
from assistant.tui.widgets.facts_panel import FactsPanel
from assistant.tui.widgets.quick_replies import AnswerBox, QuickReplies, Reply
from assistant.tui.widgets.transcript import AnswerMessage, ChatMessage, Transcript

if TYPE_CHECKING:  # the pack, the engine and the state are imported when the pack has loaded
    from assistant.conversation.conversation import Conversation
    from assistant.conversation.opening import Opening
    from assistant.conversation.state import AnswerValue, ConversationState
    from assistant.core.interpret import Command
    from assistant.core.pack import Pack, Question

STEP_OUTCOME = "step:outcome"
STEP_REVIEW = "step:review"
LOAD_WORKER = "load-pack"


class Loaded(Protocol):
    """What a `load` function gives the screen: the conversation, and notices to show first."""

    state: ConversationState
    notices: list[str]


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
        self._conversation_now: Conversation | None = None  # once the pack has loaded
        self.shown_at: str | None = None  # the id of what is on screen (a question's fact)
        self.shown_replies: list[Reply] = []

    # --- layout ------------------------------------------------------------------------------

    @property
    def conversation(self) -> Conversation:
        """The conversation, from the moment the pack has loaded (answers given before that go
        through `answer_before_loading`)."""
        if self._conversation_now is None:
            raise RuntimeError("the conversation starts once the rule pack has loaded")
        return self._conversation_now

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
        from assistant.conversation.opening import opening_for, write_opening

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
        self._conversation_now = self._conversation(getattr(loaded, "conversation", None))
        with self.app.batch_update():
            self.state.listeners.append(self._answers_changed)
            for notice in loaded.notices:  # between the welcome and the question, as usual
                self.transcript.say(
                    self.words.assistant_prefix, notice, before=self.opening_message
                )
            self.show_events(self.conversation.repeat() or self.conversation._advance(), ask=False)
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
        words = dict(self.opening.replies).get(str(value), str(value)) if typed is None else typed
        shown = self.transcript.said(self.words.you_prefix, words)

        def give() -> None:
            shown.remove()  # give_answer shows it again, as every answer is shown
            question = self.pack.question_for.get(fact)
            if (
                question is not None
            ):  # given to the question it was typed at, even if others came after
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
        self._conversation_now = self._conversation(getattr(self.app, "conversation", None))
        self.state.listeners.append(self._answers_changed)
        self.show_events(self.conversation.opening())
        self.refresh_facts()

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

    # --- the conversation: rendering its events ---------------------------------------------

    @property
    def asking(self) -> Question | None:
        conversation = self._conversation_now
        if conversation is None:
            return None
        return conversation.asking if conversation.mode == "question" else None

    @property
    def mode(self) -> str:
        conversation = self._conversation_now
        if conversation is None or conversation.mode == "question":
            return "question"
        return "complete"

    @property
    def editing(self) -> str | None:
        conversation = self._conversation_now
        return conversation.editing if conversation is not None else None

    def show_events(self, events: list[Any], ask: bool = True) -> None:
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
                    if ask:
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
            self.query_one("#free-text", Input).focus()  # a date is typed
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
        if not self.loaded:
            self.answer_before_loading(event.reply.value)
            return
        # an answer chosen from replies that are no longer on screen is for an earlier question
        current = any(r is event.reply for r in self.replies.replies)
        at = self.shown_at if current else None
        self.show_events(self.conversation.handle(at=at, choice=event.reply.value))

    def on_answer_message_selected(self, event: AnswerMessage.Selected) -> None:
        event.stop()
        if self.later(self.on_answer_message_selected, event):
            return
        self.start_edit(event.fact)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        text = event.value
        if not isinstance(event.input, AnswerBox):  # the answer box empties itself on Enter
            event.input.clear()
        self.handle_text(text)

    def handle_text(self, text: str, at: str | None = None) -> None:
        """Typed text, given to the conversation with what was on screen when it was typed."""
        if not self.loaded:  # an answer is read as the one question on screen would read it
            from assistant.conversation.opening import answer_before_pack

            assert self.opening is not None
            early = answer_before_pack(self.opening, text)
            if early is not None:  # an option's number shows as its words
                typed = None if early.how == "number" else text
                self.answer_before_loading(early.value, typed=typed)
            else:
                self.later(self.handle_text, text, self.opening.fact)
            return
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
        if self.later(self.action_question_help):
            return
        self.show_events(self.conversation.command("help"))

    def action_why(self) -> None:
        if self.later(self.action_why):
            return
        self.show_events(self.conversation.command("why"))

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
            self.show_events(self.conversation.cancel_edit())
        self.show_events(self.conversation.command("back"))

    def action_cancel_edit(self) -> None:
        if self.later(self.action_cancel_edit):
            return
        self.show_events(self.conversation.cancel_edit())

    def action_restart(self) -> None:
        if self.later(self.action_restart):
            return
        self.show_events(self.conversation.command("restart"))

    def action_review(self) -> None:
        if self.later(self.action_review):
            return
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
