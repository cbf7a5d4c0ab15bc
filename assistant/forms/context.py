"""What a referral form says: the referral details, the decision and the answers, as plain data.

`build_form` gathers everything every format needs into one `Form`: its `context` is a dict of
plain strings, lists and dicts that the templates (Markdown, text, HTML, Word) read. Free text
is passed through untouched; each format escapes it for itself. User text is always data
given to a template, never part of a template's source.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from assistant.core import contract
from assistant.core.case import Referral
from assistant.core.engine import Decision
from assistant.core.errors import InputError
from assistant.core.pack import Label, Pack
from assistant.forms.form_words import FormField, FormSpec, FormWords, load_form_words

# Answers that describe a concern about the system, for pre-filling "why there is learning".
CONCERN_FACTS = (
    "improvements_needed",
    "recurrent_themes",
    "multi_agency_concerns",
    "single_agency_concerns",
    "no_agency_involvement_concern",
    "cross_area",
    "institutional_setting",
    "national_issues",
)

# Which parallel process each signpost points to, for pre-filling the form from the decision.
SIGNPOST_PROCESSES: dict[str, str] = {
    "child_death_review": "child_death_review",
    "coroner": "inquest",
    "dhr": "dhr",
    "sar": "sar",
}


def show_date(value: dt.date | None) -> str:
    """A date as people write it on a form in England: 2 March 2026 (portable, no %-d)."""
    return f"{value.day} {value:%B %Y}" if value else ""


def _label(table: Mapping[str, Label], key: str) -> Label:
    return table.get(key) or Label(label=key.replace("_", " ").capitalize())


def field_value(referral: Referral, name: str) -> Any:
    """The raw value of a dotted referral field (`child.name`)."""
    node: Any = referral
    for part in name.split("."):
        node = getattr(node, part)
    return node


def is_unborn(referral: Referral, answers: Mapping[str, Any]) -> bool:
    if answers.get("subject_age_band") == "unborn":
        return True
    return bool(referral.child.expected_due_date and not referral.child.date_of_birth)


def choose_form(decision: Decision, override: str | None = None) -> str:
    """The form the decision calls for, or the override; InputError when there is none."""
    if override:
        if override not in contract.FORMS:
            raise InputError(
                f"--form: {override!r} is not a form; forms: {', '.join(contract.FORMS)}"
            )
        return override
    if decision.form is None:
        raise InputError(
            f"the decision for this case calls for no referral form (outcome: "
            f"{decision.route.replace('_', ' ')}); to prepare one anyway, give --form "
            f"{' or --form '.join(contract.FORMS)}"
        )
    return decision.form


@dataclass
class Form:
    """A referral form ready to render: which form, its words, and the template context."""

    id: str
    spec: FormSpec
    words: FormWords
    context: dict[str, Any]
    referral: Referral
    decision: Decision
    answers: dict[str, Any]
    pack: Pack
    prepared_on: dt.date

    @property
    def endorsed(self) -> bool:
        return bool(self.context["endorsed"])

    @property
    def missing(self) -> list[str]:
        return list(self.context["missing"])


def visible_fields(
    spec: FormSpec, referral: Referral, answers: Mapping[str, Any]
) -> list[FormField]:
    """The form's fields for this child (date of birth, or expected delivery if unborn)."""
    unborn = is_unborn(referral, answers)
    out = []
    for f in spec.fields:
        shown = f.when is None or (f.when == "unborn") == unborn or field_value(referral, f.name)
        if shown:
            out.append(f)
    return out


