"""`review-assistant serve`: the assistant in a web browser, for a projector or no terminal.

textual-serve runs `python -m assistant` (with the same --rules) for each browser tab. There is
no login, so it binds to 127.0.0.1 and refuses any address that is not loopback unless
--allow-remote is given. Guards around textual-serve's aiohttp server:

- every request must name the served address in its Host header, and a request that carries an
  Origin (every browser's WebSocket does) must come from the served page itself: anything else
  gets 403, so a page on another site (or a DNS name rebound to this machine) cannot drive the
  app;
- at most --max-sessions browser tabs run at once (each is a process); one more gets a "busy"
  page (503);
- a malformed message from a browser is logged by its kind only, and tracebacks are logged
  without local variables, so nothing typed reaches the log;
- the served app knows it is in a browser (the REVIEW_ASSISTANT_SERVED environment variable), so
  it offers saved drafts in a picker and words its resume hints for the browser.
"""

from __future__ import annotations

import argparse
import ipaddress
import shlex
import socket
import sys

from assistant.commands.common import add_rules_option, pack_from
from assistant.core.served import SERVED_ENV, in_browser, resume_hint  # noqa: F401 (re-exported)


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "serve",
        help="serve the assistant in a web browser (no login; this computer only by default)",
        description=(
            "Serve the assistant in a web browser with textual-serve. It has no login, so it "
            "listens on 127.0.0.1 (this computer only) unless --allow-remote is given."
        ),
    )
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)"
    )
    parser.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
    parser.add_argument(
        "--allow-remote",
        action="store_true",
        help="allow an address other machines can reach; anyone who reaches it can use the assistant",
    )
    parser.add_argument(
        "--app",
        choices=("chat", "train"),
        default="chat",
        help="what to serve: the chat (default) or trainer mode",
    )
    parser.add_argument(
        "--public-url",
        metavar="URL",
        help="the address browsers use, when it differs from http://HOST:PORT (with --allow-remote)",
    )
    parser.add_argument(
        "--max-sessions",
        type=_sessions,
        default=DEFAULT_MAX_SESSIONS,
        metavar="N",
        help=f"at most N browser tabs at once, each its own process (default {DEFAULT_MAX_SESSIONS})",
    )
    add_rules_option(parser)


DEFAULT_MAX_SESSIONS = 4
MAX_SESSIONS_LIMIT = 64


