"""Fixtures for the core's tests: the mini pack (stable, small) and the shipped Salford pack."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.core.pack import Pack, load_pack

FIXTURES = Path(__file__).parent / "fixtures"
MINI_PACK = FIXTURES / "mini_pack"


@pytest.fixture(scope="session")
def mini(_cache_folder: Path) -> Pack:
    return load_pack(MINI_PACK)


@pytest.fixture(scope="session")
def salford(_cache_folder: Path) -> Pack:
    return load_pack()


@pytest.fixture(scope="session", autouse=True)
def _cache_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Keep the holiday and rule-pack caches out of the user's home folder during tests."""
    folder = tmp_path_factory.mktemp("cache")
    before = os.environ.get("REVIEW_ASSISTANT_CACHE")
    os.environ["REVIEW_ASSISTANT_CACHE"] = str(folder)
    yield folder
    if before is None:
        os.environ.pop("REVIEW_ASSISTANT_CACHE", None)
    else:
        os.environ["REVIEW_ASSISTANT_CACHE"] = before
