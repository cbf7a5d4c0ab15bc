"""Rule packs: a partnership's questions, rules, words and glossary, as YAML data in one folder.

    pack.yaml        name, version, date of sources, precedence (the hit policy), contacts
    definitions.yaml named conditions that rules share (for example `serious_child_case`)
    questions.yaml   the questions, in the order they are asked; each sets one fact
    labels.yaml      plain words for every decision id (routes, signposts, review options ...)
    sources.yaml     optional: the sources the rules cite (id, title, date, link) and the words
                     for the fact base's abbreviations, so an outcome names sources a person reads
    glossary.yaml    plain-English meanings of the terms a practitioner meets
    rules/*.yaml     the rules, evaluated in file-name order then file order
    tests/, scenarios/  rule tests and training scenarios (read by the tests and trainer mode)
    prompts/         optional: templates that replace the default wording

Loading checks the schema and every reference and reports "file, line N: what is wrong".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, field_validator

from assistant.core import contract
from assistant.core.errors import InputError, describe_validation_error
from assistant.core.index import PackIndex
from assistant.core.logic import (
    ALWAYS,
    GIVEN,
    MAX_DEPTH,
    All,
    Any_,
    Condition,
    ConditionError,
    Leaf,
    Not,
    Ref,
    leaves,
    parse_condition,
)
from assistant.core.paths import default_rules_dir
from assistant.core.yamlload import LineDict, YamlError, load_yaml_file

_STRICT = ConfigDict(extra="forbid", arbitrary_types_allowed=True, frozen=True, defer_build=True)


def _condition(value: Any) -> Condition:
    if isinstance(value, Condition):
        return value
    try:
        return parse_condition(value)
    except ConditionError as exc:
        raise ValueError(str(exc)) from None


def _date(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise ValueError("not a date; write it as YYYY-MM-DD") from None
    return value


def _word(value: Any) -> Any:
    if value is True:
        return "yes"
    if value is False:
        return "no"
    return value


CondField = Annotated[Condition, BeforeValidator(_condition)]
DateField = Annotated[dt.date | None, BeforeValidator(_date)]
DateFact = Literal[contract.DATE_FACTS]  # type: ignore[valid-type]
ScalarField = Literal[tuple(contract.SCALAR_FIELDS)]  # type: ignore[valid-type]


class NotificationSpec(BaseModel):
    """A notification a rule requires: who must tell whom, within how many working days of what."""

    model_config = _STRICT
    id: Literal[contract.NOTIFICATIONS]  # type: ignore[valid-type]
    who: str
    working_days: int | None = Field(default=None, ge=0, le=365)
    after: DateFact | None = None  # the date fact the count starts from


class DeadlineSpec(BaseModel):
    """A deadline: N working days after a date fact, or else after a notification's due date."""

    model_config = _STRICT
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    who: str = ""
    what: str = ""
    working_days: int = Field(ge=0, le=365)
    after: DateFact
    otherwise_after: Literal[contract.NOTIFICATIONS] | None = None  # type: ignore[valid-type]


class ReviewsSpec(BaseModel):
    model_config = _STRICT
    statutory: Literal[contract.STATUTORY] | None = None  # type: ignore[valid-type]
    lcspr: Literal[contract.LCSPR] | None = None  # type: ignore[valid-type]
    national_review: Literal[contract.NATIONAL_REVIEW] | None = None  # type: ignore[valid-type]
    criteria_met: list[Literal[contract.CRITERIA]] = Field(default_factory=list)  # type: ignore[valid-type]
    local_options: list[Literal[contract.LOCAL_OPTIONS]] = Field(default_factory=list)  # type: ignore[valid-type]


class Outputs(BaseModel):
    """What a rule adds to the decision when its condition holds."""

    model_config = _STRICT
    route: Literal[contract.ROUTES] | None = None  # type: ignore[valid-type]
    notifications: list[NotificationSpec] = Field(default_factory=list)
    reviews: ReviewsSpec = Field(default_factory=ReviewsSpec)
    signposts: list[Literal[contract.SIGNPOSTS]] = Field(default_factory=list)  # type: ignore[valid-type]
    form: Literal[(*contract.FORMS, "none")] | None = None  # type: ignore[valid-type]
    deadlines: list[DeadlineSpec] = Field(default_factory=list)
    halt: bool = False  # when certain, nothing after this rule is decided

    def scalars(self) -> Iterator[tuple[str, str]]:
        """(field, value) for each scalar decision field this output sets."""
        for name, value in (
            ("route", self.route),
            ("reviews.statutory", self.reviews.statutory),
            ("reviews.lcspr", self.reviews.lcspr),
            ("reviews.national_review", self.reviews.national_review),
            ("form", self.form),
        ):
            if value is not None:
                yield name, value


