"""Build the Word templates for the referral forms from forms.yaml.

    python scripts/build_docx_template.py [--forms FORMS.yaml] [--out DIR]

Writes referral.docx (practice review referral) and good-outcome.docx (seriously good outcome
referral) into prompts/forms/ (beside forms.yaml), or into DIR. Needs python-docx (the test extra). Headings and labels are copied from forms.yaml, so
run this again after rewording them. Everything that varies per case is a docxtpl tag (see
docs/word-template.md), and every tag is written in a single run so Word cannot split it.
A partnership with its own Word form adds the same tags to it instead of using these.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

ROOT = Path(__file__).resolve().parent.parent  # the repository
FORMS = ROOT / "prompts" / "forms"
sys.path.insert(0, str(ROOT))  # run from a checkout: the assistant package beside scripts/

from assistant.forms.form_words import FormField, FormSpec, FormWords  # noqa: E402

OUTPUTS = {
    "practice_review_referral": "referral.docx",
    "seriously_good_outcome_referral": "good-outcome.docx",
}
APPENDIX_HEADING = "Appendix: every rule that applies or may apply, and its sources"
LABEL_SHADE = "E7E6E6"
HEAD_SHADE = "D0CECE"


def _shade(cell: Any, fill: str) -> None:
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shd)


def _border_box(paragraph: Any, size: int = 18) -> None:
    """A thick box round a paragraph: warnings must not depend on colour alone."""
    ppr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    for side in ("top", "left", "bottom", "right"):
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:val"), "single")
        edge.set(qn("w:sz"), str(size))
        edge.set(qn("w:space"), "4")
        edge.set(qn("w:color"), "000000")
        borders.append(edge)
    ppr.append(borders)


def _field(paragraph: Any, instruction: str) -> None:
    """A Word field (PAGE, NUMPAGES) in its own run."""
    run = paragraph.add_run()
    simple = OxmlElement("w:fldSimple")
    simple.set(qn("w:instr"), instruction)
    inner = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    inner.append(text)
    simple.append(inner)
    run._r.addnext(simple)


def _tag_paragraph(doc: Any, tag: str) -> None:
    """A paragraph holding only a docxtpl paragraph tag such as {%p if ... %}."""
    doc.add_paragraph().add_run(tag)


def _bullets(doc: Any, loop: str, item: str) -> None:
    """One bullet per item: `loop` is the for tag's body ("s in decision.signposts"), `item` the
    bullet's words."""
    _tag_paragraph(doc, "{%p for " + loop + " %}")
    doc.add_paragraph(item, style="List Bullet")
    _tag_paragraph(doc, "{%p endfor %}")


def _label_cell(cell: Any, text: str) -> None:
    cell.text = ""
    run = cell.paragraphs[0].add_run(text)
    run.bold = True
    _shade(cell, LABEL_SHADE)


def _value_cell(cell: Any, tag: str) -> None:
    cell.text = ""
    cell.paragraphs[0].add_run(tag)


def _table(doc: Any, cols: int, widths: list[float]) -> Any:
    table = doc.add_table(rows=0, cols=cols)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Cm(width)
    return table


def _row(table: Any, *cells: str, label_first: bool = True, header: bool = False) -> Any:
    row = table.add_row()
    for i, (cell, text) in enumerate(zip(row.cells, cells, strict=True)):
        if header:
            _label_cell(cell, text)
            _shade(cell, HEAD_SHADE)
        elif label_first and i == 0:
            _label_cell(cell, text)
        else:
            _value_cell(cell, text)
    return row


def _tag_row(table: Any, tag: str) -> None:
    """A row holding only a docxtpl row tag such as {%tr for a in agencies %}."""
    row = table.add_row()
    row.cells[0].text = tag


def _heading(doc: Any, text: str, level: int = 1) -> None:
    paragraph = doc.add_heading(text, level=level)
    for run in paragraph.runs:
        run.font.color.rgb = RGBColor(0, 0, 0)


def _fields_table(doc: Any, fields: list[FormField], words: FormWords) -> None:
    simple = [f for f in fields if f.kind not in ("agencies", "processes")]
    if not simple:
        return
    table = _table(doc, 2, [6.0, 11.0])
    for f in simple:
        tag = "{{ " + f.name + " }}"
        if f.when == "born":
            _tag_row(table, "{%tr if not unborn or " + f.name + " %}")
        elif f.when == "unborn":
            _tag_row(table, "{%tr if unborn or " + f.name + " %}")
        _row(table, f.label, tag)
        if f.when:
            _tag_row(table, "{%tr endif %}")
        if f.name == "child.name":
            _tag_row(table, "{%tr if age %}")
            _row(table, words.word("age_label"), "{{ age }}")
            _tag_row(table, "{%tr endif %}")


