"""Drafts: a conversation saved after every answer, so a closed laptop or a crash loses nothing.

A draft is one JSON file in the user's data folder (platformdirs, or REVIEW_ASSISTANT_DATA):

    {"format": 1, "id": "3f9a0c1d", "created": "...", "updated": "...",
     "pack": {"name": "salford", "version": "2026.11.0"},
     "answers": {"immediate_risk": "no", "aware_date": "2026-11-20", ...},
     "transcript": [{"role": "assistant", "text": "..."}, ...],   (optional)
     "status": "in_progress" | "complete", "route": "serious_incident"}

Optional `referral` (the referral form's fields as typed) and `label` (the child's initials or
a name the user gave) travel with it; drafts without them load as before.

With a passphrase, `answers`, `transcript`, `route`, `referral` and `label` are replaced by an
`encrypted` block (assistant.core.crypto); the id, dates, pack and status stay readable for the
listing.

Writes are atomic (temporary file in the same folder, flush, fsync, os.replace, fsync of the
folder): a draft on disk is always the previous answer's or this one's, never half of each.
The folder is 0700 and every file 0600, set explicitly whatever the umask. A save killed
half way leaves a hidden `.<id>.json.<random>.tmp`; DraftStore.clean_leftovers removes it
(front ends call it when they start, and purge does).

A store writes a draft only while it holds the draft's lock (DraftStore.lock: an flock that
the system drops when the process ends), so two sessions on one draft cannot overwrite each
other: the second gets DraftInUse, and open_draft offers it a copy under a new id.

Only regular files are read (a named pipe named like a draft is refused, not waited on), and
an encrypted draft is opened only with the key-derivation settings this version writes.

A file that cannot be read (truncated, not JSON, written by a newer version, encrypted with
another passphrase) raises DraftError naming the problem and is never written to: the caller
starts afresh with a new id. Nothing here prints or logs; the UI decides what to say.
"""

from __future__ import annotations

import builtins
import datetime as dt
import json
import math
import os
import secrets
import stat
import tempfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from assistant.core import contract
from assistant.core.crypto import (
    MIN_PASSPHRASE,
    CryptoError,
    Sealer,
    WrongPassphrase,
    check_new_passphrase,
)
from assistant.core.errors import InputError
from assistant.core.settings import DRAFT_ID, drafts_dir

FORMAT: Literal[1] = 1
ENV_PASSPHRASE = "REVIEW_ASSISTANT_PASSPHRASE"
DIR_MODE = 0o700
FILE_MODE = 0o600
_ID = DRAFT_ID  # the file name of a draft: its id
_MAX_BYTES = 16 * 1024 * 1024  # a draft is a few KB; anything this big is not one of ours
# A draft saved "later than now" by more than this is not believed (see DraftInfo.age_days).
_CLOCK_SLACK = dt.timedelta(days=1)

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no advisory locks; one session per draft
    fcntl = None  # type: ignore[assignment]


# --- errors -------------------------------------------------------------------------------------


class DraftError(InputError):
    """A draft cannot be opened. The file is left exactly as it was."""

    def __init__(self, draft_id: str, path: Path | None, why: str, fix: str) -> None:
        self.draft_id = draft_id
        self.path = path
        self.why = why
        self.fix = fix
        where = f" ({path})" if path else ""
        super().__init__(f"draft {draft_id}{where}: {why}. {fix}")


class DraftDamaged(DraftError):
    """Truncated, not JSON, or not a draft of this assistant."""


class DraftTooNew(DraftError):
    """Written by a newer version of the assistant (a higher format number)."""


class PassphraseNeeded(DraftError):
    """The draft is encrypted and no passphrase was given."""


class DraftWrongPassphrase(DraftError):
    """The passphrase given does not open the draft."""


class DraftNotFound(DraftError):
    """No draft with that id."""


class DraftInUse(DraftError):
    """Another session has the draft open: saving here would overwrite its answers.

    `copy`, when set, is a new draft (new id, same answers and transcript, locked by this
    store) the caller can carry on in instead; the original is left to the other session.
    """

    def __init__(self, draft_id: str, path: Path | None, copy: Draft | None = None) -> None:
        self.copy = copy
        fix = (
            f"It is left to that session; this conversation carries on in a copy, draft {copy.id}."
            if copy is not None
            else "Close it there first, or carry on in a copy of it."
        )
        super().__init__(draft_id, path, "it is open in another session", fix)


