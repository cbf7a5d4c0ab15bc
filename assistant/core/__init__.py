"""The UI-free core: case files, rule packs, three-valued logic, the engine and working days.

Nothing here imports Textual; `tests/test_import_hygiene.py` proves it.
"""

from assistant.core.case import CaseFile, load_case, parse_case
from assistant.core.engine import Decision, decide, evaluate, in_force_on, next_question, replay
from assistant.core.errors import InputError
from assistant.core.pack import Pack, load_pack

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
