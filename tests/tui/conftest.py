"""Fixtures for the chat app's tests: the shipped pack and the small fixed pack."""

from __future__ import annotations

import pytest

from assistant.core import load_pack
from assistant.core.pack import Pack
from tests.support.pilot import FIXED_PACK


@pytest.fixture(scope="session")
def pack() -> Pack:
    return load_pack()


@pytest.fixture(scope="session")
def fixed_pack() -> Pack:
    return load_pack(FIXED_PACK)
