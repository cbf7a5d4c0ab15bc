"""Free-text answers: what a practitioner typed, read as an answer, a command, or neither.

UI-free and total: `interpret` never raises, whatever the string. The chat and plain mode both
use it. It knows the usual ways people type yes, no and "not sure", an option's number or words,
dates (never in the future), and the assistant's commands (why, what is X, help, back, summary,
review, restart, quit). The words the assistant says back live in prompts/chat/.

How a line is read, in order:
- a command ("why", "what is X", "back", ...);
- an option picked by its number: one digit that is an option's number ("2"), or an explicit
  "option 2" / "#2"; any other number is read as text, never split into digits;
- the ways of saying "not sure", then an option's exact words (a pack's own words for "not
  sure", such as "Not known yet", included; at the Panel notification date "Not yet" is an
  option of its own, apart from "Not sure");
- at a date question: a date (`2026-11-27`, `27/11/2026`, `27 Nov 2026`, `today`, ...), and the
  answer says how it was read (`Answer.read_as`, "Fri 27 Nov 2026");
- a number, or an age such as "15", "aged 17", "3 weeks old", at a question whose options cover
  numbers: an option's `numbers` range in the pack (questions.yaml), else the range its label
  states ("Under 16", "16 or 17", "18 to 24", "25 or over");
- yes and no, then words that fit one option.
Nothing is ever taken as "Not sure" by a loose match ("no" begins "not sure"): only the ways of
saying it, its number, its exact words or the pack's own words for it choose it;
otherwise it is at most one candidate of several in an `Unclear`, or the options are shown.
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
    """An answer option: `assistant.core.pack.Option` fits (and may say the `numbers` it covers,
    read with `getattr`: a choice without them is read by its label)."""

    @property
    def value(self) -> str: ...

    @property
    def label(self) -> str: ...


@dataclass(frozen=True)
class Answer:
    """An answer to the current question: an option's value, "unknown", or a date."""

    value: str | dt.date
    how: Literal["number", "words", "yes_no", "not_sure", "date", "age"] = "words"
    # how a typed date was read ("Fri 27 Nov 2026"), for the front ends to show; not part of
    # what the answer is, so two answers of the same value are equal however they were typed
    read_as: str = field(default="", compare=False)


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
_ISO_DATE = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")
_UK_DATE = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4}|\d{2})$")
_WEEKDAYS = (
    "mon monday tue tues tuesday wed weds wednesday thu thur thurs thursday fri friday "
    "sat saturday sun sunday".split()
)
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            "jan january",
            "feb february",
            "mar march",
            "apr april",
            "may",
            "jun june",
            "jul july",
            "aug august",
            "sep sept september",
            "oct october",
            "nov november",
            "dec december",
        ),
        1,
    )
    for name in names.split()
}
_DAY = r"(\d{1,2})(?:st|nd|rd|th)?"
_MONTH = r"([a-z]+)"
_WORD_DATES = (
    (re.compile(rf"^{_DAY}\s+(?:of\s+)?{_MONTH}\s+(\d{{4}})$"), 1, 2, 3),  # 27 Nov 2026
    (re.compile(rf"^{_MONTH}\s+{_DAY}\s+(\d{{4}})$"), 2, 1, 3),  # Nov 27 2026
)
# one digit that is an option's number picks it; "option 12", "#12" name a number explicitly
_DIGIT = re.compile(r"^(\d)[.)]?$")
_PICK = re.compile(r"^(?:option|number|no\.?|#)\s*(\d{1,3})[.)]?$")
# a number or an age as people type it: "15", "aged 17", "3 weeks old", "15 and a half"
_AGE = re.compile(
    r"^(?:(?:aged?|age of|is|was|they were|he was|she was|they are|he is|she is)\s+)?"
    r"(\d{1,3})(?:[.,]\d+|\s+and\s+a\s+half)?\s*"
    r"(years?|yrs?|y|yo|y/o|months?|mths?|mos?|m|weeks?|wks?|w|days?|d)?"
    r"(?:\s+old)?$"
)
_UNDER_A_YEAR = frozenset("month months mth mths mo mos m week weeks wk wks w day days d".split())
# how an option's label states the numbers it covers, when the pack does not say
_LABEL_RANGES = (
    (re.compile(r"^(?:under|younger than|less than|below)\s+(\d+)$"), lambda a, b: (0, a - 1)),
    (re.compile(r"^(\d+)\s+(?:to|-|–)\s+(\d+)$"), lambda a, b: (a, b)),
    (re.compile(r"^(\d+)\s+(?:or|and)\s+(\d+)$"), lambda a, b: (a, b)),
    (
        re.compile(r"^(\d+)\s*(?:or over|or older|or more|and over|and older|plus|\+)$"),
        lambda a, b: (a, 150),
    ),
    (re.compile(r"^(?:over|older than|more than)\s+(\d+)$"), lambda a, b: (a + 1, 150)),
)
_NOT_SURE_WORDS = frozenset("not sure unknown or".split())
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


def _exact_option(text: str, choices: Sequence[Choice]) -> Answer | None:
    """An option named by its whole label or value, as typed."""
    for choice in choices:
        if text in (normalise(choice.label), choice.value.replace("_", " "), choice.value):
            return Answer(choice.value, "words")
    return None


