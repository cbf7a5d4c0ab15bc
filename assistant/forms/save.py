"""Saving a form privately: the file is readable by its owner only (0600) and appears whole.

The bytes are written to a temporary file in the same folder (created 0600), flushed and
synced, then renamed over the target, so a failure never leaves half a form behind.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from assistant.core.errors import InputError


def save_private(path: Path | str, data: bytes) -> Path:
    """Write `data` to `path` atomically with mode 0600; InputError if it cannot be written."""
    path = Path(path).expanduser()
    if path.is_dir():
        raise InputError(
            f"{path}: this is a folder; give a file name, for example {path / 'referral.docx'}"
        )
    folder = path.parent
    if not folder.is_dir():
        raise InputError(
            f"{path}: the folder {folder} does not exist; create it or choose another place"
        )
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
        os.replace(temp, path)
    except OSError as exc:
        Path(temp).unlink(missing_ok=True)
        raise InputError(f"{path}: cannot be written ({exc.strerror})") from None
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