def _sessions(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= MAX_SESSIONS_LIMIT:
        raise argparse.ArgumentTypeError(
            f"{text!r}: give a whole number of sessions from 1 to {MAX_SESSIONS_LIMIT}"
        )
    return int(text)


def allowed_hosts(host: str, port: int, public_url: str | None) -> set[str]:
    """The Host header values (host:port, lower case) that name the served address."""
    from urllib.parse import urlsplit

    names = {host.strip("[]").lower()}
    if is_loopback(host):
        names |= {"127.0.0.1", "localhost", "::1"}
    hosts = {f"[{n}]:{port}" if ":" in n else f"{n}:{port}" for n in names}
    if port == 80:
        hosts |= {f"[{n}]" if ":" in n else n for n in names}
    if public_url:
        netloc = urlsplit(public_url).netloc.lower()
        if netloc:
            hosts.add(netloc)
    return hosts


def allowed_origins(hosts: set[str], public_url: str | None) -> set[str]:
    """The Origin header values of the served page itself."""
    from urllib.parse import urlsplit

    origins = {f"http://{h}" for h in hosts}
    if public_url:
        parts = urlsplit(public_url)
        origins.add(f"{parts.scheme}://{parts.netloc}".lower())
    return origins


BUSY_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Busy</title></head>
<body style="font-family: sans-serif; max-width: 40em; margin: 3em auto">
<h1>The assistant is busy</h1>
<p>{count} browser tabs are already using it, the most this server allows
(review-assistant serve --max-sessions).</p>
<p>Close a tab you no longer need, or wait a moment, then reload this page.</p>
</body></html>
"""
FORBIDDEN_TEXT = (
    "Refused: this request does not come from the page this server serves "
    "(its Host or Origin header names another address)."
)


def is_loopback(host: str) -> bool:
    """True when every address `host` names is loopback (127.0.0.0/8 or ::1)."""
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, None)
    except (socket.gaierror, UnicodeError):
        return False
    addresses = {info[4][0] for info in infos}
    return bool(addresses) and all(
        ipaddress.ip_address(str(a).split("%")[0]).is_loopback for a in addresses
    )


def served_command(args: argparse.Namespace) -> str:
    """The shell command textual-serve starts for each browser: this Python, the same pack."""
    parts = [sys.executable, "-m", "assistant"]
    rules = getattr(args, "rules", None)
    if rules:
        from pathlib import Path

        parts += ["--rules", str(Path(rules).resolve())]
    if args.app == "train":
        parts.append("train")
    return " ".join(shlex.quote(p) for p in parts)


def _offline_server(base: type) -> type:
    """textual-serve's page, minus its link to a web font service: nothing leaves the machine.

    The same font ships with textual-serve and is served from /static, so the page looks the same.
    """
    import re

    import aiohttp_jinja2
    import jinja2

    class OfflineServer(base):
        async def _make_app(self) -> object:
            app = await super()._make_app()
            page = (self.templates_path / "app_index.html").read_text(encoding="utf-8")
            page = re.sub(r"<link[^>]*?https?://[^>]*?>", "", page, flags=re.S)
            aiohttp_jinja2.setup(app, loader=jinja2.DictLoader({"app_index.html": page}))
            return app

    return OfflineServer


def _guarded_server(base: type, max_sessions: int, hosts: set[str], origins: set[str]) -> type:
    """textual-serve's server with the Host/Origin check, the session cap and quiet logging."""
    import logging

    from aiohttp import web

    log = logging.getLogger("textual-serve")

    @web.middleware
    async def same_origin(request: web.Request, handler: object) -> web.StreamResponse:
        host = request.headers.get("Host", "").lower()
        origin = request.headers.get("Origin")
        if host not in hosts or (origin is not None and origin.lower() not in origins):
            return web.Response(status=403, text=FORBIDDEN_TEXT)
        return await handler(request)  # type: ignore[operator]

    class GuardedServer(base):
        sessions = 0

        def busy(self) -> web.Response:
            return web.Response(
                status=503,
                text=BUSY_PAGE.format(count=max_sessions),
                content_type="text/html",
                headers={"Retry-After": "30"},
            )

        async def _make_app(self) -> object:
            app = await super()._make_app()
            app.middlewares.append(same_origin)
            return app

        async def handle_index(self, request: web.Request) -> object:
            if self.sessions >= max_sessions:
                return self.busy()
            return await super().handle_index(request)

        async def handle_websocket(self, request: web.Request) -> object:
            if self.sessions >= max_sessions:
                return self.busy()
            self.sessions += 1
            try:
                return await super().handle_websocket(request)
            finally:
                self.sessions -= 1

        async def _process_messages(self, websocket: object, app_service: object) -> None:
            try:
                await super()._process_messages(websocket, app_service)
            except Exception as exc:  # noqa: BLE001 - a malformed message ends that tab only
                # the kind of problem only: the message may hold what was typed
                log.warning(
                    "closing a browser session after a malformed message (%s)", type(exc).__name__
                )
                await websocket.close(code=1003)  # type: ignore[attr-defined]

        def initialize_logging(self) -> None:
            from rich.logging import RichHandler

            logging.basicConfig(
                level="INFO",
                format="%(message)s",
                handlers=[
                    RichHandler(
                        show_path=False,
                        show_time=False,
                        rich_tracebacks=True,
                        tracebacks_show_locals=False,  # locals can hold typed text
                        console=self.console,
                    )
                ],
                force=True,
            )

    return GuardedServer


def run(args: argparse.Namespace) -> int:
    from assistant.core.errors import InputError

    if not 0 < args.port < 65536:
        raise InputError(f"--port {args.port}: a port is a number from 1 to 65535")
    if not args.allow_remote and not is_loopback(args.host):
        raise InputError(
            f"--host {args.host}: this address can be reached from other machines, and the served "
            "assistant has no login. Use --host 127.0.0.1 (the default), or add --allow-remote "
            "if you really mean to open it to your network."
        )
    pack = pack_from(args)  # a broken pack is reported here, not in every browser tab
    try:
        from textual_serve.server import Server
    except ImportError:
        raise InputError(
            "serving in a browser needs the textual-serve package, which installs with the "
            "assistant; reinstall it: pip install --force-reinstall ."
        ) from None
    from assistant.core.prompts import render

    host = args.host
    # a wildcard address listens everywhere but is no address for a browser: use the machine's name
    shown = socket.getfqdn() if host in ("0.0.0.0", "::") else host
    url = args.public_url or f"http://{'[' + shown + ']' if ':' in shown else shown}:{args.port}"
    print(
        render(
            pack,
            "trainer/serve.txt.j2",
            url=url,
            app=args.app,
            remote=args.allow_remote and not is_loopback(host),
            max_sessions=args.max_sessions,
        ),
        flush=True,
    )
    import os

    hosts = allowed_hosts(host, args.port, args.public_url or url)
    guarded = _guarded_server(
        _offline_server(Server), args.max_sessions, hosts, allowed_origins(hosts, url)
    )
    server = guarded(
        served_command(args), host=host, port=args.port, title=pack.meta.title, public_url=url
    )
    os.environ[SERVED_ENV] = "1"  # inherited by every served app
    try:
        server.serve()
    except OSError as exc:
        raise InputError(
            f"cannot listen on {host} port {args.port}: {exc.strerror or exc}; try another --port"
        ) from None
    return 0
