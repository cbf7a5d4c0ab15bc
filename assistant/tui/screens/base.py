"""What every screen of the chat shares: the pack's words on the key bindings, the keys panel,
and closing once however fast the keys come.

Screens import from here, never from one another, so no screen module depends on another.

Closing once: two Enters on a button, or a number and Enter on a list, can both be queued before
the first is handled. Textual's `dismiss` closes whatever screen is on top, so the second would
close the screen underneath: the chat itself, ending the app with an error. A screen with
`CloseOnce` acts on the first dismiss only.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any, Protocol

from textual.await_complete import AwaitComplete
from textual.dom import DOMNode
from textual.screen import Screen

if TYPE_CHECKING:
    _ScreenBase = Screen[Any]  # the mixins below are only ever mixed into a Screen
else:
    _ScreenBase = object


class BindingWords(Protocol):
    """The words a pack gives its key bindings (prompts/chat/ui.j2 `bindings`)."""

    def binding(self, action: str, default: str) -> str: ...


def reword_bindings(node: DOMNode, words: BindingWords) -> None:
    """Replace binding descriptions with the pack's words (prompts/chat/ui.j2 `bindings`)."""
    for key, bindings in node._bindings.key_to_bindings.items():
        node._bindings.key_to_bindings[key] = [
            replace(b, description=words.binding(b.action.split("(")[0], b.description))
            for b in bindings
        ]


class KeysPanel(_ScreenBase):
    """Mix into a Screen: `?` (action `show_keys`) opens or closes the panel of keys."""

    def action_show_keys(self) -> None:
        # lazy: the panel loads Textual's help widgets, not needed to start
        from assistant.tui.widgets.keys_panel import toggle_keys

        toggle_keys(self)


class CloseOnce(_ScreenBase):
    """Mix into a Screen before it: `class ReviewScreen(CloseOnce, Screen[str])`."""

    _closed_once = False  # not `_closing`: Textual's message pump has one of its own

    def dismiss(self, result: Any = None) -> AwaitComplete:
        if self._closed_once or self.app.screen is not self:
            return AwaitComplete()  # a second close from the same burst of keys
        self._closed_once = True
        return super().dismiss(result)
