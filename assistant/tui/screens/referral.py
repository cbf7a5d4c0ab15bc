"""The referral form screen: the details the form needs, checked, previewed and saved.

Pushed by the outcome screen as `ReferralFormScreen(pack, decision, answers, referral=None)`.
Fields, labels and messages come from prompts/forms/forms.yaml; what the conversation already
knows is filled in (dates, the area, the concerns, parallel processes). Dismisses with the path
saved to (or the file name delivered to the browser), or None if closed without saving.

| Key | Action |
|---|---|
| ctrl+r | preview the form (read it through before saving) |
| ctrl+s | save the form |
| escape | close without saving |
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Mapping
from functools import partial
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.validation import Function
from textual.widgets import (
    Button,
    Footer,
    Header,
    Input,
    Label,
    Select,
    SelectionList,
    Static,
    TextArea,
)
from textual.widgets.selection_list import Selection

from assistant.conversation.ui_words import ui
from assistant.core import contract
from assistant.core.case import Referral
from assistant.core.engine import Decision
from assistant.core.errors import InputError
from assistant.core.pack import Pack
from assistant.forms import (
    FORMATS,
    MEDIA_TYPES,
    build_form,
    choose_form,
    prefill,
    render,
    render_bytes,
)
from assistant.forms.context import field_value, visible_fields
from assistant.forms.fields import parse_date, problem
from assistant.forms.form_words import FormField, FormWords, load_form_words
from assistant.forms.save import save_private, unused_path
from assistant.tui.screens.base import CloseOnce


def widget_id(name: str) -> str:
    """A field name as a widget id: child.date_of_birth -> field-child--date_of_birth."""
    return "field-" + name.replace(".", "--")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


class PreviewText(Static):
    """The form's Markdown drawn as one widget (Rich), as the outcome screen draws the outcome:
    Textual's Markdown widget builds a widget per block, which costs most of a second for a form.
    `source` is the Markdown shown ("" while the form is being prepared)."""

    def __init__(self, source: str = "", placeholder: str = "") -> None:
        super().__init__(placeholder, id="preview", markup=False)
        self.source = ""
        if source:
            self.show(source)

    def show(self, source: str) -> None:
        from rich.markdown import Markdown as RichMarkdown

        self.source = source
        self.update(RichMarkdown(source, hyperlinks=False))


class PreviewScreen(CloseOnce, ModalScreen[bool]):
    """The form as it will read; dismisses True to save, False to go back to editing.

    `markdown` is the form as Markdown, or a function that makes it: then the screen opens at
    once saying the preview is being prepared, and the form is rendered in a thread worker.
    """

    BINDINGS = [Binding("escape", "back", "Back"), Binding("ctrl+s", "save", "Save")]

    def __init__(self, markdown: str | Callable[[], str], words: FormWords) -> None:
        super().__init__()
        self.make = None if isinstance(markdown, str) else markdown
        self.markdown = markdown if isinstance(markdown, str) else ""
        self.words = words

    def compose(self) -> ComposeResult:
        with Vertical(id="preview-box"):
            yield Static(self.words.say("preview_title"), id="preview-title", markup=False)
            with VerticalScroll(id="preview-scroll"):
                yield PreviewText(
                    self.markdown,
                    placeholder=self.words.say("preview_preparing"),
                )
            with Horizontal(classes="buttons"):
                yield Button(self.words.say("save"), id="preview-save", variant="primary")
                yield Button(self.words.say("back"), id="preview-back")

    def on_mount(self) -> None:
        self.query_one("#preview-scroll").focus()
        if self.make is not None:
            self.query_one("#preview", PreviewText).add_class("-preparing")
            # after the first frame: "preparing" is drawn before the worker competes for the
            # interpreter with the app's thread
            self.call_after_refresh(
                self.run_worker, self._prepare, thread=True, exclusive=True, group="preview"
            )

    def _prepare(self) -> None:
        """In a thread: render the form, then show it (back on the app's thread)."""
        assert self.make is not None
        try:
            markdown = self.make()
        except InputError as exc:
            self.app.call_from_thread(self._failed, str(exc))
            return
        self.app.call_from_thread(self._show, markdown)

    def _show(self, markdown: str) -> None:
        if not self.is_attached:
            return  # closed while the form was being prepared
        self.markdown = markdown
        preview = self.query_one("#preview", PreviewText)
        preview.remove_class("-preparing")
        preview.show(markdown)
        self.post_message(self.Prepared())

    def _failed(self, problem: str) -> None:
        if not self.is_attached:
            return
        preview = self.query_one("#preview", PreviewText)
        preview.remove_class("-preparing")
        preview.update(self.words.say("preview_failed", problem=problem))

    class Prepared(Message):
        """The form is shown (after it was prepared in the background)."""

    @on(Button.Pressed, "#preview-save")
    def action_save(self) -> None:
        if self.make is not None and not self.markdown:  # not shown yet: nothing read through
            self.notify(self.words.say("preview_preparing"), markup=False)
            return
        self.dismiss(True)

    @on(Button.Pressed, "#preview-back")
    def action_back(self) -> None:
        self.dismiss(False)


class ConfirmScreen(CloseOnce, ModalScreen[bool]):
    """A deliberate choice: dismisses True to go ahead, False (the default, escape) to go back.

    Its words are `<PREFIX>_title`, `_text`, `_back` and `_save` in forms.yaml's `screen:`.
    """

    PREFIX = "confirm"
    BINDINGS = [Binding("escape", "back", "Back")]

    def __init__(self, words: FormWords) -> None:
        super().__init__()
        self.words = words

    def compose(self) -> ComposeResult:
        say = self.words.say
        with Vertical(id="confirm-box"):
            yield Static(say(f"{self.PREFIX}_title"), id="confirm-title", markup=False)
            yield Static(say(f"{self.PREFIX}_text"), markup=False)
            with Horizontal(classes="buttons"):
                yield Button(say(f"{self.PREFIX}_back"), id="confirm-back", variant="primary")
                yield Button(say(f"{self.PREFIX}_save"), id="confirm-save", variant="warning")

    def on_mount(self) -> None:
        self.query_one("#confirm-back").focus()

    @on(Button.Pressed, "#confirm-save")
    def confirm(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#confirm-back")
    def action_back(self) -> None:
        self.dismiss(False)


class ConfirmUnendorsedScreen(ConfirmScreen):
    """Insists on the endorsement: saving without it needs a deliberate choice."""

    PREFIX = "confirm"


class ConfirmCloseScreen(ConfirmScreen):
    """Closing with details typed and not saved needs a deliberate choice: they are not kept."""

    PREFIX = "close"


class AgencyRow(Horizontal):
    """One agency, its involvement and a contact there, with a button to remove it."""

    def __init__(
        self,
        number: int,
        words: FormWords,
        name: str = "",
        involvement: str = "",
        contact: str = "",
    ) -> None:
        super().__init__(classes="agency-row", id=f"agency-{number}")
        self.number = number
        self.words = words
        self.initial = (name, involvement, contact)

    def compose(self) -> ComposeResult:
        yield Input(
            self.initial[0],
            placeholder=self.words.say("agency_name_placeholder"),
            classes="agency-name",
        )
        yield Input(
            self.initial[1],
            placeholder=self.words.say("agency_involvement_placeholder"),
            classes="agency-involvement",
        )
        yield Input(
            self.initial[2],
            placeholder=self.words.say("agency_contact_placeholder"),
            classes="agency-contact",
        )
        yield Button(self.words.say("remove_agency"), classes="remove-agency")

    @property
    def value(self) -> dict[str, str | None] | None:
        name = self.query_one(".agency-name", Input).value
        involvement = self.query_one(".agency-involvement", Input).value
        contact = self.query_one(".agency-contact", Input).value
        if not name.strip() and not involvement.strip() and not contact.strip():
            return None
        return {"name": name, "involvement": involvement, "contact": contact or None}


class ReferralFormScreen(CloseOnce, Screen[str | None]):
    """Collects the referral details and saves the form (Word by default)."""

    CSS_PATH = "referral.tcss"
    BINDINGS = [
        Binding("ctrl+r", "preview", "Preview"),
        Binding("ctrl+s", "save", "Save"),
        Binding("escape", "close", "Close"),
    ]

    def __init__(
        self,
        pack: Pack,
        decision: Decision,
        answers: Mapping[str, Any],
        referral: Referral | None = None,
        *,
        form_id: str | None = None,
        today: dt.date | None = None,
    ) -> None:
        super().__init__()
        self.pack = pack
        self.decision = decision
        self.answers = dict(answers)
        self.today = today or dt.date.today()
        self.form_id = choose_form(decision, form_id)
        self.words = load_form_words(pack)
        self.spec = self.words.forms[self.form_id]
        self.conversation = _conversation()
        if referral is None and self.conversation is not None:
            referral = self.conversation.kept_referral()  # typed before, or from the draft
        self.initial = prefill(pack, decision, self.answers, referral, self.today)
        self.path_chosen = False  # a file name given (typed, or offered and confirmed)
        self.fields = {f.name: f for f in visible_fields(self.spec, self.initial, self.answers)}
        self._agency_count = 0
        self.saved_to: str | None = None

    # --- building the form ---------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="referral-body"):
            yield Static(self.spec.title, id="form-title", markup=False)
            yield Static(self.words.say("lead"), id="form-lead", markup=False)
            yield Static("", id="endorsement-status", markup=False)
            for section in self.spec.sections:
                shown = [f for f in section.fields if f.name in self.fields]
                if not shown:
                    continue
                with Vertical(classes="form-section"):
                    yield Static(section.heading, classes="section-heading", markup=False)
                    if section.note:
                        yield Static(section.note, classes="section-note", markup=False)
                    for f in shown:
                        yield from self._field(f)
            with Vertical(classes="form-section", id="save-section"):
                yield Label(self.words.say("format_label"))
                yield Select(
                    [(self.words.say(f"format_{fmt}"), fmt) for fmt in FORMATS],
                    value="docx",
                    allow_blank=False,
                    id="save-format",
                )
                if not self.app.is_web:
                    yield Label(self.words.say("path_label"))
                    self._offered_path = self._default_path("docx")
                    yield Input(str(self._offered_path), id="save-path")
                    yield Static("", id="error-save-path", classes="error", markup=False)
            with Horizontal(classes="buttons"):
                yield Button(self.words.say("preview"), id="preview-button")
                yield Button(self.words.say("save"), id="save-button", variant="primary")
                yield Button(self.words.say("cancel"), id="close-button")
        yield Footer()

    def _field(self, f: FormField) -> ComposeResult:
        ident = widget_id(f.name)
        label = f.label + (" *" if f.required else "")
        yield Label(label, classes="field-label", markup=False)
        value = field_value(self.initial, f.name)
        if f.kind == "long":
            yield TextArea(
                _text(value), id=ident, soft_wrap=True, show_line_numbers=False, classes="long"
            )
        elif f.kind == "agencies":
            if self.answers.get("agencies_involved") == "two_or_more":
                yield Static(
                    self.words.say("agencies_two_or_more"), classes="field-hint", markup=False
                )
            with Vertical(id=ident):
                rows = [(a.name or "", a.involvement or "", a.contact or "") for a in value]
                rows = rows or [("", "", "")]
                if self.answers.get("agencies_involved") == "two_or_more" and len(rows) < 2:
                    rows.append(("", "", ""))
                for name, involvement, contact in rows:
                    yield self._agency_row(name, involvement, contact)
            yield Button(self.words.say("add_agency"), id="add-agency")
        elif f.kind == "processes":
            processes = self.words.processes
            yield SelectionList[str](
                *[
                    Selection(processes.get(p, p), p, p in value)
                    for p in contract.PARALLEL_PROCESSES
                ],
                id=ident,
            )
        else:
            placeholder = {
                "date": self.words.say("date_placeholder"),
                "email": self.words.say("email_placeholder"),
                "phone": self.words.say("phone_placeholder"),
            }.get(f.kind, "")
            yield Input(
                _text(value),
                placeholder=placeholder,
                id=ident,
                validators=[Function(partial(self._accepts, f))],
                validate_on=["changed", "blur", "submitted"],
            )
        yield Static("", id=f"error-{ident}", classes="error", markup=False)
        if f.name == "child.name" and "subject_age_band" in self.answers:
            age = self.pack.value_words("subject_age_band", self.answers["subject_age_band"])
            yield Static(
                f"{self.words.word('age_label')}: {age}",
                id="child-age",
                classes="field-hint",
                markup=False,
            )

    def _agency_row(self, name: str = "", involvement: str = "", contact: str = "") -> AgencyRow:
        self._agency_count += 1
        return AgencyRow(self._agency_count, self.words, name, involvement, contact)

    def on_mount(self) -> None:
        self.sub_title = self.words.say("subtitle")
        self._show_endorsement()
        first = self.query(Input).first()
        first.focus()
        self.call_after_refresh(self._remember_typed)

    def _typed(self) -> tuple[Any, ...]:
        """Everything on the form as it stands, to tell whether anything was typed."""
        body = self.query_one("#referral-body")
        return (
            tuple(i.value for i in body.query(Input)),
            tuple(t.text for t in body.query(TextArea)),
            tuple(tuple(s.selected) for s in body.query(SelectionList)),
        )

    def _remember_typed(self) -> None:
        self._saved_state = self._typed()

    # --- checking ------------------------------------------------------------------------

    def _accepts(self, f: FormField, text: str) -> bool:
        return self._problem(f, text) is None

    def _problem(self, f: FormField, text: str) -> str | None:
        if f.name == "child.expected_due_date":  # the only date that may lie ahead
            return problem(f.kind, text, dt.date.max)
        return problem(f.kind, text, self.today)

    def _field_for(self, ident: str) -> FormField | None:
        return next((f for name, f in self.fields.items() if widget_id(name) == ident), None)

    @on(Input.Changed, "#save-path")
    def _path_changed(self, event: Input.Changed) -> None:
        if event.value.strip() != str(getattr(self, "_offered_path", "")):
            self.path_chosen = True

    @on(Input.Submitted, "#save-path")
    def _path_submitted(self) -> None:
        self.path_chosen = True
        self.action_save()

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        ident = event.input.id or ""
        if ident.startswith("field-"):
            self._set_error(ident, None)
            if ident == widget_id("endorsed_by.name"):
                self._show_endorsement()

    @on(Input.Blurred)
    @on(Input.Submitted)
    def _left(self, event: Input.Blurred | Input.Submitted) -> None:
        """Say what is wrong when the person leaves a field, not while they are typing."""
        f = self._field_for(event.input.id or "")
        if f is not None:
            key = self._problem(f, event.value)
            self._set_error(widget_id(f.name), self.words.say(key) if key else None)

    def _set_error(self, ident: str, message: str | None) -> None:
        found = self.query(f"#error-{ident}")
        if found:
            error = found.first(Static)
            error.update(message or "")
            error.set_class(bool(message), "-shown")

    def _show_endorsement(self) -> None:
        name = self.query(f"#{widget_id('endorsed_by.name')}")
        endorsed = bool(name and name.first(Input).value.strip())
        status = self.query_one("#endorsement-status", Static)
        status.update(self.words.say("endorsement_given" if endorsed else "endorsement_needed"))
        status.set_class(not endorsed, "-warning")

    def collect(self) -> tuple[Referral | None, dict[str, str]]:
        """The referral as typed, or the problems by widget id (messages from forms.yaml)."""
        data: dict[str, Any] = self.initial.model_dump()
        errors: dict[str, str] = {}
        for name, f in self.fields.items():
            ident = widget_id(name)
            if f.kind == "agencies":
                data["agencies"] = [
                    row.value for row in self.query(AgencyRow) if row.value is not None
                ]
                continue
            if f.kind == "processes":
                data["parallel_processes"] = list(
                    self.query_one(f"#{ident}", SelectionList).selected
                )
                continue
            if f.kind == "long":
                text = self.query_one(f"#{ident}", TextArea).text
            else:
                text = self.query_one(f"#{ident}", Input).value
            key = self._problem(f, text)
            if key:
                errors[ident] = self.words.say(key)
                continue
            value: Any = text if text.strip() else None
            if f.kind == "date":
                value = parse_date(text)
            elif f.kind in ("email", "phone") and value is not None:
                value = text.strip()
            group, _, field = name.partition(".")
            if field:
                data[group][field] = value
            else:
                data[group] = value
        from assistant.conversation.form import referral_problems

        for name, message in referral_problems(data, self.words).items():
            errors.setdefault(widget_id(name), message)  # the same checks as plain mode's form
        if errors:
            return None, errors
        try:
            return Referral.model_validate(data), {}
        except ValidationError as exc:
            for err in exc.errors():
                ident = widget_id(".".join(str(p) for p in err["loc"] if isinstance(p, str)))
                errors[ident] = err["msg"].removeprefix("Value error, ")
            return None, errors

    def _checked(self) -> Referral | None:
        for error in self.query(".error"):
            self._set_error((error.id or "").removeprefix("error-"), None)
        referral, errors = self.collect()
        if referral is None:
            for ident, message in errors.items():
                self._set_error(ident, message)
            first = next(iter(errors))
            target = self.query(f"#{first}")
            if target:
                target.first().focus()
                self.query_one("#referral-body", VerticalScroll).scroll_to_widget(target.first())
            self.notify(self.words.say("invalid"), severity="error", timeout=6, markup=False)
        return referral

    def form(self, referral: Referral) -> Any:
        return build_form(
            self.pack, self.decision, self.answers, referral, self.form_id, self.today
        )

    # --- actions -------------------------------------------------------------------------

    @on(Button.Pressed, "#add-agency")
    def add_agency(self) -> None:
        holder = self.query_one(f"#{widget_id('agencies')}", Vertical)
        row = self._agency_row()
        holder.mount(row)
        self.call_after_refresh(lambda: row.query_one(".agency-name", Input).focus())

    @on(Button.Pressed, ".remove-agency")
    def remove_agency(self, event: Button.Pressed) -> None:
        row = event.button.parent
        if isinstance(row, AgencyRow):
            if len(self.query(AgencyRow)) == 1:
                for field in row.query(Input):
                    field.value = ""
            else:
                row.remove()

    @on(Select.Changed, "#save-format")
    def _format_changed(self, event: Select.Changed) -> None:
        if self.app.is_web:
            return
        path_input = self.query_one("#save-path", Input)
        current = Path(path_input.value).expanduser()
        fmt = str(event.value)
        if current.suffix.lower() in FORMATS.values():
            offered = str(current) == str(getattr(self, "_offered_path", ""))
            if offered:  # still the offered name: the new one is offered, not chosen
                self._offered_path = current.with_suffix(FORMATS[fmt])
            path_input.value = str(current.with_suffix(FORMATS[fmt]))

    @on(Button.Pressed, "#preview-button")
    def action_preview(self) -> None:
        referral = self._checked()
        if referral is None:
            return
        form = partial(self.form, referral)

        def after(save: bool | None) -> None:
            if save:
                self._save(referral)

        # the screen opens at once ("preparing"); the form is rendered in a thread worker
        self.app.push_screen(PreviewScreen(lambda: str(render(form(), "md")), self.words), after)

    @on(Button.Pressed, "#save-button")
    def action_save(self) -> None:
        referral = self._checked()
        if referral is not None:
            self._save(referral)

    def keep(self) -> None:
        """Keep what is typed with the conversation (and its draft), valid fields or not."""
        if self.conversation is None:
            return
        data = self.typed_referral()
        if data is None:
            return
        for event in self.conversation.keep_referral(data):
            text = getattr(event, "text", "")
            if text:
                self.notify(text, severity="warning", timeout=12, markup=False)

    def typed_referral(self) -> dict[str, Any] | None:
        """The referral as typed, as JSON data; a field whose value is not valid is left out."""
        referral, errors = self.collect()
        if referral is not None:
            return referral.model_dump(mode="json", exclude_none=True)
        data: dict[str, Any] = self.initial.model_dump(mode="json", exclude_none=True)
        for name, f in self.fields.items():
            if widget_id(name) in errors or f.kind in ("agencies", "processes"):
                continue
            widget = self.query(f"#{widget_id(name)}")
            if not widget:
                continue
            node = widget.first()
            text = node.text if isinstance(node, TextArea) else getattr(node, "value", "")
            if f.kind == "date":
                try:
                    value: Any = parse_date(text)
                except ValueError:
                    continue
                value = value.isoformat() if value else None
            else:
                value = text if text.strip() else None
            group, _, field = name.partition(".")
            target = data.setdefault(group, {}) if field else data
            key = field or group
            if value is None:
                target.pop(key, None)
            else:
                target[key] = value
        try:
            return Referral.model_validate(data).model_dump(mode="json", exclude_none=True)
        except ValidationError:
            return None

    def dismiss(self, result: Any = None) -> Any:
        if not self._closed_once and self.app.screen is self:
            self.keep()
        return super().dismiss(result)

    @on(Button.Pressed, "#close-button")
    def action_close(self) -> None:
        if getattr(self, "_saved_state", None) in (None, self._typed()):
            self.dismiss(self.saved_to)
            return

        def after(close: bool | None) -> None:
            if close:
                self.dismiss(self.saved_to)

        self.app.push_screen(ConfirmCloseScreen(self.words), after)

    def _save(self, referral: Referral, confirmed: bool = False) -> None:
        if not confirmed and not (referral.endorsed_by.name or "").strip():

            def after(save: bool | None) -> None:
                if save:
                    self._save(referral, confirmed=True)
                else:
                    self.query_one(f"#{widget_id('endorsed_by.name')}", Input).focus()

            self.app.push_screen(ConfirmUnendorsedScreen(self.words), after)
            return
        fmt = str(self.query_one("#save-format", Select).value)
        try:
            data = render_bytes(self.form(referral), fmt)
            if self.app.is_web:
                name = self._default_path(fmt).name
                if fmt == "docx":
                    self.app.deliver_binary(
                        io.BytesIO(data), save_filename=name, mime_type=MEDIA_TYPES[fmt]
                    )
                else:
                    self.app.deliver_text(
                        io.StringIO(data.decode("utf-8")),
                        save_filename=name,
                        mime_type=MEDIA_TYPES[fmt],
                        encoding="utf-8",
                    )
                self.saved_to = name
                self.notify(self.words.say("delivered", name=name), timeout=8, markup=False)
            else:
                box = self.query_one("#save-path", Input)
                if not self.path_chosen:  # never a silent write: say where, and wait
                    self.path_chosen = True
                    where = ui(self.pack).form_where_to_save
                    self._set_error("save-path", where)
                    self.notify(where, timeout=10, markup=False)
                    box.focus()
                    return
                target = Path(box.value.strip() or str(self._default_path(fmt))).expanduser()
                documents = documents_path()
                if target.parent == documents and not documents.exists():
                    documents.mkdir(parents=True, mode=0o700, exist_ok=True)
                saved = save_private(target, data)
                self.saved_to = str(saved)
                self.notify(self.words.say("saved", path=str(saved)), timeout=10, markup=False)
        except InputError as exc:
            self._set_error("save-path", str(exc))
            self.notify(
                self.words.say("save_failed", problem=str(exc)),
                severity="error",
                timeout=10,
                markup=False,
            )
            return
        self.dismiss(self.saved_to)

    def _default_path(self, fmt: str) -> Path:
        """A new file in the documents folder; named by form and date, never by the child."""
        stem = f"{self.form_id.replace('_', '-')}-{self.today.isoformat()}"
        return unused_path(documents_path(), stem, FORMATS[fmt])


def documents_path() -> Path:
    """The documents folder platformdirs names (made when a form is first saved there)."""
    from platformdirs import user_documents_dir

    return Path(user_documents_dir())


def _conversation() -> Any:
    """The running chat's conversation, if there is one (it keeps the form's fields)."""
    from textual._context import active_app

    app = active_app.get(None)
    return getattr(app, "conversation", None) if app is not None else None
