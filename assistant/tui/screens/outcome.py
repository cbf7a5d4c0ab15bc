"""The outcome: the route and what to do now, deadlines, review options, signposts, why, and
what would change it; then the next steps.

| Key | Action |
|---|---|
| up / down, page up / page down | read the outcome |
| 1-9 | choose a next step (tab to the list for arrows + enter) |
| f | prepare the referral form |
| k | keep: save the outcome (Markdown, text, HTML), copy it, save the answers, write requests to agencies |
| c | copy the outcome (plain text) |
| r | review or change the answers |
| escape | back to the conversation |
| n | start again |
"""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Footer, Header, Input, Label, Select, Static

from assistant.conversation.outcome_text import outcome_markdown
from assistant.conversation.state import ConversationState
from assistant.conversation.ui_words import UiWords, say, ui
from assistant.core.pack import Pack
from assistant.core.placeholders import fill
from assistant.tui.screens.base import CloseOnce, KeysPanel, reword_bindings
from assistant.tui.widgets.quick_replies import QuickReplies, Reply


class OutcomeText(Static):
    """The outcome's Markdown drawn as one widget (Rich), so the screen opens in one frame: the
    Markdown widget builds a widget per block, which costs most of a second on a busy machine.
    `source` is the Markdown, as with Textual's Markdown widget."""

    def __init__(self, source: str, placeholder: str = "") -> None:
        super().__init__(placeholder, id="outcome", markup=False)
        self.source = ""
        if source:
            self.show(source)
        else:
            self.add_class("-preparing")

    def show(self, source: str) -> None:
        from rich.markdown import Markdown as RichMarkdown

        self.source = source
        self.remove_class("-preparing")
        self.update(RichMarkdown(source, hyperlinks=False))


