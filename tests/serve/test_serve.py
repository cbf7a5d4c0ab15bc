"""`review-assistant serve`: the app in a browser on loopback, and no remote address by accident.

Starts the real command in a subprocess on a free loopback port, fetches the page over HTTP,
opens the page's websocket as a browser would and waits for the served app (trainer mode on the
test pack) to draw its first screen; then stops the server and the apps it served.

Every network wait has a deadline of its own. `ws.receive(timeout=...)` is not one: the server
pings every 15 seconds and aiohttp starts a receive's timeout again after each ping, so a receive
waiting for words that never come would wait forever. `drawn` bounds the whole wait by the clock.
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
from typing import Any

import aiohttp
import pytest

PACK = Path(__file__).parent.parent / "check" / "pack"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# a websocket's handshake (connecting, then reading the answer) and its closing are bounded;
# receiving is bounded by `drawn` (aiohttp drops the read timeout once the socket is open)
WS_TIMEOUT = aiohttp.ClientWSTimeout(ws_receive=None, ws_close=10)
HANDSHAKE = aiohttp.ClientTimeout(total=None, connect=30, sock_read=30)


def serve(*args: str, env: dict[str, str] | None = None) -> subprocess.Popen:
    """`review-assistant ... serve ARGS` in a process group of its own, with the apps it serves."""
    return subprocess.Popen(
        [sys.executable, "-m", "assistant", "--rules", str(PACK), "serve", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env or {**os.environ, "NO_COLOR": "1"},
        start_new_session=True,  # so that stop() can end the served apps as well
    )


def stop(process: subprocess.Popen) -> str:
    """Ctrl+C, as a user stops the server; then end whatever is left of its process group."""
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
    try:
        out, _ = process.communicate(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        out, _ = process.communicate(timeout=5)
    try:
        os.killpg(process.pid, signal.SIGKILL)  # a served app that outlived the server
    except ProcessLookupError:
        pass
    return out or ""


async def drawn(
    ws: aiohttp.ClientWebSocketResponse, wanted: str | None, seconds: float = 60
) -> str:
    """What the served app draws until `wanted` appears (None: never), the socket closes or
    `seconds` pass."""
    seen = ""
    try:
        async with asyncio.timeout(seconds):
            while wanted is None or wanted not in seen:
                message = await ws.receive()
                if message.type == aiohttp.WSMsgType.BINARY:
                    seen += message.data.decode("utf-8", "replace")
                elif message.type == aiohttp.WSMsgType.TEXT:
                    seen += message.data
                else:  # closing, closed or an error: nothing more will be drawn
                    break
    except TimeoutError:
        pass
    return seen


def run_bounded(coroutine: Any, seconds: float = 150) -> Any:
    """asyncio.run with a deadline for the whole conversation with the server."""
    return asyncio.run(asyncio.wait_for(coroutine, seconds))


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
    process = serve("--port", str(port), "--app", "train")
    try:
        yield port, process
    finally:
        stop(process)


async def first_screen(port: int, wanted: str, seconds: float = 60) -> str:
    """Open the page's websocket and collect what the served app draws until `wanted` appears."""
    async with aiohttp.ClientSession(timeout=HANDSHAKE) as session:
        async with session.ws_connect(
            f"http://127.0.0.1:{port}/ws?width=100&height=30", timeout=WS_TIMEOUT
        ) as ws:
            return await drawn(ws, wanted, seconds)


def test_serve_answers_on_loopback_and_runs_the_app(server):
    port, process = server
    status, page = fetch(f"http://127.0.0.1:{port}/")
    assert status == 200
    assert f"ws://127.0.0.1:{port}/ws" in page  # the page drives the app over this websocket
    assert "googleapis" not in page and "https://" not in page  # nothing fetched from outside
    screen = run_bounded(first_screen(port, "Choose a training scenario"))
    assert "Choose a training scenario" in screen
    out = stop(process)
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
    process = serve("--port", str(port), "--app", "train", "--max-sessions", "1")
    try:
        fetch(f"http://127.0.0.1:{port}/")  # started
        yield port, process
    finally:
        stop(process)


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
        async with aiohttp.ClientSession(timeout=HANDSHAKE) as session:
            try:
                async with session.ws_connect(
                    f"http://127.0.0.1:{port}/ws?width=80&height=24",
                    headers=headers,
                    timeout=WS_TIMEOUT,
                ):
                    return 101
            except aiohttp.WSServerHandshakeError as exc:
                return exc.status

    assert run_bounded(open_socket({"Origin": "https://evil.example"})) == 403
    assert run_bounded(open_socket({"Host": f"evil.example:{port}"})) == 403


