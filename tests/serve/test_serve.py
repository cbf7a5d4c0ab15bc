"""`review-assistant serve`: the app in a browser on loopback, and no remote address by accident.

Starts the real command in a subprocess on a free loopback port, fetches the page over HTTP,
opens the page's websocket as a browser would and waits for the served app (trainer mode on the
test pack) to draw its first screen; then stops the server.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import aiohttp
import pytest

PACK = Path(__file__).parent.parent / "check" / "pack"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str, attempts: int = 80, wait: float = 0.25) -> tuple[int, str]:
    """GET url, retrying while the server starts (at most attempts x wait seconds)."""
    last: Exception | None = None
    for _ in range(attempts):
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.status, response.read().decode("utf-8")
        except (urllib.error.URLError, ConnectionError) as exc:
            last = exc
            time.sleep(wait)
    raise AssertionError(f"no answer from {url}: {last}")


@pytest.fixture
def server():
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "assistant",
            "--rules",
            str(PACK),
            "serve",
            "--port",
            str(port),
            "--app",
            "train",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
    )
    try:
        yield port, process
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


async def first_screen(port: int, wanted: str, seconds: float = 60) -> str:
    """Open the page's websocket and collect what the served app draws until `wanted` appears."""
    seen = ""
    deadline = time.monotonic() + seconds
    async with aiohttp.ClientSession() as session:
        async with session.ws_connect(f"http://127.0.0.1:{port}/ws?width=100&height=30") as ws:
            while time.monotonic() < deadline and wanted not in seen:
                try:
                    message = await ws.receive(timeout=max(0.1, deadline - time.monotonic()))
                except TimeoutError:
                    break
                if message.type == aiohttp.WSMsgType.BINARY:
                    seen += message.data.decode("utf-8", "replace")
                elif message.type == aiohttp.WSMsgType.TEXT:
                    seen += message.data
                elif message.type in (aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.ERROR):
                    break
    return seen


def test_serve_answers_on_loopback_and_runs_the_app(server):
    port, process = server
    status, page = fetch(f"http://127.0.0.1:{port}/")
    assert status == 200
    assert f"ws://127.0.0.1:{port}/ws" in page  # the page drives the app over this websocket
    assert "googleapis" not in page and "https://" not in page  # nothing fetched from outside
    drawn = asyncio.run(first_screen(port, "Choose a training scenario"))
    assert "Choose a training scenario" in drawn
    process.send_signal(signal.SIGINT)
    out, _ = process.communicate(timeout=15)
    assert "NO LOGIN" in out
    assert f"http://127.0.0.1:{port}" in out


@pytest.mark.parametrize("host", ["0.0.0.0", "192.0.2.10", "::"])
def test_serve_refuses_a_non_loopback_address_without_allow_remote(host):
    done = subprocess.run(
        [sys.executable, "-m", "assistant", "serve", "--host", host, "--port", str(free_port())],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert (
        f"--host {host}" in done.stderr
        and "no login" in done.stderr
        and "--allow-remote" in done.stderr
    )
    assert "Traceback" not in done.stderr
    assert done.stdout == ""  # refused before anything was served


def test_loopback_names_are_accepted():
    from assistant.commands.serve import is_loopback

    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.0.2.10")


@pytest.fixture
def small_server():
    """The chat served with room for one browser tab."""
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "assistant",
            "--rules",
            str(PACK),
            "serve",
            "--port",
            str(port),
            "--app",
            "train",
            "--max-sessions",
            "1",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
    )
    try:
        fetch(f"http://127.0.0.1:{port}/")  # started
        yield port, process
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def status_of(url: str, headers: dict[str, str]) -> tuple[int, str]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8")


def test_a_foreign_host_or_origin_is_refused(small_server):
    port, _ = small_server
    url = f"http://127.0.0.1:{port}/"
    assert status_of(url, {})[0] == 200
    assert status_of(url, {"Origin": f"http://localhost:{port}"})[0] == 200
    # a DNS name rebound to this machine, or another site's page
    status, text = status_of(url, {"Host": f"evil.example:{port}"})
    assert status == 403 and "Refused" in text
    assert status_of(url, {"Origin": "https://evil.example"})[0] == 403
    assert status_of(url, {"Origin": f"http://127.0.0.1:{port + 1}"})[0] == 403

    async def open_socket(headers: dict[str, str]) -> int:
        async with aiohttp.ClientSession() as session:
            try:
                async with session.ws_connect(
                    f"http://127.0.0.1:{port}/ws?width=80&height=24", headers=headers
                ):
                    return 101
            except aiohttp.WSServerHandshakeError as exc:
                return exc.status

    assert asyncio.run(open_socket({"Origin": "https://evil.example"})) == 403
    assert asyncio.run(open_socket({"Host": f"evil.example:{port}"})) == 403


