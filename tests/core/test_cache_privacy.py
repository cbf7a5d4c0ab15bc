"""The caches (bank holidays, checked packs) are private, and a pack cache anyone else could
have changed is never unpickled."""

from __future__ import annotations

import stat

import pytest

from assistant.core import pack as pack_module
from assistant.core.calendar import bank_holidays


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("REVIEW_ASSISTANT_CACHE", str(folder))
    return folder


def test_pack_cache_is_private_and_reused(cache):
    first = pack_module.load_pack()
    files = list(cache.glob("pack-*.pickle"))
    assert len(files) == 1
    assert stat.S_IMODE(cache.stat().st_mode) == 0o700
    assert stat.S_IMODE(files[0].stat().st_mode) == 0o600
    again = pack_module.load_pack()
    assert again.version == first.version and len(again.rules) == len(first.rules)


def test_a_pack_cache_others_can_write_is_ignored(cache, monkeypatch):
    pack_module.load_pack()
    (cached,) = cache.glob("pack-*.pickle")
    cached.chmod(0o666)
    calls = []
    real = pack_module._read_cached
    monkeypatch.setattr(pack_module, "_read_cached", lambda p: calls.append(real(p)) or calls[-1])
    loaded = pack_module.load_pack()
    assert calls == [None]  # refused, so the pack came from its YAML
    assert loaded.rules


def test_holiday_cache_folder_is_private(cache):
    from assistant.core import calendar

    calendar._cache_file.cache_clear()
    calendar._known_years.clear()
    bank_holidays(2031)
    assert list(cache.glob("bank-holidays-*.json"))
    assert stat.S_IMODE(cache.stat().st_mode) == 0o700
