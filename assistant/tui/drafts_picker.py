"""The draft picker: on start, offer to carry on with a conversation saved before its outcome.

A small app of its own, run before the chat when there are drafts in progress and no --resume.
It shows no answers: an id, the name the user gave it, when it was saved, how many answers
and the route so far ("too early to say" until the answers settle it).

| Key | Action |
|---|---|
| up / down | choose |
| enter | open the chosen draft (or start a new conversation) |
| delete | delete the chosen draft (pressed twice: the first press asks) |
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
from assistant.core.placeholders import fill
from assistant.core.prompts import environment
from assistant.core.terminal import visible
from assistant.tui.safe_errors import protect

NEW = "new"


class DraftPicker(App[str | None]):
    """Returns the chosen draft's id, or None for a new conversation."""

    ENABLE_COMMAND_PALETTE = False
    CSS = """
    #intro { padding: 1 2; }
    #drafts { margin: 0 2; height: auto; max-height: 1fr; }
    """
    BINDINGS = [
        Binding("escape", "new", "New conversation"),
        Binding("delete", "delete", "Delete draft"),
    ]

    def __init__(self, pack: Pack, drafts: list[Any], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.pack = pack
        self.drafts = drafts
        self.words = environment(pack).get_template("plain/picker.j2").module
        self.title = self.words.title
        self.armed: str | None = None  # the draft a first Delete asked about

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
            return fill(self.words.line_encrypted, id=info.id, updated=updated)
        routes = self.pack.labels.routes
        route = routes[info.route].label if info.route in routes else self.words.no_route
        label = f' "{visible(info.label)}"' if getattr(info, "label", None) else ""
        return str(
            fill(
                self.words.line,
                id=info.id,
                label=label,
                updated=updated,
                answers=info.answers,
                route=route,
            )
        )

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        chosen = event.option.id
        self.exit(None if chosen == NEW else chosen)

    def action_new(self) -> None:
        self.exit(None)

    def action_delete(self) -> None:
        """Delete the highlighted draft: the first press asks, the second deletes."""
        from assistant.core.drafts import DraftError, DraftStore

        options = self.query_one(OptionList)
        index = options.highlighted
        if index is None:
            return
        chosen = options.get_option_at_index(index).id
        if chosen in (None, NEW):
            return
        if self.armed != chosen:
            self.armed = chosen
            self.notify(fill(self.words.delete_confirm, id=chosen), timeout=8, markup=False)
            return
        self.armed = None
        info = next(d for d in self.drafts if d.id == chosen)
        try:
            DraftStore(root=info.path.parent).delete(chosen)
        except (DraftError, OSError) as exc:
            problem = getattr(exc, "why", None) or getattr(exc, "strerror", None) or str(exc)
            self.notify(
                fill(self.words.delete_failed, id=chosen, problem=problem),
                severity="error",
                markup=False,
            )
            return
        self.drafts = [d for d in self.drafts if d.id != chosen]
        options.remove_option(chosen)
        self.notify(fill(self.words.deleted, id=chosen), timeout=6, markup=False)
        if not self.drafts:
            self.exit(None)  # nothing left to carry on: a new conversation


def pick_draft(pack: Pack, drafts: list[Any]) -> str | None:
    """Run the picker in the terminal; the chosen draft id, or None for a new conversation."""
    return protect(DraftPicker(pack, drafts)).run()
