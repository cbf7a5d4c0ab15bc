"""Fixtures for the referral form tests: the fixed rule pack and forms built from its cases."""

from __future__ import annotations

import pytest

from assistant.core import load_pack
from tests.support.forms import PACK_DIR, form_for


@pytest.fixture(scope="session")
def pack():
    return load_pack(PACK_DIR)


@pytest.fixture
def make_form(pack):
    return lambda name, **kwargs: form_for(pack, name, **kwargs)
