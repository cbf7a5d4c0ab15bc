"""A condition nested without end gets a clear error with file and line at load, never a
RecursionError (when loading, caching or deciding)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assistant.core.engine import decide
from assistant.core.errors import InputError
from assistant.core.logic import MAX_DEPTH, ConditionError, parse_condition
from assistant.core.pack import load_pack

MINI = Path(__file__).parent / "fixtures" / "mini_pack"

RULE = """\
- id: DEEP
  title: Deep
  text: Deep.
  source: "R-02 [C: test]"
  status: confirmed
  when: {when}
  then:
    route: serious_incident
"""


@pytest.fixture
def pack_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("REVIEW_ASSISTANT_CACHE", str(tmp_path / "cache"))  # caching on
    target = tmp_path / "pack"
    shutil.copytree(MINI, target)
    return target


def _nots(levels: int) -> str:
    condition = "{harm: died}"
    for _ in range(levels):
        condition = "{not: " + condition + "}"
    return condition


def test_a_deep_condition_is_refused_with_its_file_and_line(pack_dir: Path) -> None:
    rule_file = pack_dir / "rules" / "40-deep.yaml"
    rule_file.write_text(RULE.format(when=_nots(MAX_DEPTH + 5)))
    with pytest.raises(InputError) as caught:
        load_pack(pack_dir)
    assert f"{rule_file}, line 6" in str(caught.value)
    assert f"nested deeper than {MAX_DEPTH} levels" in str(caught.value)


def test_a_condition_just_inside_the_bound_loads_caches_and_decides(pack_dir: Path) -> None:
    (pack_dir / "rules" / "40-deep.yaml").write_text(RULE.format(when=_nots(MAX_DEPTH - 2)))
    pack = load_pack(pack_dir)
    again = load_pack(pack_dir)  # from the cache
    facts = {"immediate_risk": "no", "harm": "died"}
    assert decide(pack, facts).to_json() == decide(again, facts).to_json()


def test_a_long_chain_of_definitions_is_refused(pack_dir: Path) -> None:
    definitions = pack_dir / "definitions.yaml"
    chain = [f"chain{i}: {{ref: chain{i + 1}}}" for i in range(2000)] + ["chain2000: {harm: died}"]
    definitions.write_text(definitions.read_text() + "\n".join(chain) + "\n")
    (pack_dir / "rules" / "40-deep.yaml").write_text(RULE.format(when="{ref: chain0}"))
    with pytest.raises(InputError) as caught:
        load_pack(pack_dir)
    problems = caught.value.problems
    text = "\n".join(str(p) for p in problems)
    assert "definitions.yaml, line" in text and "counting the definitions it refers to" in text
    assert "more conditions nested too deeply" in text  # a long chain is summed up, not listed
    assert len(problems) <= 10


def test_parse_condition_bounds_nesting_itself() -> None:
    data: object = {"harm": "died"}
    for _ in range(MAX_DEPTH + 1):
        data = {"any": [data]}
    with pytest.raises(ConditionError, match="nested deeper"):
        parse_condition(data)
