"""Word forms: render a docxtpl template, and check a partnership's own template.

docxtpl is imported only here, inside the functions, so no other format pays for it.

Free text goes into the Word XML through `finalize`: XML-escaped, carriage returns turned into
newlines (docxtpl writes each newline as a line break and each tab as a tab), characters XML
cannot hold replaced by U+FFFD, and an underscore next to a brace or percent sign written as a
character reference, because docxtpl turns `{_{` into `{{` after rendering.
"""

from __future__ import annotations

import datetime as dt
import difflib
import io
import re
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import TemplateSyntaxError, nodes
from markupsafe import Markup, escape

from assistant.core.case import Agency, Referral
from assistant.core.engine import Deadline, Decision, Notification, Reason, Reviews, RulesInfo
from assistant.core.errors import InputError
from assistant.core.pack import Pack
from assistant.core.paths import default_prompts_dir
from assistant.core.prompts import TemplateRefused, sandboxed_environment, unsafe_uses
from assistant.forms.context import Form, build_form, show_date

DOCX_TEMPLATES = {
    "practice_review_referral": "referral.docx",
    "seriously_good_outcome_referral": "good-outcome.docx",
}

_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_DOCXTPL_UNDERSCORE = re.compile(r"(?<=[{}%])_|_(?=[{}%])")


def docx_template_path(pack: Pack, form_id: str) -> Path:
    """The pack's own prompts/forms/<name>.docx if it has one, else the shipped template."""
    name = DOCX_TEMPLATES[form_id]
    if pack.prompts_dir is not None:
        own = pack.prompts_dir / "forms" / name
        if own.is_file():
            return own
    return default_prompts_dir() / "forms" / name


def docx_text(value: Any) -> Any:
    """A value as text that is safe inside a Word XML run (returns markupsafe.Markup)."""

    if value is None:
        return Markup("")
    if isinstance(value, dt.date):
        value = show_date(value)
    text = str(value) if isinstance(value, Markup) else str(escape(str(value)))
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _XML_FORBIDDEN.sub("\ufffd", text)
    return Markup(_DOCXTPL_UNDERSCORE.sub("&#95;", text))


@lru_cache(maxsize=1)
def _environment() -> Any:
    """One environment for every Word render; it keeps the templates it has compiled.

    docxtpl compiles the document's XML with `from_string` on every render; the XML of a given
    template is the same each time, so the compiled template is reused (about half the time).
    It is the templates' sandbox (assistant.core.prompts): a crafted document cannot run code.
    """

    from assistant.core.prompts import sandbox_class

    class CachingEnvironment(sandbox_class()):  # type: ignore[misc]
        compiled: dict[str, Any]

        def from_string(self, source: Any, globals: Any = None, template_class: Any = None) -> Any:  # noqa: A002
            if globals is not None or template_class is not None or not isinstance(source, str):
                return super().from_string(source, globals, template_class)
            found = self.compiled.get(source)
            if found is None:
                if len(self.compiled) > 64:
                    self.compiled.clear()
                found = self.compiled[source] = super().from_string(source)
            return found

    env = CachingEnvironment(autoescape=True, finalize=docx_text, undefined=jinja2.StrictUndefined)
    env.compiled = {}
    return env


def render_docx(form: Form, template: Path | None = None) -> bytes:
    """The form as a Word document (bytes), from `template` or the pack's template for the form."""
    from docxtpl import DocxTemplate  # lazy: python-docx and lxml load only to write Word

    path = Path(template) if template else docx_template_path(form.pack, form.id)
    if not path.is_file():
        raise InputError(f"{path}: no such Word template")
    try:
        document = DocxTemplate(str(path))
        document.render(form.context, jinja_env=_environment(), autoescape=True)
        out = io.BytesIO()
        document.save(out)
    except TemplateRefused as exc:
        raise TemplateRefused(str(path), None, exc.what) from None
    except jinja2.UndefinedError as exc:
        raise InputError(
            f"{path}: the template uses a tag this form does not have ({exc.message}); "
            f"run `review-assistant form --check-template {path}` to list every problem"
        ) from None
    except jinja2.TemplateSyntaxError as exc:
        raise InputError(
            f"{path}: a template tag is not written correctly ({exc.message}); "
            f"run `review-assistant form --check-template {path}`"
        ) from None
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise InputError(f"{path}: not a Word document (.docx) that can be read ({exc})") from None
    return out.getvalue()


