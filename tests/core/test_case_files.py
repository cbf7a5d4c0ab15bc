"""Case files: what is accepted, and one clear message (file, line, field, value, allowed
values) for every kind of bad input. The bad files live in fixtures/bad_cases/ with the
fragments each message must hold in fixtures/bad_cases/expected.yaml."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import yaml

from assistant.cli import main
from assistant.core.case import load_case, parse_case
from assistant.core.errors import InputError
from tests.support.core import TODAY

BAD = Path(__file__).parent / "fixtures" / "bad_cases"
EXPECTED: dict[str, list[str]] = yaml.safe_load((BAD / "expected.yaml").read_text())
BAD_FILES = sorted(p.name for p in BAD.iterdir() if p.name != "expected.yaml")


def test_every_bad_case_has_expectations() -> None:
    assert sorted(EXPECTED) == BAD_FILES


@pytest.mark.parametrize("name", BAD_FILES)
def test_bad_case_gives_one_clear_message(name: str) -> None:
    with pytest.raises(InputError) as caught:
        load_case(BAD / name, today=TODAY)
    problems = caught.value.problems
    assert len(problems) == 1, problems
    message = problems[0]
    assert message.startswith(str(BAD / name)), message
    for fragment in EXPECTED[name]:
        assert fragment in message, f"{fragment!r} not in {message!r}"


@pytest.mark.parametrize("name", BAD_FILES)
def test_bad_case_on_the_command_line_exits_2_and_writes_nothing(name: str, capsys) -> None:
    assert main(["decide", str(BAD / name), "--json"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("review-assistant: ")
    assert "Traceback" not in err
    assert EXPECTED[name][-1] in err


def test_several_problems_are_all_reported(tmp_path: Path) -> None:
    case = tmp_path / "two.yaml"
    case.write_text("contract: 1\nfacts:\n  harm: dead\n  immediate_risk: maybe\n")
    with pytest.raises(InputError) as caught:
        load_case(case, today=TODAY)
    assert len(caught.value.problems) == 2
    assert "line 3" in caught.value.problems[0] and "line 4" in caught.value.problems[1]


@pytest.mark.parametrize(
    ("problem", "setup"),
    [
        ("no such file", lambda p: None),
        ("this is a folder", lambda p: p.mkdir()),
        ("not UTF-8", lambda p: p.write_bytes(b"facts:\n  harm: \xff\xfe\n")),
    ],
)
def test_unreadable_files(tmp_path: Path, problem: str, setup) -> None:
    path = tmp_path / "case.yaml"
    setup(path)
    with pytest.raises(InputError, match=problem):
        load_case(path)


# --- what is accepted -------------------------------------------------------------------------


@pytest.mark.parametrize("yes", ["yes", "Yes", '"yes"', "true", "True", '"true"', "on"])
def test_yaml_yes_and_true_mean_the_same(yes: str) -> None:
    case = parse_case(f"contract: 1\nfacts:\n  looked_after: {yes}\n", "c.yaml", TODAY)
    assert case.fact_values() == {"looked_after": "yes"}


@pytest.mark.parametrize("no", ["no", "No", '"no"', "false", "False", '"false"'])
def test_yaml_no_and_false_mean_the_same(no: str) -> None:
    case = parse_case(f"contract: 1\nfacts:\n  looked_after: {no}\n", "c.yaml", TODAY)
    assert case.fact_values() == {"looked_after": "no"}


@pytest.mark.parametrize(
    ("value", "expected"),
    [(True, "yes"), (False, "no"), ("yes", "yes"), ("no", "no"), ("true", "yes"), ("false", "no")],
)
def test_json_booleans_and_words_mean_the_same(value: object, expected: str) -> None:
    text = json.dumps({"contract": 1, "facts": {"care_leaver": value}})
    assert parse_case(text, "c.json", TODAY).fact_values() == {"care_leaver": expected}


def test_unknown_and_empty_are_answers_but_not_engine_facts() -> None:
    case = parse_case(
        "contract: 1\nfacts:\n  immediate_risk: no\n  harm: unknown\n  looked_after:\n",
        "c.yaml",
        TODAY,
    )
    assert case.fact_values() == {"immediate_risk": "no"}
    assert case.answered() == {"immediate_risk": "no", "harm": "unknown", "looked_after": "unknown"}


def test_dates_in_facts_or_dates_are_merged() -> None:
    case = parse_case(
        "contract: 1\nfacts:\n  incident_date: 2026-02-27\ndates:\n  aware_date: 2026-03-02\n",
        "c.yaml",
        TODAY,
    )
    assert case.fact_values() == {
        "incident_date": dt.date(2026, 2, 27),
        "aware_date": dt.date(2026, 3, 2),
    }


def test_future_is_relative_to_today() -> None:
    text = "contract: 1\nfacts:\n  aware_date: 2026-12-21\n"
    with pytest.raises(InputError, match="in the future"):
        parse_case(text, "c.yaml", today=TODAY)
    assert parse_case(text, "c.yaml", today=dt.date(2026, 12, 21)).fact_values()[
        "aware_date"
    ] == dt.date(2026, 12, 21)


def test_the_contract_examples_load() -> None:
    examples = sorted((Path(__file__).parent / "fixtures" / "cases").glob("*.yaml"))
    assert len(examples) == 3
    for example in examples:
        case = load_case(example, today=TODAY)
        assert case.fact_values()["immediate_risk"] == "no"


def test_free_text_is_kept_exactly() -> None:
    text = 'contract: 1\nfacts: {}\nreferral:\n  reasons: "{{ x }} <b>&amp; {% if %} \\u00e9"\n'
    case = parse_case(text, "c.yaml", TODAY)
    assert case.referral is not None
    assert case.referral.reasons == "{{ x }} <b>&amp; {% if %} \u00e9"
