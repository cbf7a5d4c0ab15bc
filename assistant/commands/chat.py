"""The chat: `review-assistant` with no command opens the Textual app."""

from __future__ import annotations

import argparse


def run(args: argparse.Namespace) -> int:
    from assistant.commands.common import pack_from

    pack = pack_from(args)
    from assistant.tui.app import ReviewAssistantApp

    ReviewAssistantApp(pack).run()
    return 0
