"""Counterexamples as rule-test stubs, in the format of a pack's tests/*.yaml, ready to fill in."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import yaml

from assistant.lint.findings import Finding

FILL_IN = "FILL_IN"
"""Written where a person must decide the expected value: a test with it fails until they do."""


def write_tests(findings: list[Finding], folder: Path) -> list[Path]:
    """One YAML file per finding with a counterexample; returns the files written."""
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for n, finding in enumerate((f for f in findings if f.answers is not None), start=1):
        facts: dict[str, Any] = {}
        for fact, value in finding.answers or ():
            facts[fact] = value.isoformat() if isinstance(value, dt.date) else value
        name = f"lint {finding.check}: {finding.where()}"
        stub = [{"name": name, "facts": facts, "expected": {"route": FILL_IN}}]
        slug = re.sub(r"[^a-z0-9]+", "-", f"{finding.check} {Path(finding.file).stem}".lower())
        path = folder / f"lint-{n:03d}-{slug.strip('-')}.yaml"
        header = (
            f"# Written by `review-assistant lint --write-tests` for:\n"
            f"#   {finding}\n"
            f"# Replace {FILL_IN} with the route the partnership expects for these answers"
            + (f" (the rules give '{finding.route}' today)" if finding.route else "")
            + ",\n# add any other expected fields, and move the test into the pack's tests/ folder.\n"
        )
        body = yaml.safe_dump(stub, sort_keys=False, allow_unicode=True, width=100)
        path.write_text(header + body, encoding="utf-8")
        written.append(path)
    return written