class Rule(BaseModel):
    """One rule: a condition over facts, what it adds to the decision, and where it comes from."""

    model_config = _STRICT
    id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")
    title: str
    text: str
    source: str = Field(min_length=3)
    status: Literal[contract.STATUSES]  # type: ignore[valid-type]
    advice: bool = False  # a DERIVED suggestion, not a rule in any source
    effective_from: DateField = None
    effective_to: DateField = None  # last day in force
    when: CondField = ALWAYS
    then: Outputs = Field(default_factory=Outputs)
    if_unknown: Outputs | None = None  # replaces `then` when the condition is unknown
    file: str = ""
    line: int = 0

    @field_validator("effective_to")
    @classmethod
    def _range(cls, value: dt.date | None, info: Any) -> dt.date | None:
        start = info.data.get("effective_from")
        if value and start and value < start:
            raise ValueError(f"effective_to {value} is before effective_from {start}")
        return value

    def in_force(self, on: dt.date) -> bool:
        return (self.effective_from is None or self.effective_from <= on) and (
            self.effective_to is None or on <= self.effective_to
        )

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}" if self.file else self.id


class Option(BaseModel):
    """One answer. `numbers` [low, high]: the whole numbers (an age) this answer covers, so a
    number typed at its question ("15") chooses it (assistant.core.interpret)."""

    model_config = _STRICT
    value: Annotated[str, BeforeValidator(_word)]
    label: str
    help: str = ""
    numbers: tuple[int, int] | None = None

    @field_validator("numbers")
    @classmethod
    def _low_high(cls, value: tuple[int, int] | None) -> tuple[int, int] | None:
        if value is not None and value[0] > value[1]:
            raise ValueError(f"numbers [{value[0]}, {value[1]}]: the first must not be larger")
        return value


class Question(BaseModel):
    """A question the assistant asks; it sets one fact."""

    model_config = _STRICT
    id: str = ""
    fact: Literal[tuple(contract.FACTS)]  # type: ignore[valid-type]
    text: str
    help: str = ""
    options: list[Option] = Field(default_factory=list)
    ask_if: CondField = ALWAYS
    file: str = ""
    line: int = 0

    @property
    def kind(self) -> str:
        return contract.FACTS[self.fact].kind

    def choices(self, labels: dict[str, str] | None = None) -> list[Option]:
        """The answer options, ending with "Not sure" (always an answer)."""
        spec = contract.FACTS[self.fact]
        given = {o.value: o for o in self.options}
        if spec.kind == "date":  # a typed date, a word it may hold ("Not yet"), or "Not sure"
            return [
                *(given[v] for v in spec.known_values if v in given),
                given.get(contract.UNKNOWN) or Option(value=contract.UNKNOWN, label="Not sure"),
            ]
        out = [
            given.get(v)
            or Option(value=v, label=(labels or {}).get(v, v.replace("_", " ").capitalize()))
            for v in spec.known_values
        ]
        out.append(given.get(contract.UNKNOWN) or Option(value=contract.UNKNOWN, label="Not sure"))
        return out


class GlossaryEntry(BaseModel):
    model_config = _STRICT
    term: str
    meaning: str
    aliases: list[str] = Field(default_factory=list)
    source: str = ""


class Label(BaseModel):
    """Plain words for one decision id: a short label and a line of explanation or action."""

    model_config = ConfigDict(
        extra="forbid", arbitrary_types_allowed=True, frozen=True, populate_by_name=True
    )
    label: str
    text: str = ""
    who: str = ""
    # how an item that only may apply is introduced ("an adult was also harmed"), after "If"
    if_: str = Field("", alias="if")


class DoNow(BaseModel):
    """The words of one Do-now line: what is done, by whom, how or where; and once done."""

    model_config = _STRICT
    what: str
    who: str = ""
    how: str = ""
    done: str = ""  # shown instead, with the date, once the duty is done
    # other notifications or deadlines that are the same duty (shown on this one line)
    same_duty: list[str] = Field(default_factory=list)