def test_one_tab_more_than_the_cap_gets_the_busy_page(small_server):
    port, _ = small_server

    async def scenario() -> tuple[int, str, int]:
        async with aiohttp.ClientSession() as session:
            async with session.ws_connect(f"http://127.0.0.1:{port}/ws?width=80&height=24"):
                await asyncio.sleep(0.5)
                async with session.get(f"http://127.0.0.1:{port}/") as page:
                    busy_status, busy_text = page.status, await page.text()
                try:
                    async with session.ws_connect(f"http://127.0.0.1:{port}/ws"):
                        second = 101
                except aiohttp.WSServerHandshakeError as exc:
                    second = exc.status
            return busy_status, busy_text, second

    busy_status, busy_text, second = asyncio.run(scenario())
    assert busy_status == 503 and "busy" in busy_text and "--max-sessions" in busy_text
    assert second == 503
    # the tab closed: there is room again
    for _ in range(40):
        if status_of(f"http://127.0.0.1:{port}/", {})[0] == 200:
            break
        time.sleep(0.25)
    assert status_of(f"http://127.0.0.1:{port}/", {})[0] == 200


def test_a_malformed_message_is_logged_without_what_was_typed(small_server):
    port, process = small_server

    async def send_garbage() -> None:
        async with aiohttp.ClientSession() as session:
            async with session.ws_connect(f"http://127.0.0.1:{port}/ws?width=80&height=24") as ws:
                await ws.send_str('["resize", {"typed": "Secret Typed Words"}]')
                await ws.send_str("Secret Typed Words, not JSON")
                for _ in range(40):
                    message = await ws.receive(timeout=15)
                    if message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED):
                        break

    asyncio.run(send_garbage())
    process.send_signal(signal.SIGINT)
    out, _ = process.communicate(timeout=15)
    assert "malformed message (KeyError)" in out
    assert "Secret Typed Words" not in out


def test_the_max_sessions_option_is_checked():
    done = subprocess.run(
        [sys.executable, "-m", "assistant", "serve", "--max-sessions", "0"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2 and "from 1 to 64" in done.stderr


def test_serve_needs_no_extra_to_install():
    import tomllib

    project = tomllib.loads((Path(__file__).parents[2] / "pyproject.toml").read_text())["project"]
    assert any(d.startswith("textual-serve") for d in project["dependencies"])
    assert project["optional-dependencies"].get("serve", []) == []


def test_in_the_browser_drafts_are_offered_in_the_picker_and_resume_words_fit(tmp_path):
    """A saved draft is offered in the browser; choosing it opens the chat in the same tab."""
    env = {**os.environ, "HOME": str(tmp_path), "NO_COLOR": "1"}
    for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        env[name] = str(tmp_path / name.lower())
    saved = subprocess.run(
        [sys.executable, "-m", "assistant", "--rules", str(PACK), "plain"],
        input="2\n",
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert "saved as draft" in saved.stdout, saved.stdout + saved.stderr
    draft_id = saved.stdout.split("saved as draft ")[1].split(".")[0].split()[0]

    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "assistant", "--rules", str(PACK), "serve", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )

    async def drive() -> tuple[str, str]:
        picker, chat = "", ""
        async with aiohttp.ClientSession() as session:
            async with session.ws_connect(f"http://127.0.0.1:{port}/ws?width=100&height=30") as ws:

                async def until(wanted: str, seconds: float = 60) -> str:
                    seen = ""
                    deadline = time.monotonic() + seconds
                    while time.monotonic() < deadline and wanted not in seen:
                        try:
                            message = await ws.receive(
                                timeout=max(0.1, deadline - time.monotonic())
                            )
                        except TimeoutError:
                            break
                        if message.type == aiohttp.WSMsgType.BINARY:
                            seen += message.data.decode("utf-8", "replace")
                        elif message.type == aiohttp.WSMsgType.TEXT:
                            seen += message.data
                        else:
                            break
                    return seen

                picker = await until("Carry on with a saved conversation?")
                await until(draft_id, 5)
                await ws.send_str('["stdin", "\\u001b[B"]')  # down: the draft
                await asyncio.sleep(0.3)
                await ws.send_str('["stdin", "\\r"]')  # enter: open it
                chat = await until("open this page again")
        return picker, chat

    try:
        fetch(f"http://127.0.0.1:{port}/")
        picker, chat = asyncio.run(drive())
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
    assert "Carry on with a saved conversation?" in picker
    assert "open this page again" in chat  # the resume words are for the browser
    assert "review-assistant --resume" not in chat


def test_resume_words_depend_on_where_the_app_runs(monkeypatch):
    from assistant.core.served import SERVED_ENV, resume_hint

    monkeypatch.delenv(SERVED_ENV, raising=False)
    assert resume_hint("abc123") == "review-assistant --resume abc123"
    monkeypatch.setenv(SERVED_ENV, "1")
    assert "review-assistant" not in resume_hint("abc123")
