"""No internal names in any text a person reads: the outcome of every path lint walks, in every
front end's format (decide and plain text, the chat's Markdown, the saved Markdown, text and HTML)
and every form format, holds no snake_case id, no `reg11 a`-style name, no rule id and no raw
fact-base tag."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest

from assistant.conversation.outcome_text import outcome_markdown
from assistant.core import load_pack
from assistant.core.prompts import render
from assistant.forms import render as render_form
from assistant.forms.context import build_form
from assistant.forms.outcome import render_outcome
from assistant.lint.explore import explore
from tests.support.readback import HtmlForm

TODAY = dt.date(2026, 11, 27)

INTERNAL = [
    (re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b"), "a snake_case id"),
    (re.compile(r"\breg\d+(?:\s?[a-z])?\b"), "a reg11 a-style name"),
    (re.compile(r"\b(?:R|SP|M|SGOR|F)-[0-9A-Za-z]"), "a rule id"),
    (re.compile(r"\[C:|\[L/C|\[L:|\[DERIVED\]|\bDERIVED\b|UNCONFIRMED"), "a raw fact-base tag"),
    (re.compile(r"\bT\d+\b|\bWT20\d\d\b|\bS\d{1,2}\b"), "a fact-base abbreviation"),
    (re.compile(r"\b\w+ depends on\b|->"), "a trace line"),
]


def _internal_names(text: str) -> list[str]:
    text = text.replace("\\", "")  # Markdown escapes
    found = []
    for pattern, what in INTERNAL:
        for match in pattern.finditer(text):
            found.append(
                f"{what}: {match.group(0)!r} in ...{text[max(0, match.start() - 60) : match.end() + 20]!r}"
            )
    return found


def _docx_text(data: bytes) -> str:
    import docx

    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


@pytest.fixture(scope="module")
def walked():
    pack = load_pack()
    result = explore(pack, today=TODAY)
    assert result.samples, "the walk reached no outcome"
    return pack, result.samples


@pytest.mark.slow
def test_every_walked_outcome_reads_without_internal_names(walked):
    pack, samples = walked
    problems: list[str] = []
    for sample in samples:
        decision, facts = sample.decision, sample.answers
        texts = {
            "decide": render(pack, "decision.txt.j2", decision=decision, facts=facts),
            "chat": outcome_markdown(pack, decision, facts),
            "saved md": render_outcome(pack, decision, facts, "md"),
            "saved txt": render_outcome(pack, decision, facts, "txt"),
            "saved html": HtmlForm(render_outcome(pack, decision, facts, "html")).text,
        }
        for where, text in texts.items():
            problems += [f"{decision.route} ({where}): {p}" for p in _internal_names(text)]
    assert not problems, "\n".join(problems[:20])


@pytest.mark.slow
def test_every_walked_form_reads_without_internal_names(walked):
    pack, samples = walked
    problems: list[str] = []
    seen: set[tuple[str, ...]] = set()
    for sample in samples:
        decision, facts = sample.decision, sample.answers
        if decision.form is None:
            continue
        key = (
            decision.route,
            decision.form,
            *decision.signposts,
            *decision.reviews.criteria_met,
            *(f"{p.kind}.{p.id}" for p in decision.possible),
            *(n.id for n in decision.notifications),
        )
        if key in seen:
            continue
        seen.add(key)
        form = build_form(pack, decision, facts, None, today=dt.date(2026, 1, 3))
        texts = {
            "md": render_form(form, "md"),
            "txt": render_form(form, "txt"),
            "html": HtmlForm(render_form(form, "html")).text,
            "docx": _docx_text(render_form(form, "docx")),
        }
        for where, text in texts.items():
            problems += [f"{decision.route} form ({where}): {p}" for p in _internal_names(text)]
    assert seen, "no walked outcome calls for a form"
    assert not problems, "\n".join(problems[:20])


def test_the_trace_appendix_is_off_by_default(walked):
    pack, samples = walked
    sample = next(s for s in samples if s.decision.form)
    plain = render_form(build_form(pack, sample.decision, sample.answers), "txt")
    traced = render_form(build_form(pack, sample.decision, sample.answers, trace=True), "txt")
    assert "APPENDIX" not in plain
    assert "APPENDIX" in traced and len(traced) > len(plain)


def test_every_training_scenario_reads_without_internal_names(tmp_path):
    import yaml

    from assistant.core.case import load_case
    from assistant.core.engine import decide
    from assistant.core.pack import default_rules_dir

    pack = load_pack()
    problems: list[str] = []
    for path in sorted((default_rules_dir() / "scenarios").glob("*.yaml")):
        case_file = tmp_path / path.name
        case = yaml.safe_load(path.read_text(encoding="utf-8"))["case"]
        case_file.write_text(yaml.safe_dump(case), encoding="utf-8")
        facts = load_case(case_file).fact_values()
        decision = decide(pack, facts, today=TODAY)
        for fmt in ("txt", "md"):
            text = render_outcome(pack, decision, facts, fmt)
            problems += [f"{path.stem} ({fmt}): {p}" for p in _internal_names(text)]
    assert not problems, "\n".join(problems[:20])
