"""Every source tag the rules and glossary cite (`[C: S4, S3]`) is in the pack's sources.yaml, so
an outcome names the source a person can look up instead of the tag; and every Do-now wording in
labels.yaml names a duty a decision can hold. (Labels for every id a decision can show are
checked in schema.py.)
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from assistant.core import contract
from assistant.core.pack import Pack
from assistant.lint.findings import Finding

_TAG = re.compile(r"\[[^\]]*\]")
_SOURCE_ID = re.compile(r"\bS\d+\b")


def source_findings(pack: Pack) -> list[Finding]:
    return [*_tags_without_sources(pack), *_do_now_without_duty(pack)]


# Do-now lines the outcome makes itself, besides the notifications, deadlines and forms
OUTCOME_DUTIES = ("urgent", "other_area")


def _do_now_without_duty(pack: Pack) -> Iterator[Finding]:
    """labels.yaml `do_now` entries must name a duty a decision can hold, or they never show."""
    duties = set(OUTCOME_DUTIES) | set(contract.NOTIFICATIONS) | set(contract.FORMS)
    for rule in pack.rules:
        for outputs in (rule.then, rule.if_unknown):
            if outputs is not None:
                duties |= {d.id for d in outputs.deadlines}
    labels_file = str(pack.path / "labels.yaml")
    for key, entry in pack.labels.do_now.items():
        for name in (key, *entry.same_duty):
            if name not in duties:
                yield Finding(
                    "schema",
                    labels_file,
                    None,
                    f"do_now: '{name}' is not a notification, deadline or form any rule gives "
                    f"(nor one of {', '.join(OUTCOME_DUTIES)}), so its words are never shown; "
                    "check the spelling",
                )


def _tags_without_sources(pack: Pack) -> Iterator[Finding]:
    if not pack.sources.sources:
        return  # no sources.yaml: outcomes show the tags' own words
    sources_file = str(pack.path / "sources.yaml")
    known = pack.sources.by_id
    cited: list[tuple[str, int | None, str, str]] = []
    for rule in pack.rules:
        cited.append((rule.file, rule.line, f"rule {rule.id}", rule.source))
    glossary_file = str(pack.path / "glossary.yaml")
    for entry in pack.glossary:
        cited.append((glossary_file, None, f"glossary term '{entry.term}'", entry.source))
    reported: set[str] = set()
    for file, line, what, source in cited:
        for tag in _TAG.findall(source):
            for sid in _SOURCE_ID.findall(tag):
                if sid in known or sid in reported:
                    continue
                reported.add(sid)
                yield Finding(
                    "schema",
                    file,
                    line,
                    f"{what} cites {sid}, which sources.yaml does not list; add "
                    f"`- {{id: {sid}, title: ..., link: ...}}` to {sources_file}",
                )
