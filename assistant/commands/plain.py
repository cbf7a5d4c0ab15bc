"""`review-assistant plain`: the conversation line by line on standard input and output.

No widgets, no colour, no cursor movement: for screen readers, braille displays and scripts.
Each question is printed with numbered options and a "> " prompt; answers are read one line at
a time (from a keyboard or a pipe) and read by assistant.core.interpret, as the chat reads them.
why / help / what is X / back / summary / restart / quit work as in the chat. It ends with the
same outcome text as `decide` (prompts/decision.txt.j2).

Like the chat, it saves a draft after every answer (unless --no-save) so `--resume ID` carries
on after a crash or a closed laptop. Exit status: 0 after the outcome or "quit", 1 when the
input ends before the outcome (the draft is kept), 2 for bad input such as an unknown draft id.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from typing import Any, TextIO

from assistant.commands.common import add_rules_option, pack_from
from assistant.core.terminal import visible


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "plain",
        help="the conversation as plain lines of text (screen readers, braille, scripts)",
        description=(
            "Run the conversation line by line on standard input and output, with numbered "
            "options. Answers can come from a pipe. Exit status 0 after the outcome or quit, "
            "1 if the input ends first (the draft is kept), 2 for bad input."
        ),
    )
    add_draft_options(parser, suppress=True)
    add_rules_option(parser)


def add_draft_options(parser: argparse.ArgumentParser, suppress: bool = False) -> None:
    """--resume ID, --no-save and --encrypt (shared by the chat's top-level options and plain)."""
    default: Any = argparse.SUPPRESS if suppress else None
    parser.add_argument(
        "--resume", metavar="ID", default=default, help="carry on with a saved draft"
    )
    parser.add_argument(
        "--no-save",
        action="store_true",
        default=argparse.SUPPRESS if suppress else False,
        help="incognito: keep nothing on disk",
    )
    parser.add_argument(
        "--encrypt",
        action="store_true",
        default=argparse.SUPPRESS if suppress else False,
        help="encrypt the draft with a passphrase (REVIEW_ASSISTANT_PASSPHRASE, or asked for)",
    )


def run(args: argparse.Namespace) -> int:
    if getattr(args, "no_save", False):  # before the pack loads: its cache is a file too
        from assistant.core.privacy import enter_incognito

        enter_incognito()
    pack = pack_from(args)
    for stream in (sys.stdin, sys.stdout):  # bytes that are not UTF-8 are shown, never a crash
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="replace")
    session = PlainSession(
        pack,
        sys.stdin,
        sys.stdout,
        resume=getattr(args, "resume", None),
        no_save=bool(getattr(args, "no_save", False)),
        encrypt=bool(getattr(args, "encrypt", False)),
    )
    return session.run()


