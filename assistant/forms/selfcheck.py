"""Checking a rule pack's forms before anyone needs them: for `lint` and for tests.

`check_forms(pack, outcomes)` loads the pack's forms.yaml, renders every form in every format
for the given outcomes (with an empty referral and with every detail filled in), and checks the
Word templates' tags. It returns (file, problem) pairs; an empty list means every form renders.
UI-free; docxtpl is imported only if there are Word templates to check.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from typing import Any

from assistant.core import contract
from assistant.core.case import Agency, Referral
from assistant.core.engine import Decision
from assistant.core.errors import InputError
from assistant.core.pack import Pack
from assistant.forms import render
from assistant.forms.context import build_form
from assistant.forms.docx import check_template, docx_template_path
from assistant.forms.form_words import forms_file, load_form_words
from assistant.forms.text import TEMPLATES, environment

FILLED = Referral(
    referrer={
        "name": "N",
        "role": "R",
        "agency": "A",
        "email": "n@example.org",
        "phone": "0161 000 0000",
    },
    endorsed_by={"name": "E", "role": "R", "agency": "A"},
    child={"name": "C", "date_of_birth": dt.date(2020, 1, 1), "address_area": "Area"},
    incident={
        "date": dt.date(2026, 1, 1),
        "aware_date": dt.date(2026, 1, 2),
        "description": "D\nD",
    },
    agencies=[Agency(name="A", involvement="I")],
    reasons="R",
    parallel_processes=list(contract.PARALLEL_PROCESSES),
    good_outcome={
        name: "G"
        for name in (
            "starting_situation",
            "what_was_done",
            "outcome",
            "evidence",
            "why_multi_agency",
            "learning",
            "child_voice",
        )
    },
    referral_date=dt.date(2026, 1, 3),
)


def check_forms(
    pack: Pack, outcomes: Iterable[tuple[Decision, Mapping[str, Any]]]
) -> list[tuple[str, str]]:
    """(file, problem) for each way the pack's forms fail to render or its Word templates are wrong."""
    problems: list[tuple[str, str]] = []
    words_file = str(forms_file(pack))
    try:
        load_form_words(pack)
    except InputError as exc:
        return [(words_file, p) for p in exc.problems]

    seen_docx: set[str] = set()
    seen_features: dict[str, set[tuple[str, Any]]] = {}
    tried_every_form = False
    for decision, answers in outcomes:
        if decision.form:
            form_ids = [decision.form]
        elif not tried_every_form:  # an outcome without a form still shows the forms render
            form_ids, tried_every_form = list(contract.FORMS), True
        else:
            continue
        for form_id in form_ids:
            for referral in (Referral(), FILLED):
                form = build_form(
                    pack, decision, answers, referral, form_id, today=dt.date(2026, 1, 3)
                )
                features = context_features(form.context)
                shown = seen_features.setdefault(form_id, set())
                if features <= shown:
                    continue  # takes no template line the forms already rendered did not
                shown |= features
                for fmt in ("md", "txt", "html", "json", "docx"):
                    where = _where(pack, form_id, fmt)
                    if fmt == "docx":
                        if where in seen_docx:
                            continue
                        seen_docx.add(where)
                    try:
                        render(form, fmt)
                    except InputError as exc:
                        problems += [(where, p) for p in exc.problems]
                    except Exception as exc:  # a template is pack data: any failure is a problem
                        line = getattr(exc, "lineno", None)
                        problems.append(
                            (
                                where,
                                f"{'line ' + str(line) + ': ' if line else ''}the {form_id} form "
                                f"fails for route {decision.route}: {exc}",
                            )
                        )
    for form_id in contract.FORMS:
        path = docx_template_path(pack, form_id)
        for problem in check_template(path, pack):
            problems.append((str(path), str(problem)))
    return list(dict.fromkeys(problems))


_ID = re.compile(r"[a-z0-9_]+")


def context_features(value: Any, path: str = "") -> frozenset[tuple[str, Any]]:
    """What a template can tell apart in a form's context, as (where, what) pairs: ids and
    kinds as they are, free words only as "some" or "none", lists as empty or not, and each
    list item's own features under the list's name.

    Templates branch on whether a value is there, on ids (a route, a field's kind) and on what
    each item of a loop holds. An outcome whose features have all been seen takes no template
    line that the outcomes already rendered did not, so it need not be rendered again. Words
    themselves cannot make a template fail.
    """
    found: set[tuple[str, Any]] = set()
    stack: list[tuple[str, Any]] = [(path, value)]
    while stack:
        where, item = stack.pop()
        if isinstance(item, str):
            found.add((where, item if _ID.fullmatch(item) else ("words", bool(item.strip()))))
        elif isinstance(item, Mapping):
            stack.extend((f"{where}.{key}", part) for key, part in item.items())
        elif isinstance(item, list | tuple):
            found.add((where, "items" if item else "empty"))
            inside = f"{where}[]"
            stack.extend((inside, part) for part in item)
        elif item is None or isinstance(item, bool | int):
            found.add((where, item))
        else:
            found.add((where, type(item).__name__))
    return frozenset(found)


def _where(pack: Pack, form_id: str, fmt: str) -> str:
    """The file a format is rendered from (the pack's own, or the shipped one)."""
    if fmt == "docx":
        return str(docx_template_path(pack, form_id))
    if fmt == "json":
        return "assistant/forms/record.py"
    return str(environment(fmt, pack).get_template(TEMPLATES[fmt]).filename)
