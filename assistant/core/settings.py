"""The user's data folder and settings.toml, read without pydantic.

The chat's quick start (assistant/commands/chat.py) reads these before anything heavy is
imported, to know whether a passphrase or the drafts picker must come first.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.core.paths import APP_NAME

ENV_DATA = "REVIEW_ASSISTANT_DATA"
ENV_RETENTION = "REVIEW_ASSISTANT_RETENTION_DAYS"
DEFAULT_RETENTION_DAYS = 90
SETTINGS_FILE = "settings.toml"
DRAFT_ID = re.compile(r"^[a-z0-9]{4,32}$")


def data_dir() -> Path:
    """The user's data folder for the assistant (REVIEW_ASSISTANT_DATA overrides it, for tests)."""
    override = os.environ.get(ENV_DATA)
    if override:
        return Path(override)
    import platformdirs  # lazy: the chat's quick start reads settings before anything else

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def drafts_dir() -> Path:
    return data_dir() / "drafts"


@dataclass(frozen=True)
class Settings:
    """settings.toml in the data folder: `retention_days = 90`, `encrypt = false`."""

    retention_days: int = DEFAULT_RETENTION_DAYS
    encrypt: bool = False


def load_settings() -> Settings:
    """Read the settings; REVIEW_ASSISTANT_RETENTION_DAYS overrides the file. Bad values: InputError."""
    from assistant.core.errors import InputError  # only to report a problem (it needs pydantic)

    path = data_dir() / SETTINGS_FILE
    raw: dict[str, Any] = {}
    if path.is_file():
        import tomllib  # lazy: most starts have no settings file

        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise InputError(f"{path}: not valid TOML ({exc}); fix or delete the file") from None
        except OSError as exc:
            raise InputError(f"{path}: cannot be read ({exc.strerror})") from None
    retention: Any = raw.get("retention_days", DEFAULT_RETENTION_DAYS)
    where = str(path)
    env = os.environ.get(ENV_RETENTION)
    if env is not None and env.strip():
        retention, where = env.strip(), ENV_RETENTION
    try:
        retention_days = int(retention)
        if isinstance(retention, bool) or retention_days < 1:
            raise ValueError
    except (TypeError, ValueError):
        raise InputError(
            f"{where}: retention_days must be a whole number of days, 1 or more (got {retention!r})"
        ) from None
    encrypt = raw.get("encrypt", False)
    if not isinstance(encrypt, bool):
        raise InputError(f"{path}: encrypt must be true or false (got {encrypt!r})")
    return Settings(retention_days=retention_days, encrypt=encrypt)


def may_have_open_drafts() -> bool:
    """Whether the drafts folder may hold a conversation to carry on (the chat's picker).

    Cheap and cautious: False only when every draft file is readable JSON whose status is not
    "in_progress" (a complete conversation is never offered; see chat_session). Anything
    unreadable or unusual says True, and the chat then starts the usual way.
    """
    folder = drafts_dir()
    try:
        paths = [p for p in folder.glob("*.json") if DRAFT_ID.match(p.stem)]
    except OSError:
        return True
    for path in paths:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError, RecursionError):
            return True
        if not isinstance(data, dict) or data.get("status") != "complete":
            return True
    return False
