"""Schema and reference checks: what `load_pack` reports, plus the references it does not check.

`load_pack` stops at the first file it cannot use and raises one InputError listing every
problem as "file, line N: message"; here each becomes a finding. Once the pack loads, the
checks below look for what still makes the assistant fail or fall silent: a fact no question
asks, an id with no plain words in labels.yaml, a label for a value that does not exist, a
glossary term defined twice.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from assistant.core import contract
from assistant.core.errors import InputError
from assistant.core.logic import Condition, Leaf, leaves
from assistant.core.pack import Outputs, Pack
from assistant.core.yamlload import LineDict, YamlError, load_yaml_file
from assistant.lint.findings import Finding

_WITH_LINE = re.compile(r"^(?P<file>.+?), line (?P<line>\d+): (?P<message>.*)$", re.S)
_WITHOUT_LINE = re.compile(r"^(?P<file>[^:\n]+?\.ya?ml): (?P<message>.*)$", re.S)
_CYCLE = re.compile(r"in a circle: (?P<first>[^ ]+) ->")


def load_findings(root: Path, error: InputError) -> list[Finding]:
    """Each problem `load_pack` reported, as a finding with its file and line."""
    findings: list[Finding] = []
    for problem in error.problems:
        found = _WITH_LINE.match(problem) or _WITHOUT_LINE.match(problem)
        if not found:
            findings.append(Finding("schema", str(root / "pack.yaml"), None, problem))
            continue
        file = found.group("file")
        if not Path(file).is_absolute() and not Path(file).exists():
            file = str(root / file)  # some problems name the file relative to the pack
        line = int(found["line"]) if "line" in found.groupdict() and found["line"] else None
        message = found.group("message")
        cycle = _CYCLE.search(message)
        if line is None and cycle:
            line = _key_line(Path(file), cycle.group("first"))
        findings.append(Finding("schema", file, line, message))
    return findings


_LINE_FIRST = re.compile(r"^line (?P<line>\d+): (?P<message>.*)$", re.S)


def problem_finding(check: str, file: str, problem: str) -> Finding:
    """A (file, problem) pair from another checker, with the line when the problem names one."""
    found = _WITH_LINE.match(problem)
    if found:
        return Finding(check, found["file"], int(found["line"]), found["message"])
    found = _LINE_FIRST.match(problem)
    if found:
        return Finding(check, file, int(found["line"]), found["message"])
    return Finding(check, file, None, problem)


def _key_line(path: Path, key: str) -> int | None:
    try:
        data = load_yaml_file(path)
    except YamlError:
        return None
    return data.key_lines.get(key) if isinstance(data, LineDict) else None


def reference_findings(pack: Pack) -> list[Finding]:
    """References `load_pack` leaves alone: questions for facts, labels for ids, glossary terms."""
    return [
        *_facts_without_questions(pack),
        *_ids_without_labels(pack),
        *_labels_for_unknown_values(pack),
        *_glossary_duplicates(pack),
    ]


def _conditions(pack: Pack) -> Iterator[tuple[str, int, str, Condition]]:
    """(file, line, what, condition) for every condition in the pack."""
    definitions_file = str(pack.path / "definitions.yaml")
    raw = pack.files.get(definitions_file)
    for name, condition in pack.definitions.items():
        line = raw.key_lines.get(name, 0) if isinstance(raw, LineDict) else 0
        yield definitions_file, line, f"definition '{name}'", condition
    for rule in pack.rules:
        yield rule.file, rule.line, f"rule {rule.id}", rule.when
    for question in pack.questions:
        yield (
            question.file,
            question.line,
            f"the ask_if of question '{question.id}'",
            question.ask_if,
        )


def _facts_without_questions(pack: Pack) -> Iterator[Finding]:
    seen: set[tuple[str, int, str]] = set()
    for file, line, what, condition in _conditions(pack):
        for leaf in leaves(condition):
            if not isinstance(leaf, Leaf) or leaf.fact in pack.question_for:
                continue
            at = leaf.line or line
            if (file, at, leaf.fact) in seen:
                continue
            seen.add((file, at, leaf.fact))
            yield Finding(
                "schema",
                file,
                at,
                f"{what} tests '{leaf.fact}', but no question in questions.yaml asks it, so it is "
                f"always 'not sure'; add a question with `fact: {leaf.fact}`",
            )


def _outputs(rule_then: Outputs, rule_unknown: Outputs | None) -> Iterable[Outputs]:
    yield rule_then
    if rule_unknown is not None:
        yield rule_unknown


def _output_ids(outputs: Outputs) -> Iterator[tuple[str, str]]:
    """(labels.yaml section, id) for every id an output can put in a decision."""
    if outputs.route:
        yield "routes", outputs.route
    for notification in outputs.notifications:
        yield "notifications", notification.id
    reviews = outputs.reviews
    for section, value in (
        ("statutory", reviews.statutory),
        ("lcspr", reviews.lcspr),
        ("national_review", reviews.national_review),
    ):
        if value:
            yield section, value
    for criterion in reviews.criteria_met:
        yield "criteria", criterion
    for option in reviews.local_options:
        yield "local_options", option
    for signpost in outputs.signposts:
        yield "signposts", signpost
    if outputs.form and outputs.form != "none":
        yield "forms", outputs.form
    for deadline in outputs.deadlines:
        yield "deadlines", deadline.id


_DEFAULT_SECTIONS = {
    "route": "routes",
    "reviews.statutory": "statutory",
    "reviews.lcspr": "lcspr",
    "reviews.national_review": "national_review",
}


def _ids_without_labels(pack: Pack) -> Iterator[Finding]:
    labels_file = str(pack.path / "labels.yaml")
    reported: set[tuple[str, str]] = set()

    def missing(section: str, value: str) -> bool:
        if (section, value) in reported:
            return False
        if value in getattr(pack.labels, section):
            return False
        reported.add((section, value))
        return True

    # What a decision holds when no rule proposes a value: the last in the pack's precedence.
    for name, section in _DEFAULT_SECTIONS.items():
        rank = pack.rank[name]
        least = max(rank, key=rank.__getitem__)
        if missing(section, least):
            yield Finding(
                "schema",
                labels_file,
                None,
                f"{section} has no plain words for '{least}', which a decision shows when no rule "
                f"sets {name}; add `{section}: {{{least}: {{label: ...}}}}`",
            )
    for rule in pack.rules:
        for outputs in _outputs(rule.then, rule.if_unknown):
            for section, value in _output_ids(outputs):
                if missing(section, value):
                    yield Finding(
                        "schema",
                        rule.file,
                        rule.line,
                        f"rule {rule.id} can give '{value}', but labels.yaml has no plain words for "
                        f"it; add it under `{section}:` in labels.yaml",
                    )


def _labels_for_unknown_values(pack: Pack) -> Iterator[Finding]:
    labels_file = str(pack.path / "labels.yaml")
    raw = pack.files.get(labels_file)
    values_raw = raw.get("values") if isinstance(raw, LineDict) else None
    for fact, words in pack.labels.values.items():
        line = values_raw.key_lines.get(fact) if isinstance(values_raw, LineDict) else None
        spec = contract.FACTS.get(fact)
        if spec is None:
            yield Finding("schema", labels_file, line, f"values: there is no fact called '{fact}'")
            continue
        entry = values_raw.get(fact) if isinstance(values_raw, LineDict) else None
        for value in words:
            if value not in spec.values:
                at = entry.key_lines.get(value, line) if isinstance(entry, LineDict) else line
                yield Finding(
                    "schema",
                    labels_file,
                    at,
                    f"values.{fact}: '{value}' is not a value of {fact}; "
                    f"allowed values: {', '.join(spec.values)}",
                )


def _glossary_duplicates(pack: Pack) -> Iterator[Finding]:
    glossary_file = str(pack.path / "glossary.yaml")
    raw: Any = pack.files.get(glossary_file)
    items = raw.get("glossary") if isinstance(raw, LineDict) else raw
    lines = getattr(items, "item_lines", None) or [None] * len(pack.glossary)
    seen: dict[str, int | None] = {}
    for entry, line in zip(pack.glossary, lines, strict=False):
        for term in (entry.term, *entry.aliases):
            key = term.strip().lower()
            if key in seen:
                first = f" (first on line {seen[key]})" if seen[key] else ""
                yield Finding(
                    "schema",
                    glossary_file,
                    line,
                    f"the glossary explains '{term}' twice{first}; keep one entry",
                )
            else:
                seen[key] = line
