"""Attacks on the cache folder by another local user, each with its safe outcome: nothing they
wrote is read, nothing is run, nothing of ours is overwritten through a planted link."""

from __future__ import annotations

import hashlib
import hmac
import os
import pickle
import shutil
import stat
import threading
from pathlib import Path

import pytest

from assistant.core import cache
from assistant.core import pack as pack_module
from assistant.core.pack import load_pack

MINI = Path(__file__).parent / "fixtures" / "mini_pack"
OTHER_UID = 12345
needs_root = pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() != 0, reason="making a file another user owns"
)
posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX owners and modes")


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    where = tmp_path / "cache"
    monkeypatch.setenv(cache.ENV_CACHE, str(where))
    return where


@pytest.fixture
def pack_dir(tmp_path: Path) -> Path:
    target = tmp_path / "pack"
    shutil.copytree(MINI, target)
    return target


class _Payload:
    """A pickle that, when loaded, creates `marker` (stands for any code an attacker runs)."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, ...]:
        return (os.mkdir, (str(self.marker),))


def _pack_file(folder: Path) -> Path:
    [found] = folder.glob("pack-*.pickle")
    return found


def _no_yaml_allowed(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    calls: list[Path] = []
    real = pack_module._load_pack

    def counting(root: Path) -> pack_module.Pack:
        calls.append(root)
        return real(root)

    monkeypatch.setattr(pack_module, "_load_pack", counting)
    return calls


# --- the pickled pack -------------------------------------------------------------------------


def test_a_planted_pickle_is_never_unpickled(
    folder: Path, pack_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_pack(pack_dir)
    target = _pack_file(folder)
    marker = tmp_path / "code-ran"
    evil = pickle.dumps(_Payload(marker))
    for planted in (
        evil,  # a bare pickle
        b"RAC1" + os.urandom(32) + evil,  # dressed as a signed file, with a made-up signature
        b"RAC1" + hmac.new(os.urandom(32), evil, hashlib.sha256).digest() + evil,  # wrong key
    ):
        target.write_bytes(planted)
        target.chmod(0o600)
        calls = _no_yaml_allowed(monkeypatch)
        assert load_pack(pack_dir).meta.name == "mini"
        assert not marker.exists()
        assert calls == [pack_dir]  # refused, so the pack came from its YAML (and was rewritten)
        monkeypatch.undo()
        monkeypatch.setenv(cache.ENV_CACHE, str(folder))


def test_even_a_correctly_signed_pickle_builds_only_pack_classes(
    folder: Path, pack_dir: Path, tmp_path: Path
) -> None:
    # Should the secret ever leak, the unpickler still refuses anything but a pack's classes.
    load_pack(pack_dir)
    target = _pack_file(folder)
    marker = tmp_path / "code-ran"
    assert cache.write_signed(target, pickle.dumps(_Payload(marker)))
    assert cache.read_signed(target) is not None  # the signature is good
    assert load_pack(pack_dir).meta.name == "mini"
    assert not marker.exists()


def test_a_genuine_file_renamed_to_another_key_is_refused(folder: Path, pack_dir: Path) -> None:
    load_pack(pack_dir)
    genuine = _pack_file(folder)
    other = folder / ("pack-" + "0" * 32 + ".pickle")
    shutil.copy(genuine, other)
    other.chmod(0o600)
    assert cache.read_signed(genuine) is not None
    assert cache.read_signed(other) is None


@posix_only
def test_a_secret_others_could_read_or_change_is_refused(folder: Path, pack_dir: Path) -> None:
    load_pack(pack_dir)
    secret = folder / cache.SECRET_NAME
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600
    assert cache.read_signed(_pack_file(folder)) is not None
    secret.chmod(0o644)
    assert cache.read_signed(_pack_file(folder)) is None
    assert cache.secret(folder) is None  # refused, never rewritten or loosened
    secret.chmod(0o600)
    assert cache.read_signed(_pack_file(folder)) is not None


@posix_only
def test_a_symlinked_cache_file_is_not_followed(
    folder: Path, pack_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_pack(pack_dir)
    target = _pack_file(folder)
    elsewhere = tmp_path / "elsewhere.pickle"
    shutil.copy(target, elsewhere)  # one of our own, valid files, reached through a link
    elsewhere.chmod(0o600)
    target.unlink()
    target.symlink_to(elsewhere)
    assert cache.read(target) is None
    calls = _no_yaml_allowed(monkeypatch)
    load_pack(pack_dir)
    assert calls == [pack_dir]


@needs_root
def test_a_cache_folder_someone_else_owns_is_neither_read_nor_written(
    folder: Path, pack_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_pack(pack_dir)
    target = _pack_file(folder)
    os.chown(folder, OTHER_UID, OTHER_UID)
    assert cache.read(target) is None
    assert cache.read_signed(target) is None
    assert not cache.write(folder / "x.json", b"{}")
    assert not (folder / "x.json").exists()
    calls = _no_yaml_allowed(monkeypatch)
    assert load_pack(pack_dir).meta.name == "mini"
    assert calls == [pack_dir]


@needs_root
def test_a_cache_file_someone_else_owns_is_not_read(folder: Path) -> None:
    file = folder / "bank-holidays-x.json"
    assert cache.write(file, b"{}")
    assert cache.read(file) == b"{}"
    os.chown(file, OTHER_UID, OTHER_UID)
    assert cache.read(file) is None


@posix_only
def test_a_world_writable_folder_is_not_read(folder: Path, pack_dir: Path) -> None:
    load_pack(pack_dir)
    target = _pack_file(folder)
    folder.chmod(0o777)
    assert cache.read(target) is None
    folder.chmod(0o700)
    assert cache.read(target) is not None


@posix_only
def test_a_file_others_can_write_is_not_read(folder: Path) -> None:
    file = folder / "opening-x.json"
    assert cache.write(file, b"{}")
    file.chmod(0o666)
    assert cache.read(file) is None


@posix_only
def test_a_link_planted_at_the_temporary_name_is_not_followed(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("mine")
    assert cache.write(folder / "warm.json", b"{}")  # the folder exists
    # Suppose the attacker could guess the name (they cannot: it has 64 random bits).
    monkeypatch.setattr(cache, "_temporary_name", lambda name: f".{name}.guessed.tmp")
    (folder / ".target.json.guessed.tmp").symlink_to(victim)
    assert not cache.write(folder / "target.json", b"overwritten")
    assert victim.read_text() == "mine"
    assert not (folder / "target.json").exists()


def test_temporary_names_are_unpredictable() -> None:
    names = {cache._temporary_name("pack-x.pickle") for _ in range(50)}
    assert len(names) == 50


@posix_only
def test_a_fifo_at_a_cache_name_reads_as_no_cache_without_hanging(folder: Path) -> None:
    cache.make_private_folder(folder)
    fifo = folder / "opening-x.json"
    os.mkfifo(fifo, 0o600)
    result: list[bytes | None] = []
    reader = threading.Thread(target=lambda: result.append(cache.read(fifo)), daemon=True)
    reader.start()
    reader.join(timeout=5)
    assert not reader.is_alive(), "reading a FIFO hung"
    assert result == [None]


def test_an_oversized_file_is_not_read(folder: Path) -> None:
    file = folder / "opening-x.json"
    assert cache.write(file, b"x" * 2000)
    assert cache.read(file, max_bytes=1000) is None
    assert cache.read(file, max_bytes=2000) == b"x" * 2000


@posix_only
def test_folders_are_made_private_whatever_the_umask(tmp_path: Path) -> None:
    deep = tmp_path / "a" / "b" / "c"
    old = os.umask(0)
    try:
        assert cache.write(deep / "file.json", b"{}")
    finally:
        os.umask(old)
    for part in (tmp_path / "a", tmp_path / "a" / "b", deep):
        assert stat.S_IMODE(part.stat().st_mode) == 0o700, part
    assert stat.S_IMODE((deep / "file.json").stat().st_mode) == 0o600
    assert not [p for p in deep.iterdir() if p.name.endswith(".tmp")]


# --- the opening and the holidays use the same reader -----------------------------------------


@needs_root
def test_an_opening_someone_else_wrote_is_not_shown(
    folder: Path, pack_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from assistant.conversation import opening as op

    pack = load_pack(pack_dir)
    first = pack.questions[0]
    written = op.remember_opening(pack, first)
    assert written is not None and op.read_opening(pack_dir) == written
    [file] = folder.glob("opening-*.json")
    os.chown(file, OTHER_UID, OTHER_UID)
    assert op.read_opening(pack_dir) is None


# --- the one key ------------------------------------------------------------------------------


def test_the_key_covers_the_code_the_version_and_the_inputs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    file = tmp_path / "input.yaml"
    file.write_text("a: 1\n")
    first = cache.key([file])
    assert first is not None and cache.key([file]) == first
    file.write_text("a: 2\n")
    assert cache.key([file]) != first
    second = cache.key([file])
    monkeypatch.setattr(cache, "_code_digest", b"other code")
    assert cache.key([file]) != second
    monkeypatch.undo()
    monkeypatch.setattr("assistant.__version__", "0.0.0-other")
    assert cache.key([file]) != second


def test_every_python_file_of_the_package_is_in_the_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache, "_code_digest", None)
    seen: list[str] = []
    real_open = open

    def spying_open(name: str, *args: object, **kwargs: object) -> object:
        seen.append(str(name))
        return real_open(name, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr("builtins.open", spying_open)
    cache._code()
    package = Path(cache.__file__).resolve().parent.parent
    expected = {str(p) for p in package.rglob("*.py") if "__pycache__" not in p.parts}
    assert expected <= {str(Path(s).resolve()) for s in seen}


@pytest.mark.parametrize("value", ["off", "0", "no", "", " OFF "])
def test_caching_off(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv(cache.ENV_CACHE, value)
    assert cache.folder() is None and not cache.enabled()
    assert cache.path("pack", "k", "pickle") is None