# --- checking a partnership's own template --------------------------------------------------


@dataclass
class TemplateProblem:
    kind: str  # "unknown", "split", "unclosed", "syntax", "unsafe"
    part: str  # document, header1, footer1 ...
    text: str  # the paragraph's text, shortened
    message: str

    def __str__(self) -> str:
        return f'{self.part}, paragraph "{self.text}": {self.message}'


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)
_OPEN = re.compile(r"\{\{|\{%|\{#")


def _short(text: str, limit: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _xml_parts(path: Path) -> list[tuple[str, bytes]]:
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            wanted = ["word/document.xml"] + sorted(
                n for n in names if re.fullmatch(r"word/(header|footer)\d*\.xml", n)
            )
            return [(Path(n).stem, archive.read(n)) for n in wanted if n in names]
    except (zipfile.BadZipFile, OSError) as exc:
        raise InputError(f"{path}: not a Word document (.docx) that can be read ({exc})") from None


def split_tags(path: Path) -> list[TemplateProblem]:
    """Tags that Word split across several runs, and tags not closed in their paragraph."""
    from lxml import etree  # lazy: only a Word template's check reads its XML

    problems: list[TemplateProblem] = []
    for part, xml in _xml_parts(path):
        root = etree.fromstring(xml)
        for paragraph in root.iter(f"{_W}p"):
            pieces: list[tuple[int, str]] = []  # (run number, text)
            for number, run in enumerate(paragraph.iter(f"{_W}r")):
                for t in run.iter(f"{_W}t"):
                    pieces.append((number, t.text or ""))
            text = "".join(p[1] for p in pieces)
            if "{" not in text:
                continue
            starts, position = [], 0
            for run_number, piece in pieces:
                starts.append((position, position + len(piece), run_number))
                position += len(piece)
            covered = 0
            for match in _TAG.finditer(text):
                covered = match.end()
                runs = {r for s, e, r in starts if s < match.end() and e > match.start()}
                if len(runs) > 1:
                    problems.append(
                        TemplateProblem(
                            "split",
                            part,
                            _short(text),
                            f"the tag {_short(match.group(0), 50)} is split across {len(runs)} runs "
                            "(Word does this after edits or spell-checks); select the tag, delete it "
                            "and type it again in one go, or paste it as plain text",
                        )
                    )
            rest = text[covered:]
            opened = _OPEN.search(rest)
            if opened and not _TAG.search(rest[opened.start() :]):
                problems.append(
                    TemplateProblem(
                        "unclosed",
                        part,
                        _short(text),
                        f"a tag starts with {opened.group(0)} but does not end in the same paragraph",
                    )
                )
    return problems


class _Any:
    """Anything: a value the checker cannot know (a loop counter, a filter's result)."""


ANY = _Any()


def _sample_schema(pack: Pack) -> dict[str, Any]:
    """Every name a template may use, from a form built with one of everything."""

    referral = Referral(
        agencies=[Agency(name="a", involvement="b")], parallel_processes=["inquest"]
    )
    decision = Decision(
        rules=RulesInfo(name=pack.name, version=pack.version, in_force_on=dt.date(2026, 1, 1)),
        route="practice_review_referral",
        certain=False,
        missing=["harm"],
        notifications=[Notification(id="panel_notification", who="w")],
        reviews=Reviews(criteria_met=["reg11_c"], local_options=["case_discussion"]),
        signposts=["dhr"],
        form="practice_review_referral",
        deadlines=[Deadline(id="rapid_review")],
        reasons=[Reason(rule="R", text="t", source="s", status="confirmed")],
    )
    context = build_form(
        pack, decision, {"harm": "died"}, referral, today=dt.date(2026, 1, 1)
    ).context
    context["missing"] = ["m"]
    return context


def _unknown_names(source: str, schema: dict[str, Any]) -> list[tuple[int, str]]:
    """(line, name) for every variable or attribute the template uses that the form lacks."""

    tree = sandboxed_environment().parse(source)
    found: list[tuple[int, str]] = []

    def element(value: Any) -> Any:
        if isinstance(value, list) and value:
            return value[0]
        return ANY

    def resolve(node: Any, scope: dict[str, Any]) -> tuple[Any, str]:
        if isinstance(node, nodes.Name):
            if node.name in scope:
                return scope[node.name], node.name
            found.append((node.lineno, node.name))
            return ANY, node.name
        if isinstance(node, nodes.Getattr | nodes.Getitem):
            base, path = resolve(node.node, scope)
            key = node.attr if isinstance(node, nodes.Getattr) else getattr(node.arg, "value", None)
            if isinstance(node, nodes.Getitem) and not isinstance(node.arg, nodes.Const):
                visit(node.arg, scope)
                return ANY, path
            if isinstance(base, dict):
                if key in base:
                    return base[key], f"{path}.{key}"
                found.append((node.lineno, f"{path}.{key}"))
                return ANY, f"{path}.{key}"
            if isinstance(base, list) and isinstance(key, int):
                return element(base), f"{path}[{key}]"
            return ANY, f"{path}.{key}"
        visit(node, scope)
        return ANY, "?"

    def bind(target: Any, value: Any, scope: dict[str, Any]) -> None:
        if isinstance(target, nodes.Name):
            scope[target.name] = value
        elif isinstance(target, nodes.Tuple):
            for item in target.items:
                bind(item, ANY, scope)

    def visit(node: Any, scope: dict[str, Any]) -> None:
        if isinstance(node, nodes.For):
            items, _ = resolve(node.iter, scope)
            inner = dict(scope)
            bind(node.target, element(items), inner)
            inner["loop"] = ANY
            for child in node.body:
                visit(child, inner)
            if node.test is not None:
                visit(node.test, inner)
            for child in node.else_:
                visit(child, scope)
            return
        if isinstance(node, nodes.Assign):
            visit(node.node, scope)
            bind(node.target, ANY, scope)
            return
        if (
            isinstance(node, nodes.Name | nodes.Getattr | nodes.Getitem)
            and getattr(node, "ctx", "load") == "load"
        ):
            resolve(node, scope)
            return
        for child in node.iter_child_nodes():
            visit(child, scope)

    seen: set[tuple[int, str]] = set()
    visit(tree, dict(schema))
    out = []
    for item in found:
        if item not in seen:
            seen.add(item)
            out.append(item)
    return out


def _suggest(name: str, schema: dict[str, Any]) -> str | None:
    """The nearest known name for a misspelt one: chid.name -> child.name."""

    node: Any = schema
    known: list[str] = []
    for part in name.split("."):
        if not isinstance(node, dict):
            return None
        if part in node:
            known.append(part)
            node = node[part]
            continue
        close = difflib.get_close_matches(part, [str(k) for k in node], n=1)
        if not close:
            return None
        known.append(close[0])
        node = node[close[0]]
    return ".".join(known) if ".".join(known) != name else None


def check_template(path: Path | str, pack: Pack) -> list[TemplateProblem]:
    """Every problem in a Word template: unknown tags, tags split across runs, bad syntax."""
    from docxtpl import DocxTemplate  # lazy: python-docx and lxml load only to read Word

    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    problems = split_tags(path)
    schema = _sample_schema(pack)
    helper = DocxTemplate(str(path))
    for part, xml in _xml_parts(path):
        source = helper.patch_xml(xml.decode("utf-8"))
        source = re.sub(r"<w:p([ >])", r"\n<w:p\1", source)
        lines = source.split("\n")

        def text_at(line: int, lines: list[str] = lines) -> str:
            return _short(re.sub(r"<[^>]+>", "", lines[line - 1])) if 0 < line <= len(lines) else ""

        try:
            unknown = _unknown_names(source, schema)
        except TemplateSyntaxError as exc:
            problems.append(
                TemplateProblem(
                    "syntax", part, text_at(exc.lineno), f"the tag is not valid: {exc.message}"
                )
            )
            continue
        for line, name in unsafe_uses(sandboxed_environment().parse(source)):
            problems.append(
                TemplateProblem(
                    "unsafe",
                    part,
                    text_at(line),
                    f"the tag reads '{name}', which no template may use (it reaches Python's "
                    "internals, not the form); the document would be refused: delete the tag",
                )
            )
        for line, name in unknown:
            hint = _suggest(name, schema)
            problems.append(
                TemplateProblem(
                    "unknown",
                    part,
                    text_at(line),
                    f"unknown tag '{name}': the form has no such field"
                    + (
                        f" (did you mean '{hint}'?)"
                        if hint
                        else " (docs/word-template.md lists them)"
                    ),
                )
            )
    return problems
