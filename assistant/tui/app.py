"""The chat app: `review-assistant` with no command.

`ReviewAssistantApp(pack)` walks a practitioner through the pack's questions to an explained
outcome. Optional arguments let other parts of the product resume a conversation (`answers`),
fix the date used for checks (`today`), or share a `ConversationState` they observe.

`ReviewAssistantApp(None, opening=..., load=...)` is the command line's quick start:
the first question, kept from an earlier run (assistant.conversation.opening), is on screen before the
rule pack is loaded; `load()` then runs in a worker thread and returns the conversation (see
ChatScreen). Nothing heavy is imported by this module: the pack, the engine and Jinja2 come
with `load`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from textual.app import App
from textual.screen import Screen

from assistant.conversation.ui_words import UiWords, ui
from assistant.tui.screens.base import reword_bindings
from assistant.tui.screens.chat import ChatScreen, Loaded

if TYPE_CHECKING:
    from assistant.conversation.opening import Opening
    from assistant.conversation.state import AnswerValue, ConversationState
    from assistant.core.pack import Pack


class ReviewAssistantApp(App[None]):
    """A guided conversation from the first question to the outcome."""

    CSS_PATH = "app.tcss"
    ENABLE_COMMAND_PALETTE = False

    def __init__(
        self,
        pack: Pack | None,
        *,
        answers: Mapping[str, AnswerValue] | None = None,
        today: dt.date | None = None,
        state: ConversationState | None = None,
        opening: Opening | None = None,
        load: Callable[[], Loaded] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.notices: list[str] = []  # shown after the welcome (drafts: saving, resumed ...)
        self.load_error: BaseException | None = None  # set when `load` failed; the app exits
        self.opening, self.load = opening, load
        self.pack: Pack | None = pack
        self.state: ConversationState | None = None
        if pack is not None:
            # lazy: the quick start opens before the pack and the engine are loaded
            from assistant.conversation.state import ConversationState

            self.state = state or ConversationState(pack, answers, today)
            self.words = ui(pack)
        elif opening is not None and load is not None:
            self.words = UiWords(opening.ui)
        else:
            raise TypeError("ReviewAssistantApp needs a pack, or an opening and a load function")
        self.title = self.words.app_title
        reword_bindings(self, self.words)

    async def action_quit(self) -> None:
        """Quit; answers given before the pack loaded are applied (and saved) first."""
        chat = self.screen_stack[0] if self.screen_stack else None
        if isinstance(chat, ChatScreen) and not chat.loaded and chat.pending:
            chat.quit_when_loaded = True
            return
        self.exit()

    def get_default_screen(self) -> Screen[Any]:
        if self.state is not None:
            return ChatScreen(self.state)
        return ChatScreen(opening=self.opening, load=self.load)
