"""Where the shipped rule pack and prompts are: no pydantic, no YAML (the chat's quick start
finds the pack's files with this before anything heavy is imported).

The user's cache folder and its files are assistant.core.cache's business.
"""

from __future__ import annotations

import os
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
