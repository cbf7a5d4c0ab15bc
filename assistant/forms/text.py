"""Markdown, plain text and HTML forms from Jinja2 templates in prompts/forms/.

Three environments, one per format, because each escapes free text its own way:
- text: nothing is escaped; what was typed is pasted into the secure email as it is;
- Markdown: every value a template prints is escaped by `finalize`, so `*`, `<`, `[` or a `#`
  at the start of a line show as typed instead of turning into Markdown; newlines become hard
  line breaks;
- HTML: autoescape on; values sit in `white-space: pre-wrap` elements, so newlines show.
User text only ever reaches a template as data, so `{{ 7*7 }}` typed by a user stays `{{ 7*7 }}`.
A rule pack's prompts/forms/ templates replace the shipped ones; every template renders in the
sandbox of assistant.core.prompts, so a shared pack's template cannot run code.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from assistant.core.pack import Pack
from assistant.core.prompts import prompt_loader, sandboxed_environment
from assistant.forms.context import Form, show_date

TEMPLATES = {
    "md": "forms/referral.md.j2",
    "txt": "forms/referral.txt.j2",
    "html": "forms/referral.html.j2",
}


class Markdown(str):
    """A string that is already Markdown (the Markdown environment prints it unescaped)."""


_MD_INLINE = re.compile(r"([\\`*_\[\]<>&|~!])")
_MD_BLOCK_START = re.compile(r"^([#>+=\-]|\d{1,9}(?=[.)](?:[ \t]|$)))")


def _char_ref(ch: str) -> str:
    return f"&#{ord(ch)};"


def _md_line(line: str) -> str:
    """One line of free text as Markdown; whitespace at either end as character references."""
    body = line.strip()
    if not body:
        return "".join(_char_ref(c) for c in line)
    start = len(line) - len(line.lstrip())
    lead, trail = line[:start], line[start + len(body) :]
    body = _MD_INLINE.sub(r"\\\1", body)
    match = _MD_BLOCK_START.match(body)
    if match:  # a heading, quote, list or rule marker at the start of a line
        marker = match.group(0)
        if marker[0].isdigit():
            body = marker + "\\" + body[len(marker) :]
        else:
            body = "\\" + body
    return "".join(_char_ref(c) for c in lead) + body + "".join(_char_ref(c) for c in trail)


def md_escape(value: Any) -> str:
    """Any value as Markdown that displays exactly as the text was typed.

    Backslash-escapes the punctuation Markdown acts on, writes leading and trailing spaces as
    character references (so they are not read as indentation), and turns newlines into hard
    line breaks. Trailing newlines at the very end cannot be shown in Markdown and are dropped.
    """
    if value is None:
        return ""
    if isinstance(value, Markdown):
        return value
    if isinstance(value, dt.date):
        return show_date(value)
    text = str(value).replace("\r\n", "\n").replace("\r", "\n").rstrip("\n")
    return "\\\n".join(_md_line(line) for line in text.split("\n"))


def _plain(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return show_date(value)
    return value


@lru_cache(maxsize=16)
def _environment(kind: str, pack_prompts: Path | None) -> Any:
    import jinja2  # lazy: importing the forms package (the chat's form screen) renders nothing

    env = sandboxed_environment(
        loader=prompt_loader(pack_prompts),
        undefined=jinja2.StrictUndefined,
        autoescape=kind == "html",
        finalize=md_escape if kind == "md" else _plain,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["md_escape"] = md_escape
    return env


def environment(kind: str, pack: Pack) -> Any:
    """The Jinja2 environment for one format ('md', 'txt' or 'html'), pack prompts first."""
    if kind not in TEMPLATES:
        raise ValueError(f"no text environment for {kind!r}")
    return _environment(kind, pack.prompts_dir)


def render_text(form: Form, kind: str) -> str:
    """The form as Markdown ('md'), plain text ('txt') or a standalone HTML page ('html')."""
    template = environment(kind, form.pack).get_template(TEMPLATES[kind])
    return template.render(**form.context)
