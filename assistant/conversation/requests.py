"""After the outcome: write a request to each agency the referral form lists, in one step.

The agencies are those typed on the referral form (the form screen or plain mode's form), kept
with the conversation and its draft (`Conversation.referral`). The case given to the UI-free
`assistant.forms.requests.write_requests` is the conversation's answers and those form fields,
as an exported case file holds them. Existing files are never replaced.

Plain mode asks the format, then the folder (`RequestsDialogue`); the chat's outcome screen asks
both in one dialog and calls `write_agency_requests` itself. The words are in
prompts/outcome/keep.j2, shared by both front ends.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from assistant.conversation.events import AskText, Choice, Echo, Event, Say
from assistant.core.placeholders import fill

FORMATS = ("docx", "md", "html")
FORMAT_AT = "file:requests-format"
FOLDER_AT = "file:requests"


def request_words(pack: Any) -> Any:
    """The words of prompts/outcome/keep.j2, as a module (each `set` is an attribute)."""
    from assistant.core.prompts import environment

    return environment(pack).get_template("outcome/keep.j2").module


def agency_names(referral: dict[str, Any] | None) -> list[str]:
    """The names of the agencies typed on the referral form (none typed yet: [])."""
    if not referral:
        return []
    return [
        str(a.get("name") or "").strip()
        for a in referral.get("agencies") or []
        if str(a.get("name") or "").strip()
    ]


def default_folder(today: dt.date) -> Path:
    """A new folder for this case's requests, in the documents folder (made when written)."""
    from assistant.forms.save import documents_folder, unused_path

    return unused_path(documents_folder(), f"agency-requests-{today.isoformat()}", "")


def write_agency_requests(
    conversation: Any, folder: Path | str, fmt: str = "docx"
) -> tuple[list[Any], list[Event]]:
    """Write the requests for the conversation's case into `folder`; what was written (the
    forms.requests.Written items) and what to say: where the files went, or why nothing was."""
    import yaml

    from assistant.conversation.conversation import case_file_text
    from assistant.core.case import CaseFile
    from assistant.core.errors import InputError
    from assistant.core.terminal import visible
    from assistant.forms.requests import RequestsExist, write_requests

    words = request_words(conversation.pack)
    names = agency_names(conversation.referral)
    if not names:
        return [], [Say(str(words.requests_no_agencies), "requests")]
    target = Path(folder).expanduser()
    shown = visible(str(target))
    if target.exists() and not target.is_dir():
        return [], [Say(fill(words.requests_not_a_folder, folder=shown), "")]
    if not target.exists() and not target.parent.is_dir():
        parent = visible(str(target.parent))
        return [], [Say(fill(words.requests_no_parent, folder=shown, parent=parent), "")]
    case = CaseFile.model_validate(
        yaml.safe_load(case_file_text(conversation.state.applied, conversation.referral))
    )
    try:
        written = write_requests(
            case, conversation.pack, target, fmt, request_date=conversation.today
        )
    except RequestsExist as exc:
        first = visible(str(exc.existing[0]))
        return [], [Say(fill(words.requests_exist, folder=shown, file=first), "")]
    except InputError as exc:
        return [], [Say(fill(words.requests_not_written, problem=visible(str(exc))), "")]
    lines = [
        fill(
            words.requests_line,
            path=visible(str(w.path)),
            agency=visible(w.agency),
            due=_day(w.due),
        )
        for w in written
    ]
    text = fill(words.requests_written, count=len(written), folder=shown)
    return written, [Say("\n".join([text, *lines]), "requests")]


def _day(day: dt.date) -> str:
    return f"{day:%a} {day.day} {day:%b %Y}"  # as the chat writes dates: Mon 14 Dec 2026


class RequestsDialogue:
    """Plain mode: the format (Enter: Word), then the folder (Enter: a new one in documents)."""

    def __init__(self, conversation: Any) -> None:
        self.conversation = conversation
        self.words = request_words(conversation.pack)
        self.fmt: str | None = None
        self.default = default_folder(conversation.today)
        self.done = False

    def start(self) -> list[Event]:
        names = agency_names(self.conversation.referral)
        if not names:
            self.done = True
            return [Say(str(self.words.requests_no_agencies), "requests")]
        intro = fill(self.words.requests_intro, count=len(names), agencies="; ".join(names))
        return [Say(intro, "requests"), self.prompt()]

    def choices(self) -> tuple[Choice, ...]:
        w = self.words
        return (
            Choice("docx", str(w.requests_docx)),
            Choice("md", str(w.requests_md)),
            Choice("html", str(w.requests_html)),
        )

    def prompt(self) -> AskText:
        if self.fmt is None:
            self.conversation.at = FORMAT_AT
            lines = [str(self.words.requests_ask_format)] + [
                f"  {n}. {c.label}" for n, c in enumerate(self.choices(), 1)
            ]
            return AskText(FORMAT_AT, "\n".join(lines), "docx", self.choices())
        self.conversation.at = FOLDER_AT
        text = fill(self.words.requests_ask_folder, default=self.default)
        return AskText(FOLDER_AT, text, str(self.default))

    def given(self, text: str) -> list[Event]:
        typed = text.strip()
        echo = Echo(text)
        if typed.lower() in ("cancel", "quit", "back"):
            self.done = True
            return [echo, Say(str(self.words.requests_cancelled), "requests")]
        if self.fmt is None:
            fmt = self._format(typed)
            if fmt is None:
                return [echo, Say(str(self.words.requests_format_problem), ""), self.prompt()]
            self.fmt = fmt
            return [echo, self.prompt()]
        written, events = write_agency_requests(self.conversation, typed or self.default, self.fmt)
        if not written:
            return [echo, *events, self.prompt()]  # say why, and ask for another folder
        self.done = True
        return [echo, *events]

    def _format(self, typed: str) -> str | None:
        if typed == "":
            return "docx"
        choices = self.choices()
        if typed.isdigit() and 1 <= int(typed) <= len(choices):
            return choices[int(typed) - 1].value
        lowered = typed.lower().lstrip(".")
        for choice in choices:
            if lowered in (choice.value, choice.label.lower()) or (
                lowered == "word" and choice.value == "docx"
            ):
                return choice.value
        return None
