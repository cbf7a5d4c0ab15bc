"""The quick start through the real command line: the kept opening file, when the chat may start
on it, and what is imported before the first question."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assistant.conversation import opening as op
from assistant.conversation.state import ConversationState
from assistant.core.pack import default_rules_dir
from tests.support.terminal import Terminal, wait_for

ROOT = Path(__file__).resolve().parents[2]
SALFORD = default_rules_dir()


@pytest.fixture
def folders(tmp_path, monkeypatch):
    """A private cache and data folder for each test; no passphrase or settings from outside."""
    cache, data = tmp_path / "cache", tmp_path / "data"
    monkeypatch.setenv("REVIEW_ASSISTANT_CACHE", str(cache))
    monkeypatch.setenv("REVIEW_ASSISTANT_DATA", str(data))
    for name in ("REVIEW_ASSISTANT_PASSPHRASE", "REVIEW_ASSISTANT_RETENTION_DAYS"):
        monkeypatch.delenv(name, raising=False)
    return cache, data


def kept(pack) -> op.Opening | None:
    return op.remember_opening(pack, ConversationState(pack).current)


# --- the kept opening ---------------------------------------------------------------------------


def test_the_opening_is_kept_privately_and_read_back_as_rendered(pack, folders):
    cache, _ = folders
    written = kept(pack)
    assert written is not None and written.fact == "immediate_risk"
    (path,) = cache.glob("opening-*.json")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(cache.stat().st_mode) == 0o700
    assert op.read_opening(SALFORD) == written
    first = pack.question_for["immediate_risk"]
    assert first.text in written.question  # the words come from questions.yaml ...
    assert written.replies[-1] == ("unknown", "Not sure")  # ... "Not sure" always an answer
    assert written.ui["app_title"]  # and from prompts/chat/ui.j2
    before = path.stat().st_mtime_ns
    time.sleep(0.01)
    assert kept(pack) == written
    assert path.stat().st_mtime_ns == before  # the same opening is not written again


def test_an_opening_someone_else_could_change_is_not_shown(pack, folders):
    kept(pack)
    (path,) = folders[0].glob("opening-*.json")
    path.chmod(0o664)
    assert op.read_opening(SALFORD) is None


@pytest.mark.parametrize(
    "damage",
    [
        lambda d: "not json {",
        lambda d: json.dumps({**d, "format": 99}),
        lambda d: json.dumps({**d, "key": "0" * 32}),
        lambda d: json.dumps({**d, "replies": []}),
        lambda d: json.dumps({**d, "replies": [["yes"]]}),
        lambda d: json.dumps({**d, "kind": "essay"}),
        lambda d: json.dumps({**d, "question": ""}),
        lambda d: json.dumps([d]),
    ],
)
def test_a_damaged_opening_means_the_usual_start(pack, folders, damage):
    kept(pack)
    (path,) = folders[0].glob("opening-*.json")
    path.write_text(damage(json.loads(path.read_text())))
    assert op.read_opening(SALFORD) is None


def test_the_key_follows_the_packs_files_and_prompts(tmp_path):
    import shutil

    pack_dir = tmp_path / "pack"
    shutil.copytree(SALFORD, pack_dir)
    key = op.opening_key(pack_dir)
    assert key is not None and op.opening_key(pack_dir) == key
    questions = pack_dir / "questions.yaml"
    questions.write_text(questions.read_text().replace("right now", "at present"))
    assert op.opening_key(pack_dir) != key
    key = op.opening_key(pack_dir)
    (pack_dir / "prompts" / "chat").mkdir(parents=True)
    (pack_dir / "prompts" / "chat" / "welcome.j2").write_text("Hello from the partnership.\n")
    assert op.opening_key(pack_dir) != key


def test_no_opening_is_kept_when_caching_is_off(pack, folders, monkeypatch):
    monkeypatch.setenv("REVIEW_ASSISTANT_CACHE", "off")  # as --no-save sets it
    assert kept(pack) is None
    assert op.read_opening(SALFORD) is None
    assert not folders[0].exists()


# --- when the chat starts on it -----------------------------------------------------------------


def kept_opening_for(argv: list[str], interactive: bool = True):
    from assistant.cli import build_parser
    from assistant.commands.chat import _kept_opening

    return _kept_opening(build_parser().parse_args(argv), interactive)


def test_the_chat_starts_on_the_kept_opening_only_when_nothing_comes_first(pack, folders):
    _, data = folders
    assert kept_opening_for([]) is None  # nothing kept yet: the usual start, which keeps it
    kept(pack)
    assert kept_opening_for([]) is not None
    assert kept_opening_for(["--resume", "abcd1234"]) is None  # opening a draft
    assert kept_opening_for(["--encrypt"]) is None  # a passphrase is asked first
    drafts = data / "drafts"
    drafts.mkdir(parents=True)
    (drafts / "abcd1234.json").write_text(json.dumps({"status": "complete"}))
    assert kept_opening_for([]) is not None  # a finished conversation is never offered
    (drafts / "efgh5678.json").write_text(json.dumps({"status": "in_progress"}))
    assert kept_opening_for([]) is None  # the picker offers it first
    assert kept_opening_for([], interactive=False) is not None  # no picker without a terminal
    (drafts / "efgh5678.json").unlink()
    (data / "settings.toml").write_text("encrypt = true\n")
    assert kept_opening_for([]) is None
    (data / "settings.toml").write_text("retention_days = [\n")
    assert kept_opening_for([]) is None  # the usual start reports the bad settings


def test_may_have_open_drafts_is_cautious(folders):
    from assistant.core.settings import may_have_open_drafts

    drafts = folders[1] / "drafts"
    assert not may_have_open_drafts()  # no folder yet
    drafts.mkdir(parents=True)
    (drafts / "notes.txt").write_text("not a draft")
    (drafts / "UPPER.json").write_text("{}")  # not a draft's name
    assert not may_have_open_drafts()
    (drafts / "abcd1234.json").write_text("{ truncated")
    assert may_have_open_drafts()


# --- the real command line ----------------------------------------------------------------------

HEAVY = ("pydantic", "yaml", "jinja2", "assistant.core.pack", "assistant.core.engine")
PROBE = f"""
import json, sys
from textual.app import App
def run(self, *args, **kwargs):
    loaded = [m for m in {HEAVY!r} if m in sys.modules]
    quick = self.pack is None
    print(json.dumps(dict(screen=type(self.get_default_screen()).__name__, quick=quick, loaded=loaded)))
