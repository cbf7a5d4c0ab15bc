"""Widgets of the chat, reusable by the trainer and register apps."""

from assistant.tui.widgets.facts_panel import FactsPanel
from assistant.tui.widgets.quick_replies import QuickReplies
from assistant.tui.widgets.transcript import AnswerMessage, ChatMessage, Transcript

__all__ = ["AnswerMessage", "ChatMessage", "FactsPanel", "QuickReplies", "Transcript"]
