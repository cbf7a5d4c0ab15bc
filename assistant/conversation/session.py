"""Starting a conversation with its draft: one bootstrap for the chat and plain mode.

From --resume / --no-save / --encrypt and the settings: incognito, the passphrase, the notice
about drafts kept longer than the retention period, the draft to carry on (asked with `pick`
when none is named), a damaged or newer draft (a fresh start, said so), "the pack changed"
since the draft was saved, where the answers are saved, and a resumed draft's summary. A front
end gives the terminal-facing parts as functions (`SessionIO`) and renders the notices.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from assistant.conversation.conversation import Conversation, saving_notice
from assistant.core.placeholders import fill


@dataclass
class SessionIO:
    """What the bootstrap asks of a front end."""

    ask_passphrase: Callable[[str], str | None]  # prompt -> passphrase (None: none given)
    stop: Callable[[str], None]  # a problem that ends the start (exit status 2), in words
    pick: Callable[[list[Any]], str | None] | None = None  # open drafts -> id to carry on
    on_wrong_passphrase: Callable[[Any], None] | None = None  # said before asking again
    # Whether a new passphrase can be asked for: not when the answers come through a pipe,
    # where the first answer would be taken as the passphrase.
    terminal: bool = True


@dataclass
class Session:
    """A conversation ready to start: its state (already autosaving) and the notices to show."""

    state: Any
    notices: list[str]
    autosave: Any
    draft: Any = None
    front: str = "chat"
    conversation: Conversation = field(init=False)

    def __post_init__(self) -> None:  # saving starts with the first answer
        self.conversation = Conversation(
            self.state, self.autosave, front=self.front, notices=self.notices
        )
        if self.draft is not None and self.draft.referral:
            self.conversation.referral = dict(self.draft.referral)
        if self.draft is not None and self.draft.label:
            self.conversation.label = self.draft.label


def start_session(
    pack: Any,
    io: SessionIO,
    *,
    resume: str | None = None,
    no_save: bool = False,
    encrypt: bool = False,
    front: str = "chat",
    today: Any = None,
) -> Session | int:
    """The session for these options, or an exit status (2) when a draft cannot be opened."""
    from assistant.conversation.state import ConversationState
    from assistant.core.drafts import (
        ENV_PASSPHRASE,
        Autosave,
        DraftInUse,
        DraftNotFound,
        DraftTooNew,
        DraftWrongPassphrase,
        PassphraseNeeded,
        choose_passphrase,
        open_draft,
    )
    from assistant.core.errors import InputError
    from assistant.core.prompts import environment, render
    from assistant.core.settings import load_settings
    from assistant.core.terminal import visible

    ui = environment(pack).get_template("plain/ui.j2").module
    if no_save:
        if resume:
            raise InputError(
                "--resume and --no-save cannot be used together: incognito keeps no drafts"
            )
        from assistant.core.privacy import enter_incognito

        enter_incognito()
        autosave = Autosave(None)
        return Session(
            ConversationState(pack, None, today),
            [saving_notice(pack, autosave, front)],
            autosave,
            front=front,
        )
    settings = load_settings()
    passphrase = None
    if encrypt or settings.encrypt:
        try:  # asked twice on a terminal, never read from piped answers, long enough
            passphrase = choose_passphrase(
                io.ask_passphrase if io.terminal else None, io.stop, ui.new_passphrase_prompt
            )
        except InputError as exc:
            io.stop(str(exc))
            return 2
    from assistant.core.drafts import DraftStore

    store = DraftStore(passphrase=passphrase)
    store.clean_leftovers()  # hidden copies of answers left by a save that was killed
    if not resume and io.pick is not None:
        open_ones = [d for d in store.list() if not d.problem and d.status == "in_progress"]
        if open_ones:
            resume = io.pick(open_ones)
    notices: list[str] = []
    # after the list of drafts: one deleted there is not named as still kept
    try:
        stale = store.stale(settings.retention_days)
    except OSError:
        stale = []  # a folder that cannot be read: saving will say so
    if stale:
        from assistant.core.served import in_browser

        notices.append(
            render(
                pack,
                "plain/retention.j2",
                count=len(stale),
                retention_days=settings.retention_days,
                ids=[s.id for s in stale],
                browser=in_browser(),  # no command line: the list of drafts deletes them
                in_list=sum(1 for s in stale if not s.problem and s.status == "in_progress"),
            ).strip()
        )

    def again(exc: Any) -> str | None:
        if isinstance(exc, DraftWrongPassphrase):
            if io.on_wrong_passphrase is not None:
                io.on_wrong_passphrase(exc)
            if os.environ.get(ENV_PASSPHRASE):
                return None  # the environment's passphrase is wrong; asking again would repeat it
        return io.ask_passphrase(ui.passphrase_prompt)

    draft = None
    if resume:
        try:
            draft = open_draft(store, resume, again)
        except DraftNotFound as exc:
            raise InputError(str(exc)) from None
        except DraftInUse as exc:  # open in another session: carry on in a copy
            if exc.copy is None:
                io.stop(str(exc))
                return 2
            notices.append(str(exc))
            draft = exc.copy
        except (PassphraseNeeded, DraftWrongPassphrase) as exc:
            io.stop(render(pack, "plain/draft_problem.j2", error=exc, fresh=False).strip())
            return 2
        except (DraftTooNew, InputError) as exc:  # damaged or newer: the file stays as it is
            notices.append(render(pack, "plain/draft_problem.j2", error=exc, fresh=True).strip())
    autosave = Autosave(store, draft)
    if draft is None:
        autosave.start(pack.name, pack.version)
    elif (draft.pack.name, draft.pack.version) != (pack.name, pack.version):
        notices.append(
            fill(
                ui.pack_changed,
                id=visible(draft.id),
                then=visible(f"{draft.pack.name} {draft.pack.version}"),
                now=f"{pack.name} {pack.version}",
            )
        )
        draft.pack.name, draft.pack.version = pack.name, pack.version
    state = ConversationState(pack, draft.engine_answers() if draft else None, today)
    notices.append(saving_notice(pack, autosave, front))
    if draft is not None and draft.answers:
        from assistant.conversation.ui_words import say

        notices.append(fill(ui.resumed, id=draft.id, count=len(draft.answers)))
        facts = [
            (state.fact_label(q.fact), state.words(q.fact, v))
            for q, v in state.answered_questions()
        ]
        aside = [(state.fact_label(f), state.words(f, v)) for f, v in state.set_aside.items()]
        route = state.decision().route if state.applied else None
        label = pack.labels.routes[route].label if route in pack.labels.routes else None
        notices.append(say(pack, "summary", facts=facts, set_aside=aside, route=label))
    return Session(state, notices, autosave, draft, front=front)
