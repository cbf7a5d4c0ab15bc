"""Drafts under attack or in awkward states, each with its safe outcome: two sessions never
overwrite each other, killed saves leave no answers behind, hostile files fail fast and clearly,
and scripted encryption never takes an answer for the passphrase."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from assistant.core.crypto import MIN_PASSPHRASE, SCRYPT_N, SCRYPT_P, SCRYPT_R
from assistant.core.drafts import (
    Draft,
    DraftDamaged,
    DraftError,
    DraftInUse,
    DraftStore,
    PurgeIncomplete,
    choose_passphrase,
    open_draft,
)
from assistant.core.errors import InputError

ROOT = Path(__file__).resolve().parents[2]
posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX locks, FIFOs and signals")


def _saved(store: DraftStore, **answers: str) -> Draft:
    draft = store.new("salford", "2026.11.0")
    draft.set_answers(answers or {"immediate_risk": "no", "harm": "died"})
    store.save(draft)
    return draft


def _cli(args: list[str], data: Path, stdin: str = "", **extra: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("REVIEW_ASSISTANT_", "XDG_"))}
    env.update(
        REVIEW_ASSISTANT_DATA=str(data),
        REVIEW_ASSISTANT_CACHE="off",
        HOME=str(data.parent),
        NO_COLOR="1",
        **extra,
    )
    return subprocess.run(
        [sys.executable, "-m", "assistant", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
    )


class _Holder:
    """Another process that has a draft open (holds its lock) until it is killed."""

    def __init__(self, data: Path, draft_id: str) -> None:
        code = (
            "import sys, time\n"
            "from assistant.core.drafts import DraftStore\n"
            f"store = DraftStore()\nstore.lock({draft_id!r})\n"
            "print('holding', flush=True)\n"
            "time.sleep(120)\n"
        )
        env = {**os.environ, "REVIEW_ASSISTANT_DATA": str(data)}
        self.process = subprocess.Popen(
            [sys.executable, "-c", code], stdout=subprocess.PIPE, text=True, env=env, cwd=ROOT
        )
        assert self.process.stdout is not None
        assert self.process.stdout.readline().strip() == "holding"

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)


# --- folders ----------------------------------------------------------------------------------


@posix_only
def test_missing_parent_folders_are_private_under_umask_000(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "a" / "b" / "data"
    monkeypatch.setenv("REVIEW_ASSISTANT_DATA", str(data))
    old = os.umask(0)
    try:
        store = DraftStore()
        _saved(store)
    finally:
        os.umask(old)
    for folder in (tmp_path / "a", tmp_path / "a" / "b", data, store.root, store.locks_root):
        assert (folder.stat().st_mode & 0o777) == 0o700, folder


# --- two sessions on one draft --------------------------------------------------------------------


@posix_only
def test_a_second_session_cannot_overwrite_the_first(data_dir: Path) -> None:
    first = DraftStore()
    draft = _saved(first)
    path = first.path_for(draft.id)
    before = path.read_bytes()

    second = DraftStore()
    assert second.in_use(draft.id)
    other = second.load(draft.id)  # reading is fine ...
    other.set_answers({"immediate_risk": "yes"})
    with pytest.raises(DraftInUse) as caught:  # ... overwriting is not
        second.save(other)
    assert "open in another session" in str(caught.value)
    assert path.read_bytes() == before

    first.close()  # the first session ends
    second.save(other)
    assert second.load(draft.id).answers == {"immediate_risk": "yes"}


@posix_only
def test_resuming_a_draft_open_elsewhere_offers_a_copy(data_dir: Path) -> None:
    first = DraftStore()
    draft = _saved(first, immediate_risk="no", subject_age_band="under_16")
    original = first.path_for(draft.id).read_bytes()

    second = DraftStore()
    with pytest.raises(DraftInUse) as caught:
        open_draft(second, draft.id)
    copy = caught.value.copy
    assert copy is not None and copy.id != draft.id
    assert copy.answers == draft.answers and copy.pack == draft.pack
    assert f"carries on in a copy, draft {copy.id}" in str(caught.value)
    copy.set_answers({**copy.answers, "harm": "died"})
    second.save(copy)
    assert first.path_for(draft.id).read_bytes() == original
    assert first.in_use(copy.id)  # the copy is held by the session that made it


@posix_only
def test_a_lock_held_by_a_killed_process_is_released(data_dir: Path) -> None:
    store = DraftStore()
    draft = _saved(store)
    store.close()
    holder = _Holder(data_dir, draft.id)
    try:
        assert store.in_use(draft.id)
        with pytest.raises(DraftInUse):
            store.save(draft)
        with pytest.raises(DraftInUse):
            store.delete(draft.id)
    finally:
        holder.kill()
    assert not store.in_use(draft.id)  # the kernel dropped the lock with the process
    store.save(draft)


# --- hidden copies left by killed saves ---------------------------------------------------------


def _leftover(store: DraftStore, draft_id: str) -> Path:
    store.root.mkdir(parents=True, exist_ok=True)
    leftover = store.root / f".{draft_id}.json.k1ll3d.tmp"
    leftover.write_text(json.dumps({"answers": {"harm": "died"}}))
    return leftover


@posix_only
def test_killed_saves_leave_nothing_behind_on_the_next_start(data_dir: Path) -> None:
    store = DraftStore()
    draft = _saved(store)
    store.close()
    leftover = _leftover(store, draft.id)
    orphan = _leftover(store, "0ddba11a")  # its draft was never renamed into place
    live = DraftStore()
    live.lock("feedf00d")
    in_flight = _leftover(store, "feedf00d")  # a save under way in a live session

    removed = DraftStore().clean_leftovers()
    assert set(removed) >= {leftover, orphan}
    assert not leftover.exists() and not orphan.exists()
    assert in_flight.exists()
    assert store.path_for(draft.id).exists()  # the draft itself is untouched


def test_purge_removes_hidden_copies_too(data_dir: Path) -> None:
    store = DraftStore()
    draft = _saved(store)
    store.close()
    leftover = _leftover(store, draft.id)
    done = _cli(["drafts", "purge", "--older-than", "30"], data_dir)
    assert done.returncode == 0, done.stderr
    assert not leftover.exists()
    assert store.path_for(draft.id).exists()  # a fresh draft is kept


def test_the_plain_session_cleans_leftovers_when_it_starts(data_dir: Path) -> None:
    store = DraftStore()
    store.root.mkdir(parents=True)
    leftover = _leftover(store, "5eed5eed")
    done = _cli(["plain"], data_dir, "q\n")
    assert "Traceback" not in done.stderr
    assert not leftover.exists()


# --- key derivation settings ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "n, r, p",
    [(2**20, 32, 16), (2**40, 8, 1), (2**10, 8, 1), (SCRYPT_N, 1, 1), (SCRYPT_N, SCRYPT_R, 2)],
)
def test_only_the_key_derivation_the_app_writes_is_accepted(
    data_dir: Path, n: int, r: int, p: int
) -> None:
    store = DraftStore(passphrase="correct horse")
    draft = _saved(store)
    store.close()
    path = store.path_for(draft.id)
    data = json.loads(path.read_text())
    assert (data["encrypted"]["n"], data["encrypted"]["r"], data["encrypted"]["p"]) == (
        SCRYPT_N,
        SCRYPT_R,
        SCRYPT_P,
    )
    data["encrypted"].update(n=n, r=r, p=p)
    path.write_text(json.dumps(data))
    started = time.monotonic()
    with pytest.raises(DraftDamaged) as caught:
        DraftStore().load(draft.id, passphrase="correct horse")
    assert time.monotonic() - started < 2  # refused before any key is derived
    assert "key derivation settings this version does not use" in str(caught.value)
    assert f"n={n}, r={r}, p={p}" in str(caught.value)


# --- files that are not drafts ---------------------------------------------------------------------


@posix_only
def test_a_fifo_named_like_a_draft_is_refused_without_hanging(data_dir: Path) -> None:
    store = DraftStore()
    store.root.mkdir(parents=True)
    os.mkfifo(store.root / "abcd1234.json", 0o600)
    outcome: list[BaseException | None] = []

    def load() -> None:
        try:
            store.load("abcd1234")
        except BaseException as exc:  # noqa: BLE001 - reported to the test thread
            outcome.append(exc)
        else:
            outcome.append(None)

    reader = threading.Thread(target=load, daemon=True)
    reader.start()
    reader.join(timeout=10)
    assert not reader.is_alive(), "opening a FIFO draft hung"
    [error] = outcome
    assert isinstance(error, DraftDamaged) and "a named pipe, not a draft file" in str(error)
    [listed] = store.list()
    assert listed.status == "unreadable" and "named pipe" in (listed.problem or "")
    done = _cli(["drafts"], data_dir)  # the listing does not hang either
    assert done.returncode == 0 and "abcd1234" in done.stdout


def test_a_folder_named_like_a_draft_is_refused_by_delete_and_left_alone(data_dir: Path) -> None:
    store = DraftStore()
    folder = store.root / "abcd1234.json"
    folder.mkdir(parents=True)
    (folder / "keep.txt").write_text("mine")
    done = _cli(["drafts", "delete", "abcd1234"], data_dir)
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0 and "is a folder, not a draft file" in done.stderr
    assert "Traceback" not in done.stderr
    assert (folder / "keep.txt").read_text() == "mine"
    assert store.list() == []
    assert _cli(["drafts", "purge", "--older-than", "0"], data_dir).returncode == 0
    assert folder.is_dir()


# --- purge --------------------------------------------------------------------------------------


@posix_only
def test_a_purge_that_cannot_finish_says_what_it_deleted(data_dir: Path) -> None:
    store = DraftStore()
    old = [_saved(store) for _ in range(3)]
    store.close()
    busy = old[1].id
    holder = _Holder(data_dir, busy)
    try:
        later = dt.datetime.now(dt.UTC) + dt.timedelta(days=100)
        with pytest.raises(PurgeIncomplete) as caught:
            DraftStore().purge(30, at=later)
        assert sorted(i.id for i in caught.value.deleted) == sorted(
            d.id for d in old if d.id != busy
        )
        assert caught.value.failed == [(busy, "it is open in another session")]

        again = _saved(DraftStore())
        for draft_id in (again.id, busy):  # both last saved long ago
            path = DraftStore().path_for(draft_id)
            data = json.loads(path.read_text())
            data["updated"] = "2000-01-01T00:00:00Z"
            path.write_text(json.dumps(data))
        done = _cli(["drafts", "purge", "--older-than", "30"], data_dir)
        assert done.returncode == 1
        assert f"Deleted 1 draft not updated for 30 days: {again.id}." in done.stdout
        assert f"draft {busy} was not deleted: it is open in another session" in done.stderr
    finally:
        holder.kill()
    assert DraftStore().path_for(busy).exists()


def test_a_draft_dated_in_the_future_is_purged(data_dir: Path) -> None:
    store = DraftStore()
    draft = _saved(store)
    store.close()
    path = store.path_for(draft.id)
    data = json.loads(path.read_text())
    data["updated"] = "9999-12-31T00:00:00Z"
    path.write_text(json.dumps(data))
    [info] = store.list()
    assert info.age_days() == float("inf")
    assert [i.id for i in store.stale(90)] == [draft.id]  # named by the retention notice
    assert [i.id for i in store.purge(90)] == [draft.id]
    assert not path.exists()


def test_a_clock_a_little_ahead_does_not_expire_a_draft(data_dir: Path) -> None:
    store = DraftStore()
    _saved(store)
    earlier = dt.datetime.now(dt.UTC) - dt.timedelta(hours=3)  # this machine's clock was behind
    assert store.stale(90, at=earlier) == []


# --- passphrases --------------------------------------------------------------------------------

SCRIPTED = "1\n1\n1\n1\n1\n1\n1\n1\n"


@pytest.mark.parametrize("how", ["flag", "settings"])
def test_scripted_encryption_without_a_passphrase_exits_2_with_one_line(
    data_dir: Path, how: str
) -> None:
    if how == "settings":
        data_dir.mkdir(parents=True)
        (data_dir / "settings.toml").write_text("encrypt = true\n")
    args = ["plain", "--encrypt"] if how == "flag" else ["plain"]
    done = _cli(args, data_dir, SCRIPTED)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "REVIEW_ASSISTANT_PASSPHRASE" in lines[0] and "no terminal" in lines[0]
    assert not (data_dir / "drafts").exists() or not list((data_dir / "drafts").glob("*.json"))


def test_a_short_passphrase_in_the_environment_is_refused(data_dir: Path) -> None:
    done = _cli(["plain", "--encrypt"], data_dir, SCRIPTED, REVIEW_ASSISTANT_PASSPHRASE="short")
    assert done.returncode == 2
    assert "too short" in done.stderr and f"at least {MIN_PASSPHRASE}" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_scripted_encryption_with_a_passphrase_in_the_environment_works(data_dir: Path) -> None:
    done = _cli(["plain", "--encrypt"], data_dir, "2\n", REVIEW_ASSISTANT_PASSPHRASE="tea at four")
    assert "Input ended before the outcome" in done.stdout, done.stderr  # status 1: unfinished
    [path] = (data_dir / "drafts").glob("*.json")
    assert "encrypted" in json.loads(path.read_text())


def test_a_new_passphrase_is_asked_twice_and_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("REVIEW_ASSISTANT_PASSPHRASE", raising=False)
    typed = iter(
        ["short", "long enough one", "a different one", "long enough one", "long enough one"]
    )
    asked: list[str] = []
    told: list[str] = []

    def ask(prompt: str) -> str:
        asked.append(prompt)
        return next(typed)

    assert choose_passphrase(ask, told.append, "New: ", "Again: ") == "long enough one"
    assert asked == ["New: ", "New: ", "Again: ", "New: ", "Again: "]
    assert told[0].startswith("The passphrase is too short") and "differ" in told[1]
    with pytest.raises(InputError, match="none was chosen"):
        choose_passphrase(lambda prompt: None, told.append)


def test_draft_errors_are_input_errors() -> None:
    # the command line shows them as one line with exit status 2, never a traceback
    assert issubclass(DraftInUse, InputError) and issubclass(PurgeIncomplete, DraftError)


def test_a_lock_that_cannot_be_made_does_not_stop_a_conversation_starting(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a read-only or full disk: the conversation starts; the first save reports the problem
    from assistant.core.drafts import Autosave

    def no_room(self: DraftStore, draft_id: str) -> None:
        raise OSError(28, "No space left on device")

    store = DraftStore()
    draft = _saved(store)
    store.close()
    monkeypatch.setattr(DraftStore, "lock", no_room)
    autosave = Autosave(DraftStore())
    assert autosave.start("salford", "2026.11.0") is not None
    assert open_draft(DraftStore(), draft.id).id == draft.id
    assert Autosave(DraftStore(), draft).draft_id == draft.id
    with pytest.raises(OSError):
        DraftStore().save(draft)