class OutcomeScreen(CloseOnce, KeysPanel, Screen[str]):
    """The explained outcome. Dismisses with "chat", "review", "restart" or "quit"."""

    BINDINGS = [
        Binding("f", "form", "Referral form"),
        Binding("k", "keep", "Keep"),
        Binding("c", "copy", "Copy"),
        Binding("r", "review", "Review"),
        Binding("escape", "close", "Close"),
        Binding("n", "restart", "Start again"),
        Binding("question_mark", "show_keys", "Keys", key_display="?"),
        *(
            Binding(str(i), f"step({i - 1})", "Choose a next step", key_display="1-9", show=False)
            for i in range(1, 10)
        ),
    ]

    # How long the screen waits for the outcome before it shows "preparing" instead: the
    # outcome is built in a thread, so the fast path (warm templates, a few milliseconds)
    # draws it in the first frame, and a slow build never leaves the screen blank.
    PREPARING_AFTER = 0.05

    def __init__(self, state: ConversationState) -> None:
        super().__init__()
        self.state = state
        self.pack = state.pack
        self.words = ui(state.pack)
        self.decision = state.decision()
        reword_bindings(self, self.words)
        self._built: list[str] = []
        self._failure: BaseException | None = None
        self._ready = threading.Event()

    def _build(self) -> None:
        """In a thread: the outcome's Markdown; a failure is raised again on the app's thread."""
        try:
            today = self.state.today or dt.date.today()  # the conversation's date
            self._built.append(
                outcome_markdown(self.pack, self.decision, self.state.applied, today)
            )
        except BaseException as exc:  # kept, and raised where the outcome is shown
            self._failure = exc
        finally:
            self._ready.set()

    def _markdown(self) -> str:
        if self._failure is not None:
            raise self._failure
        return self._built[0]

    @property
    def prepared(self) -> bool:
        """True once the outcome is drawn (not the "preparing" words)."""
        return bool(self.query("#outcome") and self.query_one("#outcome", OutcomeText).source)

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="outcome-body"):
            # started here, not earlier: while it runs the app's thread only waits, so the
            # build has the interpreter to itself (no switching between busy threads)
            threading.Thread(target=self._build, name="outcome", daemon=True).start()
            if self._ready.wait(self.PREPARING_AFTER):
                yield OutcomeText(self._markdown())
            else:
                yield OutcomeText("", placeholder=self.words.outcome_preparing)
                self.run_worker(self._finish, thread=True, group="outcome")
        yield QuickReplies(id="next-steps")
        yield Footer()

    def _finish(self) -> None:
        """In a worker thread: wait for the outcome, then draw it in place of "preparing"."""
        self._ready.wait()
        self.app.call_from_thread(self._show_built)

    def _show_built(self) -> None:
        if self.is_attached:  # not closed while the outcome was being prepared
            self.query_one("#outcome", OutcomeText).show(self._markdown())

    def on_mount(self) -> None:
        steps = self.query_one("#next-steps", QuickReplies)
        steps.border_title = self.words.next_steps_title
        reword_bindings(steps, self.words)
        offered = []
        if self.decision.form:
            offered.append(Reply("form", self.words.next_form))
        offered.append(Reply("keep", keep_words(self.pack).next_keep))
        offered += [
            Reply("review", self.words.next_review),
            Reply("chat", self.words.next_chat),
            Reply("restart", self.words.next_restart),
            Reply("quit", self.words.next_quit),
        ]
        steps.show(offered)
        self.query_one("#outcome-body", VerticalScroll).focus()
        self.sub_title = self.words.outcome_title

    def on_quick_replies_chosen(self, event: QuickReplies.Chosen) -> None:
        event.stop()
        if self.app.screen is not self:
            return  # a second choice from the same burst of keys: the first is acted on
        if event.reply.value == "form":
            self.action_form()
        elif event.reply.value == "keep":
            self.action_keep()
        else:
            self.dismiss(event.reply.value)

    def on_quick_replies_type_ahead(self, event: QuickReplies.TypeAhead) -> None:
        event.stop()
        if self.app.screen is not self:
            return
        key = {"f": "form", "k": "keep", "c": "copy", "r": "review", "n": "restart"}.get(
            event.character
        )
        if key == "form":
            self.action_form()
        elif key == "keep":
            self.action_keep()
        elif key == "copy":
            self.action_copy()
        elif key:
            self.dismiss(key)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """No referral form key when the outcome has no form."""
        if action == "form" and not self.decision.form:
            return False
        return True

    def action_form(self) -> None:
        if not self.decision.form:
            self.notify(say(self.pack, "no_form"), markup=False)
            return
        # lazy: the form screen loads the forms and Word machinery, needed only when chosen
        from assistant.tui.screens.referral import ReferralFormScreen

        self.app.push_screen(ReferralFormScreen(self.pack, self.decision, dict(self.state.applied)))

    def action_keep(self) -> None:
        if self.app.screen is not self:
            return
        self.app.push_screen(KeepScreen(self.pack, requests=bool(self.decision.form)), self._kept)

    def action_copy(self) -> None:
        from assistant.forms.outcome import render_outcome

        text = render_outcome(self.pack, self.decision, self.state.applied, "txt")
        self.app.copy_to_clipboard(text)
        self.notify(keep_words(self.pack).copied, markup=False)

    def _kept(self, choice: str | None) -> None:
        """Save or copy as chosen on the keep screen; say where it went, or why not."""
        from assistant.core.errors import InputError
        from assistant.forms.outcome import OUTCOME_FORMATS, save_case_file, save_outcome
        from assistant.forms.save import documents_folder, unused_path

        words = keep_words(self.pack)
        if choice == "copy":
            self.action_copy()
            return
        if choice == "requests":
            self.write_requests()
            return
        if choice not in (*OUTCOME_FORMATS, "case"):
            return
        folder = documents_folder()
        today = dt.date.today().isoformat()
        try:
            if choice == "case":
                path = unused_path(folder, fill(words.case_stem, date=today), ".yaml")
                save_case_file(path, self.state.applied)
            else:
                stem = fill(words.file_stem, date=today)
                path = unused_path(folder, stem, OUTCOME_FORMATS[choice])
                save_outcome(path, self.pack, self.decision, self.state.applied, choice)
        except InputError as exc:
            self.notify(fill(words.not_saved, problem=exc), severity="error", markup=False)
            return
        self.saved_to = path
        self.notify(fill(words.saved, path=path), timeout=10, markup=False)

    def conversation(self) -> Any:
        """The chat's conversation (it keeps the referral form's fields), else one over this
        outcome's answers."""
        from assistant.conversation.conversation import Conversation

        given = getattr(self.app, "conversation", None)
        if given is not None and given.state is self.state:
            return given
        return Conversation(self.state, front="chat")

    def write_requests(self) -> None:
        """Ask for a folder and a format, then write a request to each agency on the form;
        with no agencies yet, say how to add them."""
        from assistant.conversation.requests import agency_names, request_words

        conversation = self.conversation()
        if not agency_names(conversation.referral):
            words = request_words(self.pack)
            self.notify(str(words.requests_no_agencies), timeout=12, markup=False)
            return
        self.app.push_screen(RequestsScreen(self.pack, conversation))

    def action_step(self, index: int) -> None:
        self.query_one("#next-steps", QuickReplies).choose(index)

    def action_review(self) -> None:
        self.dismiss("review")

    def action_close(self) -> None:
        self.dismiss("chat")

    def action_restart(self) -> None:
        self.dismiss("restart")


def keep_words(pack: Pack) -> UiWords:
    """The words of prompts/outcome/keep.j2, as attributes."""
    from assistant.core.prompts import environment

    module = environment(pack).get_template("outcome/keep.j2").module
    return UiWords.from_module(module)


