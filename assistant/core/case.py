"""Case files (contract version 1): the facts of a case, referral details, and what was decided.

A case file is YAML or JSON. Everything is validated before anything is decided: an unknown key,
a value outside its list, or an impossible date is an InputError naming the field, the bad value
and the allowed values, with the line where it is. A typo must never become "unknown".
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    create_model,
    field_validator,
)

from assistant.core.calendar import FIRST_DAY, LAST_DAY
from assistant.core.contract import FACTS, LOCAL_OPTIONS, NOT_YET, PARALLEL_PROCESSES, UNKNOWN
from assistant.core.errors import InputError, describe_validation_error, show_value
from assistant.core.yamlload import (
    FileProblem,
    LineDict,
    YamlError,
    line_of,
    load_yaml_text,
    read_text_file,
)


def _tri_value(value: Any) -> Any:
    """YAML and JSON booleans mean yes/no for a tri fact; 'not sure' and null mean unknown."""
    if value is True:
        return "yes"
    if value is False:
        return "no"
    if value is None:
        return UNKNOWN
    if isinstance(value, str):
        lowered = value.strip().lower()
        return {"true": "yes", "false": "no"}.get(lowered, lowered)
    return value


def _choice_value(value: Any) -> Any:
    if value is None:
        return UNKNOWN
    return value.strip() if isinstance(value, str) else value


def _date_value(value: Any) -> Any:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return _sane_date(value.date())
    if isinstance(value, dt.date):
        return _sane_date(value)
    if isinstance(value, str):
        text = value.strip()
        if _ISO_DATE.fullmatch(text):
            try:
                return _sane_date(dt.date.fromisoformat(text))
            except ValueError as exc:
                if isinstance(exc, _OutOfRange):
                    raise
                raise ValueError(
                    "there is no such day in the calendar; check the day and the month"
                ) from None
    raise ValueError("not a date; write it as YYYY-MM-DD, for example 2026-03-02")


def _date_or_not_yet(value: Any) -> Any:
    """A date, or `not_yet` (the step has not happened yet: the Panel not notified yet)."""
    if isinstance(value, str) and value.strip().lower().replace(" ", "_") == NOT_YET:
        return NOT_YET
    try:
        return _date_value(value)
    except _OutOfRange:
        raise
    except ValueError as exc:
        raise ValueError(f"{exc}; or {NOT_YET} if it has not happened yet") from None


class _OutOfRange(ValueError):
    pass


def _sane_date(day: dt.date) -> dt.date:
    """A date within FIRST_DAY..LAST_DAY (a typo such as 9999-12-31 is refused, not counted)."""
    if not FIRST_DAY <= day <= LAST_DAY:
        raise _OutOfRange(
            f"the year {day.year} cannot be right: dates must be between "
            f"{FIRST_DAY.isoformat()} and {LAST_DAY.isoformat()}; check the year"
        )
    return day


_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _text_value(value: Any) -> Any:
    """Free text must arrive as text: YAML reads 01610000001 as a number and 2026-01-01 as a date."""
    if value is None or isinstance(value, str):
        return value
    raise ValueError(
        "YAML read this as a number, date or yes/no, which would change what was typed; "
        'put it in quotes, for example "0161 000 0001"'
    )


SHORT_TEXT_LIMIT = 500
"""The most characters in a short free-text field: a name, role, agency, email, phone."""
LONG_TEXT_LIMIT = 50_000
"""The most characters in a long free-text field: what happened, the reasons, involvement."""


def _limited(limit: int) -> Any:
    def check(value: Any) -> Any:
        value = _text_value(value)
        if value is not None and len(value) > limit:
            raise ValueError(
                f"{len(value):,} characters is longer than this field takes ({limit:,} at most); "
                "shorten it, or attach the full account to the referral"
            )
        return value

    return BeforeValidator(check)


DateValue = Annotated[dt.date | None, BeforeValidator(_date_value)]
DateOrNotYet = Annotated[dt.date | Literal["not_yet"] | None, BeforeValidator(_date_or_not_yet)]
Text = Annotated[str | None, _limited(SHORT_TEXT_LIMIT)]
LongText = Annotated[str | None, _limited(LONG_TEXT_LIMIT)]


def _fact_field(name: str) -> tuple[Any, Any]:
    spec = FACTS[name]
    if spec.kind == "date":
        return (DateOrNotYet if NOT_YET in spec.values else DateValue, None)
    literal = Literal[spec.values]  # type: ignore[name-defined]  # built at run time
    validator = _tri_value if spec.kind == "tri" else _choice_value
    return (Annotated[literal | None, BeforeValidator(validator)], None)


_STRICT = ConfigDict(extra="forbid", populate_by_name=True)

Facts = create_model(  # type: ignore[call-overload]
    "Facts",
    __config__=_STRICT,
    __doc__="The facts of a case; every one is optional and a missing fact means unknown.",
    **{name: _fact_field(name) for name in FACTS},
)


class Dates(BaseModel):
    """The case's dates, also accepted inside `facts`."""

    model_config = _STRICT
    incident_date: DateValue = None
    aware_date: DateValue = None
    notification_date: DateOrNotYet = None  # or not_yet: the Panel has not been notified yet
    rapid_review_completed: DateValue = None


