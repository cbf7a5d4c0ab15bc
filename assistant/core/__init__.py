"""The UI-free core: case files, rule packs, three-valued logic, the engine and working days.

Nothing here imports Textual; `tests/test_import_hygiene.py` proves it.

The names below are imported on first use (PEP 562), so `import assistant.core.calendar` or
`from assistant.core.case import load_case` does not pay for the engine's pydantic models too.
`from assistant.core import decide` works as usual.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from assistant.core.case import CaseFile, load_case, parse_case
    from assistant.core.engine import (
        Decision,
        decide,
        evaluate,
        in_force_on,
        next_question,
        replay,
    )
    from assistant.core.errors import InputError
    from assistant.core.pack import Pack, load_pack

_WHERE = {
    "CaseFile": "case",
    "load_case": "case",
    "parse_case": "case",
    "Decision": "engine",
    "decide": "engine",
    "evaluate": "engine",
    "in_force_on": "engine",
    "next_question": "engine",
    "replay": "engine",
    "InputError": "errors",
    "Pack": "pack",
    "load_pack": "pack",
}

__all__ = [
    "CaseFile",
    "Decision",
    "InputError",
    "Pack",
    "decide",
    "evaluate",
    "in_force_on",
    "load_case",
    "load_pack",
    "next_question",
    "parse_case",
    "replay",
]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'assistant.core' has no attribute {name!r}")
    value = getattr(import_module(f"assistant.core.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_WHERE])