def _match_option(text: str, choices: Sequence[Choice]) -> Answer | Unclear | None:
    """An option by the words of its value or label: whole words first, then word beginnings
    (of three letters or more: "no" only asks whether "Nobody" was meant).

    "Not sure" is not chosen this way ("no" begins "not sure", and "sure" means yes), except by
    the pack's own words for it (a label such as "Not known yet"); otherwise it is only
    ever one candidate of several in an `Unclear`.
    """
    wanted = normalise(text)
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
    starts = [c for c, ws in labels if all(any(lw.startswith(w) for lw in ws) for w in words)]
    # the no-answer option is chosen by words only through the pack's own words for it
    own = bool(set(words) - _NOT_SURE_WORDS - _YES - _NO)
    for found, prefix in ((whole, False), (starts, True)):
        if not found:
            continue
        if len(found) == 1:
            only = found[0]
            if only.value == UNKNOWN:
                # "no" begins "Not sure", "sure" is one of its words: show the options instead
                return Answer(UNKNOWN, "words") if own and not prefix else None
            if not prefix or all(len(w) >= 3 for w in words):
                return Answer(only.value, "words")
        return Unclear(text, tuple(c.value for c in found))
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


def numbers_of(choice: Choice) -> tuple[int, int] | None:
    """The whole numbers an option covers: its `numbers` (from the pack), else its label's."""
    given = getattr(choice, "numbers", None)
    if given:
        low, high = given
        return int(low), int(high)
    label = normalise(_PARENTHESES.sub(" ", choice.label))
    for pattern, make in _LABEL_RANGES:
        found = pattern.match(label)
        if found:
            numbers = [int(n) for n in found.groups()]
            low, high = make(numbers[0], numbers[-1])
            return (low, high) if low <= high else None
    return None


def _by_number(text: str, choices: Sequence[Choice]) -> Answer | Unclear | None:
    """A number or an age typed at a question whose options cover numbers ("15": "Under 16")."""
    found = _AGE.match(text)
    if not found:
        return None
    ranges = [(c, numbers_of(c)) for c in choices]
    if not any(r for _, r in ranges):
        return None
    number = 0 if (found[2] or "") in _UNDER_A_YEAR else int(found[1])
    fits = [c for c, r in ranges if r is not None and r[0] <= number <= r[1]]
    if len(fits) == 1:
        return Answer(fits[0].value, "age")
    if fits:
        return Unclear(text, tuple(c.value for c in fits))
    return None


def read_date(text: str) -> dt.date | None | Literal[False]:
    """A date as people type it (normalised text): the date, False if it names no real day
    (30 Feb), None if it is not written as a date at all. Day before month, as in England."""
    text = text.replace(",", " ")
    text = " ".join(w for w in text.split() if w not in _WEEKDAYS)
    parts: tuple[int, int, int] | None = None
    if found := _ISO_DATE.match(text):
        parts = (int(found[1]), int(found[2]), int(found[3]))
    elif found := _UK_DATE.match(text):
        year = int(found[3]) + (2000 if len(found[3]) == 2 else 0)
        parts = (year, int(found[2]), int(found[1]))
    else:
        for pattern, day, month, year in _WORD_DATES:
            found = pattern.match(text)
            if found and found[month] in _MONTHS:
                parts = (int(found[year]), _MONTHS[found[month]], int(found[day]))
                break
    if parts is None:
        return None
    try:
        return dt.date(*parts)
    except ValueError:
        return False


def date_words(day: dt.date) -> str:
    """A date as the assistant says it back: "Fri 27 Nov 2026"."""
    return f"{day:%a} {day.day} {day:%b %Y}"


def _date(text: str, today: dt.date) -> Answer | Problem | None:
    if text in ("today", "today's date", "this morning", "this afternoon"):
        return Answer(today, "date", date_words(today))
    if text in ("yesterday", "yesterday's date"):
        day = today - dt.timedelta(days=1)
        return Answer(day, "date", date_words(day))
    read = read_date(text)
    if read is None:
        return None
    if read is False:
        return Problem("impossible_date", text)
    day = read
    from assistant.core.calendar import FIRST_DAY

    if day < FIRST_DAY:  # 0001-01-01, 1800-01-01: a typo, and no working days are counted then
        return Problem("impossible_date", text)
    if day > today:
        return Problem("future_date", text)
    return Answer(day, "date", date_words(day))


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
    picked = _DIGIT.match(text) or _PICK.match(text)
    if picked and choices:
        index = int(picked[1])
        if 1 <= index <= len(choices):
            return Answer(choices[index - 1].value, "number")
        if _PICK.match(text):
            return Unrecognised(raw)  # "option 9" of five: not read as anything else
    if text in _NOT_SURE or text.rstrip("?") in _NOT_SURE:
        return Answer(UNKNOWN, "not_sure")
    exact = _exact_option(text, choices)
    if exact is not None:
        return exact
    if kind == "date":
        found = _date(text, today or dt.date.today())
        if found is not None:
            return found
        loose = _match_option(text, choices) if choices else None
        if isinstance(loose, Answer | Unclear):
            return loose
        if re.search(r"\d", text):
            return Problem("not_a_date", raw)
        return Unrecognised(raw)
    numbered = _by_number(text, choices)
    if numbered is not None:
        return numbered
    if "yes" in values and (
        text in _YES or text.split(" ")[0].strip(",") in ("yes", "yeah", "yep", "y")
    ):
        return Answer("yes", "yes_no")
    if "no" in values and (
        text in _NO or text.split(" ")[0].strip(",") in ("no", "nope", "nah", "n")
    ):
        return Answer("no", "yes_no")
    if _AGE.match(text) and not re.search(r"[a-z]", text):
        return Unrecognised(raw)  # a bare number that is no option's number and no option's range
    option = _match_option(text, choices)
    if option is not None:
        return option
    return Unrecognised(raw)
