"""`review-assistant decide CASE [--json]`: the decision for a case file."""

from __future__ import annotations

import argparse

from assistant.commands.common import add_rules_option, pack_from, print_json


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "decide",
        help="decide a case file and explain why",
        description="Decide a case file (YAML or JSON, contract version 1) and explain the outcome.",
    )
    parser.add_argument("case", metavar="CASE", help="the case file (.yaml, .yml or .json)")
    parser.add_argument("--json", action="store_true", help="print the contract's decision JSON")
    parser.add_argument(
        "--no-trace", action="store_true", help="leave the rule trace out of the JSON"
    )
    parser.add_argument(
        "--explain",
        action="store_true",
        help="after the outcome, print every rule that applies or may apply, its sources and the "
        "rule trace",
    )
    add_rules_option(parser)


def run(args: argparse.Namespace) -> int:
    # lazy: every command's parser imports this module; the models load only to decide
    from assistant.core.case import load_case
    from assistant.core.engine import decide

    case = load_case(args.case)
    pack = pack_from(args)
    facts = case.fact_values()
    decision = decide(pack, facts)
    if args.json:
        print_json(decision.to_json(trace=not args.no_trace))
        return 0
    import sys

    from assistant.core.prompts import render  # lazy: --json renders no words (no Jinja2)

    text = render(pack, "decision.txt.j2", decision=decision, facts=facts)
    if args.explain:
        text = (
            text.rstrip("\n") + "\n\n" + render(pack, "outcome/explain.txt.j2", decision=decision)
        )
    if sys.stdout.isatty():  # a shared pack's words cannot drive the terminal; a pipe gets them
        from assistant.core.terminal import visible_lines

        text = visible_lines(text)
    print(text, end="")
    return 0
