"""Saving a form or an outcome privately: the file is readable by its owner only (0600) and
appears whole.

The bytes are written to a temporary file in the same folder (created 0600), flushed and
synced, then put in place: renamed over the target, or, where nothing may be replaced, linked
to the new name (which fails if the name is taken), so a failure never leaves half a file.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from assistant.core.errors import InputError

_TAKEN = "a file with this name already exists; choose another name (nothing was replaced)"


def save_private(
    path: Path | str, data: bytes, *, replace: bool = True, example: str = "referral.docx"
) -> Path:
    """Write `data` to `path` atomically with mode 0600; InputError if it cannot be written,
    or, with `replace=False`, if a file of that name exists (it is never replaced)."""
    path = Path(path).expanduser()
    if path.is_dir():
        raise InputError(
            f"{path}: this is a folder; give a file name, for example {path / example}"
        )
    folder = path.parent
    if not folder.is_dir():
        raise InputError(
            f"{path}: the folder {folder} does not exist; create it or choose another place"
        )
    if not replace and path.exists():
        raise InputError(f"{path}: {_TAKEN}")
    try:
        fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise InputError(f"{path}: cannot write in {folder} ({exc.strerror})") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, 0o600)
        if replace:
            os.replace(temp, path)
        else:
            os.link(temp, path)  # fails if the name was taken meanwhile: never replaces
    except FileExistsError:
        raise InputError(f"{path}: {_TAKEN}") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot be written ({exc.strerror})") from None
    finally:
        Path(temp).unlink(missing_ok=True)
    return path


def unused_path(folder: Path, stem: str, suffix: str) -> Path:
    """folder/stem.suffix, or stem-2.suffix, stem-3.suffix ... if that name is taken."""
    candidate = folder / f"{stem}{suffix}"
    number = 2
    while candidate.exists():
        candidate = folder / f"{stem}-{number}{suffix}"
        number += 1
    return candidate


def documents_folder() -> Path:
    """The user's documents folder (platformdirs), or the home folder if there is none."""
    from platformdirs import user_documents_dir  # lazy: asked only when a form is saved

    folder = Path(user_documents_dir())
    return folder if folder.is_dir() else Path.home()
