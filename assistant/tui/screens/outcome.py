"""The outcome: the route and what to do now, deadlines, review options, signposts, why, and
what would change it; then the next steps.

| Key | Action |
|---|---|
| up / down, page up / page down | read the outcome |
| 1-9 | choose a next step (tab to the list for arrows + enter) |
| f | prepare the referral form |
| k | keep the outcome: save it (Markdown, text, HTML), copy it, or save the answers |
| c | copy the outcome (plain text) |
| r | review or change the answers |
| escape | back to the conversation |
| n | start again |
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Header, Static

from assistant.conversation.outcome_text import outcome_markdown
from assistant.conversation.state import ConversationState
from assistant.conversation.ui_words import UiWords, say, ui
from assistant.core.pack import Pack
from assistant.tui.screens.base import CloseOnce, reword_bindings
from assistant.tui.widgets.quick_replies import QuickReplies, Reply


class OutcomeText(Static):
    """The outcome's Markdown drawn as one widget (Rich), so the screen opens in one frame: the
    Markdown widget builds a widget per block, which costs most of a second on a busy machine.
    `source` is the Markdown, as with Textual's Markdown widget."""

    def __init__(self, source: str) -> None:
        from rich.markdown import Markdown as RichMarkdown

        super().__init__(RichMarkdown(source, hyperlinks=False), id="outcome")
        self.source = source


class OutcomeScreen(CloseOnce, Screen[str]):
    """The explained outcome. Dismisses with "chat", "review", "restart" or "quit"."""

    BINDINGS = [
        Binding("f", "form", "Referral form"),
        Binding("k", "keep", "Keep"),
        Binding("c", "copy", "Copy"),
        Binding("r", "review", "Review"),
        Binding("escape", "close", "Close"),
        Binding("n", "restart", "Start again"),
        Binding("question_mark", "show_keys", "Keys", key_display="?"),
        *(Binding(str(i), f"step({i - 1})", show=False) for i in range(1, 10)),
    ]

    def __init__(self, state: ConversationState) -> None:
        super().__init__()
        self.state = state
        self.pack = state.pack
        self.words = ui(state.pack)
        self.decision = state.decision()
        reword_bindings(self, self.words)

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="outcome-body"):
            yield OutcomeText(outcome_markdown(self.pack, self.decision, self.state.applied))
        yield QuickReplies(id="next-steps")
        yield Footer()

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
        self.app.push_screen(KeepScreen(self.pack), self._kept)

    def action_copy(self) -> None:
        from assistant.forms.outcome import render_outcome

        text = render_outcome(self.pack, self.decision, self.state.applied, "txt")
        self.app.copy_to_clipboard(text)
        self.notify(keep_words(self.pack).copied, markup=False)

    def _kept(self, choice: str | None) -> None:
        """Save or copy as chosen on the keep screen; say where it went, or why not."""
        import datetime as dt

        from assistant.core.errors import InputError
        from assistant.forms.outcome import OUTCOME_FORMATS, save_case_file, save_outcome
        from assistant.forms.save import documents_folder, unused_path

        words = keep_words(self.pack)
        if choice == "copy":
            self.action_copy()
            return
        if choice not in (*OUTCOME_FORMATS, "case"):
            return
        folder = documents_folder()
        today = dt.date.today().isoformat()
        try:
            if choice == "case":
                path = unused_path(folder, words.case_stem.format(date=today), ".yaml")
                save_case_file(path, self.state.applied)
            else:
                stem = words.file_stem.format(date=today)
                path = unused_path(folder, stem, OUTCOME_FORMATS[choice])
                save_outcome(path, self.pack, self.decision, self.state.applied, choice)
        except InputError as exc:
            self.notify(words.not_saved.format(problem=exc), severity="error", markup=False)
            return
        self.saved_to = path
        self.notify(words.saved.format(path=path), timeout=10, markup=False)

    def action_step(self, index: int) -> None:
        self.query_one("#next-steps", QuickReplies).choose(index)

    def action_review(self) -> None:
        self.dismiss("review")

    def action_close(self) -> None:
        self.dismiss("chat")

    def action_restart(self) -> None:
        self.dismiss("restart")

    def action_show_keys(self) -> None:
        from textual.widgets import HelpPanel

        if self.query(HelpPanel):
            self.app.action_hide_help_panel()
        else:
            self.app.action_show_help_panel()


def keep_words(pack: Pack) -> UiWords:
    """The words of prompts/outcome/keep.j2, as attributes."""
    from assistant.core.prompts import environment

    module = environment(pack).get_template("outcome/keep.j2").module
    return UiWords.from_module(module)


class KeepScreen(CloseOnce, ModalScreen[str]):
    """Keep the outcome: save it as Markdown, text or HTML, copy it, or save the answers.

    Dismisses with "md", "txt", "html", "copy", "case", or "back".
    """

    BINDINGS = [Binding("escape", "back", "Back")]

    def __init__(self, pack: Pack) -> None:
        super().__init__()
        self.pack = pack
        self.words = keep_words(pack)

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
