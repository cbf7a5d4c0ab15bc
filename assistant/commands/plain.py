"""`review-assistant plain`: the conversation line by line on standard input and output.

No widgets, no colour, no cursor movement: for screen readers, braille displays and scripts.
Each question is printed with numbered options, a progress line and a "> " prompt; lines are
read one at a time (from a keyboard or a pipe). The conversation itself is the chat's
(assistant.conversation: what a line means and what comes next); this module prints its events.
why / help / what is X / more / back / summary / restart / quit work as in the chat, and the
question is printed again after each. The outcome is the same text as `decide`
(prompts/decision.txt.j2), except that a duty due on the conversation's date, or past it, says
"due today" or "overdue"; then the next steps: the referral form field by field, saving the
outcome, exporting the answers as a case file, reviewing, starting again or quitting.

Like the chat, it saves a draft after every answer (unless --no-save) so `--resume ID` carries
on after a crash or a closed laptop; when saving fails it says so once and carries on. Exit
status: 0 after the outcome (the urgent advice included) or "quit", 1 when the input ends
before the outcome (the draft is kept), 2 for bad input such as an unknown draft id.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from typing import Any, TextIO

from assistant.commands.common import add_rules_option, pack_from
from assistant.core.placeholders import fill


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
    """One plain-mode conversation over a pair of text streams.

    The conversation itself (what a line means, what comes next) is assistant.conversation's;
    this prints its events as plain lines and reads the next line.
    """

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
        from assistant.core.prompts import environment

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
        self.conversation: Any = None

    # --- output ---------------------------------------------------------------------------------

    def outcome_width(self) -> int:
        """The outcome is wrapped to fit the terminal (at most 100 columns, as `decide` prints
        it); output that is not a terminal keeps 100, so it reads as `decide` does."""
        isatty = getattr(self.stdout, "isatty", None)
        if not (callable(isatty) and isatty()):
            return 100
        import shutil

        return max(40, min(100, shutil.get_terminal_size((100, 24)).columns - 1))

    def say(self, text: str) -> None:
        text = text.strip("\n")
        if text:
            self.stdout.write(text + "\n\n")
            self.stdout.flush()

    def words(self, template: str, **context: Any) -> str:
        from assistant.core.prompts import render

        return render(self.pack, template, **context)

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
        from assistant.conversation.session import SessionIO, start_session

        self.say(self.words("plain/welcome.j2"))
        io = SessionIO(
            ask_passphrase=self.ask_passphrase,
            stop=lambda text: print(text, file=sys.stderr),  # the start failed: exit status 2
            on_wrong_passphrase=lambda exc: self.say(
                self.words("plain/draft_problem.j2", error=exc, fresh=False)
            ),
            terminal=self.stdin is sys.stdin and sys.stdin.isatty(),
        )
        session = start_session(
            self.pack,
            io,
            resume=self.resume,
            no_save=self.no_save,
            encrypt=self.encrypt,
            front="plain",
            today=self.today,
        )
        if isinstance(session, int):
            return session
        self.autosave, self.state = session.autosave, session.state
        self.conversation = session.conversation
        self.conversation.width = self.outcome_width()
        return self._loop(self.conversation.opening(welcome=False))

    def _loop(self, events: list[Any]) -> int:
        conversation = self.conversation
        while True:
            if self.render(events):
                self._ended(early=False)
                return 0
            try:
                line = self.read_line(self.ui.prompt)
            except KeyboardInterrupt:  # ctrl+c: say where the answers are kept, as at the end
                self.stdout.write("\n")
                self._ended(early=not conversation.outcome_shown)
                return 130
            if line is None:
                self._ended(early=not conversation.outcome_shown)
                return 0 if conversation.outcome_shown else 1
            events = conversation.handle(line, at=conversation.at)

    def render(self, events: list[Any]) -> bool:
        """Print `events`; True when one of them ends the conversation (quit)."""
        from assistant.conversation import events as E

        for event in events:
            if isinstance(event, E.Quit):
                self.say(self.ui.quit)
                return True
            if isinstance(event, E.Ask):
                self.say(
                    self.words(
                        "plain/question.j2",
                        question=event.question,
                        number=event.number,
                        choices=event.choices,
                        progress=event.progress.text,
                        old=(
                            self.state.words(event.question.fact, event.old)
                            if event.old is not None
                            else None
                        ),
                    )
                )
            elif isinstance(event, E.Offer):
                lines = [event.text] + [
                    f"  {n}. {step.label}" for n, step in enumerate(event.steps, 1)
                ]
                self.say("\n".join(lines))
            elif isinstance(event, E.ShowOutcome):
                self.say(event.text)
            elif isinstance(event, E.AskText):
                self.say(event.text)
            elif isinstance(event, E.SaveWarning | E.Say | E.Clarify):
                self.say(event.text)
            # Echo, AnswersChanged, Restarted, OpenReview: a plain transcript is the terminal's own
        return False

    def _ended(self, early: bool) -> None:
        if early:
            self.say(self.ui.ended_early)
        conversation = self.conversation
        if conversation.saving_stopped:
            if conversation.last_saved:
                self.say(fill(self.ui.saved_hint, id=conversation.last_saved))
            else:
                self.say(self.ui.not_saved_failed)
        elif self.autosave.saving and self.autosave.draft is not None and self.state.answers:
            self.say(fill(self.ui.saved_hint, id=self.autosave.draft_id))
        elif not self.autosave.saving:
            self.say(self.ui.not_saved)
