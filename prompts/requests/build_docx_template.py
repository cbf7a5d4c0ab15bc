"""Build the Word template for requests to agencies (agency-request.docx).

    /work/venv/bin/python prompts/requests/build_docx_template.py [--out DIR]

Writes agency-request.docx beside this script, or into DIR. Everything that varies per request
is a docxtpl tag (docs/coordinators.md lists them), each written in a single run so Word cannot
split it. A partnership with its own Word letter adds the same tags to it and passes it to
`review-assistant requests --template`. Run this again after changing the words below.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt, RGBColor

HERE = Path(__file__).resolve().parent
COLUMNS = ("Date", "Source", "Event", "Action taken", "Outcome")
BLANK_ROWS = 8


def _line(doc: Any, *parts: tuple[str, bool], style: str | None = None) -> Any:
    """A paragraph of runs (text, bold); a tag is always one whole run."""
    paragraph = doc.add_paragraph(style=style)
    for text, bold in parts:
        paragraph.add_run(text).bold = bold
    return paragraph


def _heading(doc: Any, text: str, level: int = 1) -> None:
    heading = doc.add_heading(text, level=level)
    for run in heading.runs:
        run.font.color.rgb = RGBColor(0, 0, 0)
        run.font.name = "Arial"


def build(out: Path) -> Path:
    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(11)
    for section in doc.sections:
        section.left_margin = section.right_margin = Cm(2)

    marking = _line(doc, ("OFFICIAL-SENSITIVE: send and keep securely", True))
    marking.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _heading(doc, "Request for information: agency summary and chronology", 0)
    _line(doc, ("{{ partnership }}", False))
    _line(doc, ("To: ", True), ("{{ agency }}", False))
    _line(doc, ("Date of request: ", True), ("{{ request_date }}", False))
    _line(
        doc,
        ("Request ", True),
        ("{{ number }}", True),
        (" of ", True),
        ("{{ total }}", True),
        (" (one to each agency involved)", False),
    )

    _heading(doc, "The case", 1)
    _line(
        doc,
        ("Child's initials: ", True),
        ('{{ reference.initials or "not given" }}', False),
        style="List Bullet",
    )
    _line(
        doc,
        ("Date of birth (or expected date of birth): ", True),
        (
            '{{ reference.date_of_birth or reference.expected_due_date or "not given" }}',
            False,
        ),
        style="List Bullet",
    )
    _line(
        doc,
        ("Date of the incident: ", True),
        ('{{ reference.incident_date or "not given" }}', False),
        style="List Bullet",
    )
    _line(
        doc,
        ("Date the partnership became aware: ", True),
        ('{{ reference.aware_date or "not given" }}', False),
        style="List Bullet",
    )
    _line(
        doc,
        (
            "Please identify the child from your own records. Reply using these details only: "
            "no more personal information than the review needs.",
            False,
        ),
    )

    _heading(doc, "What we ask", 1)
    _line(
        doc,
        ("The safeguarding partners are considering this case for a practice review. ", False),
        ("Please send:", False),
    )
    _line(
        doc,
        ("A summary of your agency's involvement", True),
        (
            " with the child and family: who was involved, in what role, what your agency knew "
            "and did, and anything you think others should learn from.",
            False,
        ),
        style="List Number",
    )
    _line(
        doc,
        ("A chronology of significant events", True),
        (" in the period below, in the table that follows (add rows as needed).", False),
        style="List Number",
    )

    _heading(doc, "Period to cover", 1)
    _line(
        doc,
        ("From ", False),
        ("{{ period_from }}", True),
        (" to ", False),
        ("{{ period_to }}", True),
        (
            "{% if not period_given %} ({{ period_months }} months before the incident)"
            "{% endif %}.",
            False,
        ),
    )

    _heading(doc, "Chronology of significant events", 1)
    table = doc.add_table(rows=1 + BLANK_ROWS, cols=len(COLUMNS))
    table.style = "Table Grid"
    for cell, name in zip(table.rows[0].cells, COLUMNS, strict=True):
        cell.paragraphs[0].add_run(name).bold = True
    for row in table.rows[1:]:
        row.height = Cm(1.2)

    _heading(doc, "When and where to send it", 1)
    _line(
        doc,
        ("Please reply by ", True),
        ("{{ due_date }}", True),
        (": ", False),
        ("{{ working_days }}", False),
        (" working days after the date of this request", False),
        ("{% if due_confirm_locally %} (timescale: confirm locally){% endif %}", False),
        (".", False),
    )
    _line(
        doc,
        ("Send your summary and chronology ", False),
        ("securely", True),
        (" to ", False),
        ("{{ address }}", True),
        (".", False),
    )
    path = out / "agency-request.docx"
    doc.save(str(path))
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE, help="folder to write into")
    args = parser.parse_args()
    print(build(args.out))


if __name__ == "__main__":
    main()