EMAIL_LIMIT = 254
"""The longest email address there can be (RFC 5321)."""


def is_email(text: str) -> bool:
    """name@domain.tld: one @, no spaces, a dot inside the domain. One pass over the text (a
    regular expression here took minutes on 'a@' followed by a hundred thousand dots)."""
    if len(text) > EMAIL_LIMIT or text.count("@") != 1:
        return False
    if any(ch.isspace() for ch in text):
        return False
    local, _, domain = text.partition("@")
    return bool(local) and "." in domain[1:-1]


class Person(BaseModel):
    model_config = _STRICT
    name: Text = None
    role: Text = None
    agency: Text = None
    email: Text = None
    phone: Text = None

    @field_validator("email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        if value and not is_email(value.strip()):
            raise ValueError("not an email address; it should look like name@example.org")
        return value

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str | None) -> str | None:
        if value and not re.fullmatch(
            r"\+?[0-9 ()\-]{6,20}(\s*(ext|x)\.?\s*[0-9]{1,6})?", value.strip()
        ):
            raise ValueError("not a phone number; use digits, spaces and an optional leading +")
        return value


class Endorser(BaseModel):
    model_config = _STRICT
    name: Text = None
    role: Text = None
    agency: Text = None
    date: DateValue = None  # when the representative endorsed the referral


class Child(BaseModel):
    model_config = _STRICT
    name: Text = None
    date_of_birth: DateValue = None
    expected_due_date: DateValue = None
    gender: Text = None
    ethnicity: Text = None
    disability: Text = None
    address_area: Text = None
    legal_status: Text = None


class Incident(BaseModel):
    model_config = _STRICT
    date: DateValue = None
    aware_date: DateValue = None
    description: LongText = None
    location: Text = None  # where it happened
    type: Text = None  # death, serious harm, or other (a child who harmed someone)
    date_of_death: DateValue = None
    alleged_perpetrator: Text = None  # the alleged perpetrator's relationship to the child


class PanelNotification(BaseModel):
    """Whether and when the Child Safeguarding Practice Review Panel was notified."""

    model_config = _STRICT
    notified: Text = None
    date: DateValue = None


class History(BaseModel):
    """What agencies knew before: child protection or child in need, reviews, escalation."""

    model_config = _STRICT
    child_protection: Text = None  # child protection or child in need history
    previous_reviews: Text = None  # earlier reviews of this child or family
    escalation_outcome: Text = None  # what the challenge and escalation policy achieved


class Family(BaseModel):
    model_config = _STRICT
    carers: Text = None  # who was caring for the child
    composition: Text = None  # who is in the family and household
    siblings_safe: Text = None  # whether brothers, sisters and other children are safe
    informed: Text = None  # whether the family has been told of the referral


class Mother(BaseModel):
    """For an unborn child: the mother's details."""

    model_config = _STRICT
    name: Text = None
    date_of_birth: DateValue = None
    address_area: Text = None


class Agency(BaseModel):
    model_config = _STRICT
    name: Text = None
    involvement: LongText = None
    contact: Text = None  # a named contact in the agency


