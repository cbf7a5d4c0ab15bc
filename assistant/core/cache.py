"""The user's private cache folder: the one place that decides where caches live, whether they
are on, how a cache file is named, and how it is read and written safely.

Three things are kept there, all derived from files the user already has and all safe to
delete: the bank holidays (JSON), the checked rule pack (pickle, signed) and the chat's opening
(JSON). REVIEW_ASSISTANT_CACHE names another folder, or turns caching off with "off", "0",
"no" or an empty value.

A cache file's name carries `key()`: a hash of the assistant's version, of every `.py` file in
the `assistant` package, and of the input files the cached thing was made from. Any change to
the code or the inputs gives a new name, so a stale file is never read; there is no hand-kept
list of the source files a cache depends on.

Nothing another local user could have written is ever trusted:

- `read` opens the folder and then the file without following a symlink at the file's name
  (O_NOFOLLOW), checks the *opened* file (fstat: a regular file, owned by this user, writable
  by nobody else, not too big) and the folder (owned by this user, writable by nobody else);
  anything else reads as "no cache".
- `write` creates missing folders one by one with mode 0700 whatever the umask, refuses a folder
  someone else owns, writes a temporary file with an unpredictable name created with
  O_EXCL | O_NOFOLLOW (a link planted at that name is never followed) and mode 0600, and
  renames it into place, so a reader sees the old file or the new one, never half.
- The checked pack is a pickle, and unpickling can run code, so it is only ever unpickled after
  `read_signed` has checked an HMAC-SHA256 over it, keyed by a per-user secret (`cache-key`,
  32 random bytes, 0600, in the same private folder): bytes this user's assistant did not write
  are refused before any of them is interpreted.

A cache that cannot be read or written only costs speed: every failure here is silent.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import stat
import sys
from collections.abc import Iterable
from pathlib import Path

ENV_CACHE = "REVIEW_ASSISTANT_CACHE"
APP_NAME = "practice-review-assistant"
DIR_MODE = 0o700
FILE_MODE = 0o600
MAX_BYTES = 8 * 1024 * 1024  # the checked Salford pack is about 200 KB
SECRET_NAME = "cache-key"
_SECRET_BYTES = 32
_SIGNED_MAGIC = b"RAC1"  # review-assistant cache, signed, version 1
_OFF = ("", "off", "0", "no")
_POSIX = os.name == "posix"
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)


# --- where, and whether ---------------------------------------------------------------------


def folder() -> Path | None:
    """The cache folder, or None when caching is off (REVIEW_ASSISTANT_CACHE=off)."""
    override = os.environ.get(ENV_CACHE)
    if override is not None:
        return None if override.strip().lower() in _OFF else Path(override)
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(base) / APP_NAME / "Cache"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / APP_NAME
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / APP_NAME


def enabled() -> bool:
    return folder() is not None


def path(kind: str, key: str, suffix: str) -> Path | None:
    """Where the cache file of `kind` with `key` is kept, or None when caching is off."""
    where = folder()
    return None if where is None else where / f"{kind}-{key}.{suffix}"


# --- the key ----------------------------------------------------------------------------------

_code_digest: bytes | None = None


def _code() -> bytes:
    """A hash of every .py file in the assistant package (computed once per process)."""
    global _code_digest
    if _code_digest is None:
        package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        sources: list[str] = []
        for where, folders, names in os.walk(package):
            folders[:] = [f for f in folders if f != "__pycache__"]
            sources.extend(os.path.join(where, n) for n in names if n.endswith(".py"))
        digest = hashlib.sha256()
        for source in sorted(sources):
            with open(source, "rb") as handle:
                digest.update(os.path.relpath(source, package).encode() + b"\0")
                digest.update(handle.read() + b"\0")
        _code_digest = digest.digest()
    return _code_digest


def key(inputs: Iterable[Path], extra: Iterable[str] = ()) -> str | None:
    """The hash that names a cache file made from `inputs` by this version of the code.

    It covers the assistant's version, Python's, every `.py` file of the package, `extra`
    (other things the result depends on, such as a library version) and each input: a file's
    path and bytes, a folder's files (not recursive), or a mark for a missing one. None when an
    input cannot be read: then nothing is cached and the caller reads its files as usual.
    """
    from assistant import __version__

    digest = hashlib.sha256()
    try:
        digest.update(_code())
        for part in (__version__, sys.version, *extra):
            digest.update(part.encode() + b"\0")
        for item in inputs:
            digest.update(str(item).encode() + b"\0")
            if item.is_dir():
                for file in sorted(p for p in item.iterdir() if p.is_file()):
                    digest.update(file.name.encode() + b"\0" + file.read_bytes() + b"\0")
            elif item.is_file():
                digest.update(b"f" + item.read_bytes() + b"\0")
            else:
                digest.update(b"-\0")
    except (OSError, ValueError):
        return None
    return digest.hexdigest()[:32]


# --- reading ----------------------------------------------------------------------------------


def _private(info: os.stat_result) -> bool:
    """Owned by this user and writable by nobody else."""
    if not _POSIX:
        return True  # Windows: the per-user LOCALAPPDATA folder is private by its ACL
    return info.st_uid == os.getuid() and not info.st_mode & 0o022


def _open_folder(where: Path) -> int | None:
    """A descriptor of the cache folder if it is a private folder of this user's; else None."""
    try:
        fd = os.open(where, os.O_RDONLY | _DIRECTORY | _CLOEXEC)
    except OSError:
        return None
    try:
        info = os.fstat(fd)
    except OSError:
        os.close(fd)
        return None
    if not stat.S_ISDIR(info.st_mode) or not _private(info):
        os.close(fd)
        return None
    return fd


