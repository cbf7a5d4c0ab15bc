"""`review-assistant check PATH... [--json | --csv]`: do recorded decisions follow the rules?

Each case file with a `decision:` block is decided again under the rules in force on the case's
date and compared with what the partnership chose; see assistant/core/check.py. Exit 0 when
every record was read, 2 when any could not be (it is reported; the others are still checked).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from typing import Any

from assistant.commands.common import add_rules_option, pack_from

CSV_COLUMNS = (
    "file",
    "verdict",
    "findings",
    "panel_notification_due",
    "panel_notification_done",
    "panel_notification_late_working_days",
    "panel_notification_status",
    "rapid_review_due",
    "rapid_review_done",
    "rapid_review_late_working_days",
    "rapid_review_status",
    "pack_version_then",
    "pack_version_now",
    "differs_under_current_pack",
    "error",
    "lateness",
    "verdict_line",
)


def iso_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date; write it as YYYY-MM-DD"
        ) from None


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "check",
        help="check recorded review decisions against the rules in force at the time",
        description=(
            "Check decision records (case files with a 'decision:' block) against the rules in "
            "force on each case's date: agrees, differs, or needs a recorded reason; and whether "
            "the Panel notification and rapid review met their working-day deadlines."
        ),
    )
    parser.add_argument(
        "paths", nargs="+", metavar="PATH", help="decision records, or folders of them"
    )
    output = parser.add_mutually_exclusive_group()
    output.add_argument(
        "--json", action="store_true", help="print the contract's check result JSON"
    )
    output.add_argument("--csv", action="store_true", help="print one CSV row per record")
    parser.add_argument(
        "--as-of",
        type=iso_date,
        metavar="DATE",
        help="check as if today were DATE (for overdue deadlines and today's rules); default today",
    )
    add_rules_option(parser)


def run(args: argparse.Namespace) -> int:
    from assistant.core.check import check_paths
    from assistant.core.errors import InputError

    pack = pack_from(args)
    found = check_paths(pack, args.paths, today=args.as_of)
    if not found.checked:
        where = ", ".join(args.paths)
        raise InputError(
            f"{where}: no decision records found (case files .yaml, .yml or .json with a 'decision:' block)"
        )
    results = found.results
    if args.json:
        sys.stdout.write(terminal_safe_json([r.to_json() for r in results]))
    elif args.csv:
        write_csv(results)
    else:
        print(report(pack, results, found.skipped), end="")
    return 0 if found.all_read else 2


def _safe_cell(value: Any) -> str:
    """A cell a spreadsheet shows as text: never a formula, whatever a file name starts with,
    and never a control character (an escape sequence in a file name is shown, not obeyed)."""
    from assistant.core.terminal import visible

    text = "" if value is None else str(value).lower() if isinstance(value, bool) else str(value)
    text = visible(text)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def csv_rows(results: list[Any]) -> list[list[str]]:
    rows: list[list[str]] = [list(CSV_COLUMNS)]
    for r in results:
        deadlines = {d.id: d for d in r.deadlines}
        cells: list[Any] = [
            r.file,
            r.verdict,
            " | ".join(f"{f.field} ({f.kind}): {f.text}" for f in r.findings),
        ]
        for did in ("panel_notification", "rapid_review"):
            d = deadlines.get(did)
            cells += [d.due, d.done, d.late_working_days, d.status] if d else ["", "", "", ""]
        cells += [
            r.pack_version_then,
            r.pack_version_now,
            r.differs_under_current_pack,
            " | ".join(r.error or []),
            r.lateness,
            r.verdict_line,
        ]
        rows.append([_safe_cell(c) for c in cells])
    return rows


def write_csv(results: list[Any]) -> None:
    import csv

    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerows(csv_rows(results))


def table_cells(words: Any, r: Any) -> list[str]:
    """The summary-table cells of one result, in the words of prompts/check/words.j2."""
    from assistant.core.terminal import visible

    deadlines = {d.id: d for d in r.deadlines}
    return [
        visible(r.file),  # a line break in a file name stays on its row
        str(words.verdict_cell(r)),
        str(len(r.findings)) if r.verdict != "error" else "-",
        str(words.deadline(deadlines.get("panel_notification"))),
        str(words.deadline(deadlines.get("rapid_review"))),
        visible(str(words.pack(r))) if r.verdict != "error" else "-",
    ]


TABLE_COLUMNS = ("file", "verdict", "findings", "panel_notification", "rapid_review", "pack")


def report(pack: Any, results: list[Any], skipped: list[str]) -> str:
    from assistant.core.prompts import environment, render

    words = environment(pack).get_template("check/words.j2").module
    rows = [[str(words.heading(c)) for c in TABLE_COLUMNS]] + [
        table_cells(words, r) for r in results
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(TABLE_COLUMNS))]
    lines = [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]
    table = "\n".join(lines)
    text = render(
        pack, "check/report.txt.j2", table=table, results=results, words=words, skipped=skipped
    )
    return terminal_safe(text)


def terminal_safe_json(data: Any) -> str:
    """JSON as `print_json` writes it, with every non-printable character written as a \\u
    escape (the same data to a JSON reader; nothing a terminal would obey)."""
    import json

    text = json.dumps(data, indent=2, ensure_ascii=False, default=str)
    return (
        "".join(ch if ch.isprintable() or ch in "\n " else json.dumps(ch)[1:-1] for ch in text)
        + "\n"
    )


def terminal_safe(text: str) -> str:
    """Every line made safe for a terminal (file names, pack versions and errors come from files)."""
    from assistant.core.terminal import visible

    return "\n".join(visible(line) for line in text.split("\n"))
