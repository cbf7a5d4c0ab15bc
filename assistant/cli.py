"""The command line: `review-assistant [COMMAND]`. With no command it opens the chat.

Each command lives in assistant/commands/<name>.py with `add_parser(subparsers)` and
`run(args) -> int`. Heavy imports (Textual, Jinja2, docxtpl) happen inside `run`, so a command
only pays for what it uses. Input errors print one clear message and exit with status 2.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from typing import NoReturn

from assistant import __version__

# Command name -> module under assistant.commands. Add new commands here.
COMMANDS: dict[str, str] = {
    "decide": "decide",
    "check": "check",
    "serve": "serve",
    "train": "train",
    "register": "register",
    "drafts": "drafts",
    "plain": "plain",
    "form": "form",
    "requests": "requests",
    "lint": "lint",
}


def build_parser(commands: bool = True) -> argparse.ArgumentParser:
    """The command line; without `commands`, only the chat's options (no command is imported)."""
    parser = argparse.ArgumentParser(
        prog="review-assistant",
        description=(
            "A guided decision assistant for child safeguarding practice review referrals. "
            "With no command, it opens the chat."
        ),
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "--rules",
        metavar="DIR",
        help="use the rule pack in DIR instead of the shipped Salford pack",
    )
    plain = importlib.import_module("assistant.commands.plain")
    plain.add_draft_options(parser)  # --resume, --no-save
    if not commands:
        parser.set_defaults(command=None)
        return parser
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in COMMANDS.values():
        importlib.import_module(f"assistant.commands.{module}").add_parser(subparsers)
    return parser


def _parse(argv: list[str]) -> argparse.Namespace:
    """The chat (no command) parses its few options without importing every command's module,
    which keeps its start quick; anything else, --help included, uses the whole parser."""
    if not any(word in COMMANDS or word in ("-h", "--help") for word in argv):
        light = build_parser(commands=False)

        def whole_parser_says(message: str) -> NoReturn:  # its message and usage are the real ones
            raise _UseWholeParser

        light.error = whole_parser_says  # type: ignore[method-assign]
        try:
            args, rest = light.parse_known_args(argv)
        except _UseWholeParser:
            rest = argv
        if not rest:
            return args
    return build_parser().parse_args(argv)


class _UseWholeParser(Exception):
    pass


def main(argv: Sequence[str] | None = None) -> int:
    # Nothing leaves the machine: a pydantic plugin installed in the same environment (an
    # observability one, say) would see every case file we validate. Turning plugins off also
    # spares each run pydantic's scan of the installed packages' entry points.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    args = _parse(list(sys.argv[1:] if argv is None else argv))
    from assistant.core.errors import InputError  # lazy: after parsing, so --help stays quick

    try:
        if args.command is None:
            from assistant.commands import chat  # lazy: only the chosen command is imported

            return chat.run(args)
        module = importlib.import_module(f"assistant.commands.{COMMANDS[args.command]}")
        return int(module.run(args) or 0)
    except InputError as exc:
        for problem in exc.problems:
            print(f"review-assistant: {problem}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:
        # unexpected: one line, never a traceback that could quote case details
        from assistant.core.privacy import report_crash  # lazy: only on a crash

        return report_crash(exc)
