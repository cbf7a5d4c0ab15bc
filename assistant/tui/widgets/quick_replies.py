"""Quick replies: the current question's answers as a list, chosen by number, arrows or mouse.

| Key | Action |
|---|---|
| 1-9 | choose that answer |
| up / down, enter | move and choose |
| any letter | start typing in the free-text box |
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from textual import events
from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option


@dataclass(frozen=True)
class Reply:
    """One quick reply: the value it stands for and the words shown."""

    value: str
    label: str


class QuickReplies(OptionList):
    """The answer options of the current question, numbered."""

    # digits are read in on_key (any of 1-9); this binding shows them in the key help
    BINDINGS = [Binding("1", "choose(0)", "Choose an answer", key_display="1-9", show=False)]

    class Chosen(Message):
        """Posted when a reply is chosen (by number, Enter or click)."""

        def __init__(self, reply: Reply) -> None:
            super().__init__()
            self.reply = reply

    class TypeAhead(Message):
        """Posted when a letter is pressed and there is no free-text box to move it to."""

        def __init__(self, character: str) -> None:
            super().__init__()
            self.character = character

    def __init__(self, *, id: str | None = None, type_into: Input | None = None) -> None:  # noqa: A002
        super().__init__(id=id, markup=False)
        self.replies: list[Reply] = []
        self.type_into = type_into  # letters typed here go on in this box

    def show(self, replies: Sequence[Reply], highlight: str | None = None) -> None:
        """Replace the options; highlight the one whose value is `highlight` (else the first)."""
        self.replies = list(replies)
        self.clear_options()
        self.add_options(
            Option(Content.assemble((f"{i}. ", "bold"), reply.label), id=f"reply-{i}")
            for i, reply in enumerate(self.replies, 1)
        )
        index = next((i for i, r in enumerate(self.replies) if r.value == highlight), 0)
        self.highlighted = index if self.replies else None
        self.display = bool(self.replies)

    def action_choose(self, index: int) -> None:
        self.choose(index)

    def choose(self, index: int) -> None:
        if 0 <= index < len(self.replies):
            self.highlighted = index
            self.post_message(self.Chosen(self.replies[index]))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.choose(event.option_index)

    async def on_key(self, event: events.Key) -> None:
        if event.character and event.character.isdigit() and event.character != "0":
            event.stop()
            event.prevent_default()
            self.choose(int(event.character) - 1)
        elif (
            event.is_printable
            and event.character
            and (
                event.character not in ("?", " ")
                # keys typed in a burst can all reach this list before focus moves to the box:
                # once a word is under way, a space or "?" belongs to it and must not be lost
                or (self.type_into is not None and self.type_into.value)
            )
        ):
            event.stop()
            event.prevent_default()
            if self.type_into is not None:
                # focus at once (not after a refresh), so the keys that follow go to the box too
                self.screen.set_focus(self.type_into)
                self.type_into.insert_text_at_cursor(event.character)
            else:
                self.post_message(self.TypeAhead(event.character))
