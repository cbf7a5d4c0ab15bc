"""Referral forms, UI-free: build a form from a decision, then render it in any format.

    form = build_form(pack, decision, answers, referral)   # assistant.forms.context
    data = render(form, "docx")                            # bytes for docx, str otherwise

Formats: md, txt, html (Jinja2 templates in prompts/forms/), docx (docxtpl, imported only
when a Word document is asked for) and json (the decision record for coordinators).
"""

from __future__ import annotations

from pathlib import Path

from assistant.forms.context import Form, build_form, choose_form, prefill
from assistant.forms.record import render_json
from assistant.forms.text import render_text

FORMATS: dict[str, str] = {
    "md": ".md",
    "txt": ".txt",
    "html": ".html",
    "docx": ".docx",
    "json": ".json",
}
MEDIA_TYPES: dict[str, str] = {
    "md": "text/markdown",
    "txt": "text/plain",
    "html": "text/html",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "json": "application/json",
}


def render(form: Form, fmt: str, template: Path | None = None) -> str | bytes:
    """The form in one format: text for md, txt, html and json; bytes for docx."""
    if fmt == "docx":
        from assistant.forms.docx import render_docx  # lazy: Word's machinery only for docx

        return render_docx(form, template)
    if fmt == "json":
        return render_json(form)
    if fmt in ("md", "txt", "html"):
        return render_text(form, fmt)
    raise ValueError(f"unknown format {fmt!r}; formats: {', '.join(FORMATS)}")


def render_bytes(form: Form, fmt: str, template: Path | None = None) -> bytes:
    """The form in one format as bytes (text formats in UTF-8), ready to save or deliver."""
    out = render(form, fmt, template)
    return out if isinstance(out, bytes) else out.encode("utf-8")


def format_for(path: Path) -> str | None:
    """The format a file name asks for (referral.docx -> docx), or None."""
    suffix = path.suffix.lower()
    if suffix == ".markdown":
        return "md"
    if suffix == ".htm":
        return "html"
    return next((fmt for fmt, ext in FORMATS.items() if ext == suffix), None)


__all__ = [
    "FORMATS",
    "MEDIA_TYPES",
    "Form",
    "build_form",
    "choose_form",
    "format_for",
    "prefill",
    "render",
    "render_bytes",
]