App.run = run
from assistant.cli import main
main([])
"""


def test_nothing_heavy_is_imported_before_the_first_question(pack, folders):
    """Keep heavy imports off the start path: the quick start opens the app before pydantic,
    YAML, Jinja2, the pack's models or the engine are imported."""
    env = {**os.environ}

    def probe() -> dict:
        done = subprocess.run(
            [sys.executable, "-c", PROBE], capture_output=True, text=True, env=env, cwd=ROOT
        )
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout.strip().splitlines()[-1])

    first = probe()  # the first ever start loads the pack first, and keeps the opening
    assert first["quick"] is False and "assistant.core.pack" in first["loaded"]
    assert list(folders[0].glob("opening-*.json"))
    assert probe() == {"screen": "FirstQuestionScreen", "quick": True, "loaded": []}


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pty")
def test_quick_start_in_a_real_terminal_yes_at_once_gets_the_urgent_route(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("REVIEW_ASSISTANT_", "XDG_"))}
    home = tmp_path / "home"
    home.mkdir()
    env.update(
        HOME=str(home),
        REVIEW_ASSISTANT_DATA=str(tmp_path / "data"),
        TERM="xterm-256color",
        COLUMNS="100",
        LINES="40",
        NO_COLOR="1",
    )
    cache = home / ".cache" / "practice-review-assistant"

    def start() -> Terminal:
        term = Terminal([], env)
        wait_for(lambda: b"Is any child" in term.output, "the first question", term)
        return term

    term = start()  # the first ever start: the usual one, which keeps the opening
    term.kill()
    (path,) = cache.glob("opening-*.json")
    # the next start shows the kept opening: mark it, to see it is the one on screen
    marked = json.loads(path.read_text())
    marked["welcome"] = "Welcome (kept opening)."
    path.write_text(json.dumps(marked))
    term = start()
    try:
        assert b"Welcome (kept opening)." in term.output
        # once loaded, the pack's own opening replaces it, and is kept for next time
        wait_for(lambda: b"Hello." in term.output, "the pack's own welcome", term)
        wait_for(lambda: "kept opening" not in path.read_text(), "the opening rewritten", term)
    finally:
        term.kill()
    term = start()
    try:
        term.press("1\r")  # at once: very likely before the pack has loaded
        drafts = tmp_path / "data" / "drafts"

        def saved() -> dict | None:
            for file in drafts.glob("*.json"):
                return json.loads(file.read_text())
            return None

        draft = wait_for(saved, "the answer to be saved", term)
        assert draft["answers"] == {"immediate_risk": "yes"}
        assert draft["route"] == "urgent_safeguarding_referral"
        wait_for(lambda: b"0161 603 4500" in term.output, "the urgent contacts", term)
    finally:
        term.kill()