class GoodOutcome(BaseModel):
    model_config = _STRICT
    starting_situation: LongText = None
    what_was_done: LongText = None
    outcome: LongText = None
    evidence: LongText = None
    why_multi_agency: LongText = None
    learning: LongText = None
    child_voice: LongText = None
    period_from: DateValue = None  # the period the referral covers
    period_to: DateValue = None
    lasted: Text = None  # how long the outcome has lasted
    case_status: Text = None  # for example open, stepped down, closed
    family_consent: Text = None  # whether the family agrees to the review
    practitioners: Text = None  # practitioners to invite


class Referral(BaseModel):
    """Details for the referral form (contract: referral details)."""

    model_config = _STRICT
    referrer: Person = Field(default_factory=Person)
    endorsed_by: Endorser = Field(default_factory=Endorser)
    child: Child = Field(default_factory=Child)
    incident: Incident = Field(default_factory=Incident)
    agencies: list[Agency] = Field(default_factory=list)
    reasons: LongText = None
    parallel_processes: list[Literal[PARALLEL_PROCESSES]] = Field(default_factory=list)  # type: ignore[valid-type]
    good_outcome: GoodOutcome = Field(default_factory=GoodOutcome)
    referral_date: DateValue = None
    panel: PanelNotification = Field(default_factory=PanelNotification)
    history: History = Field(default_factory=History)
    family: Family = Field(default_factory=Family)
    mother: Mother = Field(default_factory=Mother)
    media_interest: Text = None


YesNo = Annotated[
    bool | None,
    BeforeValidator(lambda v: {"yes": True, "no": False}.get(v, v) if isinstance(v, str) else v),
]


class PartnershipDecision(BaseModel):
    """What the partnership actually chose, for `check`."""

    model_config = _STRICT
    decided_on: DateValue = None
    notification_date: DateValue = None
    rapid_review: YesNo = None
    rapid_review_completed: DateValue = None
    lcspr: YesNo = None
    national_review_referral: YesNo = None
    local_method: Literal[(*LOCAL_OPTIONS, "none")] | None = None  # type: ignore[valid-type]
    reasons: LongText = None
    # The partners later found the notification criteria not met (the one recorded ground for
    # no rapid review after a notification), and the date they found it.
    criteria_found_not_met: YesNo = None
    criteria_found_not_met_on: DateValue = None
    pack_version: Annotated[
        str | None,
        _limited(SHORT_TEXT_LIMIT),
        BeforeValidator(lambda v: str(v) if isinstance(v, int | float) else v),
    ] = None


class CaseFile(BaseModel):
    """A whole case file as in contract.md."""

    model_config = _STRICT
    contract: Literal[1] = 1
    facts: Facts = Field(default_factory=Facts)
    dates: Dates = Field(default_factory=Dates)
    referral: Referral | None = None
    decision: PartnershipDecision | None = None

    def fact_values(self) -> dict[str, Any]:
        """The known facts as the engine takes them: unknowns left out, dates merged in."""
        values: dict[str, Any] = {}
        for name, value in self.facts.model_dump().items():
            if value is not None and value != UNKNOWN:
                values[name] = value
        for name, value in self.dates.model_dump().items():
            if value is not None:
                values[name] = value
        return values

    def answered(self) -> dict[str, Any]:
        """Every fact the file states, including the ones stated as unknown."""
        values = {
            name: value
            for name, value in self.facts.model_dump(exclude_unset=True).items()
            if value is not None
        }
        values.update({k: v for k, v in self.dates.model_dump().items() if v is not None})
        return values


ALLOWED_VALUES: dict[str, tuple[str, ...]] = {
    name: spec.values for name, spec in FACTS.items() if spec.kind != "date"
}
ALLOWED_VALUES["parallel_processes"] = PARALLEL_PROCESSES
ALLOWED_VALUES["local_method"] = (*LOCAL_OPTIONS, "none")