class PurgeIncomplete(DraftError):
    """Some drafts could not be deleted; `deleted` lists those that were."""

    def __init__(
        self, deleted: builtins.list[DraftInfo], failed: builtins.list[tuple[str, str]]
    ) -> None:
        self.deleted = deleted
        self.failed = failed
        done = ", ".join(i.id for i in deleted) or "none"
        left = "; ".join(f"{draft_id}: {why}" for draft_id, why in failed)
        super().__init__(
            failed[0][0],
            None,
            f"not every draft could be deleted ({left}); deleted: {done}",
            "Deal with the ones named and run the purge again.",
        )


# --- where drafts live --------------------------------------------------------------------------


def ensure_private_dir(path: Path) -> Path:
    """Create `path` and make it 0700, whatever the umask.

    Missing parents are created one by one as 0700 too (mkdir's `parents=True` would make them
    with the umask's modes: world-writable under umask 000). Existing parents are left alone.
    """
    missing: list[Path] = []
    probe = path
    while not probe.exists() and probe.parent != probe:
        missing.append(probe)
        probe = probe.parent
    for part in reversed(missing):
        try:
            os.mkdir(part, DIR_MODE)
        except FileExistsError:
            continue  # made meanwhile by another session
        os.chmod(part, DIR_MODE)
    os.chmod(path, DIR_MODE)
    return path


def _fsync_dir(path: Path) -> None:
    if not hasattr(os, "O_DIRECTORY"):  # Windows: directories cannot be opened for fsync
        return
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write(path: Path, data: bytes) -> None:
    """Replace `path` with `data` so that a crash leaves either the old file or the new one.

    The temporary copy (`.<name>.<random>.tmp`, made with O_EXCL) is removed on any error; one
    left by a killed process is removed by DraftStore.clean_leftovers.
    """
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        if hasattr(os, "fchmod"):
            os.fchmod(fd, FILE_MODE)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    os.chmod(path, FILE_MODE)
    _fsync_dir(path.parent)


# --- settings -----------------------------------------------------------------------------------


# --- the draft ----------------------------------------------------------------------------------


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


# defer_build: the schemas are built on first use (the first save), not on the chat's start path
class PackRef(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)
    name: str
    version: str


class TranscriptEntry(BaseModel):
    """One line of the conversation as shown. Extra keys a front end needs are kept as they are."""

    model_config = ConfigDict(extra="allow", defer_build=True)
    role: Literal["assistant", "user"]
    text: str


Status = Literal["in_progress", "complete"]


