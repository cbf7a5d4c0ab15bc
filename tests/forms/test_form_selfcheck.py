"""check_forms: a pack's forms render in every format, or each failure is named (for lint)."""

from __future__ import annotations

import datetime as dt
import shutil

import docx

from assistant.core import load_pack
from assistant.core.engine import decide
from assistant.forms.selfcheck import check_forms
from tests.support.forms import PACK_DIR, TODAY

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


def test_a_template_line_only_some_outcomes_reach_is_still_checked(tmp_path):
    """Outcomes that take no new template line are skipped; one that does is never skipped."""
    from assistant.core.pack import default_rules_dir
    from assistant.core.paths import default_prompts_dir

    own = tmp_path / "pack"
    shutil.copytree(default_rules_dir(), own)
    forms = own / "prompts" / "forms"
    forms.mkdir(parents=True, exist_ok=True)
    shipped = (default_prompts_dir() / "forms" / "referral.md.j2").read_text(encoding="utf-8")
    broken = "{% for o in decision.local_options %}{{ o.nope }}{% endfor %}\n"
    (forms / "referral.md.j2").write_text(shipped + broken, encoding="utf-8")
    pack = load_pack(own)
    with_options = {
        **SERIOUS,
        "subject_age_band": "unborn",
        "looked_after": "yes",
        "setting": "home_or_community",
    }
    # the same answers before the local review methods came in: a form, but no options
    before = {**with_options, "aware_date": dt.date(2018, 6, 28)}
    many = [(decide(pack, before, today=TODAY), before)] * 5
    last = (decide(pack, with_options, today=TODAY), with_options)
    assert not many[0][0].reviews.local_options and last[0].reviews.local_options
    assert check_forms(pack, many) == []  # the same outcome again adds nothing to check
    problems = check_forms(pack, [*many, last])
    assert [file for file, _ in problems] == [str(forms / "referral.md.j2")]
    assert "nope" in problems[0][1]
