"""The first question, on screen before the rule pack has loaded (the command line's quick start).

Given an `Opening` (assistant.conversation.opening: the welcome, the first question and its
answers, rendered by an earlier run) and a `load` function, the screen shows the question at
once, adds the header and the key help after the first paint, then runs `load` in a worker
thread. It looks as the chat screen does, and takes what the user does meanwhile:

- an answer, chosen or typed (read as the question on screen reads it), shown at once;
- other typed text (a command such as `why`), shown at once;
- the chat's keys (F1, F2, ...), which need the pack;
- quitting: at once when nothing was given, else once what was given has been acted on.

Nothing is decided here. Once the pack has loaded, the screen posts `Ready`; the app waits until
every key already sent to this screen has been read (screens/base.py `settle`), then switches to the chat screen
with a `Handover` (what was done, in order, what was typed and not yet sent, where the focus
was), and the chat acts on it. An answer is given to the question it was given at, so a "yes"
to the immediate-risk question gets the urgent route as it always does.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widget import MountError
from textual.widgets import Input
from textual.worker import Worker, WorkerState

from assistant.conversation.ui_words import UiWords
from assistant.tui.screens.base import CHAT_KEYS, ConversationPanes, reword_bindings
from assistant.tui.screens.handover import Handover, Kept, Loaded
from assistant.tui.widgets.quick_replies import AnswerBox, QuickReplies, Reply

if TYPE_CHECKING:
    from assistant.conversation.opening import Opening

LOAD_WORKER = "load-pack"


def _kept_key(action: str) -> Callable[[FirstQuestionScreen], None]:
    def keep(self: FirstQuestionScreen) -> None:
        self.kept.append(Kept("key", action))

    keep.__doc__ = f"Kept: the chat does `{action}` once the pack has loaded."
    return keep


class FirstQuestionScreen(ConversationPanes, Screen[None]):
    """The opening's welcome and first question, while the rule pack loads."""

    BINDINGS = list(CHAT_KEYS)  # the same key help as the chat; each key is kept for the chat

    action_question_help = _kept_key("question_help")
    action_toggle_facts = _kept_key("toggle_facts")
    action_review = _kept_key("review")
    action_why = _kept_key("why")
    action_back = _kept_key("back")
    action_focus_transcript = _kept_key("focus_transcript")
    action_cancel_edit = _kept_key("cancel_edit")
    action_show_keys = _kept_key("show_keys")
    action_restart = _kept_key("restart")

    class Ready(Message):
        """The pack has loaded: the app hands over to the chat screen."""

        def __init__(
            self, screen: FirstQuestionScreen, loaded: Loaded, own: Opening | None
        ) -> None:
            super().__init__()
            self.screen = screen
            self.loaded = loaded
            self.own = own  # the pack's own opening (None when resuming answers)

    def __init__(self, opening: Opening, load: Callable[[], Loaded]) -> None:
        super().__init__()
        self.opening = opening
        self.load = load
        self.words = UiWords(opening.ui)
        self.kept: list[Kept] = []  # what the user did, in order
        self.quit_asked = False
        reword_bindings(self, self.words)

    def compose(self) -> ComposeResult:
        # the header and the key help come, and are imported, after the first question
        with Horizontal(id="main"):
            with Vertical(id="conversation"):
                yield from self.conversation_panes()

    def on_mount(self) -> None:
        self.prepare_panes()
        self.query_one("#main").styles.margin = (1, 0)  # the header's and key help's rows
        self.show_question()
        self.call_after_refresh(self._after_first_question)

    def show_question(self) -> None:
        """The welcome, the question and its answers (bench/bench_chat.py times the start up to
        the refresh after this)."""
        opening = self.opening
        self.transcript.say(self.words.assistant_prefix, opening.welcome)
        self.transcript.say(self.words.assistant_prefix, opening.question)
        self.replies.show([Reply(value, words) for value, words in opening.replies])
        if opening.kind == "date":
            self.box.focus()  # a date is typed
        else:
            self.replies.focus()

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

    # --- loading the pack -------------------------------------------------------------------

    def _start_loading(self) -> None:
        self.run_worker(self._load_in_thread, name=LOAD_WORKER, thread=True, exit_on_error=False)

    def _load_in_thread(self) -> tuple[Loaded, Opening | None]:
        """The pack, the conversation and notices (self.load), and the pack's own opening."""
        from assistant.conversation.opening import opening_for, write_opening

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
            self.app.post_message(self.Ready(self, *event.worker.result))
        elif event.state == WorkerState.ERROR:
            # reported by the command line after the app closes, as if it had never opened
            self.app.load_error = event.worker.error  # type: ignore[attr-defined]
            self.app.exit(return_code=2)

    # --- what the user does meanwhile ---------------------------------------------------------

    def on_quick_replies_chosen(self, event: QuickReplies.Chosen) -> None:
        event.stop()
        self.kept.append(Kept("answer", event.reply.value))
        self.transcript.said(self.words.you_prefix, event.reply.label)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        text = event.value
        if not isinstance(event.input, AnswerBox):  # the answer box empties itself on Enter
            event.input.clear()
        from assistant.conversation.opening import answer_before_pack

        early = answer_before_pack(self.opening, text)
        if early is None:  # not an answer to this question: the chat reads it once loaded
            self.kept.append(Kept("text", text))
            shown = text
        elif early.how == "number":  # an option's number shows as its words
            self.kept.append(Kept("answer", early.value))
            shown = dict(self.opening.replies).get(str(early.value), text)
        else:
            self.kept.append(Kept("answer", early.value, text))
            shown = text
        if shown.strip():
            self.transcript.said(self.words.you_prefix, shown)

    def ask_to_quit(self) -> bool:
        """Quit asked for: True if it must wait until what was kept has been acted on."""
        if any(kept.kind != "key" for kept in self.kept):
            self.quit_asked = True
            return True
        return False

    # --- handing over -------------------------------------------------------------------------

    def handover(self, own: Opening | None) -> Handover:
        """The screen as the user leaves it. What was sent to a kept opening that is not the
        pack's own (out of date: its key guards against it) is not acted on: it was not the
        pack's question."""
        box = self.box
        return Handover(
            at=self.opening.fact,
            kept=tuple(self.kept) if own == self.opening else (),
            text=box.value,
            cursor=box.cursor_position,
            typing=self.focused is box,
            highlighted=self.replies.highlighted,
            quit=self.quit_asked,
        )
