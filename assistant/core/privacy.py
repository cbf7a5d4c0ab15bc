"""Nothing personal in logs or error output.

The assistant keeps no log unless asked: REVIEW_ASSISTANT_DEBUG_LOG=PATH turns on a debug log at
PATH (created 0600). Even then, free text never reaches it: every argument of a log call passes
through `redact`, which keeps only the names the product itself defines (facts, their values,
route and other decision ids, command words) and numbers, and replaces anything else, including
dates, with its kind and length. Tracebacks in the log keep the exception type and the code
location of each frame, never the exception's message (which can quote what was typed) or locals.

`crash_message` turns an unexpected exception into the one line shown to the user instead of a
traceback: the kind of error and where, no values.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import sys
import traceback
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from types import TracebackType
from typing import Any

from assistant.core import calendar, contract

ENV_DEBUG_LOG = "REVIEW_ASSISTANT_DEBUG_LOG"
LOGGER_NAME = "review_assistant"

# Command words the conversation understands; safe to log, they say nothing about a case.
COMMAND_WORDS = frozenset(
    {
        "why",
        "help",
        "back",
        "summary",
        "review",
        "restart",
        "quit",
        "what_is",
        "yes",
        "no",
        "not sure",
    }
)


@lru_cache(maxsize=1)
def safe_words() -> frozenset[str]:
    """Every id the contract defines: fact names, their values, decision ids, statuses."""
    words: set[str] = set(COMMAND_WORDS)
    for name, spec in contract.FACTS.items():
        words.add(name)
        words.update(spec.values)
    for ids in contract.IDS.values():
        words.update(ids)
    words.update(contract.SCALAR_FIELDS)
    words.update(contract.STATUSES)
    words.update(contract.PARALLEL_PROCESSES)
    words.update({"in_progress", "complete", "none", "unknown"})
    return frozenset(words)


def redact(value: Any) -> Any:
    """`value` if it is one of the product's own ids or a number; otherwise a placeholder."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, str):
        return value if value in safe_words() else f"<text: {len(value)} chars>"
    if isinstance(value, dt.date):
        return "<date>"
    if isinstance(value, Mapping):
        return {redact(k): redact(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [redact(v) for v in value]
    return f"<{type(value).__name__}>"


def where(exc: BaseException) -> str:
    """The innermost frame inside the assistant (file:line in function), else the innermost one."""
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if f"{os.sep}assistant{os.sep}" in f.filename]
    if not (ours or frames):
        return "unknown place"
    frame = (ours or frames)[-1]
    return f"{Path(frame.filename).name}:{frame.lineno} in {frame.name}"


_SAVED: list[str] = []  # the draft last saved in this process, if any


def remember_save(draft_id: str | None) -> None:
    """Note that draft `draft_id` was saved (the crash message names it; None forgets)."""
    _SAVED[:] = [draft_id] if draft_id else []


def crash_message(exc: BaseException) -> str:
    """What a user sees for an unexpected error: its kind and place, never its message.

    It says the answers were saved only when a save succeeded in this process.
    """
    saved = (
        f"Answers given up to the last save are in draft {_SAVED[0]}. "
        if _SAVED
        else "No draft was saved in this session. "
    )
    return (
        f"an unexpected error ({type(exc).__name__} at {where(exc)}) stopped the assistant. "
        + saved
        + f"To record details without personal data, set {ENV_DEBUG_LOG}=PATH and try again."
    )


class RedactingFilter(logging.Filter):
    """Redact every argument of every record; the format string is the program's own text."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, Mapping):  # the keys are the format's own names
            record.args = {key: redact(value) for key, value in record.args.items()}
        elif record.args:
            record.args = tuple(redact(a) for a in record.args)
        if not isinstance(record.msg, str):
            record.msg = redact(record.msg)
        return True


class RedactingFormatter(logging.Formatter):
    """Tracebacks as exception type plus code locations; no message, no values."""

    def formatException(self, ei: Any) -> str:  # noqa: N802 - logging's name
        exc_type, exc, tb = ei
        return format_traceback_safely(exc_type, exc, tb)


def format_traceback_safely(
    exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
) -> str:
    lines = ["Traceback (values and messages withheld):"]
    for frame in traceback.extract_tb(tb):
        lines.append(f'  File "{frame.filename}", line {frame.lineno}, in {frame.name}')
    lines.append(f"{exc_type.__name__ if exc_type else 'Exception'}: <message withheld>")
    return "\n".join(lines)


def debug_logger() -> logging.Logger:
    """The assistant's logger: silent unless REVIEW_ASSISTANT_DEBUG_LOG names a file."""
    logger = logging.getLogger(LOGGER_NAME)
    if getattr(logger, "_review_assistant_ready", False):
        return logger
    logger.propagate = False
    logger.setLevel(logging.DEBUG)
    path = os.environ.get(ENV_DEBUG_LOG)
    if path:
        target = Path(path)
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        os.close(fd)
        os.chmod(target, 0o600)
        handler: logging.Handler = logging.FileHandler(target, encoding="utf-8")
        handler.setFormatter(RedactingFormatter("%(asctime)s %(levelname)s %(message)s"))
        handler.addFilter(RedactingFilter())
    else:
        handler = logging.NullHandler()
    logger.handlers[:] = [handler]
    logger._review_assistant_ready = True  # type: ignore[attr-defined]
    return logger


def reset_debug_logger() -> None:
    """Forget the configured handler (tests change the environment between runs)."""
    logger = logging.getLogger(LOGGER_NAME)
    for handler in logger.handlers:
        handler.close()
    logger.handlers[:] = []
    logger._review_assistant_ready = False  # type: ignore[attr-defined]


ENV_TRACEBACK = "REVIEW_ASSISTANT_TRACEBACK"
CRASH_STATUS = 70  # EX_SOFTWARE


def report_crash(exc: BaseException) -> int:
    """Show an unexpected error as one line on stderr and log it redacted; returns exit status 70.

    Developers who want the full traceback set REVIEW_ASSISTANT_TRACEBACK=1 (then it is raised).
    """
    if os.environ.get(ENV_TRACEBACK):
        raise exc
    debug_logger().error("unexpected error", exc_info=(type(exc), exc, exc.__traceback__))
    print(f"review-assistant: {crash_message(exc)}", file=sys.stderr)
    return CRASH_STATUS


def enter_incognito() -> None:
    """--no-save: nothing at all is written to disk, not even the caches (bank holidays, packs).

    The caches hold no personal data, but "keeps nothing on disk" means nothing. Call it before
    the rule pack is loaded.
    """
    os.environ["REVIEW_ASSISTANT_CACHE"] = "off"
    cache_file = getattr(calendar, "_cache_file", None)
    if cache_file is not None and hasattr(cache_file, "cache_clear"):
        cache_file.cache_clear()