def _special_fields(doc: Any, fields: list[FormField], words: FormWords) -> None:
    for f in fields:
        if f.kind == "agencies":
            table = _table(doc, 3, [5.0, 7.5, 4.5])
            _row(
                table,
                words.word("agency_name"),
                words.word("agency_involvement"),
                words.word("agency_contact"),
                header=True,
            )
            _tag_row(table, "{%tr for agency in agencies %}")
            _row(
                table,
                "{{ agency.name }}",
                "{{ agency.involvement }}",
                "{{ agency.contact }}",
                label_first=False,
            )
            _tag_row(table, "{%tr endfor %}")
            _tag_row(table, "{%tr if not agencies %}")
            _row(table, "{{ words.none_listed }}", "", "", label_first=False)
            _tag_row(table, "{%tr endif %}")
        elif f.kind == "processes":
            table = _table(doc, 2, [6.0, 11.0])
            _row(table, f.label, '{{ parallel_processes | join(", ") or words.none_listed }}')


def build(form_id: str, spec: FormSpec, words: FormWords, out: Path) -> None:
    doc = Document()
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.left_margin = section.right_margin = Cm(2.0)
    section.top_margin = section.bottom_margin = Cm(1.8)
    normal = doc.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(11)
    for name in ("Title", "Heading 1", "Heading 2"):
        doc.styles[name].font.name = "Arial"

    header = section.header.paragraphs[0]
    header.alignment = WD_ALIGN_PARAGRAPH.CENTER
    header.add_run("{{ words.marking }}").bold = True
    footer = section.footer.paragraphs[0]
    footer.add_run("{{ title }}: {{ date }}. Page ")
    _field(footer, "PAGE")
    footer.add_run(" of ")
    _field(footer, "NUMPAGES")

    title = doc.add_heading(spec.title, level=0)
    for run in title.runs:
        run.font.color.rgb = RGBColor(0, 0, 0)
    doc.add_paragraph().add_run("{{ pack.title }}")
    table = _table(doc, 2, [6.0, 11.0])
    _row(table, words.word("date_label"), "{{ date }}")
    doc.add_paragraph(spec.intro)

    _tag_paragraph(doc, "{%p if endorsement_warning %}")
    warning = doc.add_paragraph()
    warning.add_run("{{ endorsement_warning }}").bold = True
    _border_box(warning)
    _tag_paragraph(doc, "{%p endif %}")

    _tag_paragraph(doc, "{%p if missing %}")
    doc.add_paragraph().add_run(words.word("still_to_complete") + ":").bold = True
    _bullets(doc, "item in missing", "{{ item }}")
    _tag_paragraph(doc, "{%p endif %}")

    for number, sec in enumerate(spec.sections, start=1):
        _heading(doc, f"{number}. {sec.heading}")
        if sec.note:
            doc.add_paragraph().add_run(sec.note).italic = True
        _fields_table(doc, sec.fields, words)
        _special_fields(doc, sec.fields, words)

    number = len(spec.sections) + 1
    _heading(doc, f"{number}. {words.word('decision_heading')}")
    table = _table(doc, 2, [6.0, 11.0])
    row = _row(table, words.word("route_label"), "{{ decision.route_label }}")
    row.cells[1].paragraphs[0].runs[0].bold = True
    row.cells[1].add_paragraph().add_run("{{ decision.route_text }}")
    _tag_paragraph(doc, "{%p if not decision.certain %}")
    doc.add_paragraph().add_run(words.word("uncertain"))
    _bullets(doc, "fact in decision.missing", "{{ fact }}")
    _tag_paragraph(doc, "{%p endif %}")

    _tag_paragraph(doc, "{%p if decision.criteria %}")
    _heading(doc, words.word("criteria_heading"), level=2)
    table = _table(doc, 2, [8.5, 8.5])
    _row(table, words.word("criteria_heading"), words.word("criterion_sources"), header=True)
    _tag_row(table, "{%tr for c in decision.criteria %}")
    _row(table, "{{ c.label }}", '{{ c.sources | join("; ") }}', label_first=False)
    _tag_row(table, "{%tr endfor %}")
    _tag_paragraph(doc, "{%p endif %}")

    _heading(doc, words.word("reviews_heading"), level=2)
    table = _table(doc, 2, [6.0, 11.0])
    _row(table, words.word("statutory_label"), "{{ decision.statutory }}")
    _row(table, words.word("lcspr_label"), "{{ decision.lcspr }}")
    _row(table, words.word("national_label"), "{{ decision.national_review }}")
    _tag_paragraph(doc, "{%p if decision.local_options %}")
    doc.add_paragraph().add_run(words.word("local_options_heading") + ":").bold = True
    _bullets(doc, "o in decision.local_options", "{{ o.label }}: {{ o.text }}")
    _tag_paragraph(doc, "{%p endif %}")

    _tag_paragraph(doc, "{%p if decision.timeline %}")
    _heading(doc, words.word("deadlines_heading"), level=2)
    table = _table(doc, 3, [7.0, 6.0, 4.0])
    _row(
        table,
        words.word("deadlines_heading"),
        words.word("who_label"),
        words.word("due_label"),
        header=True,
    )
    _tag_row(table, "{%tr for t in decision.timeline %}")
    _row(
        table,
        "{{ t.label }}",
        "{{ t.who }}",
        "{{ t.due }}{% if t.note %} ({{ t.note }}){% endif %}",
        label_first=False,
    )
    _tag_row(table, "{%tr endfor %}")
    _tag_paragraph(doc, "{%p endif %}")

    _tag_paragraph(doc, "{%p if decision.signposts %}")
    _heading(doc, words.word("signposts_heading"), level=2)
    _bullets(doc, "s in decision.signposts", "{{ s.label }}: {{ s.text }}")
    _tag_paragraph(doc, "{%p endif %}")

    _heading(doc, words.word("reasons_heading"), level=2)
    table = _table(doc, 3, [2.5, 9.5, 5.0])
    _row(
        table,
        words.word("rule_label"),
        words.word("reasons_heading"),
        words.word("criterion_sources"),
        header=True,
    )
    _tag_row(table, "{%tr for r in decision.reasons %}")
    _row(
        table,
        "{{ r.rule }}",
        "{{ r.text }}{% if r.note %} ({{ r.note }}){% endif %}",
        "{{ r.source }}",
        label_first=False,
    )
    _tag_row(table, "{%tr endfor %}")

    _heading(doc, f"{number + 1}. {words.word('answers_heading')}")
    table = _table(doc, 2, [11.0, 6.0])
    _row(table, words.word("question_label"), words.word("answer_label"), header=True)
    _tag_row(table, "{%tr for a in answers %}")
    _row(table, "{{ a.question }}", "{{ a.answer }}", label_first=False)
    _tag_row(table, "{%tr endfor %}")

    _heading(doc, f"{number + 2}. {words.word('send_heading')}")
    _tag_paragraph(doc, "{%p if destination %}")
    doc.add_paragraph().add_run("{{ destination }}")
    _tag_paragraph(doc, "{%p endif %}")
    _tag_paragraph(doc, "{%p if referral_address %}")
    address = doc.add_paragraph()
    address.add_run(words.word("address_label") + ": ").bold = True
    address.add_run("{{ referral_address }}")
    _tag_paragraph(doc, "{%p endif %}")
    send = doc.add_paragraph()
    send.add_run("{{ words.send_securely }}").bold = True
    _border_box(send, size=8)

    # the rule trace, only when asked for (`form --trace`): every rule that applies or may apply
    _tag_paragraph(doc, "{%p if appendix %}")
    _heading(doc, words.word("appendix_heading") or APPENDIX_HEADING)
    table = _table(doc, 3, [4.0, 8.0, 5.0])
    _row(
        table,
        words.word("rule_label"),
        words.word("reasons_heading"),
        words.word("criterion_sources"),
        header=True,
    )
    _tag_row(table, "{%tr for r in decision.trace %}")
    _row(
        table,
        "{{ r.rule }}",
        "{{ r.text }}{% if r.note %} ({{ r.note }}){% endif %}",
        "{{ r.source }}",
        label_first=False,
    )
    _tag_row(table, "{%tr endfor %}")
    _tag_paragraph(doc, "{%p endif %}")

    closing = doc.add_paragraph()
    closing.add_run("{{ words.prepared_with }}").italic = True
    doc.add_paragraph().add_run(
        "{{ words.rules_label }}: {{ pack.title }}, {{ words.version_label }} {{ pack.version }}, "
        "{{ words.in_force_label }} {{ decision.rules.in_force_on }}."
    )

    props = doc.core_properties
    props.title = spec.title
    props.author = ""
    props.comments = "Template for the practice review assistant (docs/word-template.md)."
    doc.save(str(out))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--forms", type=Path, default=FORMS / "forms.yaml", help="forms.yaml to read"
    )
    parser.add_argument(
        "--out", type=Path, default=FORMS, help="folder to write the templates into"
    )
    args = parser.parse_args(argv)
    from assistant.core.yamlload import load_yaml_file

    words = FormWords.model_validate(load_yaml_file(args.forms))
    args.out.mkdir(parents=True, exist_ok=True)
    for form_id, name in OUTPUTS.items():
        build(form_id, words.forms[form_id], words, args.out / name)
        print(f"wrote {args.out / name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
