"""The chat app: `review-assistant` with no command.

`ReviewAssistantApp(pack)` walks a practitioner through the pack's questions to an explained
outcome. Optional arguments let other parts of the product resume a conversation (`answers`),
fix the date used for checks (`today`), or share a `ConversationState` they observe.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from textual.app import App
from textual.screen import Screen

from assistant.core.pack import Pack
from assistant.tui.screens.chat import ChatScreen, reword_bindings
from assistant.tui.state import AnswerValue, ConversationState
from assistant.tui.words import ui


class ReviewAssistantApp(App[None]):
    """A guided conversation from the first question to the outcome."""

    CSS_PATH = "app.tcss"
    ENABLE_COMMAND_PALETTE = False

    def __init__(
        self,
        pack: Pack,
        *,
        answers: Mapping[str, AnswerValue] | None = None,
        today: dt.date | None = None,
        state: ConversationState | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.pack = pack
        self.state = state or ConversationState(pack, answers, today)
        self.words = ui(pack)
        self.title = self.words.app_title
        reword_bindings(self, self.words)

    def get_default_screen(self) -> Screen[Any]:
        return ChatScreen(self.state)
