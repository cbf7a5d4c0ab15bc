"""lint on small broken packs (tests/lint/packs/): each finding at the right file and line."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import pytest
import yaml

from assistant.core import decide, evaluate, load_pack
from assistant.core.contract import DATE_FACTS
from assistant.core.logic import FALSE, TRUE, UNKNOWN
from assistant.lint import lint_pack
from assistant.lint.explore import residual, value_classes
from assistant.lint.stubs import FILL_IN, write_tests

PACKS = Path(__file__).parent / "packs"
TODAY = dt.date(2026, 11, 27)


def findings(name: str) -> list:
    report = lint_pack(PACKS / name, today=TODAY)
    assert report.readable
    return report.findings


def test_the_clean_pack_has_no_findings():
    report = lint_pack(PACKS / "clean", today=TODAY)
    assert report.findings == []
    assert report.exit_status == 0
    assert report.loaded and report.rules == 3 and report.questions == 2
    # yes (halts); no then each harm group and "not sure"; "not sure" then nothing more to ask
    assert report.paths == 5
    assert report.templates > 0


@pytest.mark.parametrize(
    ("pack", "check", "file", "line", "words"),
    [
        (
            "missing-question",
            "schema",
            "rules/10-harm.yaml",
            8,
            "no question in questions.yaml asks it",
        ),
        ("typo-value", "schema", "rules/10-harm.yaml", 7, "harm has no value 'dyed'"),
        ("unreachable-rule", "completeness", "rules/20-never.yaml", 1, "R-never never applies"),
        ("gap", "completeness", "questions.yaml", 4, "no rule gives a route"),
        ("overlap", "consistency", "rules/20-death.yaml", 1, "declares no precedence for route"),
        ("cycle", "schema", "definitions.yaml", 2, "serious -> harmed -> serious"),
        ("yaml-error", "schema", "rules/10-harm.yaml", 3, "not valid YAML"),
        ("template-undefined", "template", "prompts/decision.txt.j2", 3, "route_explanation"),
    ],
)
def test_each_broken_pack_reports_its_finding_at_its_line(pack, check, file, line, words):
    found = findings(pack)
    matching = [f for f in found if f.check == check and words in f.message]
    assert matching, f"no {check} finding containing {words!r} in {[str(f) for f in found]}"
    finding = matching[0]
    assert Path(finding.file).resolve() == (PACKS / pack / file).resolve()
    assert finding.line == line
    assert str(finding).endswith(f":{line}: {finding.message}")


def test_a_gap_names_the_answers_that_reach_it():
    (gap,) = [f for f in findings("gap") if f.check == "completeness"]
    assert gap.answers == (("immediate_risk", "no"), ("harm", "other_harm"))
    pack = load_pack(PACKS / "gap")
    tally = evaluate(pack, dict(gap.answers), TODAY)
    assert not tally.scalars.get("route")  # really no rule gives a route


def test_an_overlap_names_both_rules_and_the_answers():
    overlap = next(f for f in findings("overlap") if "overlap" in f.message)
    assert "R-serious" in overlap.message and "R-death-other" in overlap.message
    assert overlap.answers == (("immediate_risk", "no"), ("harm", "died"))


def test_counterexamples_become_test_stubs(tmp_path):
    written = write_tests(findings("gap"), tmp_path / "stubs")
    assert len(written) == 1
    text = written[0].read_text(encoding="utf-8")
    assert text.startswith("# Written by `review-assistant lint --write-tests`")
    (stub,) = yaml.safe_load(text)
    assert stub["facts"] == {"immediate_risk": "no", "harm": "other_harm"}
    assert stub["expected"] == {"route": FILL_IN}
    assert decide(load_pack(PACKS / "gap"), stub["facts"], today=TODAY).route == "no_referral"


def test_a_folder_that_is_not_a_pack_cannot_be_read(tmp_path):
    report = lint_pack(tmp_path, today=TODAY)
    assert report.exit_status == 2
    assert "pack.yaml is missing" in report.findings[0].message


def test_labels_for_values_that_do_not_exist_are_found(tmp_path):
    import shutil

    pack = tmp_path / "pack"
    shutil.copytree(PACKS / "clean", pack)
    lines = len((pack / "labels.yaml").read_text(encoding="utf-8").splitlines())
    with (pack / "labels.yaml").open("a", encoding="utf-8") as out:
        out.write("values:\n  harm:\n    dyed: They died\n")
    (finding,) = lint_pack(pack, today=TODAY).findings
    assert finding.line == lines + 3 and "'dyed' is not a value of harm" in finding.message


def test_residuals_agree_with_the_engine_on_the_shipped_pack():
    """A residual that is settled must be what the engine says; an open one, UNKNOWN."""
    pack = load_pack()
    classes = value_classes(pack)
    facts = sorted(classes)
    chooser = random.Random(4)
    for _ in range(200):
        answers = {}
        for fact in chooser.sample(facts, chooser.randint(0, len(facts))):
            answers[fact] = chooser.choice([*classes[fact], "unknown"])
        for fact in DATE_FACTS:  # a date is given, or answered "not sure" (the date is not given)
            answers[fact] = chooser.choice([TODAY, "unknown"])
        known = {k: v for k, v in answers.items() if v != "unknown"}
        for rule in pack.rules:
            value = rule.when.evaluate(known, _refs(pack, known))[0]
            rest = residual(rule.when, answers, pack.definitions, {})
            expected = TRUE if rest is True else FALSE if rest is False else UNKNOWN
            assert value == expected, (rule.id, answers, rest)


def _refs(pack, known):
    def refs(name):
        return pack.definitions[name].evaluate(known, refs)

    return refs


def test_a_signpost_rule_that_can_never_hold_is_found(tmp_path):
    import shutil

    pack = tmp_path / "pack"
    shutil.copytree(PACKS / "clean", pack)
    (pack / "rules" / "90-signposts.yaml").write_text(
        "- id: SP-never\n"
        "  title: Coroner\n"
        "  text: Tell the coroner.\n"
        "  source: test\n"
        "  status: local\n"
        "  when: {all: [{harm: died}, {not: {harm: died}}]}\n"
        "  then: {signposts: [coroner]}\n",
        encoding="utf-8",
    )
    found = lint_pack(pack, today=TODAY).findings
    never = [f for f in found if "SP-never never applies" in f.message]
    assert never and never[0].line == 1 and "can never be true" in never[0].message


def test_a_broken_referral_form_template_is_a_finding(tmp_path):
    import shutil

    from assistant.core.paths import default_prompts_dir

    pack = tmp_path / "pack"
    shutil.copytree(PACKS / "clean", pack)
    (pack / "prompts" / "forms").mkdir(parents=True)
    shipped = (default_prompts_dir() / "forms" / "referral.txt.j2").read_text(encoding="utf-8")
    form = pack / "prompts" / "forms" / "referral.txt.j2"
    form.write_text(shipped + "{{ referrer_shoe_size }}\n", encoding="utf-8")
    found = [f for f in lint_pack(pack, today=TODAY).findings if "referrer_shoe_size" in f.message]
    assert found and Path(found[0].file) == form and found[0].check == "template"


def test_a_packs_own_chat_templates_are_checked_against_the_shipped_ones(tmp_path):
    """Templates lint cannot render (the chat's, the trainer's ...) are still checked: a name
    the assistant never gives them, and a word or macro the app needs but the pack dropped."""
    import shutil

    from assistant.core.paths import default_prompts_dir

    pack = tmp_path / "pack"
    shutil.copytree(PACKS / "clean", pack)
    chat = pack / "prompts" / "chat"
    chat.mkdir(parents=True)
    shipped = default_prompts_dir() / "chat"
    question = (shipped / "question.j2").read_text(encoding="utf-8")
    (chat / "question.j2").write_text(question + "{{ questoin.text }}\n", encoding="utf-8")
    ui = (shipped / "ui.j2").read_text(encoding="utf-8").splitlines(keepends=True)
    dropped = [ln for ln in ui if ln.startswith('{% set facts_title = "')]
    assert len(dropped) == 1
    (chat / "ui.j2").write_text("".join(ln for ln in ui if ln not in dropped), encoding="utf-8")
    (chat / "why.j2").write_text((shipped / "why.j2").read_text(encoding="utf-8"), "utf-8")

    report = lint_pack(pack, today=TODAY)
    misspelt = [f for f in report.findings if "'questoin'" in f.message]
    assert len(misspelt) == 1 and Path(misspelt[0].file) == chat / "question.j2"
    assert misspelt[0].line == question.count("\n") + 1
    assert "never gives this template" in misspelt[0].message
    dropped_word = [f for f in report.findings if "'facts_title'" in f.message]
    assert len(dropped_word) == 1 and Path(dropped_word[0].file) == chat / "ui.j2"
    assert "defines no word" in dropped_word[0].message
    # an unchanged copy of a shipped template is fine
    assert not [f for f in report.findings if f.file == str(chat / "why.j2")]
    assert report.exit_status == 1