def _labels_for(ids: tuple[str, ...]) -> Any:
    return dict[Literal[ids], Label]  # type: ignore[valid-type]


class Labels(BaseModel):
    model_config = _STRICT
    routes: _labels_for(contract.ROUTES) = Field(default_factory=dict)  # type: ignore[valid-type]
    notifications: _labels_for(contract.NOTIFICATIONS) = Field(default_factory=dict)  # type: ignore[valid-type]
    statutory: _labels_for(contract.STATUTORY) = Field(default_factory=dict)  # type: ignore[valid-type]
    lcspr: _labels_for(contract.LCSPR) = Field(default_factory=dict)  # type: ignore[valid-type]
    national_review: _labels_for(contract.NATIONAL_REVIEW) = Field(default_factory=dict)  # type: ignore[valid-type]
    criteria: _labels_for(contract.CRITERIA) = Field(default_factory=dict)  # type: ignore[valid-type]
    local_options: _labels_for(contract.LOCAL_OPTIONS) = Field(default_factory=dict)  # type: ignore[valid-type]
    signposts: _labels_for(contract.SIGNPOSTS) = Field(default_factory=dict)  # type: ignore[valid-type]
    forms: _labels_for(contract.FORMS) = Field(default_factory=dict)  # type: ignore[valid-type]
    deadlines: dict[str, Label] = Field(default_factory=dict)
    facts: dict[Literal[tuple(contract.FACTS)], Label] = Field(default_factory=dict)  # type: ignore[valid-type]
    values: dict[str, dict[str, str]] = Field(default_factory=dict)  # fact -> value -> plain words
    # the outcome's shape: headlines naming who acts, the Do-now lines, and its fixed phrases
    headlines: dict[str, str] = Field(default_factory=dict)
    do_now: dict[str, DoNow] = Field(default_factory=dict)
    outcome: dict[str, str] = Field(default_factory=dict)


class Contact(BaseModel):
    model_config = _STRICT
    name: str
    phone: str = ""
    email: str = ""
    when: str = ""
    # "urgent" (shown for a child at risk now) or "referral" (where referral forms are sent)
    purpose: Literal["urgent", "referral"] = "urgent"


class Source(BaseModel):
    """One source the rules cite: its tag id (S4), a title a person reads, date and link."""

    model_config = _STRICT
    id: str = Field(pattern=r"^S\d+$")
    title: str
    date: str = ""
    link: str = ""


class Sources(BaseModel):
    """sources.yaml: the cited sources, and readable words for the fact base's abbreviations."""

    model_config = _STRICT
    sources: list[Source] = Field(default_factory=list)
    terms: dict[str, str] = Field(default_factory=dict)

    @property
    def by_id(self) -> dict[str, Source]:
        return {s.id: s for s in self.sources}


class AgencyRequests(BaseModel):
    """pack.yaml `agency_requests`: how long agencies have to return a summary and chronology."""

    model_config = _STRICT
    working_days: int = Field(ge=1, le=60)
    period_months: int = Field(default=12, ge=1, le=240)  # the period the chronology covers
    status: Literal["confirmed", "local", "unconfirmed"] = "unconfirmed"
    source: str = ""


