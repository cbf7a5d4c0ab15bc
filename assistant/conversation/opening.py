"""The chat's opening, kept so the first question is on screen before the rule pack loads.

For a given pack and its prompts, a new conversation always opens the same way: the welcome,
the pack's first question (the immediate-risk gate) with its answers, and the short words of
the screen (prompts/chat/ui.j2). Once the pack has loaded, these are kept, already rendered,
in `opening-<key>.json` in the user's cache folder (assistant.core.cache: file 0600, folder
0700), where the key is a hash of every file they come from: the pack's YAML, its prompts and
the shipped ones, and the assistant's code. The next start reads that one small file (no
pydantic, YAML or Jinja2), shows the question at once and loads the pack behind it
(assistant.tui.screens.first_question). Once the pack is loaded, the opening is rendered again
from it; should it differ, the pack's own is shown and the file rewritten. A missing, stale, damaged or unsafe file means the usual start.

The words themselves stay in rules/ and prompts/: this file only keeps their rendered copy.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from assistant.core.pack import Pack, Question

FORMAT = 1
KINDS = ("tri", "choice", "date")


@dataclass(frozen=True)
class Opening:
    """What a new conversation shows first, rendered from the pack and its prompts."""

    key: str
    ui: dict[str, Any]  # the JSON-able `set` variables of prompts/chat/ui.j2
    welcome: str
    fact: str  # the first question's fact
    kind: str  # tri | choice | date
    question: str  # the assistant's message asking it
    replies: tuple[tuple[str, str], ...]  # (value, words) of each answer, "Not sure" included

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "key": self.key,
            "ui": self.ui,
            "welcome": self.welcome,
            "fact": self.fact,
            "kind": self.kind,
            "question": self.question,
            "replies": [list(r) for r in self.replies],
        }

    @classmethod
    def from_json(cls, data: Any, key: str) -> Opening | None:
        """The opening in `data` if it is exactly what to_json writes for `key`; else None."""
        if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("key") != key:
            return None
        ui, replies = data.get("ui"), data.get("replies")
        texts = [data.get(name) for name in ("welcome", "fact", "question")]
        if (
            not isinstance(ui, dict)
            or not all(isinstance(k, str) for k in ui)
            or not all(isinstance(t, str) and t for t in texts)
            or data.get("kind") not in KINDS
            or not isinstance(replies, list)
            or not replies
            or not all(
                isinstance(r, list) and len(r) == 2 and all(isinstance(x, str) for x in r)
                for r in replies
            )
        ):
            return None
        welcome, fact, question = (str(t) for t in texts)  # each checked to be text above
        return cls(
            key=key,
            ui=ui,
            welcome=welcome,
            fact=fact,
            kind=data["kind"],
            question=question,
            replies=tuple((v, w) for v, w in replies),
        )


# --- the words, as the chat says them --------------------------------------------------------


def answer_before_pack(opening: Opening, text: str, today: Any = None) -> Any:
    """Typed text read as an answer to the opening's question (before the pack has loaded):
    the `Answer` (its value, and how it was read), or None when it is not an answer (a
    command, say: kept for later)."""
    import datetime as dt

    from assistant.conversation.events import Choice
    from assistant.core.interpret import Answer, interpret

    choices = [Choice(value, words) for value, words in opening.replies]
    result = interpret(text, choices, opening.kind, today or dt.date.today())
    return result if isinstance(result, Answer) else None


def question_message(pack: Pack, question: Question, old: str | None = None) -> str:
    """The assistant's message asking `question` (`old`: the earlier answer, when changing it)."""
    from assistant.conversation.ui_words import say

    return say(pack, "question", question=question, old=old, has_help=bool(question.help))


def question_replies(pack: Pack, question: Question) -> list[tuple[str, str]]:
    """(value, words) of each answer to `question`, ending with "Not sure"."""
    return [(c.value, c.label) for c in question.choices(pack.labels.values.get(question.fact))]


def ui_values(pack: Pack) -> dict[str, Any]:
    """The `set` variables of prompts/chat/ui.j2 that a JSON file can hold."""
    from assistant.conversation.ui_words import ui

    out: dict[str, Any] = {}
    for name, value in ui(pack).values.items():
        try:
            if json.loads(json.dumps(value)) == value:
                out[name] = value
        except (TypeError, ValueError):
            continue
    return out


def opening_for(pack: Pack, first: Question, key: str = "") -> Opening:
    """The opening of a new conversation in `pack`, whose first question is `first`."""
    from assistant.conversation.ui_words import say

    return Opening(
        key=key,
        ui=ui_values(pack),
        welcome=say(pack, "welcome"),
        fact=first.fact,
        kind=first.kind,
        question=question_message(pack, first),
        replies=tuple(question_replies(pack, first)),
    )


# --- the file --------------------------------------------------------------------------------


def opening_key(root: Path) -> str | None:
    """A hash of every file the opening of the pack in `root` comes from (and of the code that
    renders it: see assistant.core.cache.key); None if unreadable."""
    from assistant.core import cache
    from assistant.core.paths import default_prompts_dir

    inputs = [
        *sorted(root.glob("*.yaml")),
        root / "rules",
        root / "prompts" / "chat",
        default_prompts_dir() / "chat",
    ]
    return cache.key(inputs, extra=(str(FORMAT), str(root.resolve())))


def opening_path(key: str) -> Path | None:
    """Where the opening with `key` is kept, or None when caching is off."""
    from assistant.core import cache

    return cache.path("opening", key, "json")


def read_opening(root: Path) -> Opening | None:
    """The kept opening of the pack in `root`, if there is a current, sound and private one."""
    key = opening_key(root)
    path = opening_path(key) if key else None
    return _read(path, key) if key is not None and path is not None else None


def _read(path: Path, key: str) -> Opening | None:
    from assistant.core import cache

    # shown as the safety question: only a file this user wrote and nobody else can change
    raw = cache.read(path, max_bytes=1024 * 1024)
    if raw is None:
        return None
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    return Opening.from_json(data, key)


def write_opening(opening: Opening) -> None:
    """Keep `opening` for the next start (atomically; a read-only cache only costs speed)."""
    from assistant.core import cache

    path = opening_path(opening.key) if opening.key else None
    if path is not None:
        cache.write(path, json.dumps(opening.to_json(), ensure_ascii=False).encode("utf-8"))


def remember_opening(pack: Pack, first: Question | None) -> Opening | None:
    """Render the opening of `pack` and keep it unless the same one is kept already.

    `first` is the first question of a new conversation (None: the pack asks nothing, so there
    is no opening to keep). Returns the opening, or None when none is kept.
    """
    key = opening_key(pack.path) if first is not None else None
    path = opening_path(key) if key is not None else None
    if first is None or key is None or path is None:
        return None  # nothing to ask, unreadable files, or caching off (--no-save)
    opening = opening_for(pack, first, key)
    if _read(path, key) != opening:
        write_opening(opening)
    return opening
