"""`review-assistant train [SCENARIO]`: trainer mode, a scenario replayed step by step to a room."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from assistant.commands.common import add_rules_option, pack_from
from assistant.core.errors import InputError


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "train",
        help="trainer mode: replay a training scenario step by step, with guess-first and what-if",
        description=(
            "Replay a training scenario to a room: the story, each question with its answer and "
            "the rules it engages, then the outcome. G: guess first (hide the outcome until R "
            "reveals it); P: the decision path as a tree; W: what if one answer were different."
        ),
    )
    parser.add_argument(
        "scenario",
        nargs="?",
        metavar="SCENARIO",
        help="start with this scenario (its file name, number or title); default: choose from a list",
    )
    parser.add_argument(
        "--scenarios",
        metavar="DIR",
        help="read the scenarios from DIR instead of the rule pack's scenarios/ folder",
    )
    parser.add_argument(
        "--guess-first", action="store_true", help="start with the outcome hidden until revealed"
    )
    parser.add_argument(
        "--room",
        action="store_true",
        help="start in room mode: larger, bolder, high-contrast text for a projector (M toggles it)",
    )
    add_rules_option(parser)


def shown_safely(scenario: Any) -> Any:
    """The scenario with its title, story and teaching points safe for a terminal: a shared
    scenario file cannot retitle the window or clear the room's screen."""
    from assistant.core.terminal import visible_lines

    return scenario.model_copy(
        update={
            "title": visible_lines(scenario.title),
            "story": visible_lines(scenario.story),
            "teaching_points": [visible_lines(p) for p in scenario.teaching_points],
        }
    )


def run(args: argparse.Namespace) -> int:
    # lazy: every command's parser imports this module; the scenarios load only to train
    from assistant.training import find_scenario, load_scenarios, scenarios_dir
    from assistant.tui.trainer import TrainerApp  # lazy: Textual loads only when the trainer starts

    pack = pack_from(args)
    folder = Path(args.scenarios) if args.scenarios else scenarios_dir(pack)
    if not folder.is_dir():
        raise InputError(f"{folder}: no such scenarios folder")
    scenarios, problems = load_scenarios(folder)
    scenarios = [shown_safely(s) for s in scenarios]
    if not scenarios:
        raise InputError(
            f"{folder}: no training scenarios could be read (YAML files with title, story and case)",
            problems
            or [f"{folder}: no training scenarios (YAML files with title, story and case)"],
        )
    start = find_scenario(scenarios, args.scenario) if args.scenario else None
    TrainerApp(
        pack,
        scenarios,
        problems=problems,
        start=start,
        guess_first=args.guess_first,
        room=args.room,
    ).run()
    return 0
