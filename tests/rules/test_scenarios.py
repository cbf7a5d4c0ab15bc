"""Training scenarios (rules/salford/scenarios/*.yaml): each is a short story a trainer can tell,
a valid case file, the outcome it should reach, and teaching points.

Each scenario's case block must parse as a contract-1 case file, decide as expected, and, through
the real command line, print an outcome whose reasons cite their sources.
"""

from __future__ import annotations

import re
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from assistant.core import CaseFile, Pack, decide, load_pack, parse_case
from tests.support.rule_cases import EXPECTED_KEYS, compare
from tests.support.terminal import Ran, run_main

PACK_DIR = Path(__file__).resolve().parents[2] / "rules" / "salford"
SCENARIOS = sorted((PACK_DIR / "scenarios").glob("*.yaml"))
SCENARIO_KEYS = {"title", "story", "case", "expected", "teaching_points"}


@cache
def _pack() -> Pack:
    return load_pack(PACK_DIR)


def _load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict), f"{path.name}: a scenario is a mapping"
    return data


def _case_text(scenario: dict[str, Any]) -> str:
    return yaml.safe_dump(scenario["case"], sort_keys=False, allow_unicode=True)


def _case(path: Path, scenario: dict[str, Any]) -> CaseFile:
    return parse_case(_case_text(scenario), f"{path.name}#case")


def test_there_are_at_least_twelve_scenarios() -> None:
    assert len(SCENARIOS) >= 12


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_scenario_is_complete(path: Path) -> None:
    scenario = _load(path)
    assert set(scenario) == SCENARIO_KEYS, (
        f"{path.name}: keys {sorted(scenario)}; expected {sorted(SCENARIO_KEYS)}"
    )
    assert isinstance(scenario["title"], str) and scenario["title"].strip(), (
        f"{path.name}: no title"
    )
    story = scenario["story"]
    assert isinstance(story, str) and len(story.split()) >= 30, (
        f"{path.name}: the story is too short to tell"
    )
    points = scenario["teaching_points"]
    assert isinstance(points, list) and points and all(isinstance(p, str) and p for p in points), (
        f"{path.name}: teaching_points must be a list of sentences"
    )
    assert "route" in scenario["expected"], f"{path.name}: expected must give at least the route"
    bad = set(scenario["expected"]) - EXPECTED_KEYS
    assert not bad, f"{path.name}: unknown expected keys {sorted(bad)}"
    assert scenario["case"].get("contract") == 1, f"{path.name}: the case block needs contract: 1"
    _case(path, scenario)  # raises InputError naming the problem if the case is not valid


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_scenario_decides_as_expected(path: Path) -> None:
    scenario = _load(path)
    decision = decide(_pack(), _case(path, scenario).fact_values())
    differences = compare(decision, scenario["expected"])
    assert not differences, f"{path.name} ({scenario['title']}):\n  " + "\n  ".join(differences)


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_decide_command_prints_reasons_citing_sources(path: Path, tmp_path: Path) -> None:
    """The first scenario runs `python -m assistant` in a subprocess; the others run the same
    command line in this process (assistant.cli.main), without an interpreter start each."""
    scenario = _load(path)
    case_file = tmp_path / f"{path.stem}.yaml"
    case_file.write_text(_case_text(scenario), encoding="utf-8")
    args = ["decide", str(case_file), "--explain", "--rules", str(PACK_DIR)]
    if path == SCENARIOS[0]:
        result: Ran | subprocess.CompletedProcess[str] = subprocess.run(
            [sys.executable, "-m", "assistant", *args],
            capture_output=True,
            text=True,
            timeout=120,
        )
    else:
        result = run_main(args)
    assert result.returncode == 0, f"{path.name}: exit {result.returncode}\n{result.stderr}"
    out = result.stdout
    label = _pack().labels.routes[scenario["expected"]["route"]].label
    assert f"OUTCOME: {label}" in out, (
        f"{path.name}: the outcome line is missing or wrong:\n{out[:400]}"
    )
    assert "WHY" in out
    why = out.split("EVERY RULE THAT APPLIES OR MAY APPLY", 1)[1]
    # each rule: "- [id] title", its wrapped words, then "Source: ..."
    entry = r"^\s+- \[([^\]]+)\][^\n]*\n(?:\s{4}(?!Source:)[^\n]*\n)*\s+Source: (.+)$"
    cited = re.findall(entry, why, flags=re.MULTILINE)
    assert cited, f"{path.name}: no reasons with sources printed:\n{why[:600]}"
    for rule_id, source in cited:
        assert re.search(r"\[(C|L|L/C)[:/]|\[DERIVED\]|UNCONFIRMED|SI 2018/789|s\d+", source), (
            f"{path.name}: reason {rule_id} cites no fact-base tag: {source}"
        )
    for rule_id in scenario["expected"].get("reasons_include", []):
        assert f"[{rule_id}]" in why, f"{path.name}: the printed reasons do not include {rule_id}"