def _read_at(folder_fd: int | None, file: Path, max_bytes: int, exact_mode: bool) -> bytes | None:
    flags = os.O_RDONLY | _NOFOLLOW | _NONBLOCK | _CLOEXEC
    try:
        if folder_fd is not None:
            fd = os.open(file.name, flags, dir_fd=folder_fd)
        else:
            fd = os.open(file, flags)
    except OSError:
        return None  # missing, or a symlink at the name (ELOOP)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or not _private(info) or info.st_size > max_bytes:
            return None
        if exact_mode and _POSIX and stat.S_IMODE(info.st_mode) != FILE_MODE:
            return None
        chunks = []
        left = info.st_size + 1  # one byte more: a file that grew since fstat is refused
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        data = b"".join(chunks)
        return data if len(data) <= max_bytes else None
    except OSError:
        return None
    finally:
        os.close(fd)


def read(file: Path, max_bytes: int = MAX_BYTES) -> bytes | None:
    """The bytes of `file` in the cache folder if this user wrote it and nobody else could have
    changed it (see the module's docstring); otherwise None."""
    return _read(file, max_bytes, exact_mode=False)


def _read(file: Path, max_bytes: int, exact_mode: bool) -> bytes | None:
    if not _POSIX or os.open not in os.supports_dir_fd:
        return _read_at(None, file, max_bytes, exact_mode)
    folder_fd = _open_folder(file.parent)
    if folder_fd is None:
        return None
    try:
        return _read_at(folder_fd, file, max_bytes, exact_mode)
    finally:
        os.close(folder_fd)


# --- writing ----------------------------------------------------------------------------------


def make_private_folder(where: Path) -> bool:
    """Create `where` and any missing parents, each with mode 0700 whatever the umask.

    An existing folder of this user's is made 0700; one someone else owns is refused (False).
    Existing parents are left as they are.
    """
    missing: list[Path] = []
    probe = where
    while not probe.exists():
        if probe.is_symlink():  # a dangling link: never create through it
            return False
        missing.append(probe)
        if probe.parent == probe:
            break
        probe = probe.parent
    try:
        for part in reversed(missing):
            try:
                os.mkdir(part, DIR_MODE)
            except FileExistsError:
                pass
            if _POSIX:
                os.chmod(part, DIR_MODE)  # mkdir's mode is cut by the umask; set it exactly
        info = os.stat(where)
        if not stat.S_ISDIR(info.st_mode):
            return False
        if _POSIX:
            if info.st_uid != os.getuid():
                return False
            if stat.S_IMODE(info.st_mode) != DIR_MODE:
                os.chmod(where, DIR_MODE)
    except (OSError, NotImplementedError):
        return False
    return True


def _temporary_name(name: str) -> str:
    return f".{name}.{secrets.token_hex(8)}.tmp"


