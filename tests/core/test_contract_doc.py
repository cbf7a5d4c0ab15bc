"""docs/contract.md names every public name the code uses: facts and their values, decision ids,
the decision's and the check's JSON keys, and the decision record's fields."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assistant.core import contract as C
from assistant.core.case import PartnershipDecision
from assistant.core.check import CheckResult, DeadlineCheck, Finding
from assistant.core.engine import Deadline, Decision, Notification, Possible, Reason, TraceEntry

DOC = Path(__file__).resolve().parents[2] / "docs" / "contract.md"


@pytest.fixture(scope="module")
def named() -> set[str]:
    """Every `code` word, YAML key and JSON key in the doc."""
    text = DOC.read_text(encoding="utf-8")
    return (
        set(re.findall(r"`([a-z_0-9]+)", text))
        | set(re.findall(r"^ *([a-z_]+):", text, re.MULTILINE))
        | set(re.findall(r'"([a-z_]+)":', text))
    )


def _missing(names, named: set[str]) -> list[str]:
    return sorted(set(names) - named)


def test_every_fact_and_value_is_in_the_doc(named):
    assert _missing(C.FACTS, named) == []
    values = {v for spec in C.FACTS.values() for v in spec.values if v not in C.TRI}
    assert _missing(values, named) == []


def test_every_decision_id_is_in_the_doc(named):
    ids = {i for kind in C.IDS.values() for i in kind} | set(C.STATUSES)
    assert _missing(ids, named) == []


def test_every_json_key_is_in_the_doc(named):
    models = (
        Decision,
        Notification,
        Deadline,
        Possible,
        Reason,
        TraceEntry,
        CheckResult,
        DeadlineCheck,
        Finding,
        PartnershipDecision,
    )
    keys = {name for model in models for name in model.model_fields}
    assert _missing(keys, named) == []
