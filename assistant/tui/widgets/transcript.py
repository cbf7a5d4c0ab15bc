"""The transcript: the assistant's messages and the user's answers, one after another.

Messages are shown literally (Content, never markup), so whatever a user types appears exactly
as typed. Assistant and user messages differ by prefix and border, not by colour alone.

The transcript takes focus as one stop; Up and Down move between the user's answers and
Enter (or a click) asks to change the selected one.

| Key | Action |
|---|---|
| up / down | select an earlier answer |
| enter | change the selected answer |
"""

from __future__ import annotations

from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.events import Click
from textual.message import Message
from textual.widgets import Static


class ChatMessage(Static):
    """One message in the transcript: `who` is "assistant" or "user"."""

    def __init__(self, prefix: str, text: str, who: str = "assistant", note: str = "") -> None:
        self.prefix = prefix
        self.text = text
        self.note = note
        super().__init__(self._content(), markup=False, classes=f"message {who}")

    def _content(self, marker: str = "") -> Content:
        parts: list[tuple[str, str] | str] = [(f"{marker}{self.prefix}: ", "bold"), self.text]
        if self.note:
            parts.append((f"  {self.note}", "italic"))
        return Content.assemble(*parts)


class AnswerMessage(ChatMessage):
    """A user's answer to one question; selecting it asks to change that answer."""

    class Selected(Message):
        """Posted when the user asks to change this answer."""

        def __init__(self, fact: str) -> None:
            super().__init__()
            self.fact = fact

    def __init__(
        self, prefix: str, text: str, fact: str, note: str = "", marker: str = "▶ "
    ) -> None:
        self.fact = fact
        self.marker = marker
        super().__init__(prefix, text, who="user", note=note)

    def set_selected(self, selected: bool) -> None:
        if selected == self.has_class("-selected"):
            return
        self.set_class(selected, "-selected")
        self.update(self._content(self.marker if selected else ""))

    def mark_set_aside(self, aside: bool, words: str) -> None:
        if aside == self.has_class("-set-aside"):
            return
        self.set_class(aside, "-set-aside")
        self.note = (
            f"{self.note} {words}".strip() if aside else self.note.replace(words, "").strip()
        )
        self.update(self._content())

    def mark_superseded(self, words: str) -> None:
        """This answer was changed later: say so (not by colour alone)."""
        if self.has_class("-superseded"):
            return
        self.add_class("-superseded")
        self.note = f"{self.note} {words}".strip()
        self.update(self._content())

    def on_click(self, event: Click) -> None:
        event.stop()
        self.post_message(self.Selected(self.fact))


class Transcript(VerticalScroll, can_focus=True):
    """The scrolling conversation."""

    BINDINGS = [
        Binding("up", "select(-1)", "Earlier", show=False),
        Binding("down", "select(1)", "Later", show=False),
        Binding("enter", "change", "Change this answer"),
    ]

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 - Textual's name
        super().__init__(id=id)
        self.cursor: int | None = None

    def say(self, prefix: str, text: str, before: ChatMessage | None = None) -> ChatMessage:
        """Add an assistant message (at the end, or before `before`) and scroll to it."""
        return self._add(ChatMessage(prefix, text, "assistant"), before)

    def said(
        self, prefix: str, text: str, fact: str | None = None, note: str = "", marker: str = "▶ "
    ) -> ChatMessage:
        """Add a user message (an answer to `fact`, when given) and scroll to it."""
        if fact is None:
            return self._add(ChatMessage(prefix, text, "user", note))
        return self._add(AnswerMessage(prefix, text, fact, note, marker))

    def on_mount(self) -> None:
        self.anchor()  # stay at the latest message as messages arrive and the width changes

    def _add(self, message: ChatMessage, before: ChatMessage | None = None) -> ChatMessage:
        self.mount(message, before=before if before is not None and before.is_attached else None)
        self.call_after_refresh(self._show, message)
        return message

    def _show(self, message: ChatMessage) -> None:
        """A message taller than the view is shown from its first line; others at the end."""
        if not message.is_attached:
            return
        if message.outer_size.height > self.scrollable_content_region.height:
            self.release_anchor()
            self.scroll_to_widget(message, animate=False, top=True, immediate=True)
        else:
            self.anchor()

    def answers(self) -> list[AnswerMessage]:
        return list(self.query(AnswerMessage))

    def clear(self) -> None:
        self.cursor = None
        self.remove_children()

    def on_focus(self) -> None:
        answers = self.answers()
        if answers and self.cursor is None:
            self._move_to(len(answers) - 1)

    def on_blur(self) -> None:
        for message in self.answers():
            message.set_selected(False)
        self.cursor = None

    def action_select(self, step: int) -> None:
        answers = self.answers()
        if not answers:
            self.scroll_relative(y=step, animate=False)
            return
        start = len(answers) if self.cursor is None else self.cursor
        self._move_to(max(0, min(len(answers) - 1, start + step)))

    def _move_to(self, index: int) -> None:
        answers = self.answers()
        for i, message in enumerate(answers):
            message.set_selected(i == index)
        self.cursor = index
        self.scroll_to_widget(answers[index], animate=False)

    def action_change(self) -> None:
        answers = self.answers()
        if self.cursor is not None and 0 <= self.cursor < len(answers):
            self.post_message(AnswerMessage.Selected(answers[self.cursor].fact))
