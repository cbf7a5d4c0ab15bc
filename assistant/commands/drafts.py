"""`review-assistant drafts [list|delete ID|purge --older-than DAYS]`: the saved conversations.

The listing shows no answers unless --show-details is given: a draft's id, when it was last
saved, how far it got and the route so far say nothing about the child.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from assistant.commands.common import add_rules_option, pack_from, print_json


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "drafts",
        help="list, delete or purge saved conversations",
        description=(
            "Conversations are saved after every answer in your private data folder. "
            "With no action, list them."
        ),
    )
    add_rules_option(parser)
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    listing = actions.add_parser("list", help="list the drafts (the default)")
    for p in (parser, listing):
        p.add_argument(
            "--show-details",
            action="store_true",
            help="also show each draft's answers (personal details)",
        )
        p.add_argument("--json", action="store_true", help="print the listing as JSON")
    delete = actions.add_parser("delete", help="delete one draft")
    delete.add_argument("id", metavar="ID", help="the draft's id, as the listing shows it")
    purge = actions.add_parser("purge", help="delete drafts not updated for DAYS days")
    purge.add_argument(
        "--older-than",
        metavar="DAYS",
        type=_days,
        required=True,
        help="delete drafts older than this",
    )
    where = actions.add_parser("where", help="print the folder the drafts are kept in")
    del where


def _deleted(gone: list[Any], days: int) -> str:
    """What a purge deleted, by id (a purge that stops part way says exactly this much)."""
    count = f"{len(gone)} draft{'' if len(gone) == 1 else 's'}"
    ids = f": {', '.join(d.id for d in gone)}" if gone else ""
    return f"Deleted {count} not updated for {days} days{ids}."


def _days(text: str) -> int:
    try:
        days = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of days") from None
    if days < 0:
        raise argparse.ArgumentTypeError("the number of days cannot be negative")
    return days


def run(args: argparse.Namespace) -> int:
    from assistant.core.drafts import DraftStore, PurgeIncomplete
    from assistant.core.settings import load_settings

    store = DraftStore()
    action = args.action or "list"
    if action == "where":
        print(store.root)
        return 0
    if action == "delete":
        path = store.delete(args.id)
        print(f"Deleted draft {args.id} ({path}).")
        return 0
    if action == "purge":
        try:
            gone = store.purge(args.older_than)
        except PurgeIncomplete as exc:
            print(_deleted(exc.deleted, args.older_than))
            for draft_id, why in exc.failed:
                print(f"review-assistant: draft {draft_id} was not deleted: {why}", file=sys.stderr)
            return 1
        print(_deleted(gone, args.older_than))
        return 0
    settings = load_settings()
    drafts = store.list()
    stale = {d.id for d in drafts if d.age_days() > settings.retention_days}
    details: dict[str, list[tuple[str, str]]] = {}
    pack = pack_from(args)
    if args.show_details:
        details = _details(store, drafts, pack)
    if args.json:
        print_json(
            [
                {
                    "id": d.id,
                    "updated": d.updated.isoformat() if d.updated else None,
                    "status": d.status,
                    "route": d.route,
                    "answers": d.answers,
                    "encrypted": d.encrypted,
                    "older_than_retention": d.id in stale,
                    "problem": d.problem,
                    **({"details": dict(details.get(d.id, []))} if args.show_details else {}),
                }
                for d in drafts
            ]
        )
        return 0
    from assistant.core.prompts import render

    print(
        render(
            pack,
            "plain/drafts_list.j2",
            drafts=drafts,
            folder=store.root,
            details=details,
            retention_days=settings.retention_days,
            stale=stale,
        ),
        end="",
    )
    return 0


def _details(store: Any, drafts: list[Any], pack: Any) -> dict[str, list[tuple[str, str]]]:
    from assistant.core.drafts import ENV_PASSPHRASE, DraftError

    passphrase = os.environ.get(ENV_PASSPHRASE)
    if not passphrase and any(d.encrypted for d in drafts) and sys.stdin.isatty():
        import getpass

        passphrase = (
            getpass.getpass("Passphrase for encrypted drafts (Enter to skip them): ") or None
        )
    out: dict[str, list[tuple[str, str]]] = {}
    for info in drafts:
        if info.problem:
            continue
        try:
            draft = store.load(info.id, passphrase=passphrase)
        except DraftError as exc:
            out[info.id] = [("not shown", exc.why)]
            continue
        out[info.id] = [
            (pack.fact_label(f), answer_words(pack, f, v))
            for f, v in draft.engine_answers().items()
        ]
    return out


def answer_words(pack: Any, fact: str, value: Any) -> str:
    """An answer in the words of the option chosen, as the conversation showed it."""
    question = pack.question_for.get(fact)
    if question is not None and question.kind != "date":
        for option in question.choices(pack.labels.values.get(fact)):
            if option.value == value:
                return str(option.label)
    return str(pack.value_words(fact, value))


# --- starting the chat with drafts (used by assistant/commands/chat.py) -------------------------


class ChatSession:
    """What the chat needs from the drafts: the state to show (already autosaving) and notices."""

    def __init__(
        self, state: Any, notices: list[str], autosave: Any, conversation: Any = None
    ) -> None:
        self.state = state
        self.notices = notices
        self.autosave = autosave
        self.conversation = conversation


def chat_session(args: argparse.Namespace, pack: Any, pick: Any = None) -> ChatSession | int:
    """Open (or start) the chat's draft from --resume / --no-save / --encrypt and the settings.

    The bootstrap is assistant.conversation.session's, shared with plain mode. `pick(drafts) ->
    id | None` chooses a draft to carry on when no --resume is given (the chat's picker); None
    means never ask. Returns an exit status instead when a draft cannot be opened for want of its
    passphrase (the file is untouched). The passphrase is asked on the terminal before the app
    starts.
    """
    from assistant.conversation.session import SessionIO, start_session
    from assistant.core.errors import InputError

    stopped: list[str] = []

    def stop(text: str) -> None:
        stopped.append(text)

    def wrong(exc: Any) -> None:
        print(f"{exc.why}. {exc.fix}", file=sys.stderr)

    encrypt = bool(getattr(args, "encrypt", False))
    session = start_session(
        pack,
        SessionIO(
            ask_passphrase=_ask_terminal,
            stop=stop,
            pick=pick,
            on_wrong_passphrase=wrong,
            terminal=sys.stdin.isatty(),
        ),
        resume=getattr(args, "resume", None),
        no_save=bool(getattr(args, "no_save", False)),
        encrypt=encrypt,
        front="chat",
    )
    if isinstance(session, int):
        if session == 2 and not getattr(args, "resume", None):
            raise InputError("encrypting drafts needs a passphrase; none was given")
        for text in stopped:
            print(text, file=sys.stderr)
        return session
    return ChatSession(session.state, session.notices, session.autosave, session.conversation)


def _ask_terminal(prompt: str) -> str | None:
    if not sys.stdin.isatty():
        return None
    import getpass

    return getpass.getpass(prompt) or None
