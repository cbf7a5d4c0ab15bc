"""What the opening screen hands to the chat screen once the rule pack has loaded.

The opening screen (screens/opening.py) shows the first question before the pack has loaded.
What the user did there is handed over as data, in the order it was done, with what was typed
but not yet sent and where the focus was; the chat screen acts on it as if it had all been done
there (ChatScreen.take_over).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, Protocol

if TYPE_CHECKING:  # the state is imported with the pack, after the first question is shown
    from assistant.conversation.state import AnswerValue, ConversationState


class Loaded(Protocol):
    """What the quick start's `load` gives: the conversation, and notices to show first."""

    state: ConversationState
    notices: list[str]


@dataclass(frozen=True)
class Kept:
    """One thing done before the pack loaded: an answer to the opening question, other typed
    text (a command, say), or a key's action."""

    kind: Literal["answer", "text", "key"]
    value: AnswerValue  # answer: the value read; text: the line typed; key: the action's name
    typed: str | None = None  # answer: the words typed (None when chosen or typed as its number)


@dataclass(frozen=True)
class Handover:
    """The opening screen as the user left it."""

    at: str  # the opening question's fact: what was sent there was sent to that question
    kept: tuple[Kept, ...] = ()
    text: str = ""  # typed in the answer box, not yet sent
    cursor: int = 0
    typing: bool = False  # the answer box had the focus
    highlighted: int | None = None  # the answer highlighted in the list
    quit: bool = False  # quitting was asked for: act on what was kept, then close
