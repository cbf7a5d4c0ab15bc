"""Plain mode keeps nothing lost and nothing leaked: SIGKILL and resume, incognito, passphrases,
damaged and newer-format drafts, and the drafts command."""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
from pathlib import Path

import pytest

from assistant.core import load_pack
from tests.support.routes import ROUTE_FACTS, typed_answers
from tests.support.terminal import Live, run_cli

# A serious incident, typed question by question in the conversation's order; GIVEN is what the
# first six lines answer.
ANSWERS, _STATE = typed_answers(load_pack(), ROUTE_FACTS["serious_incident"])
GIVEN = {fact: _STATE.answers[fact] for fact in _STATE.history[:6]}
assert len(ANSWERS) > 7


def _draft_id(text: str) -> str:
    found = re.search(r"saved after each one as draft ([0-9a-f]{8})", text)
    assert found, text
    return found[1]


def _drafts(env) -> list[Path]:
    folder = Path(env["REVIEW_ASSISTANT_DATA"]) / "drafts"
    return sorted(folder.glob("*.json")) if folder.exists() else []


@pytest.mark.slow
def test_sigkill_mid_conversation_then_resume_keeps_every_answer(env):
    live = Live(["plain"], env)
    opening = live.until_prompt()
    draft_id = _draft_id(opening)
    for line in ANSWERS[:6]:
        live.send(line)
        shown = live.until_prompt()  # the next question is on screen: the answer was saved
    assert "Question 7:" in shown
    assert live.kill() == -9

    path = Path(env["REVIEW_ASSISTANT_DATA"]) / "drafts" / f"{draft_id}.json"
    saved = json.loads(path.read_text())
    assert saved["answers"] == GIVEN and list(saved["answers"]) == list(GIVEN)  # in answer order
    assert saved["status"] == "in_progress" and saved["route"] == "serious_incident"
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary file left behind

    done = run_cli(["plain", "--resume", draft_id], env, "\n".join(ANSWERS[6:]) + "\n")
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"Carrying on with draft {draft_id}: 6 answered so far, all kept." in done.stdout
    # the six answers are not asked again: the first question shown is the seventh
    questions = re.findall(r"^Question (\d+):", done.stdout, flags=re.M)
    assert questions[0] == "7"
    assert "OUTCOME: Serious child safeguarding incident" in done.stdout
    final = json.loads(path.read_text())
    assert final["status"] == "complete"
    assert {k: final["answers"][k] for k in GIVEN} == GIVEN
    assert final["answers"]["aware_date"] == "2026-11-02"
    assert final["answers"] == {k: str(v) for k, v in _STATE.answers.items()}


@pytest.mark.slow
def test_sigkill_of_an_encrypted_conversation_resumes_with_its_passphrase(env):
    env = {**env, "REVIEW_ASSISTANT_PASSPHRASE": "tea at four"}
    live = Live(["plain", "--encrypt"], env)
    draft_id = _draft_id(live.until_prompt())
    for line in ANSWERS[:3]:
        live.send(line)
        live.until_prompt()
    live.kill()
    path = _drafts(env)[0]
    assert path.stem == draft_id
    assert "under_16" not in path.read_text()
    done = run_cli(["plain", "--resume", draft_id], env, "\n".join(ANSWERS[3:]) + "\n")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "3 answered so far, all kept" in done.stdout and "OUTCOME:" in done.stdout