def _check_dates(case: CaseFile, today: dt.date, located: Any, path: str) -> list[str]:
    """Dates that cannot be right: given twice differently, aware before incident, in the future."""
    problems: list[str] = []
    facts = case.facts.model_dump()
    dates = case.dates.model_dump()

    def at(*loc: Any) -> str:
        line = line_of(located, loc) if isinstance(located, LineDict) else None
        return f"{path}, line {line}" if line else path

    merged: dict[str, dt.date] = {}
    where: dict[str, tuple[str, ...]] = {}
    not_yet_at: tuple[str, ...] | None = None
    for name in ("incident_date", "aware_date", "notification_date", "rapid_review_completed"):
        in_facts, in_dates = facts.get(name), dates.get(name)
        if in_facts and in_dates and in_facts != in_dates:
            problems.append(
                f"{at('dates', name)}: dates.{name}: {in_dates} differs from facts.{name} "
                f"({in_facts}); give it once, or the same date in both"
            )
        given = in_facts or in_dates
        if given == NOT_YET:  # not a date: nothing to compare, but nothing may follow it
            not_yet_at = ("facts", name) if in_facts else ("dates", name)
            continue
        if given:
            merged[name] = given
            where[name] = ("facts", name) if in_facts else ("dates", name)
    incident, aware, notified = (
        merged.get("incident_date"),
        merged.get("aware_date"),
        merged.get("notification_date"),
    )
    if incident and aware and aware < incident:
        problems.append(
            f"{at(*where['aware_date'])}: {'.'.join(where['aware_date'])}: {aware} is before "
            f"incident_date {incident}; nobody can know of an incident before it happens. "
            "Check both dates."
        )
    if aware and notified and notified < aware:
        problems.append(
            f"{at(*where['notification_date'])}: {'.'.join(where['notification_date'])}: "
            f"{notified} is before aware_date {aware}; the Panel cannot be notified before the "
            "local authority knew. Check both dates."
        )
    if not_yet_at is not None:
        problems += _after_not_yet(case, merged, where, not_yet_at, at)
    completed = merged.get("rapid_review_completed")
    started = notified or aware
    if completed and started and completed < started:
        after = "notification_date" if notified else "aware_date"
        problems.append(
            f"{at(*where['rapid_review_completed'])}: "
            f"{'.'.join(where['rapid_review_completed'])}: {completed} is before {after} "
            f"{started}; a rapid review follows the notification. Check both dates."
        )
    checks: list[tuple[tuple[str, ...], dt.date | None]] = [
        (where[name], value) for name, value in merged.items()
    ]
    if case.referral:
        checks += [
            (("referral", "child", "date_of_birth"), case.referral.child.date_of_birth),
            (("referral", "incident", "date"), case.referral.incident.date),
            (("referral", "incident", "aware_date"), case.referral.incident.aware_date),
            (("referral", "referral_date"), case.referral.referral_date),
            *_referral_dates(case.referral),
        ]
        problems += _referral_contradictions(case.referral, merged, at)
    if case.decision:
        checks += [
            (("decision", "decided_on"), case.decision.decided_on),
            (("decision", "notification_date"), case.decision.notification_date),
            (("decision", "rapid_review_completed"), case.decision.rapid_review_completed),
            (("decision", "criteria_found_not_met_on"), case.decision.criteria_found_not_met_on),
        ]
    for loc, value in checks:
        if value and value > today:
            problems.append(
                f"{at(*loc)}: {'.'.join(loc)}: {value} is in the future (today is {today}); "
                "a case file records what has already happened"
            )
    due = case.referral.child.expected_due_date if case.referral else None
    latest = today + dt.timedelta(days=PLANNED_DAYS_AHEAD) if today < LAST_DAY else LAST_DAY
    if due and due > latest:
        loc = ("referral", "child", "expected_due_date")
        problems.append(
            f"{at(*loc)}: {'.'.join(loc)}: {due} is more than a year after today ({today}); "
            "a baby is due within the year: check the year"
        )
    return problems


