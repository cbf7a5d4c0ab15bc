"""Text from files and drafts reaches the terminal with its control characters made visible:
a scenario's title and story in `train`, a draft's pack name in `plain --resume`, any input
error. Far-future dates in a draft do not end the program with a traceback."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from assistant.commands.train import shown_safely
from assistant.core.errors import InputError
from assistant.core.terminal import visible_lines
from assistant.training import load_scenarios

REPO = Path(__file__).resolve().parents[2]
ESCAPES = "\x1b]0;pwned\x07\x1b[2J"
SHOWN = "\\x1b]0;pwned\\x07\\x1b[2J"


def test_visible_lines_keeps_line_breaks_and_nothing_else():
    assert visible_lines(f"one{ESCAPES}\ntwo\r\x9b") == f"one{SHOWN}\ntwo\\r\\x9b"


def test_an_input_error_shows_escapes_as_text():
    error = InputError(f"case{ESCAPES}.yaml: bad", [f"case{ESCAPES}.yaml: bad"])
    assert str(error) == f"case{SHOWN}.yaml: bad"
    assert error.problems == [f"case{SHOWN}.yaml: bad"]


def test_a_scenarios_title_story_and_points_are_shown_safely(tmp_path):
    scenario = (REPO / "rules" / "salford" / "scenarios" / "01-baby-head-injury.yaml").read_text(
        encoding="utf-8"
    )
    scenario = scenario.replace(
        'title: "Baby R: a head injury nobody could explain"',
        'title: "Baby R\\e]0;pwned\\a\\e[2J"',
    ).replace("story: >\n", 'story: "The room\\e[2J\\nsees this"\nfirst_story: >\n', 1)
    hostile = tmp_path / "hostile.yaml"
    hostile.write_text(scenario, encoding="utf-8")
    scenarios, problems = load_scenarios(tmp_path)
    assert problems == []
    safe = shown_safely(scenarios[0])
    assert safe.title == f"Baby R{SHOWN}"
    assert "\x1b" not in safe.story and "\\x1b[2J" in safe.story
    assert "\n" in safe.story  # the story keeps its lines
    assert safe.case == scenarios[0].case


def test_train_with_a_hostile_scenario_folder_prints_no_escape(tmp_path):
    folder = tmp_path / f"scenarios{ESCAPES}"
    folder.mkdir()
    (folder / f"bad{ESCAPES}.yaml").write_text("title: [", encoding="utf-8")
    env = {"HOME": str(tmp_path), "REVIEW_ASSISTANT_CACHE": "off", "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [sys.executable, "-m", "assistant", "train", "--scenarios", str(folder)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO,
        env=env,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 2
    assert "\x1b" not in result.stderr and "\x07" not in result.stderr
    assert SHOWN in result.stderr


def _plain(args: list[str], env: dict[str, str], text: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "assistant", "plain", *args],
        input=text,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO,
        env=env,
    )


def _draft(tmp_path: Path) -> tuple[dict[str, str], Path]:
    env = {
        "HOME": str(tmp_path),
        "REVIEW_ASSISTANT_CACHE": "off",
        "REVIEW_ASSISTANT_DATA": str(tmp_path / "data"),
        "PATH": "/usr/bin:/bin",
        "NO_COLOR": "1",
    }
    started = _plain([], env, "2\n")
    found = re.search(r"draft ([0-9a-f]{8})", started.stdout)
    assert found, started.stdout + started.stderr
    return env, tmp_path / "data" / "drafts" / f"{found[1]}.json"


def test_a_drafts_pack_name_is_shown_safely_on_resume(tmp_path):
    env, path = _draft(tmp_path)
    data = json.loads(path.read_text(encoding="utf-8"))
    data["pack"]["name"] = f"Evil{ESCAPES}"
    path.write_text(json.dumps(data), encoding="utf-8")
    os.chmod(path, 0o600)
    resumed = _plain(["--resume", path.stem], env, "quit\n")
    assert "\x1b" not in resumed.stdout and "\x07" not in resumed.stdout
    assert f"Evil{SHOWN}" in resumed.stdout


def test_a_draft_with_a_far_future_date_does_not_crash(tmp_path):
    env, path = _draft(tmp_path)
    data = json.loads(path.read_text(encoding="utf-8"))
    data["answers"]["aware_date"] = "9999-12-30"
    path.write_text(json.dumps(data), encoding="utf-8")
    os.chmod(path, 0o600)
    resumed = _plain(["--resume", path.stem], env, "quit\n")
    assert "Traceback" not in resumed.stderr
    assert resumed.returncode in (0, 2), resumed.stdout + resumed.stderr
    assert "unexpected" not in (resumed.stdout + resumed.stderr).lower()


def test_typing_an_absurdly_early_date_is_asked_again():
    from assistant.core.interpret import Problem, interpret

    for typed in ("1800-01-01", "0001-01-01"):
        assert interpret(typed, kind="date") == Problem("impossible_date", typed)


def test_decide_shows_a_packs_escapes_as_text_on_a_terminal(tmp_path):
    import pty
    import shutil

    pack = tmp_path / "pack"
    shutil.copytree(REPO / "rules" / "salford", pack)
    (pack / "prompts").mkdir()
    decision = (REPO / "prompts" / "decision.txt.j2").read_text(encoding="utf-8")
    (pack / "prompts" / "decision.txt.j2").write_text(
        "Rules from {{ '\\x1b]0;pwned\\x07' }}\n" + decision, encoding="utf-8"
    )
    case = REPO / "tests" / "forms" / "cases" / "serious.yaml"
    env = {"HOME": str(tmp_path), "REVIEW_ASSISTANT_CACHE": "off", "PATH": "/usr/bin:/bin"}
    args = [sys.executable, "-m", "assistant", "--rules", str(pack), "decide", str(case)]
    piped = subprocess.run(args, capture_output=True, text=True, timeout=120, cwd=REPO, env=env)
    assert piped.returncode == 0, piped.stderr
    assert "Rules from \x1b]0;pwned\x07" in piped.stdout  # a pipe gets the words exactly
    main, secondary = pty.openpty()
    try:
        process = subprocess.Popen(
            args, stdout=secondary, stderr=subprocess.DEVNULL, cwd=REPO, env=env
        )
        os.close(secondary)
        shown = b""
        while True:
            try:
                chunk = os.read(main, 65536)
            except OSError:
                break
            if not chunk:
                break
            shown += chunk
        assert process.wait(timeout=120) == 0
    finally:
        os.close(main)
    text = shown.decode("utf-8")
    assert "\x1b" not in text and "\x07" not in text
    assert "Rules from \\x1b]0;pwned\\x07" in text
