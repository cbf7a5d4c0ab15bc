"""Keeping an outcome: the outcome as Markdown, text or HTML, saved privately, and the answers
as a case file that `decide`, `form` and `check` read back.

UI-free, so the chat, plain mode and scripts call the same functions:

    text = render_outcome(pack, decision, facts, "md")      # "md" | "txt" | "html"
    save_outcome(path, pack, decision, facts)                # format from the file name
    save_case_file(path, facts)                              # contract version 1 YAML

Saving never replaces an existing file: it stops with a message naming the file and the fix.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from assistant.core import contract
from assistant.core.engine import Decision
from assistant.core.errors import InputError
from assistant.core.pack import Pack
from assistant.forms.save import save_private

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~])")


def _escape_markdown(value: Any) -> str:
    """Pack text shown as written in Markdown (the chat's escaping: no emphasis, links, HTML)."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(str(value).split()))


OUTCOME_FORMATS = {"md": ".md", "txt": ".txt", "html": ".html"}
_SUFFIXES = {".md": "md", ".markdown": "md", ".txt": "txt", ".text": "txt", ".html": "html"}


def render_outcome(
    pack: Pack, decision: Decision, facts: Mapping[str, Any] | None, fmt: str = "md"
) -> str:
    """The outcome in the shared shape (prompts/outcome/) as Markdown, text or HTML."""
    if fmt not in OUTCOME_FORMATS:
        raise InputError(
            f"outcome format '{fmt}' is not one of {', '.join(OUTCOME_FORMATS)}; "
            "use md (Markdown), txt (plain text) or html (to print)"
        )
    from assistant.core.outcome import build_outcome
    from assistant.core.prompts import render

    outcome = build_outcome(pack, decision, facts or {})
    if fmt == "txt":
        return render(pack, "decision.txt.j2", decision=decision, facts=facts, outcome=outcome)
    from assistant.core.prompts import environment

    env = environment(pack)
    if "md" not in env.filters:
        env.filters["md"] = _escape_markdown
    markdown = (
        env.get_template("outcome/document.md.j2")
        .render(pack=pack, labels=pack.labels, decision=decision, outcome=outcome)
        .strip()
        + "\n"
    )
    if fmt == "md":
        return markdown
    return _html(markdown, outcome.title)


def _html(markdown: str, title: str) -> str:
    """A printable page from the outcome's Markdown; raw HTML in it is never passed through."""
    import html

    from markdown_it import MarkdownIt

    body = MarkdownIt("commonmark", {"html": False}).enable("table").render(markdown)
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{html.escape(title)}</title>\n"
        "<style>body{font-family:sans-serif;max-width:48rem;margin:2rem auto;line-height:1.4}"
        "h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:1.5rem}</style>\n"
        f"</head>\n<body>\n{body}</body>\n</html>\n"
    )


def format_for_path(path: Path) -> str:
    """md, txt or html from a file name; InputError naming the allowed endings otherwise."""
    fmt = _SUFFIXES.get(path.suffix.lower())
    if fmt is None:
        raise InputError(
            f"{path}: cannot tell the format from '{path.suffix or 'no ending'}'; "
            "end the name with .md, .txt or .html"
        )
    return fmt


def write_new(path: Path | str, data: bytes) -> Path:
    """Write `data` to a new file at `path`, readable by its owner only, whole or not at all.

    An existing file is never replaced: InputError says so and how to go on.
    """
    return save_private(path, data, replace=False, example="outcome.md")


def save_outcome(
    path: Path | str,
    pack: Pack,
    decision: Decision,
    facts: Mapping[str, Any] | None,
    fmt: str | None = None,
) -> Path:
    """Save the outcome to a new file (format from `fmt`, else from the file name)."""
    path = Path(path).expanduser()
    fmt = fmt or format_for_path(path)
    return write_new(path, render_outcome(pack, decision, facts, fmt).encode("utf-8"))


def case_file_text(facts: Mapping[str, Any]) -> str:
    """The answers as a contract version 1 case file (YAML): facts, with dates under `dates`."""
    import yaml

    plain: dict[str, Any] = {}
    dates: dict[str, str] = {}
    for name in contract.FACTS:
        value = facts.get(name)
        if value is None:
            continue
        if name in contract.DATE_FACTS:
            if isinstance(value, dt.date):
                dates[name] = value.isoformat()
            elif isinstance(value, str) and value.strip() and value.strip() != contract.UNKNOWN:
                dates[name] = value.strip()  # a date answered "not sure" is left out
            continue
        plain[name] = str(value)
    data: dict[str, Any] = {"contract": contract.CONTRACT_VERSION, "facts": plain}
    if dates:
        data["dates"] = dates
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def save_case_file(path: Path | str, facts: Mapping[str, Any]) -> Path:
    """Save the answers as a new case file (.yaml or .yml); never replaces a file."""
    path = Path(path).expanduser()
    if path.suffix.lower() not in (".yaml", ".yml"):
        raise InputError(f"{path}: a case file is YAML; end the name with .yaml")
    return write_new(path, case_file_text(facts).encode("utf-8"))
