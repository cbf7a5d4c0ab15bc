"""Driving the real chat app with Textual's Pilot: make the app, choose, type, answer all."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from textual.app import App
from textual.widgets import Input

from assistant.core.pack import Pack, Question
from assistant.tui.app import ReviewAssistantApp
from assistant.tui.screens.chat import ChatScreen
from assistant.tui.screens.referral import ReferralFormScreen
from assistant.tui.widgets.quick_replies import QuickReplies
from assistant.tui.widgets.transcript import ChatMessage
from tests.support.forms import TODAY as FORMS_TODAY

TODAY = dt.date(2026, 11, 27)
FIXED_PACK = Path(__file__).resolve().parents[1] / "tui" / "pack"


def make_app(pack: Pack, **kwargs: Any) -> ReviewAssistantApp:
    return ReviewAssistantApp(pack, today=TODAY, **kwargs)


def chat(app: ReviewAssistantApp) -> ChatScreen:
    screen = app.screen_stack[0]
    assert isinstance(screen, ChatScreen)
    return screen


def transcript_texts(app: ReviewAssistantApp) -> list[tuple[str, str]]:
    """(prefix, text) of every message in the transcript."""
    return [(m.prefix, m.text) for m in chat(app).query(ChatMessage)]


def last_assistant(app: ReviewAssistantApp) -> str:
    return [t for p, t in transcript_texts(app) if p == "Assistant"][-1]


async def type_text(pilot: Any, text: str) -> None:
    """Type into the free-text box and press Enter."""
    box = chat(pilot.app).query_one("#free-text", Input)
    box.focus()
    await pilot.pause()
    box.value = text
    await pilot.press("enter")
    await pilot.pause()


async def choose(pilot: Any, value: str, how: str = "number") -> None:
    """Choose the quick reply whose value is `value`: by number key, arrows + Enter, or click."""
    replies = chat(pilot.app).query_one("#replies", QuickReplies)
    index = [r.value for r in replies.replies].index(value)
    replies.focus()
    await pilot.pause()
    if how == "number":  # a number is typed like any answer, and Enter sends it
        await pilot.press(str(index + 1), "enter")
    elif how == "arrows":
        await pilot.press("home", *(["down"] * index), "enter")
    elif how == "click":
        await pilot.click(replies, offset=(4, 1 + index))
    else:
        raise ValueError(how)
    await pilot.pause()


Answerer = Callable[[Question], Any]


async def answer_all(
    pilot: Any,
    facts: Mapping[str, Any],
    default: Answerer = lambda q: "unknown",
    how: str = "number",
) -> list[tuple[str, Any]]:
    """Answer every question the app asks, from `facts` (else `default`); return what was asked."""
    app = pilot.app
    asked: list[tuple[str, Any]] = []
    for _ in range(60):
        question = chat(app).asking if chat(app).mode == "question" else None
        if question is None:
            break
        value = facts.get(question.fact, default(question))
        asked.append((question.fact, value))
        if isinstance(value, dt.date):
            await type_text(pilot, value.isoformat())
        else:
            await choose(pilot, value, how)
    return asked


class FormApp(App[None]):
    """Pushes the form screen at once, as the chat's outcome screen does."""

    def __init__(self, screen_args: tuple, web: bool = False) -> None:
        super().__init__()
        self.screen_args = screen_args
        self.result: object = "not dismissed"
        self.web = web
        self.delivered: list[tuple[bytes, str, str]] = []

    @property
    def is_web(self) -> bool:
        return self.web

    def deliver_binary(self, path_or_file, *, save_filename=None, mime_type=None, **kwargs):
        self.delivered.append((path_or_file.read(), save_filename, mime_type))
        return "key"

    def deliver_text(self, path_or_file, *, save_filename=None, mime_type=None, **kwargs):
        self.delivered.append((path_or_file.read(), save_filename, mime_type))
        return "key"

    def on_mount(self) -> None:
        pack, decision, answers = self.screen_args
        self.push_screen(ReferralFormScreen(pack, decision, answers, today=FORMS_TODAY), self._done)

    def _done(self, result: object) -> None:
        self.result = result


async def prepared(pilot, screen: Any) -> None:
    """Wait (a few seconds at most) for the preview's worker to draw the form."""
    for _ in range(500):
        if screen.markdown:
            await pilot.pause()
            return
        await pilot.pause(0.01)
    raise AssertionError("the preview was never prepared")
