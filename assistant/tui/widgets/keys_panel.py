"""The keys panel (`?`): every key that does something here, each with what it does.

It replaces Textual's own key panel, which lists every editing key of the text box and cuts
long descriptions at 80 columns. This one lists, for the part of the screen in use, the keys the
assistant gives it and the few standard ones worth knowing (arrows, Enter, Home, End, Tab),
then the keys that work everywhere on the screen. Descriptions wrap under themselves; the panel
scrolls if a small terminal cannot show it all.

A subclass of Textual's HelpPanel, so code that looks for "the help panel" finds it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import HelpPanel, Static

# Textual's own actions that a user of the assistant needs to know; the rest (editing keys of the
# text box, scrolling sideways, copying) are standard and would bury the assistant's keys.
STANDARD = frozenset(
    {"cursor_up", "cursor_down", "select", "submit", "first", "last", "app.focus_next", "quit"}
)


def _own_actions(node: Any) -> set[str]:
    """Actions the assistant's own classes bind for `node` (not Textual's defaults)."""
    actions: set[str] = set()
    for cls in type(node).__mro__:
        if cls.__module__.startswith("assistant.") and "BINDINGS" in cls.__dict__:
            for binding in cls.__dict__["BINDINGS"]:
                if isinstance(binding, Binding):
                    actions.add(binding.action)
    return actions


def key_rows(screen: Screen[Any]) -> list[tuple[str, list[tuple[str, str]]]]:
    """(heading, [(keys, what they do)]) for the focused part of `screen`, then everywhere.

    Keys bound to one action ("up" and "down" moving into the answers) share a row.
    """
    here: dict[tuple[int, str], tuple[list[str], str]] = {}
    everywhere: dict[tuple[int, str], tuple[list[str], str]] = {}
    focused = screen.focused
    own: dict[int, set[str]] = {}
    for key, active in screen.active_bindings.items():
        node, binding = active.node, active.binding
        if binding.system or not binding.description:
            continue
        actions = own.setdefault(id(node), _own_actions(node))
        if binding.action not in actions and binding.action not in STANDARD:
            continue
        shown = screen.app.get_key_display(binding)
        if binding.action == "app.focus_next" and key != "tab":
            continue
        table = here if focused is not None and node is focused else everywhere
        name = binding.action.split("(")[0]
        keys, _ = table.setdefault((id(node), name), ([], binding.description))
        if shown not in keys:
            keys.append(shown)
    sections = []
    if here:
        heading = getattr(focused, "KEYS_TITLE", None) or getattr(focused, "border_title", None)
        sections.append((str(heading or "Here"), [(" ".join(k), d) for k, d in here.values()]))
    if everywhere:
        sections.append(("Everywhere", [(" ".join(k), d) for k, d in everywhere.values()]))
    return sections


def keys_table(sections: Iterable[tuple[str, list[tuple[str, str]]]]) -> Table:
    """The rows as a two-column table: keys on the left, what they do wrapping on the right."""
    table = Table.grid(padding=(0, 1), expand=True)
    table.add_column(justify="right", no_wrap=True, style="bold")
    table.add_column(ratio=1, overflow="fold")
    for number, (heading, rows) in enumerate(sections):
        if number:
            table.add_row("", "")
        table.add_row("", Text(heading, style="underline"))
        for keys, description in rows:
            table.add_row(Text(keys), Text(description))
    return table


class KeysPanel(HelpPanel):
    """Every key of the part of the screen in use, and of the whole screen, described."""

    DEFAULT_CSS = """
    KeysPanel {
        width: 45%;
        min-width: 30;
        max-width: 50;
        #keys-scroll { height: 1fr; scrollbar-size-vertical: 1; }
        #keys-table { width: 1fr; height: auto; }
    }
    """

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="keys-scroll", can_focus=False):
            yield Static(id="keys-table")

    def on_mount(self) -> None:
        self.watch(self.screen, "focused", self.update_help)
        self.screen.bindings_updated_signal.subscribe(self, lambda _: self.refresh_keys())
        self.refresh_keys()

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def update_help(self, focused_widget: Widget | None) -> None:
        self.refresh_keys()

    def refresh_keys(self) -> None:
        if not self.is_attached:
            return
        self.query_one("#keys-table", Static).update(keys_table(key_rows(self.screen)))


def toggle_keys(screen: Screen[Any]) -> None:
    """Show the keys panel on `screen`, or hide it if it is shown."""
    shown = screen.query(HelpPanel)
    if shown:
        shown.remove()
    else:
        screen.mount(KeysPanel())
