"""What every screen of the chat shares: the chat's keys, the pack's words on the key bindings,
the keys panel, and closing once however fast the keys come.

Screens import from here, never from one another, so no screen module depends on another.

Closing once: two Enters on a button, or a number and Enter on a list, can both be queued before
the first is handled. Textual's `dismiss` closes whatever screen is on top, so the second would
close the screen underneath: the chat itself, ending the app with an error. A screen with
`CloseOnce` acts on the first dismiss only.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Protocol

from textual.app import ComposeResult
from textual.await_complete import AwaitComplete
from textual.binding import Binding, BindingType
from textual.dom import DOMNode
from textual.screen import Screen

from assistant.tui.widgets.quick_replies import AnswerBox, QuickReplies
from assistant.tui.widgets.transcript import Transcript

if TYPE_CHECKING:
    _ScreenBase = Screen[Any]  # the mixins below are only ever mixed into a Screen
else:
    _ScreenBase = object


# The chat's keys: the chat screen acts on them; the opening screen, shown before the rule pack
# has loaded, shows the same key help and keeps each key for the chat to act on.
CHAT_KEYS: list[BindingType] = [
    Binding("f1", "question_help", "Help"),
    Binding("f2", "toggle_facts", "Facts"),
    Binding("f3", "review", "Review"),
    Binding("f4", "why", "Why"),
    Binding("ctrl+b", "back", "Back"),
    Binding("ctrl+t", "focus_transcript", "Change an answer"),
    Binding("escape", "cancel_edit", "Cancel change", show=False),
    Binding("question_mark", "show_keys", "Keys", key_display="?"),
    Binding("ctrl+r", "restart", "Start again", show=False),
]


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


async def settle(screen: Screen[Any], limit: float = 1.0) -> None:
    """Wait until every key and message already sent to `screen` and its widgets has been read
    (at most `limit` seconds). Keys come to a widget through the app; a key the app acts on
    itself (quitting, say) can be read before an Enter sent just before it to a widget."""
    loop = asyncio.get_running_loop()
    end = loop.time() + limit
    quiet = 0
    while quiet < 2 and loop.time() < end:
        busy = screen.message_queue_size or any(
            node.message_queue_size for node in screen.walk_children()
        )
        quiet = 0 if busy else quiet + 1
        await asyncio.sleep(0.002)


class ConversationPanes(_ScreenBase):
    """Mix into a Screen: the transcript, the answers and the answer box, laid out and named as
    the chat has them (the first question's screen and the chat screen look alike)."""

    words: Any  # the screen's UiWords (prompts/chat/ui.j2)

    def conversation_panes(self) -> ComposeResult:
        yield Transcript(id="transcript")
        yield QuickReplies(id="replies")
        yield AnswerBox(
            placeholder=self.words.input_placeholder, id="free-text", select_on_focus=False
        )

    def prepare_panes(self) -> None:
        """On mount: the answers' title and key words; digits typed at them go to the box."""
        self.replies.border_title = self.words.quick_replies_title
        self.replies.type_into = self.box
        reword_bindings(self.replies, self.words)

    @property
    def transcript(self) -> Transcript:
        return self.query_one("#transcript", Transcript)

    @property
    def replies(self) -> QuickReplies:
        return self.query_one("#replies", QuickReplies)

    @property
    def box(self) -> AnswerBox:
        return self.query_one("#free-text", AnswerBox)


class KeysPanel(_ScreenBase):
    """Mix into a Screen: `?` (action `show_keys`) opens or closes the panel of keys."""

    def action_show_keys(self) -> None:
        # lazy: the panel loads Markdown, not needed to start
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