def _after_not_yet(
    case: CaseFile,
    merged: dict[str, dt.date],
    where: dict[str, tuple[str, ...]],
    not_yet_at: tuple[str, ...],
    at: Any,
) -> list[str]:
    """`notification_date: not_yet` and what can only follow a notification cannot both hold."""
    said = f"{at(*not_yet_at)}: {'.'.join(not_yet_at)}: {NOT_YET}"
    problems: list[str] = []
    if "rapid_review_completed" in merged:
        problems.append(
            f"{said}, but {'.'.join(where['rapid_review_completed'])} gives "
            f"{merged['rapid_review_completed']}; a rapid review follows the notification. Give "
            "the notification date, or leave the rapid review date out."
        )
    if case.referral is not None and case.referral.panel.date is not None:
        problems.append(
            f"{said}, but referral.panel.date gives {case.referral.panel.date}; the form and the "
            "case must agree. Give the notification date in both, or in neither."
        )
    if case.facts.model_dump().get("panel_suggested_local_review") == "yes":
        problems.append(
            f"{said}, but facts.panel_suggested_local_review is yes; a Panel not notified yet "
            "cannot have suggested a local review. Give the notification date, or change one."
        )
    return problems


PLANNED_DAYS_AHEAD = 366
"""How far ahead a planned date (a baby's expected due date) may be."""


def _referral_dates(referral: Referral) -> list[tuple[tuple[str, ...], dt.date | None]]:
    """The referral's other dates, each of which must not be in the future."""
    return [
        (("referral", "incident", "date_of_death"), referral.incident.date_of_death),
        (("referral", "panel", "date"), referral.panel.date),
        (("referral", "endorsed_by", "date"), referral.endorsed_by.date),
        (("referral", "mother", "date_of_birth"), referral.mother.date_of_birth),
        (("referral", "good_outcome", "period_from"), referral.good_outcome.period_from),
        (("referral", "good_outcome", "period_to"), referral.good_outcome.period_to),
    ]


def _referral_contradictions(
    referral: Referral, case_dates: dict[str, dt.date], at: Any
) -> list[str]:
    """A form's dates cannot contradict each other or the case's own dates."""
    problems: list[str] = []
    incident = referral.incident
    happened = incident.date or case_dates.get("incident_date")
    aware = incident.aware_date or case_dates.get("aware_date")

    def say(loc: tuple[str, ...], text: str) -> None:
        problems.append(f"{at(*loc)}: {'.'.join(loc)}: {text}")

    for loc, given, fact in (
        (("referral", "incident", "date"), incident.date, "incident_date"),
        (("referral", "incident", "aware_date"), incident.aware_date, "aware_date"),
        (("referral", "panel", "date"), referral.panel.date, "notification_date"),
    ):
        if given and fact in case_dates and given != case_dates[fact]:
            say(
                loc,
                f"{given} differs from the case's {fact} ({case_dates[fact]}); the form and the "
                "case must give the same date",
            )
    from_form = incident.date or incident.aware_date  # the case's own pair is checked above
    if from_form and happened and aware and aware < happened:
        say(
            ("referral", "incident", "aware_date"),
            f"{aware} is before the incident ({happened}); nobody can know of an incident "
            "before it happens. Check both dates.",
        )
    if happened and incident.date_of_death and incident.date_of_death < happened:
        say(
            ("referral", "incident", "date_of_death"),
            f"{incident.date_of_death} is before the incident ({happened}). Check both dates.",
        )
    born = referral.child.date_of_birth
    if born and happened and born > happened:
        say(
            ("referral", "child", "date_of_birth"),
            f"{born} is after the incident ({happened}); for an unborn child give "
            "expected_due_date instead. Check both dates.",
        )
    notified = referral.panel.date or case_dates.get("notification_date")
    if (referral.panel.date or incident.aware_date) and notified and aware and notified < aware:
        say(
            ("referral", "panel", "date"),
            f"{notified} is before the agency became aware ({aware}); the Panel cannot be "
            "notified of an incident nobody knew of. Check both dates.",
        )
    outcome = referral.good_outcome
    if outcome.period_from and outcome.period_to and outcome.period_to < outcome.period_from:
        say(
            ("referral", "good_outcome", "period_to"),
            f"{outcome.period_to} is before the start of the period ({outcome.period_from}); "
            "check both dates.",
        )
    return problems


