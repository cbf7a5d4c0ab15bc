"""Every source tag the rules and glossary cite (`[C: S4, S3]`) is in the pack's sources.yaml, so
an outcome names the source a person can look up instead of the tag. (Labels for every id a
decision can show are checked in schema.py.)
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from assistant.core.lint.findings import Finding
from assistant.core.pack import Pack

_TAG = re.compile(r"\[[^\]]*\]")
_SOURCE_ID = re.compile(r"\bS\d+\b")


def source_findings(pack: Pack) -> list[Finding]:
    return list(_tags_without_sources(pack))


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
