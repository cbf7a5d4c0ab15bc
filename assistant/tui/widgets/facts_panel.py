"""The facts panel: what has been established so far, in plain words."""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static


class FactsPanel(VerticalScroll):
    """A side panel listing each answered fact and its answer; set-aside answers below."""

    def __init__(self, title: str, empty: str, aside_title: str, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.title = title
        self.empty = empty
        self.aside_title = aside_title
        self.border_title = title

    def compose(self) -> ComposeResult:
        yield Static(markup=False, id="facts-body")

    def show(self, facts: Sequence[tuple[str, str]], set_aside: Sequence[tuple[str, str]]) -> None:
        parts: list[tuple[str, str] | str] = []
        if not facts:
            parts.append(self.empty)
        for label, words in facts:
            parts.extend(["• ", (label, "bold"), "\n  ", words, "\n"])
        if set_aside:
            parts.append(("\n" + self.aside_title + "\n", "italic"))
            for label, words in set_aside:
                parts.extend(["◦ ", label, ": ", words, "\n"])
        self.query_one("#facts-body", Static).update(Content.assemble(*parts).rstrip())
