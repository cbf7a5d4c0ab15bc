"""The referral form one field at a time, for plain mode: the form screen's fields and checks.

Each field of the form (forms.yaml, the same definitions the form screen shows) is asked in
turn with what is already known filled in: Enter keeps it, "-" clears it, "cancel" stops.
A value is checked as the screen checks it (assistant.forms.fields) before moving on; at the
end the whole referral is checked (a date of birth after the incident, awareness before it)
and saved to a file whose format follows its name (.docx, .md, .html, .txt).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from assistant.conversation.events import AskText, Echo, Event, Say
from assistant.core import contract
from assistant.core.placeholders import fill

SAVE = "form:save"


def referral_problems(data: dict[str, Any], words: Any) -> dict[str, str]:
    """The checks across fields the form screen makes: field name -> message."""
    errors: dict[str, str] = {}
    incident = data["incident"]
    dob = data["child"]["date_of_birth"]
    if dob and incident["date"] and dob > incident["date"]:
        errors["child.date_of_birth"] = words.say("dob_after_incident")
    if incident["date"] and incident["aware_date"] and incident["aware_date"] < incident["date"]:
        errors["incident.aware_date"] = words.say("aware_before_incident")
    return errors


class FormDialogue:
    """Plain mode's referral form: asks each field, checks it, then saves the form."""

    def __init__(self, conversation: Any) -> None:
        from assistant.forms import choose_form, prefill
        from assistant.forms.context import visible_fields
        from assistant.forms.form_words import load_form_words

        self.conversation = conversation
        state = conversation.state
        self.pack = state.pack
        self.today = conversation.today
        self.decision = state.decision()
        self.answers = dict(state.applied)
        self.form_id = choose_form(self.decision)
        self.words = load_form_words(self.pack)
        self.spec = self.words.forms[self.form_id]
        earlier = None
        if conversation.referral is not None:  # typed before: shown again, never lost
            from assistant.core.case import Referral

            earlier = Referral.model_validate(conversation.referral)
        self.referral = prefill(self.pack, self.decision, self.answers, earlier, self.today)
        self.data: dict[str, Any] = self.referral.model_dump()
        self.fields = visible_fields(self.spec, self.referral, self.answers)
        self.index = 0
        self.done = False

    # --- asking ---------------------------------------------------------------------------------

    def start(self) -> list[Event]:
        return [
            Say(fill(self.conversation.ui.form_intro, title=self.spec.title), "form"),
            self.prompt(),
        ]

    def prompt(self) -> AskText:
        if self.index >= len(self.fields):
            return self._save_prompt()
        f = self.fields[self.index]
        current = self._shown(f)
        text = fill(
            self.conversation.ui.form_field,
            number=self.index + 1,
            count=len(self.fields),
            label=f.label + (" (required)" if f.required else ""),
            hint=f" {f.hint}" if f.hint else "",
            current=current or "empty",
        )
        if f.kind == "processes":
            text += "\n" + "\n".join(
                f"  {n}. {p.replace('_', ' ')}"
                for n, p in enumerate(contract.PARALLEL_PROCESSES, 1)
            )
        self.conversation.at = f"form:{f.name}"
        return AskText(self.conversation.at, text, current)

    def _save_prompt(self) -> AskText:
        from assistant.forms.save import documents_folder, unused_path

        stem = f"{self.form_id.replace('_', '-')}-{self.today.isoformat()}"
        default = unused_path(documents_folder(), stem, ".docx")
        self.conversation.at = SAVE
        return AskText(
            SAVE, fill(self.conversation.ui.ask_form_file, default=default), str(default)
        )

    def _shown(self, f: Any) -> str:
        value = self._get(f.name)
        if f.kind == "agencies":
            return "; ".join(f"{a['name']}: {a['involvement']}" for a in value or [])
        if f.kind == "processes":
            return ", ".join(str(contract.PARALLEL_PROCESSES.index(p) + 1) for p in value or [])
        if isinstance(value, dt.date):
            return value.isoformat()
        return "" if value is None else str(value)

    def _get(self, name: str) -> Any:
        group, _, field = name.partition(".")
        return self.data[group][field] if field else self.data[group]

    def _set(self, name: str, value: Any) -> None:
        group, _, field = name.partition(".")
        if field:
            self.data[group][field] = value
        else:
            self.data[group] = value

    # --- answers ----------------------------------------------------------------------------------

    def given(self, text: str) -> list[Event]:
        typed = text.strip()
        echo = Echo(text)
        if typed.lower() == "cancel":
            self.done = True
            return [echo, Say(self.conversation.ui.form_cancelled, "form"), *self._keep()]
        if self.index >= len(self.fields):
            return [echo, *self._save(typed)]
        f = self.fields[self.index]
        if typed == "":
            self.index += 1
            return [echo, self.prompt()]
        problem = self._take(f, "" if typed == "-" else typed)
        if problem:
            return [echo, Say(problem, "form_problem"), self.prompt()]
        self.index += 1
        return [echo, self.prompt()]

    def _take(self, f: Any, typed: str) -> str | None:
        """Store `typed` in field `f`; a message when it is not a value the field takes."""
        from assistant.forms.fields import parse_date, problem

        if f.kind == "agencies":
            agencies = []
            for part in filter(None, (p.strip() for p in typed.split(";"))):
                name, _, involvement = part.partition(":")
                agencies.append({"name": name.strip(), "involvement": involvement.strip()})
            self._set(f.name, agencies)
            return None
        if f.kind == "processes":
            chosen = []
            for part in filter(None, (p.strip() for p in typed.replace(",", " ").split())):
                if not part.isdigit() or not 1 <= int(part) <= len(contract.PARALLEL_PROCESSES):
                    return fill(
                        self.conversation.ui.form_processes_problem,
                        count=len(contract.PARALLEL_PROCESSES),
                    )
                chosen.append(contract.PARALLEL_PROCESSES[int(part) - 1])
            self._set(f.name, list(dict.fromkeys(chosen)))
            return None
        limit = dt.date.max if f.name == "child.expected_due_date" else self.today
        key = problem(f.kind, typed, limit)
        if key:
            return str(self.words.say(key))
        value: Any = typed or None
        if f.kind == "date":
            value = parse_date(typed)
        self._set(f.name, value)
        return None

    def _save(self, typed: str) -> list[Event]:
        from assistant.core.case import Referral
        from assistant.core.errors import InputError
        from assistant.forms import build_form, format_for, render_bytes
        from assistant.forms.save import save_private

        errors = referral_problems(self.data, self.words)
        referral = None
        if not errors:
            try:
                referral = Referral.model_validate(self.data)
            except ValidationError as exc:
                for err in exc.errors():
                    name = ".".join(str(p) for p in err["loc"] if isinstance(p, str))
                    errors[name] = err["msg"].removeprefix("Value error, ")
        if referral is None:
            first = next(iter(errors))
            self.index = next((i for i, f in enumerate(self.fields) if f.name == first), 0)
            return [Say(errors[first], "form_problem"), self.prompt()]
        prompt = self._save_prompt()
        path = Path(typed or prompt.default).expanduser()
        fmt = format_for(path)
        if fmt is None:
            return [Say(self.conversation.ui.form_format_problem, "form_problem"), prompt]
        if typed and path.exists():
            return [self.conversation.say("file_exists", path=str(path)), prompt]
        form = build_form(
            self.pack, self.decision, self.answers, referral, self.form_id, self.today
        )
        try:
            saved = save_private(path, render_bytes(form, fmt))
        except InputError as exc:
            return [self.conversation.say("file_problem", problem=str(exc)), prompt]
        self.done = True
        return [self.conversation.say("file_saved", kind="form", path=str(saved)), *self._keep()]

    def _keep(self) -> list[Event]:
        """Keep the fields typed so far with the conversation and its draft."""
        from assistant.core.case import Referral

        try:
            data = Referral.model_validate(self.data).model_dump(mode="json", exclude_none=True)
        except ValidationError:
            return []  # a cross-field problem: the form screen will say so when it opens
        return self.conversation.keep_referral(data)
