"""Rule pack loading: every problem names the file, the line and what is wrong.

Each test copies the mini pack into tmp_path and breaks one thing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assistant.core.errors import InputError
from assistant.core.pack import load_pack

MINI = Path(__file__).parent / "fixtures" / "mini_pack"

RULE = """\
- id: X
  title: A rule
  text: Some words.
  source: "test [C: S1]"
  status: confirmed
  when: {harm: died}
  then: {route: serious_incident}
"""


@pytest.fixture
def pack_dir(tmp_path: Path) -> Path:
    target = tmp_path / "pack"
    shutil.copytree(MINI, target)
    return target


def _problems(pack_dir: Path) -> list[str]:
    with pytest.raises(InputError) as caught:
        load_pack(pack_dir)
    return caught.value.problems


def _one(pack_dir: Path, *fragments: str) -> str:
    problems = _problems(pack_dir)
    assert len(problems) == 1, problems
    for fragment in fragments:
        assert fragment in problems[0], f"{fragment!r} not in {problems[0]!r}"
    return problems[0]


def _rule_file(pack_dir: Path, text: str) -> Path:
    path = pack_dir / "rules" / "99-new.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_mini_pack_loads() -> None:
    pack = load_pack(MINI)
    assert pack.name == "mini" and len(pack.rules) == 6
    assert pack.rules[0].file.endswith("00-risk.yaml") and pack.rules[0].line == 1


def test_not_a_folder(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such rule pack folder"):
        load_pack(tmp_path / "nowhere")


def test_no_pack_yaml(pack_dir: Path) -> None:
    (pack_dir / "pack.yaml").unlink()
    with pytest.raises(InputError, match="pack.yaml is missing"):
        load_pack(pack_dir)


def test_yaml_syntax_error_names_file_and_line(pack_dir: Path) -> None:
    path = _rule_file(pack_dir, RULE.replace("when: {harm: died}", "when: {harm: died"))
    _one(pack_dir, f"{path}, line 7", "not valid YAML")


def test_unknown_key_in_a_rule(pack_dir: Path) -> None:
    path = _rule_file(pack_dir, RULE.replace("when:", "wehn:"))
    _one(pack_dir, f"{path}, line 6", "unknown field 'wehn'", "did you mean 'when'?")


def test_bad_route_lists_the_allowed_routes(pack_dir: Path) -> None:
    path = _rule_file(pack_dir, RULE.replace("serious_incident", "serious"))
    _one(pack_dir, f"{path}, line 7", "'serious' is not allowed", "urgent_safeguarding_referral")


def test_bad_status(pack_dir: Path) -> None:
    path = _rule_file(pack_dir, RULE.replace("status: confirmed", "status: maybe"))
    _one(pack_dir, f"{path}, line 5", "allowed values: confirmed, local, unconfirmed")


def test_missing_source(pack_dir: Path) -> None:
    path = _rule_file(pack_dir, RULE.replace('  source: "test [C: S1]"\n', ""))
    _one(pack_dir, f"{path}, line 1", "[0].source: this field is required")


def test_condition_on_an_unknown_fact(pack_dir: Path) -> None:
    path = _rule_file(
        pack_dir,
        RULE.replace(
            "when: {harm: died}", "when:\n    all:\n      - harm: died\n      - harmed: yes"
        ),
    )
    _one(pack_dir, f"{path}, line 9", "no fact called 'harmed'")


def test_condition_with_a_value_the_fact_does_not_have(pack_dir: Path) -> None:
    path = _rule_file(pack_dir, RULE.replace("harm: died", "harm: dead"))
    _one(
        pack_dir,
        f"{path}, line 6",
        "harm has no value 'dead'",
        "allowed values: died, serious_harm",
    )


def test_condition_testing_unknown_is_refused(pack_dir: Path) -> None:
    _rule_file(pack_dir, RULE.replace("harm: died", "harm: unknown"))
    _one(pack_dir, "'unknown' is never tested")


def test_reference_to_a_missing_definition(pack_dir: Path) -> None:
    path = _rule_file(pack_dir, RULE.replace("when: {harm: died}", "when: {ref: childe}"))
    _one(pack_dir, f"{path}, line 6", "no definition called 'childe'", "child")


def test_malformed_condition(pack_dir: Path) -> None:
    path = _rule_file(pack_dir, RULE.replace("when: {harm: died}", "when: harm == died"))
    _one(pack_dir, f"{path}, line 6", "a condition must be a mapping")


def test_definitions_in_a_circle(pack_dir: Path) -> None:
    with (pack_dir / "definitions.yaml").open("a") as f:
        f.write("a_def: {ref: b_def}\nb_def: {ref: a_def}\n")
    _one(pack_dir, "definitions refer to each other in a circle", "a_def -> b_def -> a_def")


def test_bad_definition_names_its_line(pack_dir: Path) -> None:
    with (pack_dir / "definitions.yaml").open("a") as f:
        f.write("broken:\n  any: {harm: died}\n")
    _one(pack_dir, "definitions.yaml, line 9", "definition 'broken'", "'any' takes a list")


def test_overlapping_rule_versions(pack_dir: Path) -> None:
    path = _rule_file(pack_dir, RULE.replace("id: X", "id: DEATH-SIGNPOST"))
    problems = _problems(pack_dir)
    # the new version, undated, overlaps both dated versions: one message for each
    assert len(problems) == 2
    for problem, other in zip(
        problems, ("30-dated.yaml, line 2", "30-dated.yaml, line 12"), strict=True
    ):
        assert problem.startswith(f"{path}, line 1: rule DEATH-SIGNPOST is in force on dates when")
        assert other in problem


def test_effective_to_before_effective_from(pack_dir: Path) -> None:
    path = _rule_file(pack_dir, RULE + "  effective_from: 2024-01-01\n  effective_to: 2023-01-01\n")
    _one(pack_dir, str(path), "effective_to 2023-01-01 is before effective_from 2024-01-01")


def test_bad_effective_date(pack_dir: Path) -> None:
    path = _rule_file(pack_dir, RULE + "  effective_from: 2024-13-01\n")
    _one(pack_dir, f"{path}, line 8", "effective_from")


def test_a_second_question_for_one_fact(pack_dir: Path) -> None:
    with (pack_dir / "questions.yaml").open("a") as f:
        f.write("- fact: harm\n  text: Again?\n")
    _one(pack_dir, "questions.yaml, line 20", "a second question sets harm (first on line 5)")


def test_question_option_that_is_not_a_value(pack_dir: Path) -> None:
    text = (
        (pack_dir / "questions.yaml")
        .read_text()
        .replace(
            "- fact: harm\n  text: What happened?\n",
            "- fact: harm\n  text: What happened?\n  options:\n    - {value: dead, label: Died}\n",
        )
    )
    (pack_dir / "questions.yaml").write_text(text)
    _one(pack_dir, "questions.yaml, line 5", "option 'dead' is not a value of harm")


def test_question_for_an_unknown_fact(pack_dir: Path) -> None:
    with (pack_dir / "questions.yaml").open("a") as f:
        f.write("- fact: harmed\n  text: Harmed?\n")
    _one(pack_dir, "questions.yaml, line 20", "'harmed' is not allowed")


def test_rule_file_that_is_not_a_list(pack_dir: Path) -> None:
    path = _rule_file(pack_dir, "id: X\ntitle: not in a list\n")
    _one(pack_dir, f"{path}, line 1", "expected a list of rules")


def test_bad_precedence(pack_dir: Path) -> None:
    with (pack_dir / "pack.yaml").open("a") as f:
        f.write("precedence:\n  route: [serious_incident, no_referral]\n")
    _one(pack_dir, "pack.yaml", "precedence.route must list each of")


def test_unknown_label_id(pack_dir: Path) -> None:
    with (pack_dir / "labels.yaml").open("a") as f:
        f.write("signposts:\n  coronor: {label: Coroner}\n")
    _one(pack_dir, "labels.yaml, line 9", "coronor")


def test_every_problem_is_reported_at_once(pack_dir: Path) -> None:
    _rule_file(
        pack_dir,
        RULE.replace("when:", "wehn:")
        + RULE.replace("id: X", "id: Y").replace("status: confirmed", "status: maybe"),
    )
    problems = _problems(pack_dir)
    assert len(problems) == 2
