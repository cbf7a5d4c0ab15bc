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


def _days(text: str) -> int:
    try:
        days = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of days") from None
    if days < 0:
        raise argparse.ArgumentTypeError("the number of days cannot be negative")
    return days


def run(args: argparse.Namespace) -> int:
    from assistant.core.drafts import DraftStore, load_settings

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
        gone = store.purge(args.older_than)
        print(
            f"Deleted {len(gone)} draft{'' if len(gone) == 1 else 's'} not updated for {args.older_than} days."
        )
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
    from assistant.core.words import render

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
            (fact_label(pack, f), answer_words(pack, f, v))
            for f, v in draft.engine_answers().items()
        ]
    return out


def fact_label(pack: Any, fact: str) -> str:
    """A fact in plain words: its label in the pack, else its question, else its name."""
    label = pack.labels.facts.get(fact)
    if label is not None:
        return str(label.label)
    question = pack.question_for.get(fact)
    return str(question.text) if question is not None else fact.replace("_", " ")


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

    def __init__(self, state: Any, notices: list[str], autosave: Any) -> None:
        self.state = state
        self.notices = notices
        self.autosave = autosave


def chat_session(args: argparse.Namespace, pack: Any, pick: Any = None) -> ChatSession | int:
    """Open (or start) the chat's draft from --resume / --no-save / --encrypt and the settings.

    `pick(drafts) -> id | None` chooses a draft to carry on when no --resume is given (the chat's
    picker); None means never ask. Returns an exit status instead when a draft cannot be opened
    for want of its passphrase (the file is untouched). The passphrase is asked on the terminal
    before the app starts.
    """
    from assistant.conversation.state import ConversationState
    from assistant.core.drafts import (
        ENV_PASSPHRASE,
        Autosave,
        DraftNotFound,
        DraftStore,
        DraftTooNew,
        DraftWrongPassphrase,
        PassphraseNeeded,
        load_settings,
        open_draft,
    )
    from assistant.core.errors import InputError
    from assistant.core.words import environment, render

    resume = getattr(args, "resume", None)
    ui = environment(pack).get_template("plain/ui.j2").module
    if getattr(args, "no_save", False):
        if resume:
            raise InputError(
                "--resume and --no-save cannot be used together: incognito keeps no drafts"
            )
        from assistant.core.privacy import enter_incognito

        enter_incognito()
        return ChatSession(
            ConversationState(pack), [render(pack, "plain/no_save.j2").strip()], Autosave(None)
        )
    settings = load_settings()
    passphrase = None
    if getattr(args, "encrypt", False) or settings.encrypt:
        passphrase = os.environ.get(ENV_PASSPHRASE) or _ask_terminal(ui.new_passphrase_prompt)
        if not passphrase:
            raise InputError("encrypting drafts needs a passphrase; none was given")
    store = DraftStore(passphrase=passphrase)
    notices: list[str] = []
    stale = store.stale(settings.retention_days)
    if stale:
        notices.append(
            render(
                pack,
                "plain/retention.j2",
                count=len(stale),
                retention_days=settings.retention_days,
                ids=[s.id for s in stale],
            ).strip()
        )
    if not resume and pick is not None:
        open_ones = [d for d in store.list() if not d.problem and d.status == "in_progress"]
        if open_ones:
            resume = pick(open_ones)
    draft = None
    if resume:
        try:
            draft = open_draft(store, resume, lambda exc: _ask_again(exc, ui))
        except DraftNotFound as exc:
            raise InputError(str(exc)) from None
        except (PassphraseNeeded, DraftWrongPassphrase) as exc:
            print(
                render(pack, "plain/draft_problem.j2", error=exc, fresh=False).strip(),
                file=sys.stderr,
            )
            return 2
        except (DraftTooNew, InputError) as exc:
            notices.append(render(pack, "plain/draft_problem.j2", error=exc, fresh=True).strip())
    autosave = Autosave(store, draft)
    if draft is None:
        autosave.start(pack.name, pack.version)
    elif (draft.pack.name, draft.pack.version) != (pack.name, pack.version):
        notices.append(
            ui.pack_changed.format(
                id=draft.id,
                then=f"{draft.pack.name} {draft.pack.version}",
                now=f"{pack.name} {pack.version}",
            )
        )
        draft.pack.name, draft.pack.version = pack.name, pack.version
    state = ConversationState(pack, draft.engine_answers() if draft else None)
    state.listeners.append(autosave.state_listener())
    draft_id = autosave.draft_id
    notices.append(
        render(
            pack,
            "plain/saving.j2",
            draft_id=draft_id,
            encrypted=store.encrypting,
            resume_command=f"review-assistant --resume {draft_id}",
        ).strip()
    )
    if draft is not None and draft.answers:
        from assistant.conversation.ui_words import say

        notices.append(ui.resumed.format(id=draft.id, count=len(draft.answers)))
        facts = [
            (state.fact_label(q.fact), state.words(q.fact, v))
            for q, v in state.answered_questions()
        ]
        aside = [(state.fact_label(f), state.words(f, v)) for f, v in state.set_aside.items()]
        route = state.decision().route if state.applied else None
        label = pack.labels.routes[route].label if route in pack.labels.routes else None
        notices.append(say(pack, "summary", facts=facts, set_aside=aside, route=label))
    return ChatSession(state, notices, autosave)


def _ask_terminal(prompt: str) -> str | None:
    if not sys.stdin.isatty():
        return None
    import getpass

    return getpass.getpass(prompt) or None


def _ask_again(exc: Any, ui: Any) -> str | None:
    from assistant.core.drafts import ENV_PASSPHRASE, DraftWrongPassphrase

    if isinstance(exc, DraftWrongPassphrase):
        print(f"{exc.why}. {exc.fix}", file=sys.stderr)
        if os.environ.get(ENV_PASSPHRASE):
            return None
    return _ask_terminal(ui.passphrase_prompt)
