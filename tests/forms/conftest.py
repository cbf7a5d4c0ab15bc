"""Fixtures for the referral form tests: the fixed rule pack and forms built from its cases."""

from __future__ import annotations

import pytest
from form_cases import PACK_DIR, form_for

from assistant.core import load_pack


@pytest.fixture(scope="session")
def pack():
    return load_pack(PACK_DIR)


@pytest.fixture
def make_form(pack):
    return lambda name, **kwargs: form_for(pack, name, **kwargs)
