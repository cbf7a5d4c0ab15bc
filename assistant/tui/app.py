"""The chat app: `review-assistant` with no command.

`ReviewAssistantApp(pack)` walks a practitioner through the pack's questions to an explained
outcome. Optional arguments let other parts of the product resume a conversation (`answers`),
fix the date used for checks (`today`), or share a `ConversationState` they observe.

`ReviewAssistantApp(None, opening=..., load=...)` is the command line's quick start: the first
question, kept from an earlier run (assistant.conversation.opening), is on a screen of its own
(FirstQuestionScreen) before the rule pack is loaded; `load()` runs in a worker thread and
returns the conversation. Once it has, the app hands over to the chat screen, with what the user
did meanwhile. Nothing heavy is imported by this module: the pack, the engine and Jinja2 come
with `load`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from textual.app import App
from textual.screen import Screen

from assistant.conversation.ui_words import UiWords, ui
from assistant.tui.screens.base import reword_bindings, settle
from assistant.tui.screens.first_question import FirstQuestionScreen
from assistant.tui.screens.handover import Loaded

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
        """Quit once what was typed before it has been read: an answer and its Enter, then
        ctrl+q, in one burst, are acted on (and saved) first; so are answers given before the
        pack loaded."""
        await settle(self.screen)
        screen = self.screen
        if isinstance(screen, FirstQuestionScreen) and screen.ask_to_quit():
            return  # closes once the chat has them (on_first_question_screen_ready)
        self.exit()

    def get_default_screen(self) -> Screen[Any]:
        if self.state is not None:
            from assistant.tui.screens.chat import ChatScreen

            return ChatScreen(self.state)
        assert self.opening is not None
        return FirstQuestionScreen(self.opening, self._load_behind_first_question)

    def _load_behind_first_question(self) -> Loaded:
        """`load`, in the first question's worker thread; the chat screen's module comes with
        it, so handing over imports nothing."""
        assert self.load is not None
        loaded = self.load()
        import assistant.tui.screens.chat  # noqa: F401

        return loaded

    async def on_first_question_screen_ready(self, message: FirstQuestionScreen.Ready) -> None:
        """The pack has loaded behind the first question: hand over to the chat screen.

        This runs in the app's own message loop, so keys that come meanwhile wait until the chat
        screen is there, with the focus where the user left it; keys already sent to the first
        question's screen are read there first."""
        from assistant.tui.screens.chat import ChatScreen

        first = message.screen
        await settle(first)
        handed = first.handover(message.own)
        loaded = message.loaded
        self.pack, self.state, self.notices = loaded.state.pack, loaded.state, loaded.notices
        conversation = getattr(loaded, "conversation", None)
        if conversation is not None:
            self.conversation = conversation  # it saves the draft; the screen renders its events
        self.words = ui(self.pack)
        self.title = self.words.app_title
        reword_bindings(self, self.words)
        chat = ChatScreen(self.state, handed)
        # a mode of its own: the first question's screen is the app's default screen, which
        # Textual cannot switch away from; it stays, suspended, in the default mode
        self.add_mode("chat", lambda: chat)
        await self.switch_mode("chat")
        if handed.quit:
            self.exit()
