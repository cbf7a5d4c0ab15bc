"""A partnership's own Word form: the checker finds unknown tags and tags Word split across runs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import docx
import pytest

from assistant.core.errors import InputError
from assistant.core.paths import default_prompts_dir
from assistant.forms import render
from assistant.forms.docx import DOCX_TEMPLATES, check_template
from tests.support.forms import HOSTILE
from tests.support.readback import docx_all_text

SHIPPED = [default_prompts_dir() / "forms" / name for name in DOCX_TEMPLATES.values()]


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_shipped_templates_are_clean(pack, path):
    assert check_template(path, pack) == []


def own_form(tmp_path: Path, paragraphs: list[list[str]]) -> Path:
    """A Word document whose paragraphs are made of the given runs."""
    document = docx.Document()
    document.add_heading("Our own referral form", level=1)
    for runs in paragraphs:
        paragraph = document.add_paragraph()
        for text in runs:
            paragraph.add_run(text)
    path = tmp_path / "own.docx"
    document.save(str(path))
    return path


def test_a_partnership_template_with_good_tags_renders(pack, make_form, tmp_path):
    path = own_form(
        tmp_path,
        [
            ["Child: ", "{{ child.name }}", " born ", "{{ child.date_of_birth }}"],
            ["{%p for a in agencies %}"],
            ["{{ a.name }}", ": ", "{{ a.involvement }}"],
            ["{%p endfor %}"],
            ["{{ endorsement_warning }}"],
            ["Outcome: {{ decision.route_label }}; rules {{ pack.name }} {{ pack.version }}"],
        ],
    )
    assert check_template(path, pack) == []
    form = make_form("serious")
    text = docx_all_text(render(form, "docx", template=path))
    assert "Child: Baby R born 20 November 2025" in text
    assert "GP: new birth checks" in text and "Midwifery: antenatal care" in text
    assert "Outcome: Serious child safeguarding incident; rules formtest 1.2.3" in text


def test_unknown_tags_are_named(pack, tmp_path):
    path = own_form(
        tmp_path,
        [
            ["Child: {{ child.nmae }}"],
            ["{{ referer.name }}"],
            ["{%p for a in agencies %}"],
            ["{{ a.title }}"],
            ["{%p endfor %}"],
            ["{{ child.name }}"],
        ],
    )
    problems = check_template(path, pack)
    assert [p.kind for p in problems] == ["unknown", "unknown", "unknown"]
    messages = " | ".join(str(p) for p in problems)
    assert "'child.nmae'" in messages and "'referer'" in messages and "'a.title'" in messages
    assert 'paragraph "Child: {{ child.nmae }}"' in messages


def test_tags_split_across_runs_are_found(pack, tmp_path):
    path = own_form(
        tmp_path,
        [
            ["Child: ", "{{ child.", "name }}"],
            ["{", "{ child.gender }}"],
            ["{%p if ", "missing %}"],
            ["{%p endif %}"],
            ["{{ child.ethnicity }}"],
        ],
    )
    problems = check_template(path, pack)
    split = [p for p in problems if p.kind == "split"]
    assert len(split) == 3
    assert "{{ child.name }} is split across 2 runs" in str(split[0])
    assert "{{ child.gender }}" in str(split[1])


def test_unclosed_tag_and_bad_syntax(pack, tmp_path):
    path = own_form(tmp_path, [["Name: {{ child.name"], ["}} later"], ["{% if %}"]])
    kinds = {p.kind for p in check_template(path, pack)}
    assert "unclosed" in kinds and "syntax" in kinds


def test_not_a_word_document(pack, tmp_path):
    path = tmp_path / "form.docx"
    path.write_text("not a zip")
    with pytest.raises(InputError, match="not a Word document"):
        check_template(path, pack)


def test_rendering_with_an_unknown_tag_is_a_clear_error(pack, make_form, tmp_path):
    path = own_form(tmp_path, [["{{ child.nmae }}"]])
    with pytest.raises(InputError, match="check-template"):
        render(make_form("serious"), "docx", template=path)


def test_hostile_text_in_a_partnership_template(pack, make_form, tmp_path):
    path = own_form(tmp_path, [["Reasons: ", "{{ reasons }}"]])
    form = make_form("serious")
    form.context["reasons"] = HOSTILE
    paragraphs = [
        p.text
        for p in docx.Document(
            __import__("io").BytesIO(render(form, "docx", template=path))
        ).paragraphs
    ]
    assert "Reasons: " + HOSTILE in paragraphs


def test_build_script_reproduces_the_shipped_templates(tmp_path):
    """The committed templates are what scripts/build_docx_template.py makes from forms.yaml."""
    script = Path(__file__).resolve().parents[2] / "scripts" / "build_docx_template.py"
    subprocess.run(
        [sys.executable, str(script), "--out", str(tmp_path)], check=True, capture_output=True
    )
    for name in DOCX_TEMPLATES.values():
        built = docx.Document(str(tmp_path / name))
        shipped = docx.Document(str(default_prompts_dir() / "forms" / name))
        assert [p.text for p in built.paragraphs] == [p.text for p in shipped.paragraphs]
        assert [[c.text for c in r.cells] for t in built.tables for r in t.rows] == [
            [c.text for c in r.cells] for t in shipped.tables for r in t.rows
        ]


DOCUMENTED = [
    "title",
    "intro",
    "form_id",
    "date",
    "date_iso",
    "pack.name",
    "pack.title",
    "pack.version",
    "pack.area",
    "destination",
    "endorsed",
    "endorsement_warning",
    "unborn",
    "age",
    "words.marking",
    "words.send_securely",
    "words.not_given",
    "referrer.name",
    "referrer.role",
    "referrer.agency",
    "referrer.email",
    "referrer.phone",
    "endorsed_by.name",
    "endorsed_by.role",
    "endorsed_by.agency",
    "child.name",
    "child.date_of_birth",
    "child.expected_due_date",
    "child.gender",
    "child.ethnicity",
    "child.disability",
    "child.address_area",
    "child.legal_status",
    "incident.date",
    "incident.aware_date",
    "incident.description",
    "reasons",
    "good_outcome.starting_situation",
    "good_outcome.what_was_done",
    "good_outcome.outcome",
    "good_outcome.evidence",
    "good_outcome.why_multi_agency",
    "good_outcome.learning",
    "good_outcome.child_voice",
    "decision.route",
    "decision.route_label",
    "decision.route_text",
    "decision.certain",
    "decision.statutory",
    "decision.lcspr",
    "decision.national_review",
    "decision.rules.name",
    "decision.rules.version",
    "decision.rules.in_force_on",
    "decision.send_to",
    "appendix",
]
DOCUMENTED_LOOPS = {
    "missing": ["m"],
    "agencies": ["a.name", "a.involvement"],
    "parallel_processes": ["m"],
    "decision.missing": ["m"],
    "decision.criteria": ["a.label", "a.id", 'a.sources | join("; ")'],
    "decision.local_options": ["a.label", "a.text"],
    "decision.timeline": ["a.label", "a.who", "a.due", "a.due_iso", "a.note"],
    "decision.signposts": ["a.label", "a.text"],
    "decision.reasons": ["a.rule", "a.title", "a.text", "a.source", "a.note"],
    "decision.trace": ["a.rule", "a.title", "a.text", "a.source", "a.note"],
    "answers": ["a.question", "a.answer", "a.fact"],
}


def test_every_documented_tag_is_known(pack, tmp_path):
    """docs/word-template.md and the checker agree."""
    docs = (Path(__file__).resolve().parents[2] / "docs" / "word-template.md").read_text(
        encoding="utf-8"
    )
    paragraphs = [["{{ " + tag + " }}"] for tag in DOCUMENTED]
    for items, fields in DOCUMENTED_LOOPS.items():
        assert f"`{items}`" in docs or f"`{items.split('.')[-1]}`" in docs or items in docs
        loop = "m" if fields == ["m"] or fields == ["p"] else "a"
        paragraphs += [
            ["{%p for " + loop + " in " + items + " %}"],
            ["{{ " + " }} {{ ".join(fields) + " }}"],
            ["{%p endfor %}"],
        ]
    path = own_form(tmp_path, paragraphs)
    assert check_template(path, pack) == []


def test_a_pack_can_ship_its_own_word_form(tmp_path):
    import shutil

    from assistant.core import load_pack
    from assistant.core.case import load_case
    from assistant.core.engine import decide
    from assistant.forms import build_form
    from tests.support.forms import CASES, PACK_DIR

    own = tmp_path / "pack"
    shutil.copytree(PACK_DIR, own)
    (own / "prompts" / "forms").mkdir(parents=True)
    template = own_form(tmp_path, [["TESTSHIRE FORM for ", "{{ child.name }}"]])
    shutil.copy(template, own / "prompts" / "forms" / "referral.docx")
    pack = load_pack(own)
    case = load_case(CASES / "serious.yaml")
    form = build_form(pack, decide(pack, case.fact_values()), case.answered(), case.referral)
    assert "TESTSHIRE FORM for Baby R" in docx_all_text(render(form, "docx"))
    good = form.decision.model_copy(update={"form": "seriously_good_outcome_referral"})
    other = build_form(pack, good, case.answered(), case.referral)
    assert "TESTSHIRE FORM" not in docx_all_text(render(other, "docx"))  # the shipped one
