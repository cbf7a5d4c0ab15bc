"""Helpers shared by commands: finding the rule pack, the --rules option, writing JSON."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the pack's models (pydantic) are imported by the commands that load one
    from assistant.core.pack import Pack


def add_rules_option(parser: argparse.ArgumentParser) -> None:
    """Every command takes --rules DIR, before or after the command name."""
    parser.add_argument(
        "--rules",
        metavar="DIR",
        default=argparse.SUPPRESS,
        help="use the rule pack in DIR instead of the shipped Salford pack",
    )


def pack_from(args: argparse.Namespace) -> Pack:
    from assistant.core.pack import load_pack

    return load_pack(getattr(args, "rules", None))


def print_json(data: Any) -> None:
    json.dump(data, sys.stdout, indent=2, ensure_ascii=False, default=str)
    sys.stdout.write("\n")
