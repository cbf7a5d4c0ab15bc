"""The forms' words and fields (prompts/forms/forms.yaml), loaded and checked.

One file drives every format and the chat's form screen, so a partnership rewords a label once.
A rule pack's own prompts/forms/forms.yaml replaces the shipped one.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from assistant.core import contract
from assistant.core.case import Referral
from assistant.core.errors import InputError, describe_validation_error
from assistant.core.pack import Pack
from assistant.core.paths import default_prompts_dir
from assistant.core.yamlload import YamlError, load_yaml_file

_STRICT = ConfigDict(extra="forbid", frozen=True)

FieldKind = Literal["text", "long", "date", "email", "phone", "agencies", "processes"]


def referral_paths() -> set[str]:
    """Every field name a form may use: `child.name`, `agencies`, `parallel_processes` ..."""
    names: set[str] = set()
    for name, info in Referral.model_fields.items():
        sub = info.default_factory() if info.default_factory else None  # type: ignore[call-arg]
        if isinstance(sub, BaseModel):
            names |= {f"{name}.{inner}" for inner in type(sub).model_fields}
        else:
            names.add(name)
    return names


class FormField(BaseModel):
    model_config = _STRICT
    name: str
    label: str
    kind: FieldKind = "text"
    required: bool = False
    when: Literal["born", "unborn"] | None = None
    hint: str = ""

    @field_validator("name")
    @classmethod
    def _known(cls, value: str) -> str:
        if value not in referral_paths():
            allowed = ", ".join(sorted(referral_paths()))
            raise ValueError(f"{value!r} is not a referral field; referral fields: {allowed}")
        return value


class Section(BaseModel):
    model_config = _STRICT
    heading: str
    note: str = ""
    endorsement: bool = False
    fields: list[FormField]


class FormSpec(BaseModel):
    model_config = _STRICT
    title: str
    intro: str = ""
    sections: list[Section]

    @property
    def fields(self) -> list[FormField]:
        return [f for s in self.sections for f in s.fields]


class FormWords(BaseModel):
    """The whole forms.yaml."""

    model_config = _STRICT
    words: dict[str, str]
    forms: dict[Literal[contract.FORMS], FormSpec]  # type: ignore[valid-type]
    processes: dict[Literal[contract.PARALLEL_PROCESSES], str] = Field(default_factory=dict)  # type: ignore[valid-type]
    screen: dict[str, str] = Field(default_factory=dict)

    def word(self, key: str) -> str:
        return self.words.get(key, "")

    def say(self, key: str, **values: str) -> str:
        """A word of the form screen, with {placeholders} filled in (values are data, not format)."""
        text = self.screen.get(key, "")
        for name, value in values.items():
            text = text.replace("{" + name + "}", value)
        return text


def forms_file(pack: Pack) -> Path:
    """The pack's own prompts/forms/forms.yaml if it has one, else the shipped one."""
    if pack.prompts_dir is not None:
        own = pack.prompts_dir / "forms" / "forms.yaml"
        if own.is_file():
            return own
    return default_prompts_dir() / "forms" / "forms.yaml"


@lru_cache(maxsize=8)
def _load(path: Path, mtime: float) -> FormWords:
    try:
        raw = load_yaml_file(path)
    except YamlError as exc:
        raise InputError(str(exc)) from None
    try:
        return FormWords.model_validate(raw)
    except ValidationError as exc:
        problems = describe_validation_error(exc, raw, str(path), FormWords)
        raise InputError(problems[0], problems) from None


def load_form_words(pack: Pack) -> FormWords:
    """The forms' words for `pack`; InputError naming the file and line if it is wrong.

    A pack's own forms.yaml may reword one form only, or lack words added in a later version:
    whatever it does not give comes from the shipped file, so an older pack keeps working.
    """
    path = forms_file(pack)
    words = _load(path, path.stat().st_mtime)
    default = default_prompts_dir() / "forms" / "forms.yaml"
    if path == default:
        return words
    shipped = _load(default, default.stat().st_mtime)
    return words.model_copy(
        update={
            "words": {**shipped.words, **words.words},
            "screen": {**shipped.screen, **words.screen},
            "processes": {**shipped.processes, **words.processes},
            "forms": {**shipped.forms, **words.forms},
        }
    )
