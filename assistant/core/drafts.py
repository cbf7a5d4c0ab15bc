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
The folder is 0700 and every file 0600, set explicitly whatever the umask.

A file that cannot be read (truncated, not JSON, written by a newer version, encrypted with
another passphrase) raises DraftError naming the problem and is never written to: the caller
starts afresh with a new id. Nothing here prints or logs; the UI decides what to say.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from assistant.core import contract as C
from assistant.core.crypto import CryptoError, Sealer, WrongPassphrase
from assistant.core.errors import InputError
from assistant.core.settings import (  # the data folder and settings, re-exported here
    APP_NAME,  # noqa: F401
    DEFAULT_RETENTION_DAYS,  # noqa: F401
    DRAFT_ID,
    ENV_DATA,  # noqa: F401
    ENV_RETENTION,  # noqa: F401
    SETTINGS_FILE,  # noqa: F401
    Settings,  # noqa: F401
    data_dir,  # noqa: F401
    drafts_dir,
    load_settings,  # noqa: F401
)

FORMAT = 1
ENV_PASSPHRASE = "REVIEW_ASSISTANT_PASSPHRASE"
DIR_MODE = 0o700
FILE_MODE = 0o600
_ID = DRAFT_ID  # the file name of a draft: its id
_MAX_BYTES = 16 * 1024 * 1024  # a draft is a few KB; anything this big is not one of ours


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


# --- where drafts live --------------------------------------------------------------------------


def ensure_private_dir(path: Path) -> Path:
    """Create `path` (and missing parents) and make it 0700, whatever the umask."""
    path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
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
    """Replace `path` with `data` so that a crash leaves either the old file or the new one."""
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
        if value is not None and value not in C.ROUTES:
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
            if C.FACTS[fact].kind == "date" and value != C.UNKNOWN:
                out[fact] = dt.date.fromisoformat(value)
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
        spec = C.FACTS.get(fact)
        if spec is None:
            raise ValueError(f"unknown fact {fact!r}")
        if not isinstance(answer, str):
            raise ValueError(f"{fact}: {answer!r} is not text")
        if spec.kind == "date":
            if answer != C.UNKNOWN:
                dt.date.fromisoformat(answer)
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
        stamp = self.updated or dt.datetime.fromtimestamp(self.path.stat().st_mtime, dt.UTC)
        return ((at or now()) - stamp).total_seconds() / 86400


# --- the store ----------------------------------------------------------------------------------


class DraftStore:
    """The drafts folder. With a passphrase, drafts it saves are encrypted."""

    def __init__(self, root: Path | None = None, passphrase: str | None = None) -> None:
        self.root = root if root is not None else drafts_dir()
        self._sealer: Sealer | None = Sealer(passphrase) if passphrase else None

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
        """Write the draft atomically (updating its `updated` time); returns the file's path."""
        ensure_private_dir(self.root)
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
        path = self.path_for(draft_id)
        try:
            path.unlink()
        except FileNotFoundError:
            raise DraftNotFound(
                draft_id,
                None,
                "no such draft",
                "`review-assistant drafts` lists the drafts there are.",
            ) from None
        _fsync_dir(self.root)
        return path

    def purge(self, older_than_days: float, at: dt.datetime | None = None) -> list[DraftInfo]:
        """Delete drafts last updated more than `older_than_days` ago; returns what was deleted."""
        gone: list[DraftInfo] = []
        for info in self.stale(older_than_days, at):
            try:
                info.path.unlink()
            except FileNotFoundError:
                continue
            gone.append(info)
        if gone:
            _fsync_dir(self.root)
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
            size = path.stat().st_size
            if size > _MAX_BYTES:
                raise self._damaged(
                    draft_id, path, f"it is {size} bytes, far too big to be a draft"
                )
            raw = path.read_bytes()
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
        return iter(sorted(p for p in self.root.glob("*.json") if _ID.match(p.stem)))

    def list(self) -> list[DraftInfo]:
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

    def stale(self, older_than_days: float, at: dt.datetime | None = None) -> list[DraftInfo]:
        """Drafts last updated more than `older_than_days` ago (unreadable ones by file time)."""
        return [i for i in self.list() if i.age_days(at) > older_than_days]


def is_encrypted_file(path: Path) -> bool:
    """Whether a draft file holds an encrypted block (False if it cannot be read)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        return False
    return isinstance(data, dict) and "encrypted" in data


# --- keeping a conversation's draft -------------------------------------------------------------


class Autosave:
    """Keeps one conversation's draft on disk, rewritten after every answer.

    With no store (incognito, --no-save) it keeps nothing anywhere and `draft` stays None. A front
    end calls `record` from its after-every-answer hook; `state_listener` adapts the chat's
    ConversationState (anything with .answers, .history, .complete and .decision()).
    """

    def __init__(self, store: DraftStore | None, draft: Draft | None = None) -> None:
        self.store = store
        self.draft = draft
        self._pending: tuple[str, str, str] | None = None  # (id, pack name, pack version)

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
        self.draft = None
        self._pending = (
            (self.store.new_id(), pack_name, pack_version) if self.store is not None else None
        )
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


def open_draft(
    store: DraftStore,
    draft_id: str,
    ask_passphrase: Any = None,
    tries: int = 3,
) -> Draft:
    """Open a draft to resume it, asking `ask_passphrase()` (-> str | None) when it is encrypted.

    A wrong passphrase is asked again up to `tries` times, then DraftWrongPassphrase is raised;
    the file is never changed. Other DraftErrors (damaged, newer, not found) are raised at once.
    """
    passphrase = os.environ.get(ENV_PASSPHRASE) or None
    asked = 0
    while True:
        try:
            return store.load(draft_id, passphrase=passphrase)
        except (PassphraseNeeded, DraftWrongPassphrase) as exc:
            if ask_passphrase is None or asked >= tries:
                raise
            asked += 1
            passphrase = ask_passphrase(exc)
            if not passphrase:
                raise
