"""`review-assistant serve`: the assistant in a web browser, for a projector or no terminal.

textual-serve runs `python -m assistant` (with the same --rules) for each browser tab. There is
no login, so it binds to 127.0.0.1 and refuses any address that is not loopback unless
--allow-remote is given.
"""

from __future__ import annotations

import argparse
import ipaddress
import shlex
import socket
import sys

from assistant.commands.common import add_rules_option, pack_from


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
    add_rules_option(parser)


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
            "serving in a browser needs the textual-serve package: pip install 'practice-review-assistant[serve]'"
        ) from None
    from assistant.core.words import render

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
        ),
        flush=True,
    )
    server = _offline_server(Server)(
        served_command(args), host=host, port=args.port, title=pack.meta.title, public_url=url
    )
    try:
        server.serve()
    except OSError as exc:
        raise InputError(
            f"cannot listen on {host} port {args.port}: {exc.strerror or exc}; try another --port"
        ) from None
    return 0