class PlainSession:
    """One plain-mode conversation over a pair of text streams."""

    def __init__(
        self,
        pack: Any,
        stdin: TextIO,
        stdout: TextIO,
        resume: str | None = None,
        no_save: bool = False,
        encrypt: bool = False,
        today: dt.date | None = None,
    ) -> None:
        from assistant.core.words import environment

        self.pack = pack
        self.stdin = stdin
        self.stdout = stdout
        self.resume = resume
        self.no_save = no_save
        self.encrypt = encrypt
        self.today = today
        self.ui = environment(pack).get_template("plain/ui.j2").module
        self.autosave: Any = None
        self.state: Any = None

    # --- output ---------------------------------------------------------------------------------

    def say(self, text: str) -> None:
        text = text.strip("\n")
        if text:
            self.stdout.write(text + "\n\n")
            self.stdout.flush()

    def words(self, template: str, **context: Any) -> str:
        from assistant.core.words import render

        return render(self.pack, template, **context)

    def chat(self, name: str, **context: Any) -> str:
        from assistant.conversation.ui_words import say

        return say(self.pack, name, **context)

    def read_line(self, prompt: str) -> str | None:
        """One line of input without its newline; None at end of input."""
        self.stdout.write(prompt)
        self.stdout.flush()
        line = self.stdin.readline()
        if not line:
            self.stdout.write("\n")
            self.stdout.flush()
            return None
        return line.rstrip("\r\n")

    def ask_passphrase(self, prompt: str) -> str | None:
        from assistant.core.drafts import ENV_PASSPHRASE

        given = os.environ.get(ENV_PASSPHRASE)
        if given:
            return given
        if self.stdin is sys.stdin and sys.stdin.isatty():
            import getpass

            return getpass.getpass(prompt) or None
        return self.read_line(prompt) or None

    # --- the conversation -----------------------------------------------------------------------

    def run(self) -> int:
        from assistant.conversation.state import ConversationState
        from assistant.core.drafts import Autosave, DraftStore, load_settings

        if self.no_save:
            from assistant.core.privacy import enter_incognito

            enter_incognito()
        settings = load_settings()
        self.say(self.words("plain/welcome.j2"))
        store: DraftStore | None = None
        answers: dict[str, Any] = {}
        draft = None
        if not self.no_save:
            passphrase = None
            if self.encrypt or settings.encrypt:
                passphrase = self.ask_passphrase(self.ui.new_passphrase_prompt)
                if not passphrase:
                    self.say(self.ui.passphrase_missing)
                    return 2
            store = DraftStore(passphrase=passphrase)
            self._retention_notice(store, settings.retention_days)
            if self.resume:
                draft = self._open(store)
                if draft is False:
                    return 2
                if draft is not None:
                    answers = draft.engine_answers()
        elif self.resume:
            from assistant.core.errors import InputError

            raise InputError(
                "--resume and --no-save cannot be used together: incognito keeps no drafts"
            )
        self.autosave = Autosave(store, draft or None)
        if store is not None and draft is None:
            self.autosave.start(self.pack.name, self.pack.version)
        self.state = ConversationState(self.pack, answers, self.today)
        self.state.listeners.append(self.autosave.state_listener())
        self._announce_saving()
        if answers:
            self.say(self.ui.resumed.format(id=draft.id, count=len(answers)))
            self._summary()
        return self._loop()

    def _open(self, store: Any) -> Any:
        """The draft to resume; None to start afresh (damaged file); False to stop (exit 2)."""
        from assistant.core.drafts import (
            DraftNotFound,
            DraftTooNew,
            DraftWrongPassphrase,
            PassphraseNeeded,
            open_draft,
        )
        from assistant.core.errors import InputError

        try:
            draft = open_draft(store, self.resume, lambda exc: self._passphrase_for(exc))
        except DraftNotFound as exc:
            raise InputError(str(exc)) from None
        except (PassphraseNeeded, DraftWrongPassphrase) as exc:
            self.say(self.words("plain/draft_problem.j2", error=exc, fresh=False))
            return False
        except DraftTooNew as exc:
            self.say(self.words("plain/draft_problem.j2", error=exc, fresh=True))
            return None
        except InputError as exc:  # damaged: the file stays as it is; a new draft gets a new id
            self.say(self.words("plain/draft_problem.j2", error=exc, fresh=True))
            return None
        if draft.pack.version != self.pack.version or draft.pack.name != self.pack.name:
            self.say(
                self.ui.pack_changed.format(
                    id=draft.id,
                    then=f"{draft.pack.name} {draft.pack.version}",
                    now=f"{self.pack.name} {self.pack.version}",
                )
            )
            draft.pack.name, draft.pack.version = self.pack.name, self.pack.version
        return draft

    def _passphrase_for(self, exc: Any) -> str | None:
        from assistant.core.drafts import DraftWrongPassphrase

        if isinstance(exc, DraftWrongPassphrase):
            self.say(self.words("plain/draft_problem.j2", error=exc, fresh=False))
            if os.environ.get("REVIEW_ASSISTANT_PASSPHRASE"):
                return None  # the environment's passphrase is wrong; asking again would repeat it
        return self.ask_passphrase(self.ui.passphrase_prompt)

    def _retention_notice(self, store: Any, retention_days: int) -> None:
        stale = store.stale(retention_days)
        if stale:
            self.say(
                self.words(
                    "plain/retention.j2",
                    count=len(stale),
                    retention_days=retention_days,
                    ids=[s.id for s in stale],
                )
            )

    def _announce_saving(self) -> None:
        if self.autosave.saving:
            draft_id = self.autosave.draft_id
            self.say(
                self.words(
                    "plain/saving.j2",
                    draft_id=draft_id,
                    encrypted=self.autosave.store.encrypting,
                    resume_command=f"review-assistant plain --resume {draft_id}",
                )
            )
        else:
            self.say(self.words("plain/no_save.j2"))

    def _ended(self, early: bool) -> None:
        if early:
            self.say(self.ui.ended_early)
        if self.autosave.saving and self.autosave.draft is not None and self.state.answers:
            self.say(self.ui.saved_hint.format(id=self.autosave.draft_id))
        elif not self.autosave.saving:
            self.say(self.ui.not_saved)

    def _loop(self) -> int:
        from assistant.core.interpret import Answer, Command, Problem, Unclear, interpret

        state = self.state
        asked: Any = None
        while True:
            question = state.current
            if question is None:
                return self._outcome()
            choices = question.choices(self.pack.labels.values.get(question.fact))
            if question is not asked:
                self.say(
                    self.words(
                        "plain/question.j2",
                        question=question,
                        number=len(state.applied) + 1,
                        choices=choices,
                    )
                )
                asked = question
            line = self.read_line(self.ui.prompt)
            if line is None:
                self._ended(early=True)
                return 1
            result = interpret(line, choices, question.kind, self.today or dt.date.today())
            _log_turn(question.fact, result, line)
            if isinstance(result, Answer):
                self._answer(question, result.value)
                asked = None
            elif isinstance(result, Command):
                stop = self._command(result, question)
                if stop is not None:
                    return stop
                if result.name in ("back", "restart"):
                    asked = None
            elif isinstance(result, Problem):
                if result.code == "empty":
                    self.say(self.ui.empty_answer)
                else:
                    self.say(
                        self.chat(
                            "date_problem",
                            code=result.code,
                            text=visible(result.text),
                            today=self.today or dt.date.today(),
                        )
                    )
            else:
                candidates = []
                if isinstance(result, Unclear):
                    candidates = [c.label for c in choices if c.value in result.candidates]
                self.say(
                    self.chat("clarify", text=visible(line), choices=choices, candidates=candidates)
                )

    def _answer(self, question: Any, value: Any) -> None:
        from assistant.core.contract import UNKNOWN

        self.state.answer(question.fact, value)
        self.say(
            self.words(
                "plain/noted.j2",
                label=self.state.fact_label(question.fact),
                words=self.state.words(question.fact, value),
            )
        )
        if question.fact == "immediate_risk" and value in ("yes", UNKNOWN):
            route = self.pack.labels.routes.get("urgent_safeguarding_referral")
            if value == UNKNOWN and route is not None:
                self.say(
                    self.chat(
                        "urgent", route=route, contacts=self.pack.meta.contacts, not_sure=True
                    )
                )

    def _command(self, command: Any, question: Any) -> int | None:
        state = self.state
        name = command.name
        if name == "why":
            self.say(
                self.chat("why", question=question, rules=self.pack.rules_needing(question.fact))
            )
        elif name == "help" or (name == "what_is" and not command.topic):
            self.say(self.chat("help", question=question, terms=self._terms()))
        elif name == "what_is":
            self.say(
                self.chat(
                    "glossary",
                    topic=visible(command.topic),
                    entries=self._glossary(command.topic),
                    terms=self._terms(),
                )
            )
        elif name == "back":
            history = [f for f in state.history if f in state.applied]
            old = state.words(history[-1], state.applied[history[-1]]) if history else None
            again = state.back()
            self.say(self.chat("back", question=again, old=old))
        elif name in ("summary", "review"):
            self._summary()
        elif name == "restart":
            before = self.autosave.draft_id
            state.restart()  # the autosave keeps the old case's draft and starts a new one
            self.say(self.chat("restart"))
            if self.autosave.saving and self.autosave.draft_id != before:
                self._announce_saving()
        elif name == "quit":
            self.say(self.ui.quit)
            self._ended(early=False)
            return 0
        return None

    def _summary(self) -> None:
        state = self.state
        facts = [
            (state.fact_label(q.fact), state.words(q.fact, v))
            for q, v in state.answered_questions()
        ]
        aside = [(state.fact_label(f), state.words(f, v)) for f, v in state.set_aside.items()]
        route = None
        if state.applied:
            decision = state.decision()
            route = (
                self.pack.labels.routes[decision.route].label
                if decision.route in self.pack.labels.routes
                else decision.route
            )
        self.say(self.chat("summary", facts=facts, set_aside=aside, route=route))

    def _terms(self) -> list[str]:
        return [entry.term for entry in self.pack.glossary]

    def _glossary(self, topic: str) -> list[Any]:
        wanted = " ".join(topic.lower().split())
        exact = [
            e
            for e in self.pack.glossary
            if wanted in {e.term.lower(), *(a.lower() for a in e.aliases)}
        ]
        if exact or not wanted:
            return exact
        return [
            e for e in self.pack.glossary if wanted in e.term.lower() or e.term.lower() in wanted
        ]

    def _outcome(self) -> int:
        state = self.state
        decision = state.decision()
        self.state.on_answers_changed()  # saved as complete
        self.say(self.words("decision.txt.j2", decision=decision, facts=state.applied))
        return 0


def _log_turn(fact: str, result: Any, line: str) -> None:
    """One line in the opt-in debug log; free text is redacted there (assistant.core.privacy)."""
    from assistant.core.interpret import Answer, Command, Problem
    from assistant.core.privacy import debug_logger

    log = debug_logger()
    if isinstance(result, Answer):
        log.debug("question %s: answer %s", fact, result.value)
    elif isinstance(result, Command):
        log.debug("question %s: command %s (topic %s)", fact, result.name, result.topic)
    elif isinstance(result, Problem):
        log.debug("question %s: problem %s with %s", fact, result.code, line)
    else:
        log.debug("question %s: not understood: %s", fact, line)
