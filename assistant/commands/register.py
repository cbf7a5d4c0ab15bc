"""`review-assistant register DIR...`: the coordinator's check as a table to filter, sort and open."""

from __future__ import annotations

import argparse

from assistant.commands.check import iso_date
from assistant.commands.common import add_rules_option, pack_from


def _working_days(text: str) -> int:
    if not text.isdigit() or not 0 <= int(text) <= 260:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a number of working days; give a whole number from 0 to 260"
        )
    return int(text)


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "register",
        help="the decision register: check records and browse them in a table",
        description=(
            "Check every decision record in DIR (see 'check') and show them in a table, most "
            "severe first: filter by differs, overdue, needs a reason or due soon; sort; press ? "
            "for a key to the columns; open a record to its full explanation."
        ),
    )
    parser.add_argument(
        "dirs", nargs="+", metavar="DIR", help="folders (or files) of decision records"
    )
    parser.add_argument(
        "--as-of", type=iso_date, metavar="DATE", help="check as if today were DATE"
    )
    parser.add_argument(
        "--due-within",
        type=_working_days,
        default=5,
        metavar="N",
        help="the W filter shows deadlines due within the next N working days (default 5)",
    )
    add_rules_option(parser)


def run(args: argparse.Namespace) -> int:
    from assistant.core.check import check_paths
    from assistant.core.errors import InputError

    pack = pack_from(args)
    found = check_paths(pack, args.dirs, today=args.as_of)
    if not found.checked:
        raise InputError(
            f"{', '.join(args.dirs)}: no decision records found (case files with a 'decision:' block)"
        )
    from assistant.tui.register import RegisterApp

    RegisterApp(pack, args.dirs, run=found, today=args.as_of, due_within=args.due_within).run()
    return 0
