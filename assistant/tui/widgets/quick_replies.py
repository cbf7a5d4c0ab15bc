"""Quick replies: the current question's answers as a list, and the free-text box beside it.

| Key (answer list) | Action |
|---|---|
| up / down, enter, click | move and choose |
| digits, letters, paste | type into the free-text box (Enter sends): "15" is one answer, never "1" then "5" |

| Key (free-text box) | Action |
|---|---|
| enter | send what is typed (read in turn with the keys around it, never after them) |
| up / down | move into the answers |

An answer's number is typed like any other answer, so keys pressed in a burst ("1", "5",
Enter) all land in the box and are read together, at the question on screen, when Enter
sends them. Only the arrows, Enter and the mouse choose from the list itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.table import Table
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option


@dataclass(frozen=True)
class Reply:
    """One quick reply: the value it stands for and the words shown."""

    value: str
    label: str


def reply_prompt(number: int, label: str) -> Table:
    """ "1. " and the answer's words; words that wrap line up under the words (hanging indent)."""
    grid = Table.grid(padding=0, expand=True)
    grid.add_column(no_wrap=True)
    grid.add_column(ratio=1)
    grid.add_row(Text(f"{number}. ", style="bold"), Text(label))
    return grid


class AnswerBox(Input):
    """The free-text box under the answers: Up and Down move into the answer list."""

    KEYS_TITLE = "Typing"  # the keys panel's heading for this box's keys
    BINDINGS = [
        Binding("enter", "submit", "Send what is typed", show=False),
        Binding("down", "to_answers(1)", "Move into the answers", show=False),
        Binding("up", "to_answers(-1)", "Move into the answers", show=False),
    ]

    async def _on_key(self, event: events.Key) -> None:
        # Enter is read here, in turn with the keys around it: as a binding it would act only
        # after bubbling up to the app, by when the next answer's keys are in the box ("2"
        # Enter "15" Enter in a burst would send "215" twice)
        if event.key == "enter":
            event.stop()
            event.prevent_default()
            self.submit_now()
            return
        await super()._on_key(event)

    def submit_now(self) -> None:
        """Send what is typed and empty the box at once, so keys that follow start afresh."""
        value = self.value
        self.value = ""
        self.post_message(self.Submitted(self, value))

    async def action_submit(self) -> None:
        self.submit_now()

    def action_to_answers(self, step: int) -> None:
        for replies in self.screen.query(QuickReplies):
            if replies.display and replies.replies:
                replies.focus()
                if replies.highlighted is None:
                    replies.highlighted = 0 if step > 0 else len(replies.replies) - 1
                return


class QuickReplies(OptionList):
    """The answer options of the current question, numbered."""

    # digits and letters are read in on_key; these bindings name them in the keys panel
    BINDINGS = [
        Binding(
            "1",
            "type_answer",
            "Type an answer or its number; Enter sends it",
            key_display="0-9 a-z",
            show=False,
        ),
        Binding("2", "choose_number", "Choose that answer", key_display="1-9", show=False),
    ]

    class Chosen(Message):
        """Posted when a reply is chosen (by Enter or click, or by number without a text box)."""

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
        self.type_into = type_into  # digits and letters typed here go on in this box
        self.typed_ahead = False  # keys typed here went on in the box since the list had focus

    def show(self, replies: Sequence[Reply], highlight: str | None = None) -> None:
        """Replace the options; highlight the one whose value is `highlight` (else the first)."""
        self.replies = list(replies)
        self.clear_options()
        self.add_options(
            Option(reply_prompt(i, reply.label), id=f"reply-{i}")
            for i, reply in enumerate(self.replies, 1)
        )
        index = next((i for i, r in enumerate(self.replies) if r.value == highlight), 0)
        self.highlighted = index if self.replies else None
        self.display = bool(self.replies)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """With a text box, keys type into it; without one, a number chooses at once."""
        if action == "type_answer":
            return self.type_into is not None
        if action == "choose_number":
            return self.type_into is None
        return True

    def action_choose_number(self) -> None:
        """Shown in the keys panel only: the digits themselves are read in on_key."""

    def action_type_answer(self) -> None:
        if self.type_into is not None:
            self.screen.set_focus(self.type_into)

    def choose(self, index: int) -> None:
        if 0 <= index < len(self.replies):
            self.highlighted = index
            self.post_message(self.Chosen(self.replies[index]))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.choose(event.option_index)

    def on_paste(self, event: events.Paste) -> None:
        """Text pasted at the answers goes to the text box, as typed keys do (Enter sends it)."""
        if self.type_into is None or not event.text.strip():
            return
        event.stop()
        self.screen.set_focus(self.type_into)
        self.type_into.insert_text_at_cursor(
            next(ln for ln in event.text.splitlines() if ln.strip())
        )
        self.typed_ahead = True

    def on_focus(self) -> None:
        self.typed_ahead = False  # moved into the list on purpose: Enter chooses from it

    async def on_key(self, event: events.Key) -> None:
        if event.key == "enter" and self.typed_ahead and isinstance(self.type_into, AnswerBox):
            # keys typed here in a burst, Enter among them, reach this list before focus has
            # moved: the Enter sends what they typed, in turn, as the box's own Enter does
            event.stop()
            event.prevent_default()
            self.typed_ahead = False
            self.type_into.submit_now()
            return
        character = event.character
        if not (event.is_printable and character):
            return
        if self.type_into is None:
            # a list without a text box (the outcome's next steps): a number chooses at once
            if character in ("?", " "):
                return
            event.stop()
            event.prevent_default()
            if character.isdigit() and character != "0":
                self.choose(int(character) - 1)
            else:
                self.post_message(self.TypeAhead(character))
            return
        # keys typed in a burst can all reach this list before focus moves to the box: once
        # something is under way, a space or "?" belongs to it and must not be lost
        if character in ("?", " ") and not self.type_into.value:
            return
        event.stop()
        event.prevent_default()
        # focus at once (not after a refresh), so the keys that follow go to the box too
        self.screen.set_focus(self.type_into)
        self.type_into.insert_text_at_cursor(character)
        self.typed_ahead = True
