"""`review-assistant form CASE --format md|txt|html|docx|json [-o PATH]`: the referral form.

`review-assistant form --check-template FILE` checks a partnership's own Word template.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from assistant.commands.common import add_rules_option, pack_from
from assistant.core.contract import FORMS
from assistant.core.errors import InputError
from assistant.core.pack import Pack
from assistant.core.terminal import visible

FORMAT_NAMES = ("md", "txt", "html", "docx", "json")


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "form",
        help="prepare the referral form for a case file",
        description=(
            "Prepare the referral form for a case file (with a 'referral:' block): the practice "
            "review referral or the seriously good outcome referral, whichever the decision calls "
            "for. Text formats go to standard output unless -o is given. Saved files are readable "
            "by you only. Or check a Word template with --check-template."
        ),
    )
    parser.add_argument(
        "case", metavar="CASE", nargs="?", help="the case file (.yaml, .yml or .json)"
    )
    parser.add_argument(
        "--format",
        "-f",
        choices=FORMAT_NAMES,
        help="md, txt (for secure email), html (to print), docx (Word) or json (the decision "
        "record); default: from the -o file name, else md",
    )
    parser.add_argument("-o", "--output", metavar="PATH", help="save the form to PATH (mode 0600)")
    parser.add_argument(
        "--force",
        action="store_true",
        help="replace the -o file if it exists (never the case file or the template read)",
    )
    parser.add_argument(
        "--form",
        dest="form_id",
        choices=FORMS,
        help="prepare this form even if the decision calls for another or none",
    )
    parser.add_argument(
        "--template", metavar="DOCX", help="fill this Word template instead of the pack's"
    )
    parser.add_argument(
        "--trace",
        action="store_true",
        help="add an appendix listing every rule that applies or may apply, with its sources",
    )
    parser.add_argument(
        "--check-template",
        metavar="FILE",
        help="check a Word template: unknown tags, and tags Word split across runs",
    )
    add_rules_option(parser)


def run(args: argparse.Namespace) -> int:
    pack = pack_from(args)
    if args.check_template:
        return _check(args.check_template, pack)
    if not args.case:
        raise InputError(
            "form: give a case file, for example: review-assistant form case.yaml --format docx -o referral.docx"
        )

    from assistant.forms import (
        format_for,  # lazy (here and below): every parser imports this module
    )

    output = Path(args.output).expanduser() if args.output else None
    named = format_for(output) if output else None
    fmt = args.format or named or "md"
    if output is not None and named is not None and named != fmt:
        raise InputError(
            f"-o {output}: the file name says {named} but --format is {fmt}; "
            f"name the file {output.with_suffix('.' + fmt).name}, or leave out --format"
        )
    if fmt == "docx" and output is None and sys.stdout.isatty():
        raise InputError(
            "a Word document cannot be shown in a terminal; save it with -o, for example: "
            f"review-assistant form {args.case} --format docx -o referral.docx"
        )
    if args.template and fmt != "docx":
        raise InputError("--template is a Word template; use it with --format docx")
    if output is not None:
        _check_output(output, args)

    from assistant.core.case import load_case
    from assistant.core.engine import decide
    from assistant.forms import build_form, render_bytes
    from assistant.forms.context import fill_from_answers

    case = load_case(args.case)
    if case.referral is None:
        raise InputError(
            f"{args.case}: no 'referral:' block; add the referral details (referrer, endorsed_by, "
            "child, incident, agencies, reasons ...: see contract.md, 'Referral details')"
        )
    decision = decide(pack, case.fact_values())
    referral = fill_from_answers(pack, case.answered(), case.referral)
    form = build_form(pack, decision, case.answered(), referral, args.form_id, trace=args.trace)
    data = render_bytes(form, fmt, Path(args.template) if args.template else None)

    if output is not None:
        from assistant.forms.save import save_private

        save_private(output, data)
        print(
            visible(f"Saved the {form.spec.title.lower()} to {output} (readable by you only)."),
            file=sys.stderr,
        )
    else:
        if sys.stdout.isatty():  # typed text cannot drive the terminal; a pipe gets it exactly
            from assistant.core.terminal import visible_lines

            data = visible_lines(data.decode("utf-8")).encode("utf-8")
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    if not form.endorsed:
        print(f"review-assistant: {form.words.word('endorsement_missing')}", file=sys.stderr)
    return 0


def _same_file(one: Path, other: Path) -> bool:
    try:
        return one.resolve() == other.resolve() or one.samefile(other)
    except OSError:
        return False


def _check_output(output: Path, args: argparse.Namespace) -> None:
    """-o never replaces what the form is made from, and replaces anything else only with --force."""
    shown = visible(str(output))
    for name, given in (("case file", args.case), ("Word template", args.template)):
        if given and _same_file(output, Path(given).expanduser()):
            raise InputError(
                f"-o {shown}: this is the {name} the form is made from; it is never replaced, "
                "even with --force: choose another file name"
            )
    if output.is_dir():
        return  # save_private says so, with an example
    if (output.exists() or output.is_symlink()) and not args.force:
        raise InputError(
            f"-o {shown}: the file already exists and was left as it is; choose another name, "
            "or add --force to replace it"
        )


def _check(path: str, pack: Pack) -> int:
    from assistant.forms.docx import check_template

    problems = check_template(Path(path), pack)
    shown = visible(path)
    if not problems:
        print(f"{shown}: no problems found; every tag is known and written in one piece.")
        return 0
    for problem in problems:
        print(visible(f"{shown}: {problem}"))
    unknown = sum(p.kind == "unknown" for p in problems)
    split = sum(p.kind == "split" for p in problems)
    other = len(problems) - unknown - split
    print(f"{shown}: {unknown} unknown tag(s), {split} split tag(s), {other} other problem(s).")
    return 1
