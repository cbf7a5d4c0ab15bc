"""`review-assistant lint [RULES_DIR]`: check a rule pack for gaps, overlaps and broken words."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from assistant.commands.common import add_rules_option
from assistant.lint import DEFAULT_MAX_STATES, lint_pack
from assistant.lint.stubs import write_tests


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date; write it as YYYY-MM-DD"
        ) from None


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of 1 or more")
    return int(text)


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "lint",
        help="check a rule pack: every path of answers ends in one route, rules do not clash",
        description=(
            "Check a rule pack (default: the shipped one) and report each problem as "
            "file:line: what to change. Exit status 0 when clean, 1 with findings, 2 when the "
            "folder is not a rule pack."
        ),
    )
    parser.add_argument("rules_dir", nargs="?", metavar="RULES_DIR", help="the rule pack folder")
    parser.add_argument(
        "--write-tests",
        metavar="DIR",
        help="write each counterexample as a rule-test stub (YAML) in DIR, ready to fill in",
    )
    parser.add_argument(
        "--today",
        type=_date,
        metavar="YYYY-MM-DD",
        help="check the pack as it works on this day (default: today)",
    )
    parser.add_argument(
        "--max-states",
        type=_positive,
        default=DEFAULT_MAX_STATES,
        metavar="N",
        help=f"check at most N interview states (default {DEFAULT_MAX_STATES})",
    )
    add_rules_option(parser)


def run(args: argparse.Namespace) -> int:
    folder = args.rules_dir or getattr(args, "rules", None)
    report = lint_pack(folder, today=args.today, max_states=args.max_states)
    for finding in report.findings:
        print(finding)
    for note in report.notes:
        print(f"note: {note}")
    if args.write_tests and report.findings:
        written = write_tests(report.findings, Path(args.write_tests))
        print(
            f"wrote {len(written)} test stub{'' if len(written) == 1 else 's'} to {args.write_tests}"
        )
    print(f"{report.pack_dir}: {report.summary()}", file=sys.stdout)
    return report.exit_status