def _display(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return show_date(value)
    return str(value)


def _group(model: Any) -> dict[str, str]:
    return {name: _display(getattr(model, name)) for name in type(model).model_fields}


def _agency(agency: Any) -> dict[str, str]:
    return {
        "name": agency.name or "",
        "involvement": agency.involvement or "",
        "contact": agency.contact or "",
    }


def endorsed(referral: Referral) -> bool:
    """The hard gate: the agency's Practice Review Subgroup representative is named."""
    return bool((referral.endorsed_by.name or "").strip())


def build_form(
    pack: Pack,
    decision: Decision,
    answers: Mapping[str, Any] | None = None,
    referral: Referral | None = None,
    form_id: str | None = None,
    today: dt.date | None = None,
    trace: bool = False,
) -> Form:
    """Everything a form shows, from the decision, the answers given and the referral details.

    `trace` adds the appendix: every rule that applies or may apply, with its words and sources
    (off by default: the decision block carries the few reasons that decided it)."""
    answers = dict(answers or {})
    referral = referral or Referral()
    form_id = choose_form(decision, form_id)
    words = load_form_words(pack)
    spec = words.forms[form_id]
    prepared_on = referral.referral_date or today or dt.date.today()
    processes = words.processes

    age = (
        pack.value_words("subject_age_band", answers["subject_age_band"])
        if "subject_age_band" in answers
        else ""
    )
    sections: list[dict[str, Any]] = []
    missing: list[str] = []
    shown = {f.name for f in visible_fields(spec, referral, answers)}
    for section in spec.sections:
        fields: list[dict[str, Any]] = []
        for f in section.fields:
            if f.name not in shown:
                continue
            raw = field_value(referral, f.name)
            item: dict[str, Any] = {
                "name": f.name,
                "label": f.label,
                "kind": f.kind,
                "required": f.required,
            }
            if f.kind == "agencies":
                item["items"] = [_agency(a) for a in raw]
                item["value"] = ""
                empty = not raw
            elif f.kind == "processes":
                item["items"] = [processes.get(p, p.replace("_", " ")) for p in raw]
                item["value"] = ""
                empty = not raw
            else:
                item["value"] = _display(raw)
                empty = not item["value"].strip()
            item["missing"] = f.required and empty
            if item["missing"]:
                missing.append(f"{section.heading}: {f.label}")
            fields.append(item)
            if f.name == "child.name" and age:
                fields.append(
                    {
                        "name": "age",
                        "label": words.word("age_label"),
                        "kind": "text",
                        "value": age,
                        "required": False,
                        "missing": False,
                    }
                )
        sections.append(
            {
                "heading": section.heading,
                "note": section.note,
                "endorsement": section.endorsement,
                "fields": fields,
            }
        )

    is_endorsed = endorsed(referral)
    context: dict[str, Any] = {
        "form_id": form_id,
        "title": spec.title,
        "intro": spec.intro,
        "words": dict(words.words),
        "pack": {
            "name": pack.meta.name,
            "title": pack.meta.title,
            "version": pack.meta.version,
            "area": pack.meta.area,
        },
        "date": show_date(prepared_on),
        "date_iso": prepared_on.isoformat(),
        "referrer": _group(referral.referrer),
        "endorsed_by": _group(referral.endorsed_by),
        "child": _group(referral.child),
        "incident": _group(referral.incident),
        "good_outcome": _group(referral.good_outcome),
        "panel": _group(referral.panel),
        "history": _group(referral.history),
        "family": _group(referral.family),
        "mother": _group(referral.mother),
        "media_interest": referral.media_interest or "",
        "agencies": [_agency(a) for a in referral.agencies],
        "reasons": referral.reasons or "",
        "parallel_processes": [
            processes.get(p, p.replace("_", " ")) for p in referral.parallel_processes
        ],
        "unborn": is_unborn(referral, answers),
        "endorsed": is_endorsed,
        "endorsement_warning": "" if is_endorsed else words.word("endorsement_missing"),
        "sections": sections,
        "missing": missing,
        "age": age,
        "destination": " ".join(pack.meta.referral_destination.split()),
        "referral_address": pack.meta.referral_address.strip(),
        "decision": decision_context(pack, decision, words, answers),
        "appendix": trace,
        "answers": answer_rows(pack, answers),
    }
    return Form(
        id=form_id,
        spec=spec,
        words=words,
        context=context,
        referral=referral,
        decision=decision,
        answers=answers,
        pack=pack,
        prepared_on=prepared_on,
    )


def _criteria_sources(pack: Pack, decision: Decision) -> dict[str, list[str]]:
    """For each criterion met, the sources of the rules (that fired for sure) which set it."""
    out: dict[str, list[str]] = {}
    for reason in decision.reasons:
        if not reason.certain:
            continue
        for rule in pack.rules_by_id.get(reason.rule, []):
            for criterion in rule.then.reviews.criteria_met:
                sources = out.setdefault(criterion, [])
                if reason.source not in sources:
                    sources.append(reason.source)
    return out


def decision_context(
    pack: Pack,
    decision: Decision,
    words: FormWords,
    answers: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The form's decision block, in the outcome's shape: what applies on the facts given (the
    items that only may apply are worded "If ..."), the Do-now lines and the few reasons that
    decided it with readable sources. The whole rule list is `trace`, for the appendix."""
    from assistant.core.outcome import build_outcome, readable_source

    labels = pack.labels
    route = _label(labels.routes, decision.route)
    outcome = build_outcome(pack, decision, answers or {})
    possible = {(p.kind, p.id) for p in decision.possible}
    sources = _criteria_sources(pack, decision)
    timeline: list[dict[str, str]] = []
    for line in outcome.do_now:
        timeline.append(
            {
                "label": line.what,
                "who": line.who,
                "due": line.done or line.when or labels.outcome.get("no_date", "now"),
                "due_iso": "",
                "note": line.how,
            }
        )
    for n in decision.notifications:  # machine-readable dates, for those who sort by them
        for t in timeline:
            label = labels.do_now.get(n.id)
            if n.due and label is not None and t["label"] == label.what:
                t["due_iso"] = n.due.isoformat()
    reasons = [
        {
            "rule": str(i),
            "title": w.text,
            "text": w.text,
            "source": w.source,
            "note": w.note,
        }
        for i, w in enumerate(outcome.why, 1)
    ]
    trace = []
    for r in decision.reasons:
        notes = []
        if r.status == "unconfirmed":
            notes.append(words.word("confirm_locally"))
        elif r.status == "local":
            notes.append(words.word("local_practice"))
        if r.advice:
            notes.append(words.word("advice_only"))
        if not r.certain:
            notes.append(words.word("if_confirmed"))
        trace.append(
            {
                "rule": r.rule,
                "title": r.title,
                "text": " ".join(r.text.split()),
                "source": readable_source(pack, r.source) or r.source,
                "note": "; ".join(notes),
            }
        )
    signposts = [
        {"label": _label(labels.signposts, s).label, "text": _label(labels.signposts, s).text}
        for s in decision.signposts
        if ("signpost", s) not in possible
    ]
    signposts += [
        {"label": f"If {g.condition}", "text": " ".join(g.items)} for g in outcome.possible
    ]
    return {
        "route": decision.route,
        "route_label": route.label,
        "route_text": outcome.headline or route.text,
        "certain": decision.certain,
        "missing": [fact_words(pack, f) for f in decision.missing],
        "criteria": [
            {
                "id": c,
                "label": _label(labels.criteria, c).label,
                "sources": [readable_source(pack, s) for s in sources.get(c, [])],
            }
            for c in decision.reviews.criteria_met
        ],
        "statutory": _label(labels.statutory, decision.reviews.statutory).label,
        "lcspr": _label(labels.lcspr, decision.reviews.lcspr).label,
        "national_review": _label(labels.national_review, decision.reviews.national_review).label,
        "local_options": [
            {
                "label": _label(labels.local_options, o).label,
                "text": _label(labels.local_options, o).text,
            }
            for o in decision.reviews.local_options
            if ("local_option", o) not in possible
        ],
        "timeline": timeline,
        "signposts": signposts,
        "reasons": reasons,
        "trace": trace,
        "send_to": outcome.referral_email,
        "rules": {
            "name": decision.rules.name,
            "version": decision.rules.version,
            "in_force_on": show_date(decision.rules.in_force_on),
        },
    }


def fill_from_answers(pack: Pack, answers: Mapping[str, Any], referral: Referral) -> Referral:
    """The referral with the fields the answers already settle filled in where empty: the
    incident's dates, type and place, who caused the harm, the Panel notification, the child's
    legal status, the escalation policy not used, and no other child at risk. For a case file's
    form; the chat's form screen uses `prefill`, which also does this."""
    data = referral.model_dump()
    incident = data["incident"]
    for fact, key in (("incident_date", "date"), ("aware_date", "aware_date")):
        value = answers.get(fact)
        if incident[key] is None and isinstance(value, dt.date):
            incident[key] = value
    _prefill_from_answers(pack, load_form_words(pack), answers, data)
    return Referral.model_validate(data)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _prefill_from_answers(
    pack: Pack, words: FormWords, answers: Mapping[str, Any], data: dict[str, Any]
) -> None:
    """Fill the fields whose answer the conversation already holds, where they are empty."""
    incident, panel, child = data["incident"], data["panel"], data["child"]
    if not incident["type"]:
        if answers.get("harm") == "died":
            incident["type"] = words.word("type_died")
        elif answers.get("harm") == "serious_harm":
            incident["type"] = words.word("type_serious_harm")
        elif answers.get("harmed_another") == "yes":
            incident["type"] = words.word("type_harmed_another")
    location = answers.get("incident_location")
    if not incident["location"] and location and location != contract.UNKNOWN:
        incident["location"] = _capital(pack.value_words("incident_location", location))
    who = answers.get("perpetrator_relationship")
    if not incident["alleged_perpetrator"] and who in ("family_partner_or_household", "other"):
        incident["alleged_perpetrator"] = _capital(
            pack.value_words("perpetrator_relationship", who)
        )
    notified = answers.get("notification_date")
    if isinstance(notified, dt.date):
        panel["date"] = panel["date"] or notified
        panel["notified"] = panel["notified"] or words.word("panel_notified_yes")
    elif notified == contract.NOT_YET:  # the answer "Not yet"
        panel["notified"] = panel["notified"] or words.word("panel_notified_not_yet")
    if not child["legal_status"]:
        if answers.get("looked_after") == "yes":
            child["legal_status"] = words.word("legal_looked_after")
        elif answers.get("care_leaver") == "yes":
            child["legal_status"] = words.word("legal_care_leaver")
    history, family = data["history"], data["family"]
    if not history["escalation_outcome"] and answers.get("escalation_tried") == "no":
        history["escalation_outcome"] = words.word("escalation_not_used")
    if not family["siblings_safe"] and answers.get("immediate_risk") == "no":
        family["siblings_safe"] = words.word("siblings_no_risk")


def fact_words(pack: Pack, fact: str) -> str:
    if fact in pack.labels.facts:
        return pack.labels.facts[fact].label
    question = pack.question_for.get(fact)
    return question.text if question else fact.replace("_", " ")


def answer_rows(pack: Pack, answers: Mapping[str, Any]) -> list[dict[str, str]]:
    """The answers given, in the order the questions are asked, in plain words."""
    order = {q.fact: i for i, q in enumerate(pack.questions)}
    names = list(contract.FACTS)
    rows = []
    for fact in sorted(
        answers, key=lambda f: (order.get(f, len(order)), names.index(f) if f in names else 0)
    ):
        if fact not in contract.FACTS:
            continue
        question = pack.question_for.get(fact)
        rows.append(
            {
                "fact": fact,
                "question": question.text if question else fact_words(pack, fact),
                "answer": show_date(answers[fact])
                if isinstance(answers[fact], dt.date)
                else pack.value_words(fact, answers[fact]),
            }
        )
    return rows


def prefill(
    pack: Pack,
    decision: Decision,
    answers: Mapping[str, Any],
    referral: Referral | None = None,
    today: dt.date | None = None,
) -> Referral:
    """The referral details, with what the conversation already knows filled in where empty.

    Dates from the answers, the area when the child lives in the partnership's area, the
    concerns from the criteria met, the parallel processes the signposts point to, the type and
    place of the incident, who caused the harm, the Panel notification, the child's legal
    status, the escalation policy not used, and no other child at risk. Nothing the person has
    typed is ever replaced.
    """
    data = (referral or Referral()).model_dump()
    words = load_form_words(pack)
    incident = data["incident"]
    for fact, key in (("incident_date", "date"), ("aware_date", "aware_date")):
        value = answers.get(fact)
        if incident[key] is None and isinstance(value, dt.date):
            incident[key] = value
    _prefill_from_answers(pack, words, answers, data)
    child = data["child"]
    if (
        not child["address_area"]
        and answers.get("normally_resident_in_area") == "yes"
        and pack.meta.area
    ):
        child["address_area"] = pack.meta.area
    if not data["reasons"]:
        labels = pack.labels.criteria
        lines = [_label(labels, c).label for c in decision.reviews.criteria_met]
        if not lines:  # below the statutory threshold: the concerns the person said yes to
            lines = [fact_words(pack, f) for f in CONCERN_FACTS if answers.get(f) == "yes"]
        data["reasons"] = "\n".join(lines) or None
    if not data["parallel_processes"]:
        data["parallel_processes"] = [
            p
            for p in contract.PARALLEL_PROCESSES
            if p in {SIGNPOST_PROCESSES.get(s) for s in decision.signposts}
        ]
    if data["referral_date"] is None:
        data["referral_date"] = today or dt.date.today()
    return Referral.model_validate(data)
