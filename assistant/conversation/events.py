"""What a turn of the conversation gives a front end to show: typed events, in order.

`Conversation.handle` returns a list of these. A front end renders each one (a transcript line,
quick replies, a printed block, a screen) and decides nothing else: which question comes next,
what a command means and what is said are the conversation's.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

AnswerValue = str | dt.date


@dataclass(frozen=True)
class Choice:
    """One answer or step on offer: its value and its words."""

    value: str
    label: str


@dataclass(frozen=True)
class Say:
    """The assistant says something (already rendered from prompts/chat/<template>.j2)."""

    text: str
    template: str = ""


@dataclass(frozen=True)
class Echo:
    """What the user typed or chose, as the transcript shows it.

    `fact` is set when it recorded an answer to that fact (the chat lets it be selected to
    change it); `note` says how typed words were read ("taken as Under 16").
    """

    text: str
    fact: str | None = None
    note: str = ""


@dataclass(frozen=True)
class Progress:
    answered: int
    at_most: int  # questions that may still follow the one on screen
    text: str = ""


@dataclass(frozen=True)
class Ask:
    """A question on screen: `at` is the id input typed at it must carry."""

    at: str
    question: Any  # assistant.core.pack.Question
    text: str  # the chat's message asking it
    choices: tuple[Choice, ...]
    progress: Progress
    number: int  # 1 for the first question of the path
    old: AnswerValue | None = None  # the earlier answer, when changing it
    highlight: str | None = None


@dataclass(frozen=True)
class Offer:
    """Steps to choose from (after the urgent advice, after the outcome)."""

    at: str
    steps: tuple[Choice, ...]
    text: str = ""


@dataclass(frozen=True)
class Clarify:
    """Input that was not understood: `candidates` are the answers it could mean."""

    text: str  # the assistant's words
    typed: str
    candidates: tuple[str, ...] = ()


@dataclass(frozen=True)
class ShowOutcome:
    decision: Any  # assistant.core.engine.Decision
    text: str = ""  # the outcome as plain text (prompts/decision.txt.j2)


@dataclass(frozen=True)
class OpenReview:
    """Every answer, to see and change (the chat's review screen)."""


@dataclass(frozen=True)
class Restarted:
    """Every answer was forgotten: a front end clears what it shows."""


@dataclass(frozen=True)
class AnswersChanged:
    """Answers were recorded, withdrawn or set aside: refresh anything that lists them."""

    set_aside: tuple[str, ...] = ()
    superseded: str | None = None  # a fact answered again: its earlier answer is out of date


@dataclass(frozen=True)
class SaveWarning:
    """Saving has stopped; the conversation goes on without it."""

    reason: str
    text: str


@dataclass(frozen=True)
class AskText:
    """A line of text is wanted (a file name, a form field): `at` as for Ask."""

    at: str
    text: str
    default: str = ""
    choices: tuple[Choice, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Quit:
    pass


Event = (
    Say
    | Echo
    | Ask
    | Offer
    | Clarify
    | ShowOutcome
    | OpenReview
    | Restarted
    | AnswersChanged
    | SaveWarning
    | AskText
    | Quit
)
