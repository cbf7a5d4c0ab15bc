"""`review-assistant requests CASE -o DIR [--format docx|md|html]`: ask each agency for its part.

Writes one request per agency in the case's `referral.agencies` (assistant/forms/requests.py):
the case reference (initials and dates), a summary of the agency's involvement and a chronology
table to fill, the period to cover, the date it is due back (working days from the pack) and
where to send it. Files are readable by you only; existing files are kept unless --force.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from assistant.commands.check import iso_date
from assistant.commands.common import add_rules_option, pack_from
from assistant.core.errors import InputError


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "requests",
        help="write a request for a summary and chronology to each agency in a case",
        description=(
            "Write one request per agency listed in the case file's referral.agencies: the case "
            "reference (the child's initials and the case's dates), a summary of the agency's "
            "involvement and a chronology of significant events to fill in, the period to cover, "
            "the date it is due back and where to send it. Saved files are readable by you only."
        ),
    )
    parser.add_argument("case", metavar="CASE", help="the case file (.yaml, .yml or .json)")
    parser.add_argument(
        "-o", "--output", metavar="DIR", required=True, help="the folder to write the requests in"
    )
    parser.add_argument(
        "--format",
        "-f",
        choices=("docx", "md", "html"),
        default="docx",
        help="docx (Word, the default), md (Markdown, for secure email) or html (to print)",
    )
    parser.add_argument(
        "--template", metavar="DOCX", help="fill this Word template instead of the pack's"
    )
    parser.add_argument(
        "--date",
        type=iso_date,
        metavar="DATE",
        help="the date of the request (default today); the due date counts from it",
    )
    parser.add_argument(
        "--from",
        dest="period_from",
        type=iso_date,
        metavar="DATE",
        help="the start of the period to cover (default: the pack's months before the incident)",
    )
    parser.add_argument(
        "--to",
        dest="period_to",
        type=iso_date,
        metavar="DATE",
        help="the end of the period to cover (default: the incident date)",
    )
    parser.add_argument(
        "--force", action="store_true", help="replace requests already in the folder"
    )
    add_rules_option(parser)


def run(args: argparse.Namespace) -> int:
    from assistant.core.case import load_case
    from assistant.core.terminal import visible
    from assistant.forms.requests import months_before, write_requests

    pack = pack_from(args)
    case = load_case(args.case)
    if case.referral is None:
        raise InputError(
            f"{visible(args.case)}: no 'referral:' block; add referral.agencies (each agency's "
            "name) and the child's details"
        )
    period = None
    if args.period_from or args.period_to:
        settings = pack.meta.agency_requests
        end = (
            args.period_to or case.referral.incident.date or case.fact_values().get("incident_date")
        )
        if end is None:
            raise InputError("--from: also give --to, or the incident date in the case file")
        months = settings.period_months if settings else 12
        period = (args.period_from or months_before(end, months), end)
    written = write_requests(
        case,
        pack,
        Path(args.output),
        args.format,
        request_date=args.date,
        period=period,
        template=Path(args.template) if args.template else None,
        force=args.force,
        protect=Path(args.case),
    )
    for item in written:
        print(
            f"{visible(str(item.path))}: request to {visible(item.agency)}, due back {item.due}",
            file=sys.stderr,
        )
    print(
        f"Wrote {len(written)} request{'s' if len(written) != 1 else ''} (readable by you only).",
        file=sys.stderr,
    )
    return 0
