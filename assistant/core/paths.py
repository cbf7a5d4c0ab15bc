"""Where the shipped rule pack and prompts are, and the user's private cache files: no
pydantic, no YAML (the chat's quick start finds the pack's files and its kept opening with
this before anything heavy is imported)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP_NAME = "practice-review-assistant"


def _package_dir(name: str) -> Path:
    """rules/ and prompts/ live beside the package in a checkout and inside it when installed."""
    here = Path(__file__).resolve().parent.parent
    inside = here / name
    return inside if inside.is_dir() else here.parent / name


def default_rules_dir() -> Path:
    """The shipped pack (Salford), or the one named by REVIEW_ASSISTANT_RULES."""
    override = os.environ.get("REVIEW_ASSISTANT_RULES")
    return Path(override) if override else _package_dir("rules") / "salford"


def default_prompts_dir() -> Path:
    return _package_dir("prompts")


def cache_dir() -> Path | None:
    """The folder for cache files (holidays, the checked pack, the chat's opening), or None
    when caching is off (REVIEW_ASSISTANT_CACHE=off; another value names another folder)."""
    override = os.environ.get("REVIEW_ASSISTANT_CACHE")
    if override is not None:
        return None if override.strip().lower() in ("", "off", "0", "no") else Path(override)
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(base) / APP_NAME / "Cache"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / APP_NAME
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / APP_NAME


def read_cache_file(path: Path) -> bytes | None:
    """A cache file's bytes if this user wrote it and nobody else can change it; else None.

    Some caches are run as code (the pickled pack) or shown as the safety question (the chat's
    opening), so a file anyone else could have written is never trusted.
    """
    try:
        info = os.stat(path)
        if (hasattr(os, "getuid") and info.st_uid != os.getuid()) or info.st_mode & 0o022:
            return None
        return path.read_bytes()
    except OSError:
        return None


def write_cache_file(path: Path, data: bytes) -> None:
    """Keep `data` in `path`: folder 0700, file 0600, replaced whole (a reader never sees half
    a file). A cache that cannot be written only costs speed, so failures are ignored."""
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(path.parent, 0o700)
        temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(temporary, path)
    except OSError:
        pass
