"""The chat: `review-assistant` with no command opens the Textual app."""

from __future__ import annotations

import argparse


def run(args: argparse.Namespace) -> int:
    from assistant.commands.common import pack_from

    if getattr(args, "no_save", False):  # incognito before anything is cached (issue 7)
        from assistant.core.privacy import enter_incognito

        enter_incognito()
    pack = pack_from(args)
    import sys

    from assistant.commands.drafts import chat_session

    def pick(drafts: list) -> str | None:  # imported only when there are drafts to offer
        from assistant.tui.drafts_picker import pick_draft

        return pick_draft(pack, drafts)

    # autosave, --resume, --no-save, the picker and notices (issue 7)
    interactive = sys.stdin.isatty() and sys.stdout.isatty()
    session = chat_session(args, pack, pick=pick if interactive else None)
    if isinstance(session, int):
        return session
    from assistant.tui.app import ReviewAssistantApp
    from assistant.tui.safe_errors import protect

    app = protect(ReviewAssistantApp(pack, state=session.state))  # no locals in a crash report
    app.notices = session.notices
    app.run()
    return app.return_code or 0
