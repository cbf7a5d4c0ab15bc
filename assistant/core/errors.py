"""Turning validation failures into one plain message: where, what was wrong, what is allowed."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # imported when a validation error is described: InputError alone is light
    from pydantic import BaseModel, ValidationError


MAX_PROBLEMS = 20
"""The most problems reported for one file; the rest are counted ("and 999,980 more")."""


def more_problems(count: int) -> str:
    """The line that stands for the problems not listed."""
    return (
        f"... and {count:,} more problem{'' if count == 1 else 's'} in the same file (not listed)"
    )


class InputError(Exception):
    """Bad input from a person: a case file, a rule pack, a template. Never shown as a traceback.

    `problems` holds at most MAX_PROBLEMS lines, then one line counting the rest; control
    characters in them (from a file's name or content) are shown as escapes, so printing them
    cannot drive the terminal.
    """

    def __init__(self, message: str, problems: Sequence[str] = ()) -> None:
        listed = list(problems) or [message]
        if len(listed) > MAX_PROBLEMS + 1 or (
            len(listed) == MAX_PROBLEMS + 1 and not listed[-1].startswith("... and ")
        ):
            listed = listed[:MAX_PROBLEMS] + [more_problems(len(listed) - MAX_PROBLEMS)]
        self.problems = [_visible_lines(problem) for problem in listed]
        super().__init__(_visible_lines(message))


def _visible_lines(text: str) -> str:
    from assistant.core.terminal import visible_lines

    return visible_lines(str(text))


def show_value(value: Any) -> str:
    """A value as the person most likely typed it (YAML turns `no` into False)."""
    if value is True:
        return "yes"
    if value is False:
        return "no"
    if value is None:
        return "(empty)"
    if isinstance(value, int | float):
        return str(value)
    text = str(value)
    return repr(text) if len(text) <= 60 else repr(text[:57] + "...")


def dotted(loc: Iterable[Any]) -> str:
    """A pydantic location as the person would write it: facts.harm, agencies[2].name."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _model_fields(model: type[BaseModel] | None, loc: Sequence[Any]) -> list[str]:
    """The field names allowed at `loc` inside `model`, for 'did you mean' hints."""
    current: Any = model
    for part in loc:
        if isinstance(part, int) or current is None:
            continue
        fields = getattr(current, "model_fields", None)
        if not fields or part not in fields:
            return []
        annotation = fields[part].annotation
        current = _first_model(annotation)
    fields = getattr(current, "model_fields", None)
    return [info.alias or name for name, info in fields.items()] if fields else []


def _first_model(annotation: Any) -> type[BaseModel] | None:
    from pydantic import BaseModel  # lazy: InputError alone must not import pydantic

    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _first_model(arg)
        if found is not None:
            return found
    return None


def describe_validation_error(
    exc: ValidationError,
    raw: Any,
    path: str,
    model: type[BaseModel] | None = None,
    allowed: Mapping[str, Sequence[str]] | None = None,
    prefix: Sequence[Any] = (),
) -> list[str]:
    """One line per problem: "path, line N: field: what is wrong; what is allowed"."""
    from assistant.core.yamlload import line_of  # lazy: PyYAML only to describe a YAML error

    found: list[tuple[int, tuple[Any, ...], tuple[Any, ...], Any]] = []
    seen: set[tuple[Any, ...]] = set()
    for err in exc.errors(include_url=False, include_context=True, include_input=True):
        raw_loc = err["loc"]
        loc = tuple(part for part in raw_loc[:-1] if not _is_union_tag(part))
        if raw_loc and (err["type"] == "extra_forbidden" or not _is_union_tag(raw_loc[-1])):
            loc += (raw_loc[-1],)  # an unknown key named like a type tag ('bool', 'str') is kept
        full = tuple(prefix) + loc
        key = (full, err["type"])
        if key in seen:
            continue
        seen.add(key)
        found.append((line_of(raw, loc) or 0, loc, full, err))
    # in the order of the file, as a person reads it (pydantic reports in field order); only
    # the first MAX_PROBLEMS are described (a file of a million bad keys gets twenty lines)
    found.sort(key=lambda item: item[0])
    problems: list[str] = []
    for line, loc, full, err in found[:MAX_PROBLEMS]:
        where = f"{path}, line {line}" if line else path
        field = dotted(full)
        kind = err["type"]
        value = err.get("input")
        if kind == "extra_forbidden":
            known = _model_fields(model, loc[:-1])
            hint = ""
            close = difflib.get_close_matches(str(loc[-1]), known, n=1)
            if close:
                hint = f" (did you mean '{close[0]}'?)"
            elif known:
                hint = f"; known fields here: {', '.join(known)}"
            problems.append(f"{where}: {field}: unknown field '{loc[-1]}'{hint}")
        elif kind == "missing":
            problems.append(f"{where}: {field}: this field is required")
        elif kind in ("dict_type", "model_type", "model_attributes_type"):
            problems.append(
                f"{where}: {field}: expected a mapping of 'name: value' lines, got {_kind_of(value)}"
            )
        elif kind == "list_type":
            problems.append(f"{where}: {field}: expected a list, got {_kind_of(value)}")
        elif kind == "literal_error":
            expected = (allowed or {}).get(str(loc[-1])) if loc else None
            choices = ", ".join(expected) if expected else err.get("ctx", {}).get("expected", "")
            problems.append(
                f"{where}: {field}: {show_value(value)} is not allowed; allowed values: {choices}"
            )
        else:
            message = err["msg"]
            if message.startswith("Value error, "):
                message = message[len("Value error, ") :]
            shown = "" if isinstance(value, dict | list) else f" (got {show_value(value)})"
            problems.append(f"{where}: {field}: {message}{shown}")
    if len(found) > MAX_PROBLEMS:
        problems.append(more_problems(len(found) - MAX_PROBLEMS))
    return problems


def _kind_of(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing"
    return f"the value {show_value(value)}"


def _is_union_tag(part: Any) -> bool:
    # pydantic adds the member type name for unions (e.g. 'function-after[...]', 'list[str]').
    return isinstance(part, str) and ("[" in part or part in {"str", "int", "date", "bool"})
