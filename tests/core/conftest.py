"""Fixtures for the core's tests: the mini pack (stable, small) and the shipped Salford pack."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.core.pack import Pack, load_pack

FIXTURES = Path(__file__).parent / "fixtures"
MINI_PACK = FIXTURES / "mini_pack"


@pytest.fixture(scope="session")
def mini() -> Pack:
    return load_pack(MINI_PACK)


@pytest.fixture(scope="session")
def salford() -> Pack:
    return load_pack()


@pytest.fixture(autouse=True)
def _holiday_cache(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Keep the holiday cache out of the user's home folder during tests."""
    monkeypatch.setenv("REVIEW_ASSISTANT_CACHE", str(tmp_path_factory.getbasetemp() / "cache"))
