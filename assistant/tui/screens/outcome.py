"""The outcome: the route and what to do now, deadlines, review options, signposts, why, and
what would change it; then the next steps.

| Key | Action |
|---|---|
| up / down, page up / page down | read the outcome |
| 1-9 | choose a next step (tab to the list for arrows + enter) |
| f | prepare the referral form |
| r | review or change the answers |
| escape | back to the conversation |
| n | start again |
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Markdown

from assistant.conversation.outcome_text import outcome_markdown
from assistant.conversation.state import ConversationState
from assistant.conversation.ui_words import say, ui
from assistant.tui.screens.base import CloseOnce, reword_bindings
from assistant.tui.widgets.quick_replies import QuickReplies, Reply


class OutcomeScreen(CloseOnce, Screen[str]):
    """The explained outcome. Dismisses with "chat", "review", "restart" or "quit"."""

    BINDINGS = [
        Binding("f", "form", "Referral form"),
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
            yield Markdown(
                outcome_markdown(self.pack, self.decision, self.state.applied), id="outcome"
            )
        yield QuickReplies(id="next-steps")
        yield Footer()

    def on_mount(self) -> None:
        steps = self.query_one("#next-steps", QuickReplies)
        steps.border_title = self.words.next_steps_title
        reword_bindings(steps, self.words)
        offered = []
        if self.decision.form:
            offered.append(Reply("form", self.words.next_form))
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
        else:
            self.dismiss(event.reply.value)

    def on_quick_replies_type_ahead(self, event: QuickReplies.TypeAhead) -> None:
        event.stop()
        if self.app.screen is not self:
            return
        key = {"f": "form", "r": "review", "n": "restart"}.get(event.character)
        if key == "form":
            self.action_form()
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