class PackMeta(BaseModel):
    """pack.yaml: the pack's identity and its declared priority between conflicting rules."""

    model_config = _STRICT
    name: str = Field(pattern=r"^[a-z][a-z0-9_\-]*$")
    title: str
    version: Annotated[str, BeforeValidator(lambda v: str(v) if isinstance(v, int | float) else v)]
    sources_date: DateField = None
    area: str = ""
    description: str = ""
    precedence: dict[ScalarField, list[str]] = Field(default_factory=dict)  # type: ignore[valid-type]
    contacts: list[Contact] = Field(default_factory=list)
    referral_destination: str = ""
    agency_requests: AgencyRequests | None = None

    @property
    def referral_address(self) -> str:
        """Where referral forms, agency summaries and chronologies are sent: the email of the
        contact whose purpose is `referral` ("" when the pack names none)."""
        return next((c.email for c in self.contacts if c.purpose == "referral"), "")

    @field_validator("precedence")
    @classmethod
    def _precedence(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        for name, order in value.items():
            expected = set(contract.SCALAR_FIELDS[name])
            given = [_word(v) if v is not None else "none" for v in order]
            if set(given) != expected or len(given) != len(expected):
                raise ValueError(
                    f"precedence.{name} must list each of {', '.join(contract.SCALAR_FIELDS[name])} once"
                )
        return value


@dataclass
class Pack:
    """A loaded, checked rule pack."""

    path: Path
    meta: PackMeta
    definitions: dict[str, Condition]
    questions: list[Question]
    rules: list[Rule]
    labels: Labels
    glossary: list[GlossaryEntry]
    files: dict[str, Any] = field(default_factory=dict)  # raw YAML per file, for lint's lines
    sources: Sources = field(default_factory=Sources)
    # what the engine and its readers derive from the rules, built here and never changed
    index: PackIndex = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.index = PackIndex.of(self)

    @property
    def referral_contact(self) -> Contact | None:
        """Where referral forms are sent (pack.yaml contacts, purpose: referral)."""
        return next((c for c in self.meta.contacts if c.purpose == "referral"), None)

    @property
    def urgent_contacts(self) -> list[Contact]:
        return [c for c in self.meta.contacts if c.purpose == "urgent"]

    @property
    def name(self) -> str:
        return self.meta.name

    @property
    def version(self) -> str:
        return self.meta.version

    @property
    def rank(self) -> Mapping[str, Mapping[str, int]]:
        """For each scalar field, value -> rank (0 = most protective)."""
        return self.index.rank

    @property
    def question_for(self) -> Mapping[str, Question]:
        return self.index.question_for

    @property
    def fact_position(self) -> Mapping[str, int]:
        """Each asked fact's place in the question order (for listing facts as they are asked)."""
        return self.index.fact_position

    @property
    def rules_by_id(self) -> Mapping[str, tuple[Rule, ...]]:
        return self.index.rules_by_id

    @property
    def prompts_dir(self) -> Path | None:
        candidate = self.path / "prompts"
        return candidate if candidate.is_dir() else None

    def rules_needing(self, fact: str) -> list[Rule]:
        """The rules whose condition looks at `fact` (directly or through a definition)."""
        return [r for r in self.rules if fact in r.when.facts_used(self.definitions)]

    def fact_label(self, fact: str) -> str:
        """A fact in plain words: its label (labels.yaml `facts`), else its question, else its
        name."""
        label = self.labels.facts.get(fact)
        if label is not None:
            return str(label.label)
        question = self.question_for.get(fact)
        return str(question.text) if question is not None else fact.replace("_", " ")

    def value_words(self, fact: str, value: Any) -> str:
        """A fact's value in plain words (from labels.values, else the question's option label)."""
        if value is None or value == contract.UNKNOWN:
            return "not sure"
        if isinstance(value, dt.date):
            return value.isoformat()
        words = self.labels.values.get(fact, {}).get(str(value))
        if words:
            return words
        question = self.question_for.get(fact)
        if question:
            for option in question.options:
                if option.value == value:
                    return option.label
        return str(value).replace("_", " ")


def _items(raw: Any, key: str, path: Path) -> list[Any]:
    """The list a file holds (or holds under `key`); an InputError with file and line if not."""
    if raw is None:
        return []
    if isinstance(raw, dict) and key in raw:
        raw = raw[key]
    if not isinstance(raw, list):
        line = getattr(raw, "line", None)
        where = f"{path}, line {line}" if line else str(path)
        raise InputError(f"{where}: expected a list of {key}, each item starting with '- '")
    return raw


def load_pack(path: Path | str | None = None) -> Pack:
    """Load and check a rule pack folder; raise InputError listing every problem with file:line.

    A pack that loaded cleanly is kept, checked, in the user's cache folder (see
    assistant.core.cache), named by a hash of every file it was read from and of the code that
    read it: the next process skips the YAML and the checks. A pack with problems is never
    cached, so its errors are reported every time.
    """
    root = Path(path) if path is not None else default_rules_dir()
    if not root.is_dir():
        raise InputError(f"{root}: no such rule pack folder (it should contain pack.yaml)")
    if not (root / "pack.yaml").is_file():
        raise InputError(f"{root}: not a rule pack: pack.yaml is missing")
    cache = _cache_path(root)
    if cache is not None:
        cached = _read_cached(cache)
        if cached is not None:
            return cached
    pack = _load_pack(root)
    if cache is not None:
        _write_cached(cache, pack)
    return pack


_PACK_FILES = (
    "pack.yaml",
    "definitions.yaml",
    "questions.yaml",
    "labels.yaml",
    "glossary.yaml",
    "sources.yaml",
)


def _cache_path(root: Path) -> Path | None:
    """Where a checked copy of this exact pack would be kept, or None (caching off)."""
    from assistant.core import cache

    if not cache.enabled():
        return None
    import pydantic

    inputs = [root / name for name in _PACK_FILES] + [root / "rules"]
    key = cache.key(inputs, extra=(pydantic.VERSION, str(root)))
    return None if key is None else cache.path("pack", key, "pickle")


# Unpickling can build any object a pickle names, so the pack cache is read in two guarded
# steps: cache.read_signed returns the bytes only when their HMAC (keyed by this user's secret)
# verifies, so only a file this user's assistant wrote is ever unpickled; and the unpickler
# below refuses every class but the few a checked pack is made of.
_PACK_CLASSES = {
    "assistant.core.logic": {"All", "Any_", "Leaf", "Not", "Ref"},
    "assistant.core.pack": {
        "AgencyRequests",
        "Contact",
        "DeadlineSpec",
        "DoNow",
        "GlossaryEntry",
        "Label",
        "Labels",
        "NotificationSpec",
        "Option",
        "Outputs",
        "PackMeta",
        "Question",
        "ReviewsSpec",
        "Rule",
        "Source",
        "Sources",
        "_restore",
    },
    "assistant.core.yamlload": {"LineDict", "LineList"},
    "datetime": {"date"},
    "pathlib": {"Path", "PosixPath", "WindowsPath"},
}


def _read_cached(cache: Path) -> Pack | None:
    import io
    import pickle

    from assistant.core.cache import read_signed

    class _PackUnpickler(pickle.Unpickler):
        def find_class(self, module: str, name: str) -> Any:
            if name not in _PACK_CLASSES.get(module, ()):
                raise pickle.UnpicklingError(f"{module}.{name} is not part of a pack")
            return super().find_class(module, name)

    data = read_signed(cache)  # None unless the HMAC verifies
    if data is None:
        return None
    try:
        pack = _PackUnpickler(io.BytesIO(data)).load()
    except (
        EOFError,
        pickle.UnpicklingError,
        AttributeError,
        ImportError,
        IndexError,
        KeyError,
        TypeError,
        ValueError,
    ):
        return None  # from other code: load from YAML and rewrite
    return pack if isinstance(pack, Pack) else None


def _write_cached(cache: Path, pack: Pack) -> None:
    import pickle

    from assistant.core.cache import write_signed

    state = {k: v for k, v in pack.__dict__.items() if k != "index"}
    try:
        data = pickle.dumps(_Pickled(state), protocol=pickle.HIGHEST_PROTOCOL)
    except (pickle.PicklingError, TypeError, AttributeError, RecursionError):
        return  # cannot be kept: loading from YAML next time only costs speed
    write_signed(cache, data)


class _Pickled:
    """Rebuilds a Pack from its fields (its index is built again when read back)."""

    def __init__(self, state: dict[str, Any]) -> None:
        self.state = state

    def __reduce__(self) -> tuple[Any, ...]:
        return (_restore, (self.state,))


def _restore(state: dict[str, Any]) -> Pack:
    pack = Pack.__new__(Pack)
    pack.__dict__.update(state)
    pack.index = PackIndex.of(pack)
    return pack


class _Reader:
    """Reads a pack's files, collecting every problem (with file and line) rather than stopping
    at the first, and keeping each file's raw YAML for lint's line numbers."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.problems: list[str] = []
        self.files: dict[str, Any] = {}

    def read(self, rel: str, required: bool = True) -> Any:
        p = self.root / rel
        if not p.exists():
            if required:
                self.problems.append(f"{p}: missing (every rule pack needs it)")
            return None
        try:
            data = load_yaml_file(p)
        except YamlError as exc:
            self.problems.append(str(exc))
            return None
        self.files[str(p)] = data
        return data

    def model(
        self, cls: type[BaseModel], data: Any, where: str, loc: tuple[Any, ...] = (), **extra: Any
    ) -> Any:
        if not isinstance(data, dict):
            line = getattr(data, "line", None)
            self.problems.append(f"{where}{f', line {line}' if line else ''}: expected a mapping")
            return None
        try:
            return cls.model_validate({**data, **extra})
        except ValidationError as exc:
            self.problems.extend(describe_validation_error(exc, data, where, cls, _ALLOWED, loc))
            return None

    def items(self, raw: Any, key: str, path: Path) -> list[Any]:
        """The list a file holds, or none (the problem noted)."""
        try:
            return _items(raw, key, path)
        except InputError as exc:
            self.problems.append(str(exc))
            return []


def _load_pack(root: Path) -> Pack:
    reader = _Reader(root)
    meta = _load_meta(reader)
    definitions, def_raw = _load_definitions(reader)
    questions = _load_questions(reader)
    labels = _load_labels(reader)
    glossary = _load_glossary(reader)
    sources = _load_sources(reader)
    rules = _load_rules(reader)
    problems = reader.problems
    problems.extend(_check_references(meta, definitions, questions, rules, def_raw))
    if problems:
        raise InputError(problems[0], problems)
    assert meta is not None and labels is not None
    return Pack(
        root,
        meta,
        definitions,
        questions,
        rules,
        labels,
        glossary,
        reader.files,
        sources or Sources(),
    )


def _load_meta(reader: _Reader) -> PackMeta | None:
    """pack.yaml: the pack's name, version, precedence, contacts and dates."""
    raw = reader.read("pack.yaml")
    return reader.model(PackMeta, raw, str(reader.root / "pack.yaml")) if raw is not None else None


def _load_definitions(reader: _Reader) -> tuple[dict[str, Condition], Any]:
    """definitions.yaml: named conditions (and the raw YAML, for the reference checks)."""
    definitions: dict[str, Condition] = {}
    def_path = reader.root / "definitions.yaml"
    def_raw = reader.read("definitions.yaml", required=False)
    if def_raw is not None:
        if not isinstance(def_raw, LineDict):  # every YAML mapping is read as a LineDict
            reader.problems.append(f"{def_path}: expected a mapping of name: condition")
        else:
            for name, value in def_raw.items():
                try:
                    line = def_raw.key_lines.get(name) if isinstance(def_raw, LineDict) else None
                    definitions[str(name)] = parse_condition(value, line)
                except ConditionError as exc:
                    reader.problems.append(
                        f"{def_path}, line {exc.line}: definition '{name}': {exc}"
                    )
    return definitions, def_raw


def _load_questions(reader: _Reader) -> list[Question]:
    """questions.yaml: the questions, in the order they are asked."""
    questions: list[Question] = []
    q_path = reader.root / "questions.yaml"
    q_raw = reader.read("questions.yaml")
    for i, item in enumerate(reader.items(q_raw, "questions", q_path)):
        line = q_raw.item_lines[i] if hasattr(q_raw, "item_lines") else getattr(item, "line", 0)
        q = reader.model(Question, item, str(q_path), (i,), file=str(q_path), line=line or 0)
        if q is not None:
            questions.append(q.model_copy(update={"id": q.id or q.fact}) if not q.id else q)
    return questions


def _load_labels(reader: _Reader) -> Labels | None:
    """labels.yaml: plain words for decision ids and fact values (optional)."""
    raw = reader.read("labels.yaml", required=False)
    return (
        reader.model(Labels, raw, str(reader.root / "labels.yaml")) if raw is not None else Labels()
    )


def _load_glossary(reader: _Reader) -> list[GlossaryEntry]:
    """glossary.yaml: terms explained (optional)."""
    path = reader.root / "glossary.yaml"
    glossary: list[GlossaryEntry] = []
    raw = reader.read("glossary.yaml", required=False)
    for i, item in enumerate(reader.items(raw, "glossary", path)):
        entry = reader.model(GlossaryEntry, item, str(path), (i,))
        if entry is not None:
            glossary.append(entry)
    return glossary


def _load_sources(reader: _Reader) -> Sources | None:
    """sources.yaml: the cited sources (optional)."""
    raw = reader.read("sources.yaml", required=False)
    return (
        reader.model(Sources, raw, str(reader.root / "sources.yaml"))
        if raw is not None
        else Sources()
    )


def _load_rules(reader: _Reader) -> list[Rule]:
    """rules/*.yaml: the rules, file by file in name order."""
    rules: list[Rule] = []
    rules_dir = reader.root / "rules"
    rule_files = sorted(rules_dir.glob("*.yaml")) if rules_dir.is_dir() else []
    if not rule_files:
        reader.problems.append(f"{rules_dir}: no rule files (*.yaml) found")
    for rule_file in rule_files:
        raw = reader.read(str(rule_file.relative_to(reader.root)))
        try:
            items = _items(raw, "rules", rule_file)
        except InputError as exc:
            reader.problems.append(str(exc))
            continue
        item_lines = getattr(items, "item_lines", [0] * len(items))
        for i, item in enumerate(items):
            rule = reader.model(
                Rule, item, str(rule_file), (i,), file=str(rule_file), line=item_lines[i]
            )
            if rule is not None:
                rules.append(rule)
    return rules


_ALLOWED: dict[str, Sequence[str]] = {
    "route": contract.ROUTES,
    "id": contract.NOTIFICATIONS,
    "statutory": contract.STATUTORY,
    "lcspr": contract.LCSPR,
    "national_review": contract.NATIONAL_REVIEW,
    "status": contract.STATUSES,
    "form": (*contract.FORMS, "none"),
    "fact": tuple(contract.FACTS),
    "after": contract.DATE_FACTS,
    "otherwise_after": contract.NOTIFICATIONS,
}


def _check_references(
    meta: PackMeta | None,
    definitions: dict[str, Condition],
    questions: list[Question],
    rules: list[Rule],
    def_raw: Any,
) -> list[str]:
    """Every fact, value and definition a condition names exists; rule versions do not overlap."""
    problems: list[str] = []

    def check(condition: Condition, where: str, line: int) -> None:
        for leaf in leaves(condition):
            at = f"{where}, line {leaf.line or line}"
            if isinstance(leaf, Ref):
                if leaf.name not in definitions:
                    known = ", ".join(sorted(definitions)) or "none defined"
                    problems.append(
                        f"{at}: no definition called '{leaf.name}' (definitions: {known})"
                    )
                continue
            assert isinstance(leaf, Leaf)
            spec = contract.FACTS.get(leaf.fact)
            if spec is None:
                problems.append(f"{at}: no fact called '{leaf.fact}'")
                continue
            if spec.kind == "date":
                tests = (GIVEN, *spec.known_values)  # given, or a word the date may hold
                if len(leaf.values) != 1 or not leaf.values <= set(tests):
                    problems.append(
                        f"{at}: '{leaf.fact}' is a date; a condition tests only whether it is "
                        + " or ".join(f"{{{leaf.fact}: {t}}}" for t in tests)
                    )
                continue
            bad = sorted(leaf.values - set(spec.known_values))
            if bad:
                problems.append(
                    f"{at}: {leaf.fact} has no value {', '.join(repr(b) for b in bad)}; "
                    f"allowed values: {', '.join(spec.known_values)}"
                    + (
                        " ('unknown' is never tested: an unknown fact makes a condition unknown)"
                        if contract.UNKNOWN in bad
                        else ""
                    )
                )

    def_file = "definitions.yaml"
    for name, condition in definitions.items():
        line = def_raw.key_lines.get(name, 0) if isinstance(def_raw, LineDict) else 0
        check(condition, def_file, line)
    cycles = _cycles(definitions)
    problems.extend(cycles)
    if not cycles:
        problems.extend(_too_deep(definitions, questions, rules, def_raw))
    for q in questions:
        check(q.ask_if, q.file, q.line)
        spec = contract.FACTS[q.fact]
        for option in q.options:
            allowed = spec.values if spec.kind != "date" else (*spec.known_values, contract.UNKNOWN)
            if option.value not in allowed:
                problems.append(
                    f"{q.file}, line {q.line}: question '{q.id or q.fact}': option {option.value!r} is not a "
                    f"value of {q.fact}; allowed values: {', '.join(allowed)}"
                    + (
                        " (a date question's options are the ones for no date)"
                        if spec.kind == "date"
                        else ""
                    )
                )
        ranged = sorted((o.numbers, o.value) for o in q.options if o.numbers is not None)
        for (first, a), (second, b) in zip(ranged, ranged[1:], strict=False):
            if second[0] <= first[1]:
                problems.append(
                    f"{q.file}, line {q.line}: question '{q.id or q.fact}': options {a!r} and {b!r} "
                    f"both cover the number {second[0]}; give each number to one option"
                )
    seen_facts: dict[str, int] = {}
    for q in questions:
        if q.fact in seen_facts:
            problems.append(
                f"{q.file}, line {q.line}: a second question sets {q.fact} (first on line {seen_facts[q.fact]})"
            )
        seen_facts.setdefault(q.fact, q.line)
    by_id: dict[str, list[Rule]] = {}
    for rule in rules:
        check(rule.when, rule.file, rule.line)
        for other in by_id.get(rule.id, []):
            if _overlap(rule, other):
                problems.append(
                    f"{rule.file}, line {rule.line}: rule {rule.id} is in force on dates when another "
                    f"version of it is too ({other.file}, line {other.line}); give the versions "
                    "effective_from/effective_to dates that do not overlap"
                )
        by_id.setdefault(rule.id, []).append(rule)
    return problems


def _overlap(a: Rule, b: Rule) -> bool:
    lo = max(a.effective_from or dt.date.min, b.effective_from or dt.date.min)
    hi = min(a.effective_to or dt.date.max, b.effective_to or dt.date.max)
    return lo <= hi


def _cycles(definitions: dict[str, Condition]) -> list[str]:
    problems: list[str] = []
    state: dict[str, int] = {}

    def visit(name: str, trail: list[str]) -> None:
        if state.get(name) == 2 or name not in definitions or len(trail) > MAX_DEPTH:
            return  # (a chain longer than MAX_DEPTH is reported by _too_deep)
        if state.get(name) == 1:
            cycle = trail[trail.index(name) :] + [name]
            problems.append(
                f"definitions.yaml: definitions refer to each other in a circle: {' -> '.join(cycle)}"
            )
            return
        state[name] = 1
        for leaf in leaves(definitions[name]):
            if isinstance(leaf, Ref):
                visit(leaf.name, [*trail, name])
        state[name] = 2

    for name in definitions:
        visit(name, [])
    return problems


class _TooDeep(Exception):
    pass


def _too_deep(
    definitions: dict[str, Condition],
    questions: list[Question],
    rules: list[Rule],
    def_raw: Any,
) -> list[str]:
    """Conditions nesting deeper than MAX_DEPTH levels counting the definitions they refer to.

    parse_condition bounds each condition by itself; a chain of definitions referring to each
    other can still nest without end, and the engine walks it recursively, so it is bounded
    here too. The walk stops as soon as the bound is passed, so it is itself shallow.
    """
    known: dict[str, int] = {}

    def depth(condition: Condition, so_far: int) -> int:
        if so_far > MAX_DEPTH:
            raise _TooDeep
        if isinstance(condition, Ref):
            if condition.name not in definitions:
                return 1
            if condition.name not in known:
                known[condition.name] = depth(definitions[condition.name], so_far + 1)
            if so_far + known[condition.name] > MAX_DEPTH:
                raise _TooDeep
            return 1 + known[condition.name]
        if isinstance(condition, Not):
            return 1 + depth(condition.part, so_far + 1)
        if isinstance(condition, All | Any_):
            return 1 + max((depth(part, so_far + 1) for part in condition.parts), default=0)
        return 1

    problems: list[str] = []
    message = (
        f"condition nested deeper than {MAX_DEPTH} levels, counting the definitions it refers "
        "to; make the chain of definitions shorter"
    )
    line_of = def_raw.key_lines if isinstance(def_raw, LineDict) else {}
    checks: list[tuple[Condition, str, int]] = [
        (condition, "definitions.yaml", line_of.get(name, 0))
        for name, condition in definitions.items()
    ]
    checks += [(q.ask_if, q.file, q.line) for q in questions]
    checks += [(r.when, r.file, r.line) for r in rules]
    for condition, file, line in checks:
        try:
            depth(condition, 0)
        except _TooDeep:
            problems.append(f"{file}, line {line}: {message}")
    if len(problems) > 5:  # a long chain makes every definition in it too deep: say so once
        first_file = problems[5].split(", line ")[0]
        problems[5:] = [f"{first_file}: and {len(problems) - 5} more conditions nested too deeply"]
    return problems
