"""The Salford pack's words and provenance: questions, labels, glossary and sources.

These check the content a practitioner reads, which the schema alone cannot: every fact a rule
uses is asked in plain words with help, immediate risk is asked first, every id and fact has a
label, the glossary explains the terms a practitioner meets, and the pack says where it comes from.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest

from assistant.core import Pack, contract, load_pack
from assistant.core.engine import next_question

PACK_DIR = Path(__file__).resolve().parents[2] / "rules" / "salford"
FACTS_MD = Path(__file__).resolve().parents[2] / "docs" / "fact-base.md"

# Terms a practitioner meets, each to be found as a glossary term or alias.
TERMS = [
    "serious harm",
    "neglect",
    "abuse",
    "looked after",
    "care leaver",
    "rapid review",
    "LCSPR",
    "safeguarding partners",
    "the Panel",
    "SIN",
    "SAR",
    "DHR",
    "DARDR",
    "CDOP",
    "child death review",
    "JAR",
    "coroner",
    "appreciative inquiry",
    "root cause analysis",
    "case discussion tool",
    "learning event",
    "SGOR",
    "Practice Review Subgroup",
    "escalation policy",
    "Bridge Partnership",
    "ICB",
    "regulated setting",
    "working day",
    "national review",
    "SSCP",
    "unborn child",
]


@cache
def _pack() -> Pack:
    return load_pack(PACK_DIR)


def test_pack_states_its_version_and_the_date_of_its_sources() -> None:
    meta = _pack().meta
    assert re.fullmatch(r"\d{4}\.\d{1,2}\.\d+", meta.version), meta.version
    assert meta.sources_date is not None and meta.sources_date.year >= 2025


def test_every_fact_a_rule_uses_has_a_question_with_text_and_help() -> None:
    pack = _pack()
    used: set[str] = set()
    for rule in pack.rules:
        used |= rule.when.facts_used(pack.definitions)
        for outputs in (rule.then, rule.if_unknown):
            if outputs is None:
                continue
            used |= {n.after for n in outputs.notifications if n.after}
            used |= {d.after for d in outputs.deadlines}
    for fact in sorted(used):
        question = pack.question_for.get(fact)
        assert question is not None, f"no question sets {fact}"
        assert question.text.strip().endswith(("?", ")")), (
            f"{fact}: the question text is not a question"
        )
        assert question.help.strip(), f"{fact}: the question has no help"


def test_immediate_risk_is_asked_first() -> None:
    pack = _pack()
    assert pack.questions[0].fact == "immediate_risk"
    first = next_question(pack, {})
    assert first is not None and first.fact == "immediate_risk"


def test_every_fact_and_every_choice_value_has_plain_words() -> None:
    pack = _pack()
    for fact, spec in contract.FACTS.items():
        assert fact in pack.labels.facts and pack.labels.facts[fact].label, (
            f"labels.facts has no {fact}"
        )
        if spec.kind != "choice":
            continue
        options = {o.value for o in pack.question_for[fact].options}
        for value in spec.known_values:
            assert value in pack.labels.values.get(fact, {}) or value in options, (
                f"{fact}={value} has no plain words (labels.values or a question option)"
            )


@pytest.mark.parametrize(
    "kind",
    [
        "routes",
        "notifications",
        "statutory",
        "lcspr",
        "national_review",
        "criteria",
        "local_options",
        "signposts",
        "forms",
    ],
)
def test_every_contract_id_has_a_label(kind: str) -> None:
    ids = {
        "routes": contract.ROUTES,
        "notifications": contract.NOTIFICATIONS,
        "statutory": contract.STATUTORY,
        "lcspr": contract.LCSPR,
        "national_review": contract.NATIONAL_REVIEW,
        "criteria": contract.CRITERIA,
        "local_options": contract.LOCAL_OPTIONS,
        "signposts": contract.SIGNPOSTS,
        "forms": contract.FORMS,
    }[kind]
    labels = getattr(_pack().labels, kind)
    missing = [i for i in ids if i not in labels or not labels[i].label.strip()]
    assert not missing, f"labels.{kind} has no label for {missing}"


def test_every_deadline_a_rule_sets_has_a_label() -> None:
    pack = _pack()
    for rule in pack.rules:
        for d in rule.then.deadlines:
            assert d.id in pack.labels.deadlines, f"{rule.where}: deadline {d.id} has no label"


@pytest.mark.parametrize("term", TERMS)
def test_glossary_explains_the_term(term: str) -> None:
    wanted = term.lower()
    for entry in _pack().glossary:
        names = [entry.term.lower(), *(a.lower() for a in entry.aliases)]
        if wanted in names:
            assert len(entry.meaning.split()) >= 8, f"{term}: the meaning is too short to help"
            assert entry.source.strip(), f"{term}: no source"
            return
    pytest.fail(f"the glossary does not explain {term!r} (as a term or an alias)")


def test_every_glossary_entry_has_aliases_and_a_source() -> None:
    for entry in _pack().glossary:
        assert entry.aliases, f"{entry.term}: no aliases"
        assert entry.source.strip(), f"{entry.term}: no source"


def test_rule_sources_cite_fact_base_tags_that_exist() -> None:
    """Every Sxx a rule cites is in the fact base's source list (docs/fact-base.md)."""
    listed = set(
        re.findall(r"^- (S\d+) ", FACTS_MD.read_text(encoding="utf-8"), flags=re.MULTILINE)
    )
    assert len(listed) >= 60
    for rule in _pack().rules:
        cited = set(re.findall(r"\bS\d+\b", rule.source))
        assert cited or "[DERIVED]" in rule.source or "UNCONFIRMED" in rule.source, (
            f"{rule.where}: {rule.id} cites no source tag"
        )
        unknown = sorted(cited - listed)
        assert not unknown, f"{rule.where}: {rule.id} cites {unknown}, which facts.md does not list"


def test_status_follows_the_tags() -> None:
    """A rule whose only tags are local practice is 'local'; one resting on UNCONFIRMED text says so."""
    for rule in _pack().rules:
        tags = re.findall(r"\[(C|L|L/C)[:\s]", rule.source)
        if tags and set(tags) == {"L"}:
            assert rule.status == "local", (
                f"{rule.where}: {rule.id} cites only local practice but is {rule.status}"
            )
        if rule.status == "local":
            assert "L" in tags or "L/C" in tags, (
                f"{rule.where}: {rule.id} is local but cites no [L: ...] tag"
            )
