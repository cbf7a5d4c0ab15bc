"""Driving the conversation layer (Conversation.handle) as the chat and plain mode do."""

from __future__ import annotations

import datetime as dt

from assistant.conversation import events as E
from assistant.conversation.conversation import Conversation
from assistant.conversation.state import ConversationState

TODAY = dt.date(2026, 11, 27)


def conversation(pack, front="chat", autosave=None, answers=None, today=TODAY) -> Conversation:
    return Conversation(ConversationState(pack, answers, today), autosave, front=front)


def choose(conv: Conversation, value: str) -> list:
    """Choose the option (or step) `value` at the question shown, as a key or a click does."""
    return conv.handle(at=conv.at, choice=value)


def say(conv: Conversation, text: str) -> list:
    """Type `text` at the question shown."""
    return conv.handle(text, at=conv.at)


def of(events, kind):
    return [e for e in events if isinstance(e, kind)]


def said(events) -> str:
    """Everything the events put in words, one after the other."""
    return "\n".join(getattr(e, "text", "") or "" for e in events)


def walk(conv: Conversation, facts: dict) -> list[E.Ask]:
    """Answer every question from `facts` ("unknown" otherwise); the questions asked."""
    asked = []
    while conv.mode == "question":
        question = conv.asking
        asked.append(question)
        value = facts.get(question.fact, "unknown")
        choose(conv, value if isinstance(value, str) else value.isoformat())
    return asked
