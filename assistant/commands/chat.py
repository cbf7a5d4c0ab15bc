"""The chat: `review-assistant` with no command opens the Textual app.

Quick start (the first question on screen within 1.3x a bare Textual app's start):
when nothing must be asked on the terminal first (no --resume, no passphrase, no saved
conversation to offer) and the opening was kept by an earlier run (assistant.conversation.opening), the
app opens on the first question at once and loads the rule pack, the engine and the drafts in a
worker thread behind it. Otherwise, and with --no-save (nothing on disk, so nothing kept), the
pack is loaded first, as before; the opening is kept for next time.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any


def run(args: argparse.Namespace) -> int:
    if getattr(args, "no_save", False):  # incognito before anything is cached
        from assistant.core.privacy import enter_incognito

        enter_incognito()
    from assistant.core.served import in_browser

    interactive = (sys.stdin.isatty() and sys.stdout.isatty()) or in_browser()
    opening = _kept_opening(args, interactive)
    if opening is not None:
        return _quick_start(args, opening)
    from assistant.commands.common import pack_from
    from assistant.commands.drafts import chat_session

    pack = pack_from(args)

    def pick(drafts: list) -> str | None:  # imported only when there are drafts to offer
        from assistant.tui.drafts_picker import pick_draft
        from assistant.tui.served import pick_then_chat

        return pick_then_chat(lambda: pick_draft(pack, drafts))  # in a browser too

    # autosave, --resume, --no-save, the picker and notices (assistant.conversation.session)
    session = chat_session(args, pack, pick=pick if interactive else None)
    if isinstance(session, int):
        return session
    from assistant.conversation.opening import remember_opening
    from assistant.tui.app import ReviewAssistantApp
    from assistant.tui.safe_errors import protect

    if not session.state.answers:
        remember_opening(pack, session.state.current)  # the next start shows it at once
    app = protect(ReviewAssistantApp(pack, state=session.state))  # no locals in a crash report
    app.notices = session.notices
    app.conversation = session.conversation  # it saves the draft; the screen renders its events
    app.run()
    return app.return_code or 0


def _kept_opening(args: argparse.Namespace, interactive: bool) -> Any:
    """The kept opening when the chat can start on it; None when it must start the usual way."""
    if getattr(args, "resume", None) or getattr(args, "encrypt", False):
        return None
    from assistant.core.settings import load_settings, may_have_open_drafts

    try:
        if load_settings().encrypt:
            return None  # the passphrase is asked on the terminal before the app opens
    except Exception:  # noqa: BLE001 - the usual start reports the problem
        return None
    if not getattr(args, "no_save", False) and interactive and may_have_open_drafts():
        return None  # the drafts picker comes first
    from assistant.conversation.opening import read_opening
    from assistant.core.paths import default_rules_dir

    rules = getattr(args, "rules", None)
    return read_opening(Path(rules) if rules else default_rules_dir())


def _quick_start(args: argparse.Namespace, opening: Any) -> int:
    from assistant.tui.app import ReviewAssistantApp
    from assistant.tui.safe_errors import protect

    def load() -> Any:  # in a worker thread, once the first question is on screen
        from assistant.commands.common import pack_from
        from assistant.commands.drafts import chat_session

        # no picker: there was no conversation to carry on (checked above)
        return chat_session(args, pack_from(args), pick=None)

    app = protect(ReviewAssistantApp(None, opening=opening, load=load))
    app.run()
    if app.load_error is not None:
        raise app.load_error  # reported by assistant.cli as if the app had never opened
    return app.return_code or 0
