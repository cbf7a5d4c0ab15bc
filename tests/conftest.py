"""Every test runs away from the real home folder, with caches off unless it asks for them.

Before anything is collected, HOME and the XDG folders point at a temporary folder for the whole
run (so subprocesses inherit it too), and the assistant's own variables from the outside are
dropped. Each test then gets fresh, empty data and cache folders of its own:

- caches are off (REVIEW_ASSISTANT_CACHE=off) unless the test is marked `cache`, which gives it
  an empty private cache folder;
- drafts go to a private data folder (REVIEW_ASSISTANT_DATA), and no passphrase, retention or
  debug log set outside the tests reaches them.

Markers (registered in pyproject.toml) sort the suite for a fast loop: `pilot` (drives the
Textual app), `subprocess` (runs the real command line), `slow` (a few seconds or more).
`pytest -m "not slow"` is the quick loop; the README's command runs everything in parallel.
Tests that call `run_test` or start a subprocess are marked for you when collected.
"""

from __future__ import annotations

import importlib.metadata
import inspect
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

_OWN_VARIABLES = (
    "REVIEW_ASSISTANT_CACHE",
    "REVIEW_ASSISTANT_DATA",
    "REVIEW_ASSISTANT_DEBUG_LOG",
    "REVIEW_ASSISTANT_PASSPHRASE",
    "REVIEW_ASSISTANT_RETENTION_DAYS",
    "REVIEW_ASSISTANT_RULES",
    "REVIEW_ASSISTANT_TRACEBACK",
)
_FOLDERS = ("XDG_CACHE_HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME")
_run_home: Path | None = None
ROOT = Path(__file__).resolve().parent.parent


def pytest_configure(config: pytest.Config) -> None:
    """Point HOME and the XDG folders at a temporary folder before any test module is imported."""
    global _run_home
    _run_home = Path(tempfile.mkdtemp(prefix="review-assistant-tests-"))
    os.environ["HOME"] = str(_run_home)
    for name in _FOLDERS:
        folder = _run_home / name.lower()
        folder.mkdir(mode=0o700)
        os.environ[name] = str(folder)
    for name in _OWN_VARIABLES:
        os.environ.pop(name, None)
    os.environ["REVIEW_ASSISTANT_CACHE"] = "off"
    os.environ["REVIEW_ASSISTANT_DATA"] = str(_run_home / "data")
    if not _installed():
        # Run from a checkout without `pip install`: subprocesses started in another folder
        # must still find this checkout's package.
        paths = [str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]
        os.environ["PYTHONPATH"] = os.pathsep.join(paths)


def _installed() -> bool:
    try:
        importlib.metadata.distribution("practice-review-assistant")
    except importlib.metadata.PackageNotFoundError:
        return False
    return True


def pytest_unconfigure(config: pytest.Config) -> None:
    if _run_home is not None:
        shutil.rmtree(_run_home, ignore_errors=True)


@pytest.hookimpl(tryfirst=True)
def pytest_cmdline_main(config: pytest.Config) -> None:
    """In parallel (`-n`), an idle worker takes tests queued for a busy one (`--dist worksteal`),
    so that one long test near the end does not leave the other workers waiting; an explicit
    `--dist` wins."""
    if getattr(config.option, "numprocesses", None) and config.option.dist == "no":
        config.option.dist = "worksteal"


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_auto_num_workers(config: pytest.Config) -> int | None:
    """`-n auto` starts half as many workers again as pytest-xdist would (at least one more).

    A good part of the suite waits rather than computes: Pilot pauses until the app is idle, and
    subprocess tests wait for a child. A worker more than the cores keeps them busy meanwhile.
    PYTEST_XDIST_AUTO_NUM_WORKERS still sets the number exactly.
    """
    if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS"):
        return None  # pytest-xdist's own hook reads it
    from xdist.plugin import pytest_xdist_auto_num_workers as cores

    count = cores(config)
    return count + max(1, count // 2)


def _source(function: object, known: dict[object, str]) -> str:
    if function not in known:
        try:
            known[function] = inspect.getsource(function) if function is not None else ""
        except (OSError, TypeError):
            known[function] = ""
    return known[function]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark what a test does from what it calls: Pilot runs and real subprocesses."""
    known: dict[object, str] = {}  # each parametrized function's source is read once
    for item in items:
        text = _source(getattr(item, "function", None), known)
        if "run_test(" in text or "pilot" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.pilot)
        if "subprocess" in text or "sys.executable" in text or "run_cli(" in text:
            item.add_marker(pytest.mark.subprocess)


@pytest.fixture(autouse=True)
def _private_folders(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[None]:
    """Fresh data and cache folders for each test; the cache stays off unless marked `cache`."""
    patch = pytest.MonkeyPatch()
    folder = tmp_path_factory.mktemp("own")
    patch.setenv("REVIEW_ASSISTANT_DATA", str(folder / "data"))
    if request.node.get_closest_marker("cache") is not None:
        cache = folder / "cache"
        cache.mkdir(mode=0o700)
        patch.setenv("REVIEW_ASSISTANT_CACHE", str(cache))
    else:
        patch.setenv("REVIEW_ASSISTANT_CACHE", "off")
    for name in ("REVIEW_ASSISTANT_PASSPHRASE", "REVIEW_ASSISTANT_RETENTION_DAYS"):
        patch.delenv(name, raising=False)
    yield
    patch.undo()
