"""check_forms: a pack's forms render in every format, or each failure is named (for lint)."""

from __future__ import annotations

import shutil

import docx
from form_cases import PACK_DIR, TODAY

from assistant.core import load_pack
from assistant.core.engine import decide
from assistant.forms.selfcheck import check_forms

SERIOUS = {
    "immediate_risk": "no",
    "subject_age_band": "under_16",
    "harm": "died",
    "abuse_or_neglect": "known",
    "incident_location": "in_area",
}


def outcomes(pack):
    return [
        (decide(pack, {"immediate_risk": "yes"}, today=TODAY), {"immediate_risk": "yes"}),
        (decide(pack, SERIOUS, today=TODAY), SERIOUS),
    ]


def test_the_shipped_and_test_packs_forms_all_render(pack):
    assert check_forms(pack, outcomes(pack)) == []
    shipped = load_pack()
    assert check_forms(shipped, outcomes(shipped)) == []


def test_a_pack_with_broken_form_templates_gets_each_problem_named(tmp_path):
    own = tmp_path / "pack"
    shutil.copytree(PACK_DIR, own)
    forms = own / "prompts" / "forms"
    forms.mkdir(parents=True)
    (forms / "referral.md.j2").write_text("# {{ title }}\n{{ child.nmae }}\n", encoding="utf-8")
    document = docx.Document()
    paragraph = document.add_paragraph()
    paragraph.add_run("{{ child.")
    paragraph.add_run("name }}")
    document.add_paragraph("{{ referer.name }}")
    document.save(str(forms / "referral.docx"))
    pack = load_pack(own)
    problems = check_forms(pack, outcomes(pack))
    files = {file for file, _ in problems}
    assert str(forms / "referral.md.j2") in files and str(forms / "referral.docx") in files
    text = "\n".join(problem for _, problem in problems)
    assert "nmae" in text and "split across 2 runs" in text and "unknown tag 'referer'" in text


def test_a_broken_forms_file_is_reported_not_raised(tmp_path):
    own = tmp_path / "pack"
    shutil.copytree(PACK_DIR, own)
    (own / "prompts" / "forms").mkdir(parents=True)
    (own / "prompts" / "forms" / "forms.yaml").write_text(
        "words: [not, a, mapping]\n", encoding="utf-8"
    )
    pack = load_pack(own)
    problems = check_forms(pack, outcomes(pack))
    assert problems and all(file.endswith("forms.yaml") for file, _ in problems)
