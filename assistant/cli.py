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
    "lint": "lint",
}


def build_parser() -> argparse.ArgumentParser:
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
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in COMMANDS.values():
        importlib.import_module(f"assistant.commands.{module}").add_parser(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    # Nothing leaves the machine: a pydantic plugin installed in the same environment (an
    # observability one, say) would see every case file we validate. Turning plugins off also
    # spares each run pydantic's scan of the installed packages' entry points.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    parser = build_parser()
    args = parser.parse_args(argv)
    from assistant.core.errors import InputError

    try:
        if args.command is None:
            from assistant.commands import chat

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
        from assistant.core.privacy import report_crash

        return report_crash(exc)