class KeepScreen(CloseOnce, ModalScreen[str]):
    """Keep the outcome: save it as Markdown, text or HTML, copy it, save the answers, or (with
    `requests`, after a referral) write requests to the agencies.

    Dismisses with "md", "txt", "html", "copy", "case", "requests", or "back".
    """

    BINDINGS = [Binding("escape", "back", "Back")]

    def __init__(self, pack: Pack, requests: bool = False) -> None:
        super().__init__()
        self.pack = pack
        self.words = keep_words(pack)
        self.requests = requests

    def compose(self) -> ComposeResult:
        yield QuickReplies(id="keep-choices")

    def on_mount(self) -> None:
        choices = self.query_one("#keep-choices", QuickReplies)
        choices.border_title = self.words.keep_title
        w = self.words
        choices.show(
            [
                Reply("md", w.keep_md),
                Reply("txt", w.keep_txt),
                Reply("html", w.keep_html),
                Reply("copy", w.keep_copy),
                Reply("case", w.keep_case),
                *([Reply("requests", w.keep_requests)] if self.requests else []),
                Reply("back", w.keep_back),
            ]
        )
        choices.focus()

    def on_quick_replies_chosen(self, event: QuickReplies.Chosen) -> None:
        event.stop()
        if self.app.screen is self:
            self.dismiss(event.reply.value)

    def on_quick_replies_type_ahead(self, event: QuickReplies.TypeAhead) -> None:
        event.stop()

    def action_back(self) -> None:
        if self.app.screen is self:
            self.dismiss("back")


class RequestsScreen(CloseOnce, ModalScreen[list[Any]]):
    """Write a request to each agency on the referral form: a folder (a new one in the
    documents folder unless changed) and a format. Existing files are never replaced. In a
    browser there is no folder to choose: each request is offered as a download.

    Dismisses with the requests written (assistant.forms.requests.Written), or [] if none.
    """

    BINDINGS = [Binding("escape", "back", "Back")]
    DEFAULT_CSS = """
    RequestsScreen { align: center middle; }
    #requests-box { width: 90%; max-width: 100; height: auto; border: round $primary;
        padding: 0 1; background: $surface; }
    #requests-box Label { margin-top: 1; }
    #requests-problem { color: $error; }
    #requests-box Horizontal { height: auto; margin-top: 1; }
    """

    def __init__(self, pack: Pack, conversation: Any) -> None:
        from assistant.conversation.requests import default_folder, request_words

        super().__init__()
        self.pack = pack
        self.conversation = conversation
        self.words = request_words(pack)
        self.default = default_folder(conversation.today)

    def compose(self) -> ComposeResult:
        from assistant.conversation.requests import agency_names

        w = self.words
        names = agency_names(self.conversation.referral)
        with Vertical(id="requests-box"):
            yield Static(
                fill(w.requests_intro, count=len(names), agencies="; ".join(names)),
                markup=False,
            )
            yield Label(str(w.requests_format_label))
            yield Select(
                [(str(w.requests_docx), "docx"), (str(w.requests_md), "md")]
                + [(str(w.requests_html), "html")],
                value="docx",
                allow_blank=False,
                id="requests-format",
            )
            if not self.app.is_web:
                yield Label(str(w.requests_folder_label))
                yield Input(str(self.default), id="requests-folder")
            yield Static("", id="requests-problem", markup=False)
            with Horizontal():
                yield Button(str(w.requests_write), id="requests-write", variant="primary")
                yield Button(str(w.requests_cancel), id="requests-cancel")

    def on_mount(self) -> None:
        self.query_one("#requests-box").border_title = str(self.words.requests_title)
        self.query_one("#requests-format", Select).focus()

    @on(Input.Submitted, "#requests-folder")
    @on(Button.Pressed, "#requests-write")
    def write(self) -> None:
        from assistant.conversation.requests import write_agency_requests

        fmt = str(self.query_one("#requests-format", Select).value)
        if self.app.is_web:
            self._deliver(fmt)
            return
        typed = self.query_one("#requests-folder", Input).value.strip()
        written, events = write_agency_requests(self.conversation, typed or self.default, fmt)
        text = "\n".join(getattr(e, "text", "") for e in events)
        if not written:
            self.query_one("#requests-problem", Static).update(text)
            self.query_one("#requests-folder", Input).focus()
            return
        self.notify(text, timeout=15, markup=False)
        self.dismiss(written)

    def _deliver(self, fmt: str) -> None:
        """In a browser: write into a private temporary folder, then offer each as a download."""
        import io
        import tempfile

        from assistant.conversation.requests import write_agency_requests
        from assistant.forms import MEDIA_TYPES

        with tempfile.TemporaryDirectory() as folder:
            written, events = write_agency_requests(self.conversation, folder, fmt)
            if not written:
                text = "\n".join(getattr(e, "text", "") for e in events)
                self.query_one("#requests-problem", Static).update(text)
                return
            for item in written:
                self.app.deliver_binary(
                    io.BytesIO(item.path.read_bytes()),
                    save_filename=item.path.name,
                    mime_type=MEDIA_TYPES[fmt],
                )
        names = ", ".join(item.path.name for item in written)
        text = fill(self.words.requests_delivered, count=len(written), names=names)
        self.notify(text, timeout=15, markup=False)
        self.dismiss(written)

    @on(Button.Pressed, "#requests-cancel")
    def action_back(self) -> None:
        if self.app.screen is self:
            self.notify(str(self.words.requests_cancelled), markup=False)
            self.dismiss([])
