"""`review-assistant lint`: prove a rule pack complete and consistent, in plain words.

    schema.py     what load_pack reports, and the references it leaves alone
    explore.py    every path of answers through next_question: gaps, overlaps, dead rules
    templates.py  every prompt template renders for every route (StrictUndefined)
    sources.py    every source tag the rules and glossary cite is in sources.yaml
    stubs.py      counterexamples written as rule-test stubs
    findings.py   Finding (file, line, message) and the Report

UI-free: nothing here imports Textual.
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

from assistant.core.errors import InputError
from assistant.core.pack import default_rules_dir, load_pack
from assistant.lint.findings import Finding, Report

DEFAULT_MAX_STATES = 12000


def lint_pack(
    path: Path | str | None = None,
    today: dt.date | None = None,
    max_states: int = DEFAULT_MAX_STATES,
) -> Report:
    """Check the pack in `path` (default: the shipped pack) and report what needs changing."""
    # lazy: every command's parser reads DEFAULT_MAX_STATES; Jinja2 and the walk load only to lint
    from assistant.lint.explore import explore
    from assistant.lint.schema import load_findings, reference_findings
    from assistant.lint.sources import source_findings
    from assistant.lint.templates import form_findings, template_findings

    started = time.perf_counter()
    root = Path(path) if path is not None else default_rules_dir()
    report = Report(root)
    if not root.is_dir() or not (root / "pack.yaml").is_file():
        report.readable = False
        what = "no such folder" if not root.is_dir() else "not a rule pack: pack.yaml is missing"
        report.findings.append(Finding("schema", str(root), None, what))
        return report
    try:
        pack = load_pack(root)
    except InputError as exc:
        report.findings.extend(load_findings(root, exc))
        report.seconds = time.perf_counter() - started
        return report
    report.loaded = True
    report.rules = len(pack.rules)
    report.questions = len(pack.questions)
    report.findings.extend(reference_findings(pack))
    report.findings.extend(source_findings(pack))
    result = explore(pack, today=today, max_states=max_states)
    report.findings.extend(result.findings)
    report.notes.extend(result.notes)
    report.paths, report.states = result.paths, result.states
    found, notes, renderings = template_findings(pack, result.samples)
    report.findings.extend(found)
    report.notes.extend(notes)
    forms, outcomes = form_findings(pack, result.samples)
    report.findings.extend(forms)
    report.templates = renderings + outcomes
    report.seconds = time.perf_counter() - started
    return report


__all__ = ["DEFAULT_MAX_STATES", "Finding", "Report", "lint_pack"]
