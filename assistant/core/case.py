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

from assistant.core.contract import FACTS, LOCAL_OPTIONS, PARALLEL_PROCESSES, UNKNOWN
from assistant.core.errors import InputError, describe_validation_error, show_value
from assistant.core.yamlload import LineDict, YamlError, line_of, load_yaml_text


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
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        text = value.strip()
        if _ISO_DATE.fullmatch(text):
            try:
                return dt.date.fromisoformat(text)
            except ValueError:
                raise ValueError(
                    "there is no such day in the calendar; check the day and the month"
                ) from None
    raise ValueError("not a date; write it as YYYY-MM-DD, for example 2026-03-02")


_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _text_value(value: Any) -> Any:
    """Free text must arrive as text: YAML reads 01610000001 as a number and 2026-01-01 as a date."""
    if value is None or isinstance(value, str):
        return value
    raise ValueError(
        "YAML read this as a number, date or yes/no, which would change what was typed; "
        'put it in quotes, for example "0161 000 0001"'
    )


DateValue = Annotated[dt.date | None, BeforeValidator(_date_value)]
Text = Annotated[str | None, BeforeValidator(_text_value)]


def _fact_field(name: str) -> tuple[Any, Any]:
    spec = FACTS[name]
    if spec.kind == "date":
        return (DateValue, None)
    literal = Literal[spec.values]  # type: ignore[valid-type]
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
    notification_date: DateValue = None
    rapid_review_completed: DateValue = None


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
        if value and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", value.strip()):
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
    description: Text = None


class Agency(BaseModel):
    model_config = _STRICT
    name: Text = None
    involvement: Text = None


class GoodOutcome(BaseModel):
    model_config = _STRICT
    starting_situation: Text = None
    what_was_done: Text = None
    outcome: Text = None
    evidence: Text = None
    why_multi_agency: Text = None
    learning: Text = None
    child_voice: Text = None


class Referral(BaseModel):
    """Details for the referral form (contract: referral details)."""

    model_config = _STRICT
    referrer: Person = Field(default_factory=Person)
    endorsed_by: Endorser = Field(default_factory=Endorser)
    child: Child = Field(default_factory=Child)
    incident: Incident = Field(default_factory=Incident)
    agencies: list[Agency] = Field(default_factory=list)
    reasons: Text = None
    parallel_processes: list[Literal[PARALLEL_PROCESSES]] = Field(default_factory=list)  # type: ignore[valid-type]
    good_outcome: GoodOutcome = Field(default_factory=GoodOutcome)
    referral_date: DateValue = None


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
    reasons: Text = None
    pack_version: Annotated[
        str | None, BeforeValidator(lambda v: str(v) if isinstance(v, int | float) else v)
    ] = None


class CaseFile(BaseModel):
    """A whole case file as in contract.md."""

    model_config = _STRICT
    contract: Literal[1] = 1
    facts: Facts = Field(default_factory=Facts)  # type: ignore[valid-type]
    dates: Dates = Field(default_factory=Dates)
    referral: Referral | None = None
    decision: PartnershipDecision | None = None

    def fact_values(self) -> dict[str, Any]:
        """The known facts as the engine takes them: unknowns left out, dates merged in."""
        values: dict[str, Any] = {}
        for name, value in self.facts.model_dump().items():  # type: ignore[attr-defined]
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
            for name, value in self.facts.model_dump(exclude_unset=True).items()  # type: ignore[attr-defined]
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
    facts = case.facts.model_dump()  # type: ignore[attr-defined]
    dates = case.dates.model_dump()

    def at(*loc: Any) -> str:
        line = line_of(located, loc) if isinstance(located, LineDict) else None
        return f"{path}, line {line}" if line else path

    merged: dict[str, dt.date] = {}
    where: dict[str, tuple[str, ...]] = {}
    for name in ("incident_date", "aware_date", "notification_date", "rapid_review_completed"):
        in_facts, in_dates = facts.get(name), dates.get(name)
        if in_facts and in_dates and in_facts != in_dates:
            problems.append(
                f"{at('dates', name)}: dates.{name}: {in_dates} differs from facts.{name} "
                f"({in_facts}); give it once, or the same date in both"
            )
        if in_facts or in_dates:
            merged[name] = in_facts or in_dates
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
    checks: list[tuple[tuple[str, ...], dt.date | None]] = [
        (where[name], value) for name, value in merged.items()
    ]
    if case.referral:
        checks += [
            (("referral", "child", "date_of_birth"), case.referral.child.date_of_birth),
            (("referral", "incident", "date"), case.referral.incident.date),
            (("referral", "incident", "aware_date"), case.referral.incident.aware_date),
            (("referral", "referral_date"), case.referral.referral_date),
        ]
    if case.decision:
        checks += [
            (("decision", "decided_on"), case.decision.decided_on),
            (("decision", "notification_date"), case.decision.notification_date),
            (("decision", "rapid_review_completed"), case.decision.rapid_review_completed),
        ]
    for loc, value in checks:
        if value and value > today:
            problems.append(
                f"{at(*loc)}: {'.'.join(loc)}: {value} is in the future (today is {today}); "
                "a case file records what has already happened"
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


def load_case(path: Path | str, today: dt.date | None = None) -> CaseFile:
    """Read and validate a case file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: this is a folder; give a case file (.yaml or .json)") from None
    except UnicodeDecodeError:
        raise InputError(f"{path}: the file is not UTF-8 text") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror})") from None
    return parse_case(text, str(path), today)