class Draft(BaseModel):
    """A conversation so far: every answer given (fact -> value, dates as ISO), in answer order."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True, defer_build=True)
    format: Literal[1] = FORMAT
    id: str = Field(pattern=_ID.pattern)
    created: dt.datetime
    updated: dt.datetime
    pack: PackRef
    answers: dict[str, str] = Field(default_factory=dict)
    transcript: list[TranscriptEntry] | None = None
    status: Status = "in_progress"
    route: str | None = None  # the route so far once settled, for the listing
    referral: dict[str, Any] | None = None  # the referral form's fields as typed (JSON data)
    label: str | None = Field(default=None, max_length=60)  # initials or a name the user gave

    @field_validator("answers")
    @classmethod
    def _answers(cls, value: dict[str, str]) -> dict[str, str]:
        return check_answers(value)

    @field_validator("route")
    @classmethod
    def _route(cls, value: str | None) -> str | None:
        if value is not None and value not in contract.ROUTES:
            raise ValueError(f"unknown route {value!r}")
        return value

    @classmethod
    def start(cls, pack_name: str, pack_version: str, draft_id: str | None = None) -> Draft:
        stamp = now()
        return cls(
            id=draft_id or new_id(),
            created=stamp,
            updated=stamp,
            pack=PackRef(name=pack_name, version=pack_version),
        )

    def engine_answers(self) -> dict[str, Any]:
        """The answers as the engine takes them: dates as dates, "unknown" kept (answered not sure)."""
        out: dict[str, Any] = {}
        for fact, value in self.answers.items():
            spec = contract.FACTS[fact]
            if spec.kind == "date" and value != contract.UNKNOWN and value not in spec.values:
                out[fact] = dt.date.fromisoformat(value)  # else "unknown" or "not_yet", kept
            else:
                out[fact] = value
        return out

    def set_answers(self, answers: Mapping[str, Any]) -> None:
        """Store engine answers (dates become ISO text); raises ValueError on a foreign value."""
        converted = {
            fact: value.isoformat() if isinstance(value, dt.date) else str(value)
            for fact, value in answers.items()
        }
        self.answers = check_answers(converted)


def check_answers(answers: dict[str, str]) -> dict[str, str]:
    """Every key a contract fact and every value one of its values (dates ISO); else ValueError."""
    for fact, answer in answers.items():
        spec = contract.FACTS.get(fact)
        if spec is None:
            raise ValueError(f"unknown fact {fact!r}")
        if not isinstance(answer, str):
            raise ValueError(f"{fact}: {answer!r} is not text")
        if spec.kind == "date":
            if answer not in spec.values and answer != contract.UNKNOWN:  # a date, or "not_yet"
                from assistant.core.calendar import FIRST_DAY, LAST_DAY

                if not FIRST_DAY <= dt.date.fromisoformat(answer) <= LAST_DAY:
                    raise ValueError(f"{fact}: {answer} is not a date the assistant can use")
        elif answer not in spec.values:
            raise ValueError(f"{fact}: {answer!r} is not one of its values")
    return answers


def new_id() -> str:
    """A short id a person can type: 8 lowercase hex digits."""
    return secrets.token_hex(4)


@dataclass(frozen=True)
class DraftInfo:
    """One line of the listing: no answers, no transcript."""

    id: str
    path: Path
    updated: dt.datetime | None
    created: dt.datetime | None
    pack: str
    route: str | None
    answers: int | None  # None when encrypted
    status: str
    encrypted: bool
    problem: str | None = None  # set when the file cannot be read; it is listed, not touched
    label: str | None = None  # the name the user gave it (None when encrypted or not given)

    def age_days(self, at: dt.datetime | None = None) -> float:
        """Days since the draft was last saved.

        A draft that says it was saved more than a day after `at` cannot be right (a changed
        clock, or a hand-edited file); its date is not believed and it counts as older than any
        retention period (infinitely old), so the retention notice names it and `purge`
        removes it rather than keeping it for ever.
        """
        at = at or now()
        try:
            stamp = self.updated or dt.datetime.fromtimestamp(self.path.stat().st_mtime, dt.UTC)
        except (OSError, OverflowError, ValueError):
            return math.inf
        if stamp > at + _CLOCK_SLACK:
            return math.inf
        return (at - stamp).total_seconds() / 86400


# --- the store ----------------------------------------------------------------------------------


class DraftLock:
    """This process's hold on one draft (an flock on `drafts.locks/<id>.lock`), released by
    `release`, by closing its store, or when the process ends however it ends (the kernel
    drops it)."""

    def __init__(self, draft_id: str, fd: int | None) -> None:
        self.draft_id = draft_id
        self._fd = fd

    @property
    def held(self) -> bool:
        return self._fd is not None

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is not None:
            os.close(fd)  # closing the descriptor drops the flock

    def __del__(self) -> None:
        self.release()


class DraftStore:
    """The drafts folder. With a passphrase, drafts it saves are encrypted.

    A store writes a draft only while it holds that draft's lock (taken on the first save or by
    `lock`, kept until `release`/`close` or the end of the process): a second session on the
    same draft gets DraftInUse instead of silently overwriting the first one's answers.
    """

    def __init__(self, root: Path | None = None, passphrase: str | None = None) -> None:
        self.root = root if root is not None else drafts_dir()
        self._sealer: Sealer | None = Sealer(passphrase) if passphrase else None
        self._locks: dict[str, DraftLock] = {}

    # -- locks

    @property
    def locks_root(self) -> Path:
        """The folder of the drafts' lock files, beside the drafts folder (drafts.locks)."""
        return self.root.with_name(self.root.name + ".locks")

    def _lock_path(self, draft_id: str) -> Path:
        return self.locks_root / f"{draft_id}.lock"

    def _try_lock(self, draft_id: str) -> int | None:
        """A descriptor holding the draft's lock, or None if another session holds it."""
        lock_path = self._lock_path(draft_id)
        flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
        while True:
            fd = os.open(lock_path, flags, FILE_MODE)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                return None
            except OSError:
                os.close(fd)
                raise
            try:
                current = os.stat(lock_path, follow_symlinks=False)
            except FileNotFoundError:
                current = None
            if current is not None and os.path.samestat(os.fstat(fd), current):
                return fd
            os.close(fd)  # a cleaner removed the file between open and flock: lock the new one

    def lock(self, draft_id: str) -> DraftLock:
        """Hold `draft_id` for this store; DraftInUse if another session holds it, OSError if
        the lock file cannot be made (then saving would fail too).

        Taking a lock this store already holds returns it again.
        """
        held = self._locks.get(draft_id)
        if held is not None and held.held:
            return held
        path = self.path_for(draft_id)
        if fcntl is None:  # pragma: no cover - Windows
            held = DraftLock(draft_id, None)
        else:
            # OSError (a read-only or full disk) is left to the caller, as for any failed save
            ensure_private_dir(self.locks_root)
            fd = self._try_lock(draft_id)
            if fd is None:
                raise DraftInUse(draft_id, path)
            held = DraftLock(draft_id, fd)
        self._locks[draft_id] = held
        return held

    def release(self, draft_id: str) -> None:
        """Let other sessions open `draft_id` again."""
        held = self._locks.pop(draft_id, None)
        if held is not None:
            held.release()

    def close(self) -> None:
        """Release every draft this store holds."""
        for draft_id in builtins.list(self._locks):
            self.release(draft_id)

    def in_use(self, draft_id: str) -> bool:
        """Whether another session holds `draft_id` (this store's own locks do not count)."""
        if draft_id in self._locks or fcntl is None or not self.locks_root.is_dir():
            return False
        try:
            fd = self._try_lock(draft_id)
        except OSError:
            return False
        if fd is None:
            return True
        os.close(fd)
        return False

    def copy(self, draft: Draft) -> Draft:
        """A new draft (new id, locked by this store) with `draft`'s answers and transcript.

        Nothing is written until it is saved.
        """
        data = draft.model_dump()
        stamp = now()
        data.update(id=self.new_id(), created=stamp, updated=stamp)
        duplicate = Draft.model_validate(data)
        try:
            self.lock(duplicate.id)
        except OSError:
            pass  # the first save tries again and reports it
        return duplicate

    def clean_leftovers(self) -> builtins.list[Path]:
        """Remove what killed sessions left behind; returns the files removed.

        A save killed between writing its temporary copy and renaming it leaves a hidden
        `.<id>.json.<random>.tmp` holding the answers; it is removed unless the draft is open
        in a live session (whose save may be under way). A lock file whose draft no longer
        exists and that no session holds goes too.
        """
        removed: builtins.list[Path] = []
        if not self.root.is_dir():
            return removed
        for leftover in sorted(self.root.glob(".*.json.*.tmp")):
            draft_id = leftover.name[1:].split(".", 1)[0]
            if not _ID.match(draft_id) or draft_id in self._locks or self.in_use(draft_id):
                continue
            try:
                leftover.unlink()
            except FileNotFoundError:
                continue
            except OSError:
                continue  # a folder or a file not ours to remove: left for the listing
            removed.append(leftover)
        if fcntl is not None and self.locks_root.is_dir():
            for lock_path in sorted(self.locks_root.glob("*.lock")):
                draft_id = lock_path.stem
                if not _ID.match(draft_id) or draft_id in self._locks:
                    continue
                if (self.root / f"{draft_id}.json").exists():
                    continue
                try:
                    fd = self._try_lock(draft_id)
                except OSError:
                    continue
                if fd is None:
                    continue
                try:
                    lock_path.unlink()  # while holding it: a session that opened it retries
                    removed.append(lock_path)
                except OSError:
                    pass
                finally:
                    os.close(fd)
        if removed:
            _fsync_dir(self.root)
        return removed

    @property
    def encrypting(self) -> bool:
        return self._sealer is not None

    def path_for(self, draft_id: str) -> Path:
        if not _ID.match(draft_id):
            raise DraftNotFound(
                draft_id,
                None,
                "is not a draft id",
                "Draft ids are 8 letters and digits, as `review-assistant drafts` lists them.",
            )
        return self.root / f"{draft_id}.json"

    def new_id(self) -> str:
        """An id no file in the folder has (a damaged file keeps its id, and its file)."""
        while True:
            draft_id = new_id()
            if not (self.root / f"{draft_id}.json").exists():
                return draft_id

    def new(self, pack_name: str, pack_version: str) -> Draft:
        """A new draft with an unused id."""
        return Draft.start(pack_name, pack_version, self.new_id())

    # -- writing

    def save(self, draft: Draft) -> Path:
        """Write the draft atomically (updating its `updated` time); returns the file's path.

        DraftInUse if another session holds the draft: its answers are never overwritten.
        """
        ensure_private_dir(self.root)
        self.lock(draft.id)
        draft.updated = now()
        path = self.path_for(draft.id)
        atomic_write(path, self._encode(draft))
        return path

    def _encode(self, draft: Draft) -> bytes:
        data = draft.model_dump(mode="json", exclude_none=True)
        if self._sealer is not None:
            secret = {
                k: data.pop(k)
                for k in ("answers", "transcript", "route", "referral", "label")
                if k in data
            }
            data["encrypted"] = self._sealer.seal(
                json.dumps(secret, ensure_ascii=False).encode("utf-8")
            )
        return (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")

    def delete(self, draft_id: str) -> Path:
        """Delete one draft file. DraftInUse if a session has it open; a folder or anything but
        a file is refused (DraftError), never removed."""
        path = self.path_for(draft_id)
        try:
            info = os.lstat(path)
        except FileNotFoundError:
            raise DraftNotFound(
                draft_id,
                None,
                "no such draft",
                "`review-assistant drafts` lists the drafts there are.",
            ) from None
        if stat.S_ISDIR(info.st_mode):
            raise DraftError(
                draft_id,
                path,
                "it is a folder, not a draft file",
                "It has been left as it is; remove it yourself if you made it.",
            )
        if self.in_use(draft_id):
            raise DraftInUse(draft_id, path)
        try:
            path.unlink()
        except FileNotFoundError:
            pass
        except OSError as exc:
            raise DraftError(
                draft_id,
                path,
                f"it cannot be deleted ({exc.strerror})",
                "Check the drafts folder's permissions (`review-assistant drafts where`).",
            ) from None
        self.release(draft_id)
        _fsync_dir(self.root)
        return path

    def purge(
        self, older_than_days: float, at: dt.datetime | None = None
    ) -> builtins.list[DraftInfo]:
        """Delete drafts last updated more than `older_than_days` ago; returns what was deleted.

        Left-over temporary copies go too (clean_leftovers). A draft that cannot be deleted
        (open in a session, a folder, no permission) does not stop the others; PurgeIncomplete
        then names it and lists what was deleted.
        """
        gone: builtins.list[DraftInfo] = []
        failed: builtins.list[tuple[str, str]] = []
        for info in self.stale(older_than_days, at):
            try:
                self.delete(info.id)
            except DraftNotFound:
                continue
            except DraftError as exc:
                failed.append((info.id, exc.why))
                continue
            gone.append(info)
        self.clean_leftovers()
        if failed:
            raise PurgeIncomplete(gone, failed)
        return gone

    # -- reading

    def load(self, draft_id: str, passphrase: str | None = None) -> Draft:
        """Open a draft. Raises a DraftError subclass; never changes the file.

        With a passphrase that opens it, later saves of this store reuse it (and its key).
        """
        path = self.path_for(draft_id)
        data = self._read_json(draft_id, path)
        fmt = data.get("format")
        if isinstance(fmt, int) and not isinstance(fmt, bool) and fmt > FORMAT:
            raise DraftTooNew(
                draft_id,
                path,
                f"it was saved by a newer version of the assistant (draft format {fmt}; this version reads format {FORMAT})",
                "It has been left as it is: open it with the newer version, or start a new conversation.",
            )
        if fmt != FORMAT:
            raise self._damaged(
                draft_id, path, "it is not a draft of this assistant (no draft format number)"
            )
        block = data.pop("encrypted", None)
        if block is not None:
            data.update(self._decrypt(draft_id, path, block, passphrase))
        try:
            draft = Draft.model_validate(data)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "the file"
            raise self._damaged(
                draft_id, path, f"it is damaged ({where}: {first['msg']})"
            ) from None
        if draft.id != draft_id:
            raise self._damaged(draft_id, path, f"it says it is draft {draft.id}, not {draft_id}")
        return draft

    def _decrypt(
        self, draft_id: str, path: Path, block: Any, passphrase: str | None
    ) -> dict[str, Any]:
        sealer = self._sealer
        if passphrase:
            try:
                sealer = Sealer.for_block(passphrase, block)
            except CryptoError as exc:
                raise self._damaged(draft_id, path, f"it cannot be decrypted: {exc}") from None
        if sealer is None:
            raise PassphraseNeeded(
                draft_id, path, "it is encrypted", "Give its passphrase to open it."
            )
        try:
            plain = sealer.open(block)
        except WrongPassphrase:
            raise DraftWrongPassphrase(
                draft_id,
                path,
                "that passphrase does not open it",
                "Nothing was changed: try the passphrase again (it is case-sensitive).",
            ) from None
        except CryptoError as exc:
            raise self._damaged(draft_id, path, f"it cannot be decrypted: {exc}") from None
        try:
            secret = json.loads(plain.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise self._damaged(draft_id, path, "its encrypted part is damaged") from None
        if not isinstance(secret, dict):
            raise self._damaged(draft_id, path, "its encrypted part is damaged")
        self._sealer = sealer  # saving it again keeps the same passphrase, salt and key
        return secret

    def _read_json(self, draft_id: str, path: Path) -> dict[str, Any]:
        try:
            raw = _read_regular_file(draft_id, path)
        except FileNotFoundError:
            raise DraftNotFound(
                draft_id,
                None,
                "no such draft",
                "`review-assistant drafts` lists the drafts there are.",
            ) from None
        except OSError as exc:
            raise DraftError(
                draft_id,
                path,
                f"it cannot be read ({exc.strerror})",
                "Check the file's permissions.",
            ) from None
        if not raw.strip():
            raise self._damaged(draft_id, path, "the file is empty (it may have been cut short)")
        try:
            data = json.loads(raw.decode("utf-8"))
        except UnicodeDecodeError:
            raise self._damaged(draft_id, path, "the file is not UTF-8 text") from None
        except json.JSONDecodeError as exc:
            raise self._damaged(
                draft_id,
                path,
                f"the file is damaged or cut short (not complete JSON at line {exc.lineno})",
            ) from None
        except RecursionError:
            raise self._damaged(
                draft_id, path, "the file is not a draft (nested too deeply)"
            ) from None
        if not isinstance(data, dict):
            raise self._damaged(draft_id, path, "it is not a draft of this assistant")
        return data

    @staticmethod
    def _damaged(draft_id: str, path: Path, why: str) -> DraftDamaged:
        return DraftDamaged(
            draft_id,
            path,
            why,
            f"It has been left as it is. Start a new conversation; "
            f"`review-assistant drafts delete {draft_id}` removes it.",
        )

    def _paths(self) -> Iterator[Path]:
        if not self.root.is_dir():
            return iter(())
        return iter(
            sorted(p for p in self.root.glob("*.json") if _ID.match(p.stem) and not p.is_dir())
        )

    def list(self) -> builtins.list[DraftInfo]:
        """Every draft, newest first; an unreadable file is listed with its problem, never touched."""
        infos = [self.info(path.stem) for path in self._paths()]
        epoch = dt.datetime.min.replace(tzinfo=dt.UTC)
        return sorted(infos, key=lambda i: i.updated or epoch, reverse=True)

    def info(self, draft_id: str) -> DraftInfo:
        """The listing line for one draft, read without a passphrase."""
        path = self.path_for(draft_id)
        try:
            data = self._read_json(draft_id, path)
            fmt = data.get("format")
            if isinstance(fmt, int) and not isinstance(fmt, bool) and fmt > FORMAT:
                raise DraftTooNew(draft_id, path, f"saved by a newer version (format {fmt})", "")
            encrypted = "encrypted" in data
            shell = {k: v for k, v in data.items() if k != "encrypted"}
            draft = Draft.model_validate(shell)
        except DraftError as exc:
            return DraftInfo(
                draft_id, path, None, None, "", None, None, "unreadable", False, exc.why
            )
        except ValidationError:
            return DraftInfo(
                draft_id, path, None, None, "", None, None, "unreadable", False, "damaged"
            )
        return DraftInfo(
            id=draft.id,
            path=path,
            updated=draft.updated,
            created=draft.created,
            pack=f"{draft.pack.name} {draft.pack.version}",
            route=None if encrypted else draft.route,
            answers=None if encrypted else len(draft.answers),
            status=draft.status,
            encrypted=encrypted,
            label=None if encrypted else draft.label,
        )

    def stale(
        self, older_than_days: float, at: dt.datetime | None = None
    ) -> builtins.list[DraftInfo]:
        """Drafts last updated more than `older_than_days` ago (unreadable ones by file time)."""
        return [i for i in self.list() if i.age_days(at) > older_than_days]


_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
    (stat.S_ISSOCK, "a socket"),
)


def _read_regular_file(draft_id: str, path: Path) -> bytes:
    """The bytes of a draft file; DraftDamaged for anything but a regular file of sane size.

    The file is opened without blocking (a named pipe would otherwise wait for a writer for
    ever) and checked on the opened descriptor before a byte is read.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except IsADirectoryError:
        raise DraftStore._damaged(draft_id, path, "it is a folder, not a draft file") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            kind = next((name for test, name in _KINDS if test(info.st_mode)), "not a file")
            raise DraftStore._damaged(draft_id, path, f"it is {kind}, not a draft file")
        if info.st_size > _MAX_BYTES:
            raise DraftStore._damaged(
                draft_id, path, f"it is {info.st_size} bytes, far too big to be a draft"
            )
        chunks = []
        left = _MAX_BYTES + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
    finally:
        os.close(fd)
    raw = b"".join(chunks)
    if len(raw) > _MAX_BYTES:
        raise DraftStore._damaged(draft_id, path, "it is far too big to be a draft")
    return raw


# --- keeping a conversation's draft -------------------------------------------------------------


class Autosave:
    """Keeps one conversation's draft on disk, rewritten after every answer.

    With no store (incognito, --no-save) it keeps nothing anywhere and `draft` stays None. A front
    end calls `record` from its after-every-answer hook; `state_listener` adapts the chat's
    ConversationState (anything with .answers, .history, .complete and .decision()).
    """

    def __init__(self, store: DraftStore | None, draft: Draft | None = None) -> None:
        """DraftInUse if `draft` is open in another session (open_draft offers a copy)."""
        self.store = store
        self.draft = draft
        self._pending: tuple[str, str, str] | None = None  # (id, pack name, pack version)
        if store is not None and draft is not None:
            _hold(store, draft.id)

    @property
    def saving(self) -> bool:
        return self.store is not None

    @property
    def draft_id(self) -> str | None:
        """The id the conversation is (or will be, from the first answer) saved under."""
        if self.draft is not None:
            return self.draft.id
        return self._pending[0] if self._pending else None

    def start(self, pack_name: str, pack_version: str) -> str | None:
        """Begin a new draft with a new id; nothing is built or written until the first answer."""
        old = self.draft_id
        self.draft = None
        self._pending = None
        if self.store is not None:
            while True:
                draft_id = self.store.new_id()
                try:
                    _hold(self.store, draft_id)  # held from the start: no one else can take it
                except DraftInUse:
                    continue
                break
            if old is not None and old != draft_id:
                self.store.release(old)  # the old case may now be resumed elsewhere
            self._pending = (draft_id, pack_name, pack_version)
        return self.draft_id

    def record(
        self,
        answers: Mapping[str, Any],
        order: Iterator[str] | list[str] | tuple[str, ...] = (),
        route: str | None = None,
        complete: bool = False,
        transcript: list[dict[str, Any]] | None = None,
    ) -> Path | None:
        """Save the answers (in `order` first, then any others), the route so far and the status."""
        if self.store is None:
            return None
        ordered = {fact: answers[fact] for fact in order if fact in answers}
        ordered.update({fact: value for fact, value in answers.items() if fact not in ordered})
        if self.draft is None:
            if self._pending is None or not ordered:
                return None
            draft_id, pack_name, pack_version = self._pending
            self.draft = Draft.start(pack_name, pack_version, draft_id)
        self.draft.set_answers(ordered)
        self.draft.route = route if ordered else None
        self.draft.status = "complete" if complete else "in_progress"
        if transcript is not None:
            self.draft.transcript = [TranscriptEntry.model_validate(t) for t in transcript]
        if not ordered and not self.store.path_for(self.draft.id).exists():
            return None  # nothing answered yet: no file for an empty conversation
        path = self.store.save(self.draft)
        from assistant.core.privacy import debug_logger

        debug_logger().debug(
            "draft saved: %d answers, status %s, route %s",
            len(ordered),
            self.draft.status,
            self.draft.route,
        )
        return path

    def close(self) -> None:
        """The conversation is over: let other sessions open its draft."""
        if self.store is not None:
            self.store.close()

    def state_listener(self) -> Any:
        """A ConversationState listener that saves after every change to the answers.

        When every answer goes at once ("restart" after two or more answers), the old draft is
        kept as it was and the new case gets a new draft: starting again never loses a case.
        """

        def listener(state: Any) -> None:
            if (
                not state.answers
                and self.draft is not None
                and len(self.draft.answers) > 1
                and self.store is not None
            ):
                self.start(self.draft.pack.name, self.draft.pack.version)
                return
            route = state.decision().route if state.answers else None
            self.record(state.answers, list(state.history), route, bool(state.complete))

        return listener


def choose_passphrase(
    ask: Callable[[str], str | None] | None,
    tell: Callable[[str], None],
    prompt: str = "Choose a passphrase to encrypt this draft: ",
    again: str = "Type the passphrase again: ",
    tries: int = 3,
) -> str:
    """The passphrase new drafts are encrypted with, or InputError (one line; exit status 2).

    REVIEW_ASSISTANT_PASSPHRASE when set; otherwise asked on the terminal with `ask` (getpass),
    twice, so a typing slip cannot lock the user out of their own draft. `ask` is None when
    there is no terminal (input piped from a script): then nothing is read from the input,
    which holds the answers, not a passphrase. Either way a passphrase shorter than
    MIN_PASSPHRASE characters is refused. `tell` shows why a typed one was refused.
    """
    given = os.environ.get(ENV_PASSPHRASE)
    if given:
        problem = check_new_passphrase(given)
        if problem:
            raise InputError(f"{ENV_PASSPHRASE}: {problem}")
        return given
    if ask is None:
        raise InputError(
            "encrypting drafts needs a passphrase, and with no terminal there is no way to ask "
            f"for one: set {ENV_PASSPHRASE} (at least {MIN_PASSPHRASE} characters) or run "
            "without --encrypt"
        )
    for _ in range(tries):
        first = ask(prompt)
        if not first:
            break
        problem = check_new_passphrase(first)
        if problem:
            tell(problem[0].upper() + problem[1:] + ".")
            continue
        if ask(again) == first:
            return first
        tell("The two passphrases differ; choose one again.")
    raise InputError(
        "encrypting drafts needs a passphrase; none was chosen, so nothing was started"
    )


def open_draft(
    store: DraftStore,
    draft_id: str,
    ask_passphrase: Any = None,
    tries: int = 3,
) -> Draft:
    """Open a draft to resume it, asking `ask_passphrase()` (-> str | None) when it is encrypted.

    A wrong passphrase is asked again up to `tries` times, then DraftWrongPassphrase is raised;
    the file is never changed. Other DraftErrors (damaged, newer, not found) are raised at once.

    The draft is locked for `store` before it is returned. When another session has it open,
    DraftInUse is raised with `copy` set: a new draft holding the same answers, which the
    caller can carry on in (saving it never touches the original).
    """
    passphrase = os.environ.get(ENV_PASSPHRASE) or None
    asked = 0
    while True:
        try:
            draft = store.load(draft_id, passphrase=passphrase)
            break
        except (PassphraseNeeded, DraftWrongPassphrase) as exc:
            if ask_passphrase is None or asked >= tries:
                raise
            asked += 1
            passphrase = ask_passphrase(exc)
            if not passphrase:
                raise
    try:
        _hold(store, draft.id)
    except DraftInUse as exc:
        raise DraftInUse(draft.id, exc.path, copy=store.copy(draft)) from None
    return draft


def _hold(store: DraftStore, draft_id: str) -> None:
    """Lock the draft for `store`: DraftInUse if another session has it. A lock that cannot be
    made (read-only or full disk) is not an error here: the conversation goes on, and the
    first save tries again and reports the problem as any failed save does."""
    try:
        store.lock(draft_id)
    except DraftInUse:
        raise
    except OSError:
        pass
