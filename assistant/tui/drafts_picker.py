"""The draft picker: on start, offer to carry on with a conversation saved before its outcome.

A small app of its own, run before the chat when there are drafts in progress and no --resume.
It shows no answers: an id, when it was saved, how many answers and the route so far.

| Key | Action |
|---|---|
| up / down | choose |
| enter | open the chosen draft (or start a new conversation) |
| escape | start a new conversation |
"""

from __future__ import annotations

from typing import Any

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.widgets import Footer, Header, OptionList, Static
from textual.widgets.option_list import Option

from assistant.core.pack import Pack
from assistant.core.words import environment
from assistant.tui.safe_errors import protect

NEW = "new"


class DraftPicker(App[str | None]):
    """Returns the chosen draft's id, or None for a new conversation."""

    ENABLE_COMMAND_PALETTE = False
    CSS = """
    #intro { padding: 1 2; }
    #drafts { margin: 0 2; height: auto; max-height: 1fr; }
    """
    BINDINGS = [Binding("escape", "new", "New conversation")]

    def __init__(self, pack: Pack, drafts: list[Any], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.pack = pack
        self.drafts = drafts
        self.words = environment(pack).get_template("plain/picker.j2").module
        self.title = self.words.title

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(self.words.intro, id="intro", markup=False)
        options = [Option(Content(self.words.new_conversation), id=NEW)]
        options += [Option(Content(self._line(d)), id=d.id) for d in self.drafts]
        yield OptionList(*options, id="drafts")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def _line(self, info: Any) -> str:
        updated = info.updated.strftime("%Y-%m-%d %H:%M UTC") if info.updated else "?"
        if info.encrypted:
            return str(self.words.line_encrypted.format(id=info.id, updated=updated))
        routes = self.pack.labels.routes
        route = routes[info.route].label if info.route in routes else self.words.no_route
        return str(
            self.words.line.format(id=info.id, updated=updated, answers=info.answers, route=route)
        )

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        chosen = event.option.id
        self.exit(None if chosen == NEW else chosen)

    def action_new(self) -> None:
        self.exit(None)


def pick_draft(pack: Pack, drafts: list[Any]) -> str | None:
    """Run the picker in the terminal; the chosen draft id, or None for a new conversation."""
    return protect(DraftPicker(pack, drafts)).run()
