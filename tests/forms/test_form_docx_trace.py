"""The Word forms read back: the decision block in the outcome's shape (headline, Do-now lines,
If-items, the few reasons that decided it), and the rule trace only with `form --trace`.

The forms are made by the real command (`review-assistant form ... -o FILE.docx`) and opened
with python-docx, as a person's word processor would open them: the outcome-shape test runs
`python -m assistant` in a subprocess, the trace tests the same command line in this process
(tests.support.terminal run_command), sparing an interpreter start each.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from assistant.core import load_pack
from assistant.core.case import load_case
from assistant.core.engine import decide
from assistant.forms import build_form
from tests.support.forms import CASES, PACK_DIR, form_for
from tests.support.readback import docx_all_text, docx_document, docx_rows
from tests.support.terminal import run_command

SERIOUS_INCIDENT = (
    Path(__file__).resolve().parents[1] / "core" / "fixtures" / "cases" / "serious-incident.yaml"
)


def saved_docx(
    tmp_path: Path, case: Path, *extra: str, rules: Path | None = None, in_process: bool = False
) -> bytes:
    out = tmp_path / f"{case.stem}{'-trace' if '--trace' in extra else ''}.docx"
    rules_args = ["--rules", str(rules)] if rules else []
    args = [*rules_args, "form", str(case), "-o", str(out), *extra]
    if in_process:
        done = run_command(args)
    else:
        done = subprocess.run(
            [sys.executable, "-m", "assistant", *args], capture_output=True, text=True
        )
    assert done.returncode == 0, done.stderr
    return out.read_bytes()


def headings(data: bytes) -> list[str]:
    document = docx_document(data)
    return [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]


def trace_rows(form) -> list[list[str]]:
    return [
        [r["rule"], r["text"] + (f" ({r['note']})" if r["note"] else ""), r["source"]]
        for r in form.context["decision"]["trace"]
    ]


@pytest.mark.parametrize("name", ["serious", "good-outcome"])
def test_the_trace_is_an_appendix_only_when_asked_for(pack, tmp_path, name):
    plain = saved_docx(tmp_path, CASES / f"{name}.yaml", rules=PACK_DIR, in_process=True)
    traced = saved_docx(
        tmp_path, CASES / f"{name}.yaml", "--trace", rules=PACK_DIR, in_process=True
    )
    form = form_for(pack, name, trace=True)
    appendix = form.context["words"]["appendix_heading"]
    expected = trace_rows(form)
    assert expected, "the case has a rule trace"

    assert appendix not in headings(plain) and appendix not in docx_all_text(plain)
    plain_rows = docx_rows(plain)
    assert not [row for row in expected if row in plain_rows]

    assert headings(traced)[-1] == appendix  # after "How to send this form"
    traced_rows = docx_rows(traced)
    columns = ["Rule", form.context["words"]["reasons_heading"], "Sources"]
    header = max(i for i, row in enumerate(traced_rows) if row == columns)  # the appendix's
    assert traced_rows[header + 1 :] == expected  # every rule, in order, nothing else
    assert traced_rows[:header] == plain_rows  # and the rest of the form reads the same
    for data in (plain, traced):
        text = docx_all_text(data)
        assert "{{" not in text and "{%" not in text


@pytest.mark.subprocess
def test_the_decision_block_has_the_outcome_shape(tmp_path):
    """Real rules, the serious-incident example (an adult harmed not known): the headline, one
    row per Do-now line, the items that only may apply worded "If ...", and the few reasons."""
    pack = load_pack()
    case = load_case(SERIOUS_INCIDENT)
    data = saved_docx(tmp_path, SERIOUS_INCIDENT)
    form = build_form(pack, decide(pack, case.fact_values()), case.answered(), case.referral)
    decision = form.context["decision"]
    rows = docx_rows(data)
    document = docx_document(data)
    paragraphs = [p.text for p in document.paragraphs]

    assert ["Outcome", f"{decision['route_label']}\n{decision['route_text']}"] in rows
    assert decision["timeline"], "the example has things to do now"
    for line in decision["timeline"]:
        due = line["due"] + (f" ({line['note']})" if line["note"] else "")
        assert [line["label"], line["who"], due] in rows
    maybe = [s for s in decision["signposts"] if s["label"].startswith("If ")]
    assert any("Domestic Homicide Review" in s["text"] for s in maybe)
    for item in maybe:
        assert f"{item['label']}: {item['text']}" in paragraphs
    assert not any(
        "Domestic Homicide Review" in p and not p.startswith("If ") for p in paragraphs
    )  # never said as if it applied
    reasons = [r for r in rows if r[0] in {reason["rule"] for reason in decision["reasons"]}]
    assert 0 < len(decision["reasons"]) <= 8 and len(reasons) == len(decision["reasons"])
    assert "SSCP@salford.gov.uk" in docx_all_text(data)
    assert form.context["words"]["appendix_heading"] not in headings(data)
