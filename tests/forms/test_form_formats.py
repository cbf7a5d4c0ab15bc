"""Every format carries every field: golden Markdown and text, HTML parsed, DOCX read back."""

from __future__ import annotations

import json
import os

import pytest

from assistant.core.case import parse_case
from assistant.forms import render
from tests.support.forms import GOLDEN
from tests.support.readback import HtmlForm, docx_all_text, docx_document, docx_rows

CASES = ["serious", "good-outcome", "unendorsed"]


@pytest.mark.parametrize("fmt", ["md", "txt"])
@pytest.mark.parametrize("name", CASES)
def test_golden(make_form, name, fmt):
    """Regenerate with UPDATE_GOLDEN=1 after a deliberate change, and read the diff."""
    out = render(make_form(name), fmt)
    golden = GOLDEN / f"{name}.{fmt}"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(out, encoding="utf-8")
    assert out == golden.read_text(encoding="utf-8")


def _simple_fields(form):
    for section in form.context["sections"]:
        for field in section["fields"]:
            if field["kind"] not in ("agencies", "processes"):
                yield section, field


@pytest.mark.parametrize("name", CASES)
def test_html_has_every_field(make_form, name):
    form = make_form(name)
    page = HtmlForm(render(form, "html"))
    words = form.context["words"]
    for section, field in _simple_fields(form):
        assert section["heading"] in page.text
        row = page.element_text(f"field-{field['name']}")
        assert row == field["label"] + (field["value"] or words["not_given"])
    agencies = page.element_text("field-agencies")
    for agency in form.referral.agencies:
        assert agency.name in page.cells and agency.involvement in page.cells
        assert agency.name in agencies
    for process in form.context["parallel_processes"]:
        assert process in page.element_text("field-parallel_processes")
    decision = form.context["decision"]
    assert decision["route_label"] in page.element_text("decision")
    for item in decision["timeline"]:
        assert item["label"] in page.cells and item["due"] in page.element_text("decision")
    for criterion in decision["criteria"]:
        assert criterion["label"] in page.cells
        assert "; ".join(criterion["sources"]) in page.cells
    for reason in decision["reasons"]:
        assert reason["source"] in page.element_text("decision")
    for answer in form.context["answers"]:
        assert answer["question"] in page.cells and answer["answer"] in page.cells
    assert form.pack.version in page.text and form.pack.meta.title in page.text
    assert form.context["date"] == page.element_text("date")
    assert form.context["destination"] in page.element_text("send")
    assert words["send_securely"] in page.element_text("send")
    if form.endorsed:
        assert "endorsement-warning" not in page.by_id
    else:
        assert page.element_text("endorsement-warning") == words["endorsement_missing"]
        for missing in form.missing:
            assert missing in page.element_text("still-to-complete")
    assert page.tags.count("html") == 1 and "style" in page.tags and "script" not in page.tags


@pytest.mark.parametrize("name", CASES)
def test_docx_has_every_field(make_form, name):
    form = make_form(name)
    data = render(form, "docx")
    rows = docx_rows(data)
    text = docx_all_text(data)
    for section, field in _simple_fields(form):
        assert section["heading"] in text
        assert [field["label"], field["value"]] in rows, field["name"]
    for agency in form.referral.agencies:
        assert [agency.name, agency.involvement, agency.contact or ""] in rows
    if not form.referral.agencies:
        assert [form.context["words"]["none_listed"], "", ""] in rows
    processes = (
        ", ".join(form.context["parallel_processes"]) or form.context["words"]["none_listed"]
    )
    assert ["Other processes", processes] in rows
    decision = form.context["decision"]
    assert any(
        r[0] == "Outcome" and r[1] == f"{decision['route_label']}\n{decision['route_text']}"
        for r in rows
    )
    for item in decision["timeline"]:
        assert [
            item["label"],
            item["who"],
            item["due"] + (f" ({item['note']})" if item["note"] else ""),
        ] in rows
    for criterion in decision["criteria"]:
        assert [criterion["label"], "; ".join(criterion["sources"])] in rows
    for reason in decision["reasons"]:
        assert any(r[0] == reason["rule"] and r[2] == reason["source"] for r in rows)
    for answer in form.context["answers"]:
        assert [answer["question"], answer["answer"]] in rows
    assert ["Date of referral", form.context["date"]] in rows
    document = docx_document(data)
    assert document.sections[0].header.paragraphs[0].text == form.context["words"]["marking"]
    assert form.context["destination"] in text and form.pack.version in text
    warning = form.context["words"]["endorsement_missing"]
    assert (warning in [p.text for p in document.paragraphs]) is (not form.endorsed)
    headings = [
        p.text for p in document.paragraphs if p.style.name.startswith(("Heading", "Title"))
    ]
    assert headings[0] == form.spec.title and len(headings) > len(form.spec.sections)
    assert "{{" not in text and "{%" not in text


def test_unborn_child_shows_expected_delivery_not_birth(make_form):
    form = make_form("unendorsed")
    rows = docx_rows(render(form, "docx"))
    labels = [r[0] for r in rows]
    assert "Expected date of delivery" in labels and "Date of birth" not in labels
    assert ["Age (from your answers)", "Unborn"] in rows
    born = make_form("serious")
    labels = [r[0] for r in docx_rows(render(born, "docx"))]
    assert "Date of birth" in labels and "Expected date of delivery" not in labels


@pytest.mark.parametrize("name", CASES)
def test_json_record_holds_case_decision_and_pack(make_form, name):
    form = make_form(name)
    record = json.loads(render(form, "json"))
    assert record["form"] == form.id and record["rules"]["version"] == "1.2.3"
    assert record["decision"]["route"] == form.decision.route and "trace" not in record["decision"]
    assert record["endorsed"] is form.endorsed and record["still_to_complete"] == form.missing
    case = parse_case(json.dumps(record["case"]), "record.json")  # the case is a valid case file
    assert case.referral == form.referral
    assert case.answered() == form.answers