def _json_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object; a repeated key is an error, as in YAML (the second would silently win)."""
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _DuplicateKey(key)
        out[key] = value
    return out


class _DuplicateKey(ValueError):
    pass


def _read_json(text: str, path: str) -> Any:
    try:
        return json.loads(text, object_pairs_hook=_json_object)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"{path}, line {exc.lineno}: not valid JSON: {exc.msg} (column {exc.colno})"
        ) from None
    except _DuplicateKey as exc:
        located = _located(text, path)
        line = _duplicate_line(located, str(exc))
        where = f"{path}, line {line}" if line else path
        raise InputError(f"{where}: the key '{exc}' appears twice; give it once") from None
    except RecursionError:
        raise InputError(f"{path}: not valid JSON: nested too deeply") from None
    except ValueError as exc:  # e.g. a number of more than 4300 digits
        raise InputError(f"{path}: not valid JSON: {exc}") from None


def _located(text: str, path: str) -> Any:
    """The same data with line numbers (JSON is YAML), or None when YAML cannot read it."""
    try:
        return load_yaml_text(text, path)
    except YamlError as exc:
        # a repeated key is reported by the YAML loader with its line; keep that line
        return exc
    except Exception:  # noqa: BLE001 - line numbers are a nicety; the JSON is already parsed
        return None


def _duplicate_line(located: Any, key: str) -> int | None:
    if isinstance(located, YamlError) and f"'{key}' appears twice" in located.message:
        return located.line
    return None


NOT_A_CASE = (
    "a case file is a mapping with a 'facts:' block (and optionally 'dates:', 'referral:' and "
    "'decision:'); see docs/case-files.md"
)


def parse_case(text: str, path: str = "<case>", today: dt.date | None = None) -> CaseFile:
    """Validate case-file text (YAML, or JSON when `path` ends in .json).

    Raises InputError with every problem found, each naming the file, the line, the field, the
    bad value and what is allowed.
    """
    today = today or dt.date.today()
    if not text.strip():
        raise InputError(f"{path}: the file is empty; {NOT_A_CASE}")
    if path.lower().endswith(".json"):
        raw = _read_json(text, path)
        located = _located(text, path)
        if not isinstance(located, LineDict):
            located = raw
    else:
        try:
            raw = located = load_yaml_text(text, path)
        except YamlError as exc:
            raise InputError(str(exc)) from None
    if raw is None:
        raise InputError(f"{path}: the file holds no data (only comments?); {NOT_A_CASE}")
    if not isinstance(raw, dict):
        kind = "a list" if isinstance(raw, list) else f"the single value {show_value(raw)}"
        raise InputError(f"{path}: this is {kind}, not a case; {NOT_A_CASE}")
    version = raw.get("contract")
    if isinstance(version, int) and not isinstance(version, bool) and version > 1:
        line = line_of(located, ("contract",)) if isinstance(located, LineDict) else None
        raise InputError(
            f"{path}{f', line {line}' if line else ''}: contract: {version} is not allowed; allowed "
            f"values: 1. The file is written for contract version {version}, newer than this "
            "assistant reads: open it with a newer version of the assistant"
        )
    try:
        case = CaseFile.model_validate(dict(raw))
    except ValidationError as exc:
        problems = describe_validation_error(exc, located, path, CaseFile, ALLOWED_VALUES)
        raise InputError(problems[0], problems) from None
    if "facts" not in raw:
        raise InputError(f"{path}: there is no 'facts:' block; {NOT_A_CASE}")
    problems = _check_dates(case, today, located, path)
    if problems:
        raise InputError(problems[0], problems)
    return case


MAX_CASE_BYTES = 2 * 1024 * 1024
"""The largest case file or decision record read (2 MB): a real one is a few kilobytes."""


def read_case_text(path: Path) -> str:
    """The text of a case file: a regular file, at most MAX_CASE_BYTES, UTF-8.

    A named pipe or a device given as a case file is refused at once instead of waiting (or
    reading) for ever, and an enormous file is refused before any of it is read.
    """
    try:
        return read_text_file(path, MAX_CASE_BYTES, "give a case file (.yaml or .json)")
    except FileProblem as exc:
        raise InputError(f"{path}: {exc}") from None


def load_case(path: Path | str, today: dt.date | None = None) -> CaseFile:
    """Read and validate a case file."""
    path = Path(path)
    return parse_case(read_case_text(path), str(path), today)
