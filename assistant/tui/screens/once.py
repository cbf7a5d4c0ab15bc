"""Screens that close once, however fast the keys come.

Two Enters on a button, or a number and Enter on a list, can both be queued before the first is
handled. Textual's `dismiss` closes whatever screen is on top, so the second would close the
screen underneath: the chat itself, ending the app with an error. A screen with `CloseOnce`
acts on the first dismiss only.
"""

from __future__ import annotations

from typing import Any

from textual.await_complete import AwaitComplete


class CloseOnce:
    """Mix into a Screen before it: `class ReviewScreen(CloseOnce, Screen[str])`."""

    _closed_once = False  # not `_closing`: Textual's message pump has one of its own

    def dismiss(self, result: Any = None) -> AwaitComplete:
        if self._closed_once or self.app.screen is not self:  # type: ignore[attr-defined]
            return AwaitComplete()  # a second close from the same burst of keys
        self._closed_once = True
        return super().dismiss(result)  # type: ignore[misc]
