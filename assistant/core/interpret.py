"""Free-text answers: what a practitioner typed, read as an answer, a command, or neither.

UI-free and total: `interpret` never raises, whatever the string. The chat and plain mode both
use it. It knows the usual ways people type yes, no and "not sure", an option's number or words,
ISO dates (never in the future), and the assistant's commands (why, what is X, help, back,
summary, review, restart, quit). The words the assistant says back live in prompts/chat/.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

UNKNOWN = "unknown"

CommandName = Literal["why", "help", "what_is", "back", "summary", "review", "restart", "quit"]
ProblemCode = Literal["empty", "not_a_date", "impossible_date", "future_date"]


class Choice(Protocol):
    """An answer option: `assistant.core.pack.Option` fits."""

    @property
    def value(self) -> str: ...

    @property
    def label(self) -> str: ...


@dataclass(frozen=True)
class Answer:
    """An answer to the current question: an option's value, "unknown", or a date."""

    value: str | dt.date
    how: Literal["number", "words", "yes_no", "not_sure", "date"] = "words"


@dataclass(frozen=True)
class Command:
    """One of the assistant's commands; `topic` is the X of "what is X" (may be empty)."""

    name: CommandName
    topic: str = ""


@dataclass(frozen=True)
class Problem:
    """Input that looks like an answer but cannot be one (an impossible or future date)."""

    code: ProblemCode
    text: str


@dataclass(frozen=True)
class Unclear:
    """Input that could mean more than one option (`candidates` are their values)."""

    text: str
    candidates: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Unrecognised:
    """Anything else: the assistant asks again politely, with the options."""

    text: str


Interpretation = Answer | Command | Problem | Unclear | Unrecognised

_YES = frozenset(
    "y yes yep yeah yea yup ya yah aye sure correct true affirmative definitely certainly "
    "absolutely ok okay right".split()
) | {
    "yes it is",
    "yes they were",
    "yes there is",
    "i think so",
    "of course",
    "that's right",
    "it is",
}
_NO = frozenset("n no nope nah na false negative never not".split()) | {
    "no it isn't",
    "no it is not",
    "not at all",
    "no way",
    "definitely not",
    "certainly not",
    "none",
}
_NOT_SURE = frozenset(
    "? ?? ??? unsure dunno idk unknown maybe perhaps possibly unclear uncertain n/k nk dk "
    "notsure".split()
) | {
    "not sure",
    "i'm not sure",
    "im not sure",
    "i am not sure",
    "don't know",
    "dont know",
    "do not know",
    "i don't know",
    "i dont know",
    "i do not know",
    "no idea",
    "not known",
    "can't say",
    "cant say",
    "cannot say",
    "can't tell",
    "not certain",
    "don't know yet",
    "not yet known",
    "unknown yet",
    "not sure yet",
    "hard to say",
}
_COMMANDS: dict[str, CommandName] = {
    "why": "why",
    "why?": "why",
    "why this question": "why",
    "why is this asked": "why",
    "why do you ask": "why",
    "why do you need this": "why",
    "why do you need to know": "why",
    "why does it matter": "why",
    "help": "help",
    "h": "help",
    "help me": "help",
    "what can i type": "help",
    "what can i say": "help",
    "commands": "help",
    "glossary": "help",
    "back": "back",
    "go back": "back",
    "undo": "back",
    "previous": "back",
    "previous question": "back",
    "b": "back",
    "summary": "summary",
    "facts": "summary",
    "what do you know": "summary",
    "what have i said": "summary",
    "so far": "summary",
    "review": "review",
    "review answers": "review",
    "review my answers": "review",
    "check answers": "review",
    "change answers": "review",
    "restart": "restart",
    "start again": "restart",
    "start over": "restart",
    "reset": "restart",
    "new case": "restart",
    "quit": "quit",
    "exit": "quit",
    "bye": "quit",
    "goodbye": "quit",
    ":q": "quit",
}
_WHAT_IS = re.compile(
    r"^(?:what\s+(?:is|are|does|do|'s)|what's|whats|define|definition\s+of|meaning\s+of|"
    r"explain|tell\s+me\s+about|help\s+(?:with|on)?|\?)\s*(?P<topic>.*?)\s*(?:mean|means)?\s*\??$"
)
_DATE_LIKE = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")
_NUMBER = re.compile(r"^(?:option\s+|number\s+|no\.?\s*|#)?(\d{1,3})[.)]?$")
_FILLER = frozenset(
    "the a an it its it's was were they is he she i think answer option that would be "
    "say choose pick".split()
)
_TOPIC_FILLER = re.compile(r"^(?:an?|the)\s+")
_PARENTHESES = re.compile(r"\([^()]*\)")


def normalise(text: str) -> str:
    """Lower case, straight quotes, single spaces, no control characters or end punctuation."""
    text = unicodedata.normalize("NFKC", text)
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("`", "'")
    text = "".join(ch if ch.isprintable() else " " for ch in text)
    text = " ".join(text.lower().split())
    return text.rstrip(".!,; ").strip()


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", text.lower())