def test_one_tab_more_than_the_cap_gets_the_busy_page(small_server):
    port, _ = small_server

    async def scenario() -> tuple[int, str, int]:
        async with aiohttp.ClientSession(timeout=HANDSHAKE) as session:
            async with session.ws_connect(
                f"http://127.0.0.1:{port}/ws?width=80&height=24", timeout=WS_TIMEOUT
            ):
                await asyncio.sleep(0.5)
                async with session.get(f"http://127.0.0.1:{port}/") as page:
                    busy_status, busy_text = page.status, await page.text()
                try:
                    async with session.ws_connect(
                        f"http://127.0.0.1:{port}/ws", timeout=WS_TIMEOUT
                    ):
                        second = 101
                except aiohttp.WSServerHandshakeError as exc:
                    second = exc.status
            return busy_status, busy_text, second

    busy_status, busy_text, second = run_bounded(scenario())
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
        async with aiohttp.ClientSession(timeout=HANDSHAKE) as session:
            async with session.ws_connect(
                f"http://127.0.0.1:{port}/ws?width=80&height=24", timeout=WS_TIMEOUT
            ) as ws:
                await ws.send_str('["resize", {"typed": "Secret Typed Words"}]')
                await ws.send_str("Secret Typed Words, not JSON")
                await drawn(ws, None, 30)  # until the server closes the socket

    run_bounded(send_garbage())
    out = stop(process)
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


def saved_draft(tmp_path: Path) -> tuple[dict[str, str], str]:
    """A home of its own holding one draft in progress (one answer given in plain mode)."""
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
    return env, saved.stdout.split("saved as draft ")[1].split(".")[0].split()[0]


# tall enough for the whole opening of a resumed draft: the words drawn are the words in view
BROWSER = "width=100&height=50"


def in_the_browser(env: dict[str, str], keys: list[str], wanted: str) -> tuple[str, str]:
    """Serve the chat, open it in a browser, and once the picker is drawn press `keys` (one
    websocket message each); what the picker drew, and what was drawn after until `wanted`."""
    port = free_port()
    process = serve("--port", str(port), env=env)

    async def drive() -> tuple[str, str]:
        async with aiohttp.ClientSession(timeout=HANDSHAKE) as session:
            async with session.ws_connect(
                f"http://127.0.0.1:{port}/ws?{BROWSER}", timeout=WS_TIMEOUT
            ) as ws:
                picker = await drawn(ws, "Carry on with a saved conversation?")
                picker += await drawn(ws, "Start a new conversation", 10)
                for key in keys:
                    await ws.send_json(["stdin", key])
                    await asyncio.sleep(0.3)
                return picker, await drawn(ws, wanted)

    try:
        fetch(f"http://127.0.0.1:{port}/")
        return run_bounded(drive())
    finally:
        stop(process)


def test_in_the_browser_drafts_are_offered_in_the_picker_and_resume_words_fit(tmp_path):
    """A saved draft is offered in the browser; choosing it opens the chat in the same tab."""
    env, draft_id = saved_draft(tmp_path)
    picker, chat = in_the_browser(env, ["\x1b[B", "\r"], "open this page again")  # down, enter
    assert "Carry on with a saved conversation?" in picker and draft_id in picker
    assert f"Carrying on with draft {draft_id}" in chat  # the chat took over the same tab
    assert "open this page again" in chat  # the resume words are for the browser
    assert "review-assistant --resume" not in chat


def test_in_the_browser_a_new_conversation_from_the_picker_is_saved_with_browser_words(tmp_path):
    env, draft_id = saved_draft(tmp_path)
    _, chat = in_the_browser(env, ["\x1b"], "open this page again")  # escape: a new one
    assert "Your answers are saved after each one as draft" in chat
    assert "open this page again" in chat and "review-assistant --resume" not in chat
    assert f"Carrying on with draft {draft_id}" not in chat


def test_resume_words_depend_on_where_the_app_runs(monkeypatch):
    from assistant.core.served import SERVED_ENV, resume_hint

    monkeypatch.delenv(SERVED_ENV, raising=False)
    assert resume_hint("abc123") == "review-assistant --resume abc123"
    monkeypatch.setenv(SERVED_ENV, "1")
    assert "review-assistant" not in resume_hint("abc123")