def write(file: Path, data: bytes) -> bool:
    """Keep `data` in `file` (mode 0600, replaced whole); False if it could not be kept."""
    if not make_private_folder(file.parent):
        return False
    if not _POSIX or os.open not in os.supports_dir_fd:
        return _write_plain(file, data)
    folder_fd = _open_folder(file.parent)
    if folder_fd is None:
        return False
    temporary = _temporary_name(file.name)
    try:
        fd = os.open(
            temporary,
            os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC,
            FILE_MODE,
            dir_fd=folder_fd,
        )
        try:
            os.fchmod(fd, FILE_MODE)
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
        finally:
            os.close(fd)
        os.replace(temporary, file.name, src_dir_fd=folder_fd, dst_dir_fd=folder_fd)
        return True
    except OSError:
        try:
            os.unlink(temporary, dir_fd=folder_fd)
        except OSError:
            pass
        return False
    finally:
        os.close(folder_fd)


def _write_plain(file: Path, data: bytes) -> bool:  # pragma: no cover - Windows
    temporary = file.with_name(_temporary_name(file.name))
    try:
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, FILE_MODE)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(temporary, file)
        return True
    except OSError:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        return False


# --- signed files (for data that is run as code when read: the pickled pack) -------------------


def secret(where: Path | None = None) -> bytes | None:
    """This user's cache secret (created on first use), or None if it cannot be had safely.

    It is 32 random bytes in `cache-key` in the private cache folder, mode exactly 0600 and
    owned by this user; a file that is anything else is refused, never "repaired". It is
    created complete under a temporary name and linked into place, so two processes starting
    at once agree on one secret and no reader ever sees half of one.
    """
    where = where if where is not None else folder()
    if where is None:
        return None
    file = where / SECRET_NAME
    found = _read(file, _SECRET_BYTES, exact_mode=True)
    if found is not None:
        return found if len(found) == _SECRET_BYTES else None
    if not _POSIX or not make_private_folder(where):
        return None
    folder_fd = _open_folder(where)
    if folder_fd is None:
        return None
    temporary = _temporary_name(SECRET_NAME)
    try:
        fd = os.open(
            temporary,
            os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC,
            FILE_MODE,
            dir_fd=folder_fd,
        )
        try:
            os.fchmod(fd, FILE_MODE)
            os.write(fd, secrets.token_bytes(_SECRET_BYTES))
            os.fsync(fd)
        finally:
            os.close(fd)
        try:
            os.link(temporary, SECRET_NAME, src_dir_fd=folder_fd, dst_dir_fd=folder_fd)
        except FileExistsError:
            pass  # another process made it first: use theirs
    except OSError:
        return None
    finally:
        try:
            os.unlink(temporary, dir_fd=folder_fd)
        except OSError:
            pass
        os.close(folder_fd)
    found = _read(file, _SECRET_BYTES, exact_mode=True)
    return found if found is not None and len(found) == _SECRET_BYTES else None


def _mac(key_bytes: bytes, file: Path, payload: bytes) -> bytes:
    # The file's name is signed too: a genuine file renamed to another key is refused.
    return hmac.new(key_bytes, file.name.encode() + b"\0" + payload, hashlib.sha256).digest()


def read_signed(file: Path, max_bytes: int = MAX_BYTES) -> bytes | None:
    """The payload `write_signed` kept in `file`, if its HMAC verifies; else None.

    The signature is checked (in constant time) before the payload is returned, so a caller
    that unpickles it only ever unpickles bytes this user's assistant wrote.
    """
    raw = read(file, max_bytes)
    if raw is None or not raw.startswith(_SIGNED_MAGIC):
        return None
    key_bytes = secret(file.parent)
    if key_bytes is None:
        return None
    start = len(_SIGNED_MAGIC)
    mac, payload = raw[start : start + 32], raw[start + 32 :]
    if len(mac) != 32 or not hmac.compare_digest(mac, _mac(key_bytes, file, payload)):
        return None
    return payload


def write_signed(file: Path, payload: bytes) -> bool:
    """Keep `payload` in `file` with an HMAC-SHA256 keyed by this user's cache secret."""
    if not make_private_folder(file.parent):
        return False
    key_bytes = secret(file.parent)
    if key_bytes is None:
        return False
    return write(file, _SIGNED_MAGIC + _mac(key_bytes, file, payload) + payload)