def _match_option(text: str, choices: Sequence[Choice]) -> Answer | Unclear | None:
    """An option by its value or label: whole words first, then word beginnings."""
    wanted = normalise(text)
    for choice in choices:
        if wanted in (normalise(choice.label), choice.value.replace("_", " "), choice.value):
            return Answer(choice.value, "words")
    words = [w for w in _words(wanted) if w not in _FILLER] or _words(wanted)
    if not words:
        return None
    # Words in brackets explain an option and are not its name: "suspected" must not choose
    # "They died (including suspected suicide)".
    labels = [
        (c, set(_words(_PARENTHESES.sub(" ", c.label))) | set(_words(c.value.replace("_", " "))))
        for c in choices
    ]
    whole = [c for c, ws in labels if all(w in ws for w in words)]
    if len(whole) > 1:
        whole = _closest(" ".join(words), whole)
    if len(whole) == 1:
        return Answer(whole[0].value, "words")
    if len(whole) > 1:
        return Unclear(text, tuple(c.value for c in whole))
    starts = [c for c, ws in labels if all(any(lw.startswith(w) for lw in ws) for w in words)]
    if len(starts) == 1 and all(len(w) >= 2 for w in words):
        return Answer(starts[0].value, "words")
    if len(starts) > 1:
        return Unclear(text, tuple(c.value for c in starts))
    return None


def _closest(phrase: str, found: list[Choice]) -> list[Choice]:
    """Of several options holding every word, those holding the words as written, in order
    ("seriously harmed"), then those that begin with them ("16" is "16 or 17")."""
    for test in (
        lambda label: re.search(rf"\b{re.escape(phrase)}\b", label) is not None,
        lambda label: label.startswith(phrase),
    ):
        narrowed = [c for c in found if test(" ".join(_words(_PARENTHESES.sub(" ", c.label))))]
        if narrowed:
            found = narrowed
        if len(found) == 1:
            break
    return found


def _date(text: str, today: dt.date) -> Answer | Problem | None:
    if text in ("today",):
        return Answer(today, "date")
    if text in ("yesterday",):
        return Answer(today - dt.timedelta(days=1), "date")
    found = _DATE_LIKE.match(text)
    if not found:
        return None
    try:
        day = dt.date(int(found[1]), int(found[2]), int(found[3]))
    except ValueError:
        return Problem("impossible_date", text)
    from assistant.core.calendar import FIRST_DAY

    if day < FIRST_DAY:  # 0001-01-01, 1800-01-01: a typo, and no working days are counted then
        return Problem("impossible_date", text)
    if day > today:
        return Problem("future_date", text)
    return Answer(day, "date")


def interpret(
    text: Any,
    choices: Sequence[Choice] = (),
    kind: str = "choice",
    today: dt.date | None = None,
) -> Interpretation:
    """Read `text` as an answer to a question with `choices` (of `kind` tri, choice or date).

    Never raises: anything it cannot read is `Unrecognised` (or `Unclear`, `Problem`).
    """
    try:
        return _interpret(str(text) if text is not None else "", choices, kind, today)
    except Exception:  # noqa: BLE001 - total by design: a bad string must never crash the caller
        return Unrecognised(str(text))


def _interpret(
    raw: str, choices: Sequence[Choice], kind: str, today: dt.date | None
) -> Interpretation:
    text = normalise(raw)
    if not text:
        return Problem("empty", raw)
    command = _COMMANDS.get(text)
    if command:
        return Command(command)
    if text not in _NOT_SURE:
        asked = _WHAT_IS.match(text)
        if asked and (
            text.startswith(("what", "define", "definition", "meaning", "explain", "tell", "help"))
        ):
            topic = _TOPIC_FILLER.sub("", asked["topic"].strip(" ?\"'"))
            if topic in ("this", "that", "it", "this question", "that mean", "this mean"):
                topic = ""
            return Command("what_is", topic)
    values = [c.value for c in choices]
    number = _NUMBER.match(text)
    if number and choices:
        index = int(number[1])
        if 1 <= index <= len(choices):
            return Answer(choices[index - 1].value, "number")
    if text in _NOT_SURE or text.rstrip("?") in _NOT_SURE:
        return Answer(UNKNOWN, "not_sure")
    if kind == "date":
        day = _date(text, today or dt.date.today())
        if day is not None:
            return day
        if re.search(r"\d", text):
            return Problem("not_a_date", raw)
        return Unrecognised(raw)
    if "yes" in values and (
        text in _YES or text.split(" ")[0].strip(",") in ("yes", "yeah", "yep", "y")
    ):
        return Answer("yes", "yes_no")
    if "no" in values and (
        text in _NO or text.split(" ")[0].strip(",") in ("no", "nope", "nah", "n")
    ):
        return Answer("no", "yes_no")
    found = _match_option(text, choices)
    if found is not None:
        return found
    return Unrecognised(raw)