def test_files_and_folder_are_private(env):
    env = {**env}
    done = run_cli(["plain"], env, "\n".join(ANSWERS[:2]) + "\n")
    assert done.returncode == 1  # the input ended before the outcome
    assert "Input ended before the outcome." in done.stdout and "Traceback" not in done.stderr
    (path,) = _drafts(env)
    assert stat.S_IMODE(os.stat(path.parent).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


@pytest.mark.slow
def test_incognito_leaves_no_file_behind(env, tmp_path):
    before = sorted(str(p) for p in tmp_path.rglob("*"))
    done = run_cli(["--no-save", "plain"], env, "\n".join(ANSWERS) + "\n")
    assert done.returncode == 0, done.stderr
    assert "Incognito: nothing from this conversation is saved" in done.stdout
    assert "OUTCOME:" in done.stdout
    assert sorted(str(p) for p in tmp_path.rglob("*")) == before  # nothing written anywhere
    # the subcommand's own option works too, and stopping early says nothing was saved
    done = run_cli(["plain", "--no-save"], env, "2\n")
    assert done.returncode == 1 and "Nothing was saved (incognito)." in done.stdout
    assert sorted(str(p) for p in tmp_path.rglob("*")) == before


@pytest.mark.slow
def test_wrong_passphrase_is_a_message_and_the_draft_is_kept(env):
    right = {**env, "REVIEW_ASSISTANT_PASSPHRASE": "correct horse"}
    run_cli(["plain", "--encrypt"], right, "\n".join(ANSWERS[:4]) + "\n")
    (path,) = _drafts(env)
    before = path.read_bytes()
    wrong = {**env, "REVIEW_ASSISTANT_PASSPHRASE": "Correct horse"}
    done = run_cli(["plain", "--resume", path.stem], wrong, "")
    assert done.returncode == 2
    assert (
        "that passphrase does not open it" in done.stdout and "Nothing was changed" in done.stdout
    )
    assert "Traceback" not in done.stdout + done.stderr
    assert path.read_bytes() == before
    # typed at the prompt (no passphrase in the environment): asked again, then it opens
    done = run_cli(
        ["plain", "--resume", path.stem],
        env,
        "wrong one\ncorrect horse\n" + "\n".join(ANSWERS[4:]) + "\n",
    )
    assert done.returncode == 0, done.stdout
    assert done.stdout.count("Passphrase for the draft:") == 2
    assert "4 answered so far, all kept" in done.stdout and "OUTCOME:" in done.stdout


def test_corrupt_draft_is_reported_left_alone_and_a_new_one_started(env):
    folder = Path(env["REVIEW_ASSISTANT_DATA"]) / "drafts"
    folder.mkdir(parents=True)
    bad = folder / "0badf00d.json"
    content = b'{"format": 1, "id": "0badf00d", "created": "2026-11-2'  # cut short by a crash
    bad.write_bytes(content)
    done = run_cli(["plain", "--resume", "0badf00d"], env, "\n".join(ANSWERS) + "\n")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Draft 0badf00d cannot be opened: the file is damaged or cut short" in done.stdout
    assert "Starting a new conversation instead." in done.stdout
    new_id = _draft_id(done.stdout)
    assert new_id != "0badf00d"
    assert bad.read_bytes() == content
    assert json.loads((folder / f"{new_id}.json").read_text())["status"] == "complete"


def test_newer_format_draft_is_reported_and_left_alone(env):
    folder = Path(env["REVIEW_ASSISTANT_DATA"]) / "drafts"
    folder.mkdir(parents=True)
    newer = folder / "2e2e2e2e.json"
    content = json.dumps(
        {"format": 2, "id": "2e2e2e2e", "answers": {"harm": "died"}, "wellbeing": {}}
    ).encode()
    newer.write_bytes(content)
    done = run_cli(["plain", "--resume", "2e2e2e2e"], env, "quit\n")
    assert done.returncode == 0
    assert "saved by a newer version of the assistant (draft format 2" in done.stdout
    assert newer.read_bytes() == content
    listing = run_cli(["drafts"], env)
    assert "2e2e2e2e  cannot be read" in listing.stdout


def test_unknown_draft_id_is_a_clear_error(env):
    done = run_cli(["plain", "--resume", "12345678"], env, "")
    assert done.returncode == 2
    assert "draft 12345678: no such draft" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.slow
def test_drafts_listing_hides_answers_unless_asked(env):
    run_cli(["plain"], env, "\n".join(ANSWERS[:4]) + "\n")
    (path,) = _drafts(env)
    listing = run_cli(["drafts"], env)
    assert listing.returncode == 0
    assert path.stem in listing.stdout and "4 answers" in listing.stdout
    assert "route so far: Serious child safeguarding incident" in listing.stdout
    pack = load_pack()
    age = next(
        o.label for o in pack.question_for["subject_age_band"].choices() if o.value == "under_16"
    )
    assert age not in listing.stdout
    detailed = run_cli(["drafts", "--show-details"], env)
    assert age in detailed.stdout
    as_json = json.loads(run_cli(["drafts", "--json"], env).stdout)
    assert (
        as_json[0]["id"] == path.stem and as_json[0]["answers"] == 4 and "details" not in as_json[0]
    )
    assert run_cli(["drafts", "delete", path.stem], env).returncode == 0
    assert not path.exists()
    missing = run_cli(["drafts", "delete", path.stem], env)
    assert missing.returncode == 2 and "no such draft" in missing.stderr


@pytest.mark.slow
def test_retention_notice_and_purge(env):
    env = {**env, "REVIEW_ASSISTANT_RETENTION_DAYS": "30"}
    run_cli(["plain"], env, "\n".join(ANSWERS[:2]) + "\n")
    (path,) = _drafts(env)
    data = json.loads(path.read_text())
    data["updated"] = "2026-01-01T09:00:00Z"
    path.write_text(json.dumps(data))
    done = run_cli(["plain"], env, "quit\n")
    assert f"1 saved draft is older than 30 days ({path.stem})" in done.stdout
    assert "drafts purge --older-than 30" in done.stdout
    assert "[older than 30 days]" in run_cli(["drafts"], env).stdout
    purged = run_cli(["drafts", "purge", "--older-than", "30"], env)
    assert purged.returncode == 0 and "Deleted 1 draft" in purged.stdout
    assert not path.exists()


@pytest.mark.slow
def test_debug_log_is_opt_in_and_holds_no_free_text(env, tmp_path):
    log = tmp_path / "debug.log"
    lines = ["Baby K Smith lives at 14 Acacia Avenue", "what is Mrs Jones", *ANSWERS]
    done = run_cli(
        ["plain"], {**env, "REVIEW_ASSISTANT_DEBUG_LOG": str(log)}, "\n".join(lines) + "\n"
    )
    assert done.returncode == 0, done.stderr
    text = log.read_text()
    assert "question immediate_risk: not understood: <text: 38 chars>" in text
    assert "command what_is (topic <text: 9 chars>)" in text
    assert "question immediate_risk: answer no" in text and "draft saved: 1 answers" in text
    for secret in ("Smith", "Acacia", "Jones", "2026-11-02"):
        assert secret not in text
    assert stat.S_IMODE(os.stat(log).st_mode) == 0o600
    # and without the variable there is no log anywhere
    before = sorted(str(p) for p in tmp_path.rglob("*") if "data" not in p.parts)
    run_cli(["plain"], env, "\n".join(lines[:3]) + "\n")
    assert sorted(str(p) for p in tmp_path.rglob("*") if "data" not in p.parts) == before


def test_ctrl_c_at_the_prompt_says_how_to_carry_on(env):
    import signal

    live = Live(["plain"], env)
    draft_id = _draft_id(live.until_prompt())
    for line in ANSWERS[:2]:
        live.send(line)
        live.until_prompt()
    live.proc.send_signal(signal.SIGINT)
    try:
        live.proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        # Python drops a ctrl+c that lands while a finalizer runs ("Exception ignored"); a
        # user presses it again. Standard input stays open: end of input is not ctrl+c.
        live.proc.send_signal(signal.SIGINT)
        live.proc.wait(timeout=30)
    out, err = live.proc.stdout.read(), live.proc.stderr.read()
    assert live.proc.returncode == 130, err.decode("utf-8", "replace")
    text = out.decode("utf-8")
    assert f"plain --resume {draft_id}" in text and "Traceback" not in text
