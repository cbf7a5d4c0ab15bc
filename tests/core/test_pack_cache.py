"""A pack that loaded cleanly is kept in the cache folder; any change to its files reloads it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assistant.core import pack as pack_module
from assistant.core.engine import decide
from assistant.core.errors import InputError
from assistant.core.pack import load_pack

MINI = Path(__file__).parent / "fixtures" / "mini_pack"
FACTS = {
    "immediate_risk": "no",
    "subject_age_band": "under_16",
    "harm": "died",
    "abuse_or_neglect": "known",
}


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("REVIEW_ASSISTANT_CACHE", str(folder))
    return folder


@pytest.fixture
def pack_dir(tmp_path: Path) -> Path:
    target = tmp_path / "pack"
    shutil.copytree(MINI, target)
    return target


def _cached_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("pack-*.pickle")) if folder.exists() else []


def test_a_cached_pack_is_the_same_pack(
    cache: Path, pack_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fresh = load_pack(pack_dir)
    assert len(_cached_files(cache)) == 1

    def no_yaml(root: Path) -> None:
        raise AssertionError("read from YAML again")

    monkeypatch.setattr(pack_module, "_load_pack", no_yaml)
    cached = load_pack(pack_dir)
    assert cached is not fresh
    assert cached.meta == fresh.meta and cached.rules == fresh.rules
    assert cached.questions == fresh.questions and cached.labels == fresh.labels
    assert cached.definitions == fresh.definitions and cached.path == fresh.path
    assert decide(cached, FACTS).to_json() == decide(fresh, FACTS).to_json()


def test_changing_any_pack_file_reloads_it(cache: Path, pack_dir: Path) -> None:
    assert load_pack(pack_dir).meta.version == "1.0"
    pack_yaml = pack_dir / "pack.yaml"
    pack_yaml.write_text(pack_yaml.read_text().replace('version: "1.0"', 'version: "1.1"'))
    assert load_pack(pack_dir).meta.version == "1.1"
    rule_file = pack_dir / "rules" / "10-serious.yaml"
    rule_file.write_text(rule_file.read_text().replace("A serious case.", "Changed words."))
    reloaded = load_pack(pack_dir)
    assert next(r for r in reloaded.rules if r.id == "SERIOUS").text == "Changed words."
    assert len(_cached_files(cache)) == 3


def test_a_broken_pack_is_never_cached(cache: Path, pack_dir: Path) -> None:
    rule_file = pack_dir / "rules" / "00-risk.yaml"
    rule_file.write_text(rule_file.read_text().replace("status: local", "status: locall"))
    for _ in range(2):
        with pytest.raises(InputError, match="allowed values: confirmed, local, unconfirmed"):
            load_pack(pack_dir)
    assert _cached_files(cache) == []


def test_a_damaged_cache_file_is_ignored(cache: Path, pack_dir: Path) -> None:
    load_pack(pack_dir)
    [cached] = _cached_files(cache)
    cached.write_bytes(b"not a pickle")
    assert load_pack(pack_dir).meta.name == "mini"


def test_cache_off(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, pack_dir: Path) -> None:
    monkeypatch.setenv("REVIEW_ASSISTANT_CACHE", "off")
    assert load_pack(pack_dir).meta.name == "mini"
    assert not any(tmp_path.rglob("pack-*.pickle"))


def test_every_model_a_pack_holds_may_be_read_back_from_the_cache() -> None:
    """A model added to the pack but not to the unpickler's list would make every cached read
    fail (silently slower starts): each pydantic model in core/pack.py is listed."""
    import inspect

    from pydantic import BaseModel

    from assistant.core import pack as pack_module

    models = {
        name
        for name, value in vars(pack_module).items()
        if inspect.isclass(value)
        and issubclass(value, BaseModel)
        and value.__module__ == pack_module.__name__
    }
    assert models <= set(pack_module._PACK_CLASSES["assistant.core.pack"])
