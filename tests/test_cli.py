"""The command line as a user runs it: real subprocesses of `python -m assistant` and of the
installed `review-assistant` script, from another folder, with the shipped and another pack."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "tests" / "core" / "fixtures" / "cases"
SERIOUS = CASES / "serious-incident.yaml"
MINI_PACK = ROOT / "tests" / "core" / "fixtures" / "mini_pack"
BAD = ROOT / "tests" / "core" / "fixtures" / "bad_cases"
SCRIPT = Path(sys.executable).parent / "review-assistant"


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    out = dict(os.environ)
    out["REVIEW_ASSISTANT_CACHE"] = str(tmp_path / "cache")
    out.pop("REVIEW_ASSISTANT_RULES", None)
    return out


def run(
    args: list[str], env: dict[str, str], cwd: Path, script: bool = False
) -> subprocess.CompletedProcess[str]:
    command = [str(SCRIPT)] if script else [sys.executable, "-m", "assistant"]
    return subprocess.run(
        [*command, *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize("script", [False, True], ids=["python -m assistant", "review-assistant"])
def test_decide_prints_the_plain_outcome(script: bool, env: dict[str, str], tmp_path: Path) -> None:
    if script:
        assert SCRIPT.exists(), "the console script is not installed in this environment"
    done = run(["decide", str(SERIOUS)], env, tmp_path, script=script)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    lines = done.stdout.splitlines()
    assert lines[0] == "OUTCOME: Serious child safeguarding incident"
    assert lines[1].startswith("Salford City Council notifies"), "the headline names who acts"
    for heading in ("DO NOW", "WHICH REVIEW", "WHY"):
        index = lines.index(heading)
        assert lines[index - 1] == "", f"a blank line before {heading}"
        assert lines[index + 1].startswith((" 1. ", " - "))
    words = " ".join(done.stdout.split())  # lines are wrapped at 100 columns
    assert "by Mon 9 Mar 2026, 5 working days from 2 Mar" in words  # aware Mon 2 Mar + 5
    assert "SSCP@salford.gov.uk" in words
    assert "the safeguarding partners decide." in words
    assert "\n\n\n" not in done.stdout


@pytest.mark.parametrize("script", [False, True], ids=["python -m assistant", "review-assistant"])
def test_decide_json(script: bool, env: dict[str, str], tmp_path: Path) -> None:
    done = run(["decide", str(SERIOUS), "--json"], env, tmp_path, script=script)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["contract"] == 1
    assert out["route"] == "serious_incident"
    assert out["rules"]["name"] == "salford"
    assert out["rules"]["in_force_on"] == "2026-03-02"
    panel = next(n for n in out["notifications"] if n["id"] == "panel_notification")
    assert panel["due"] == "2026-03-09"
    assert out["trace"] and all({"rule", "result", "facts"} <= set(t) for t in out["trace"])
    no_trace = json.loads(
        run(["decide", str(SERIOUS), "--json", "--no-trace"], env, tmp_path).stdout
    )
    assert "trace" not in no_trace


@pytest.mark.parametrize(
    "before", [True, False], ids=["--rules before decide", "--rules after decide"]
)
def test_rules_option_before_or_after_the_command(
    before: bool, env: dict[str, str], tmp_path: Path
) -> None:
    rules = ["--rules", str(MINI_PACK)]
    args = (
        [*rules, "decide", str(SERIOUS), "--json"]
        if before
        else ["decide", str(SERIOUS), "--json", *rules]
    )
    done = run(args, env, tmp_path)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["rules"]["name"] == "mini"
    assert {t["rule"] for t in out["trace"]} == {
        "RISK",
        "SERIOUS",
        "LAC-DEATH",
        "CONCERNS",
        "DEATH-SIGNPOST",
    }


def test_the_shipped_rules_and_prompts_are_found_from_another_folder(
    env: dict[str, str], tmp_path: Path
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    case = elsewhere / "case.yaml"
    case.write_text(SERIOUS.read_text(encoding="utf-8"), encoding="utf-8")
    done = run(["decide", "case.yaml"], env, elsewhere, script=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("OUTCOME:")


@pytest.mark.parametrize(
    ("name", "fragment"),
    [
        ("unknown-fact.yaml", "did you mean 'harm'?"),
        ("yaml-syntax.yaml", "line 5: not valid YAML"),
        ("impossible-date.yaml", "no such day in the calendar"),
        ("json-syntax.json", "not valid JSON"),
    ],
)
def test_bad_case_exits_2_without_a_traceback(
    name: str, fragment: str, env: dict[str, str], tmp_path: Path
) -> None:
    for args in (["decide", str(BAD / name)], ["decide", str(BAD / name), "--json"]):
        done = run(args, env, tmp_path, script=True)
        assert done.returncode == 2
        assert done.stdout == ""
        assert "Traceback" not in done.stderr
        assert fragment in done.stderr
        assert len(done.stderr.strip().splitlines()) == 1


def test_missing_case_file_and_missing_pack(env: dict[str, str], tmp_path: Path) -> None:
    done = run(["decide", "nowhere.yaml"], env, tmp_path)
    assert (done.returncode, done.stdout) == (2, "")
    assert "nowhere.yaml: no such file" in done.stderr and "Traceback" not in done.stderr
    done = run(["--rules", str(tmp_path / "no-pack"), "decide", str(SERIOUS)], env, tmp_path)
    assert (done.returncode, done.stdout) == (2, "")
    assert "no such rule pack folder" in done.stderr and "Traceback" not in done.stderr


def test_broken_pack_names_file_and_line(env: dict[str, str], tmp_path: Path) -> None:
    import shutil

    pack = tmp_path / "pack"
    shutil.copytree(MINI_PACK, pack)
    rule_file = pack / "rules" / "00-risk.yaml"
    rule_file.write_text(rule_file.read_text().replace("status: local", "status: locall"))
    done = run(["decide", str(SERIOUS), "--rules", str(pack)], env, tmp_path)
    assert done.returncode == 2
    assert f"{rule_file}, line 5" in done.stderr
    assert "allowed values: confirmed, local, unconfirmed" in done.stderr
    assert "Traceback" not in done.stderr


def test_nothing_is_written(env: dict[str, str], tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    run(["decide", str(SERIOUS), "--json"], env, work)
    run(["decide", str(BAD / "unknown-fact.yaml")], env, work)
    assert list(work.iterdir()) == []


def test_readme_test_command_is_what_ci_runs() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = [b.split("```", 1)[0].strip() for b in readme.split("```sh\n")[1:]]
    test_commands = [b for b in blocks if "pytest" in b]
    assert len(test_commands) == 1, test_commands
    ci = [
        line.strip()
        for line in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#") and not line.startswith(("set ", "cd "))
    ]
    assert ci == test_commands
    start = [b for b in blocks if b.startswith("python3 -m venv") and "pytest" not in b]
    assert len(start) == 1 and shlex.split(start[0])[-1] == ".venv/bin/review-assistant"
