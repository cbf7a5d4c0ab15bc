"""The environment for driving `review-assistant plain` as a real subprocess."""

from __future__ import annotations

import os

import pytest


@pytest.fixture
def env(tmp_path):
    """A clean environment: private data folder and HOME under tmp_path, no passphrase."""
    home = tmp_path / "home"
    home.mkdir()
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("REVIEW_ASSISTANT_", "XDG_"))}
    clean.update(
        HOME=str(home),
        REVIEW_ASSISTANT_DATA=str(tmp_path / "data"),
        PYTHONDONTWRITEBYTECODE="1",
        NO_COLOR="1",
    )
    return clean
