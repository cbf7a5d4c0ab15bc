"""The outcome a practitioner reads, as data: one shape for every front end and form.

A headline naming who acts; one Do-now line per duty (what, who, by which date, how or where,
or done with its date); which review; the items that only may apply, grouped by the facts that
would settle them and always introduced with "If"; and the few reasons that decided it, each
with a source a person can look up. The words come from the pack (labels.yaml `headlines`,
`do_now`, each label's `if`, sources.yaml); the templates in prompts/outcome/ lay them out as
text or Markdown. No I/O and no Textual.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from assistant.core import contract
from assistant.core.calendar import add_working_days
from assistant.core.engine import Decision, Possible
from assistant.core.if_words import if_words, join_words
from assistant.core.pack import Pack
from assistant.core.placeholders import fill

SHORT_DATE = "%a %-d %b %Y"


def show_date(day: dt.date) -> str:
    """Weekday and date, as the outcome shows every date: "Mon 9 Mar 2026"."""
    return day.strftime(SHORT_DATE)


@dataclass
class DoLine:
    """One duty: what, who, when (date and the count it comes from), how; or done on a date."""

    duty: str
    what: str
    who: str = ""
    when: str = ""
    how: str = ""
    done: str = ""  # "The Panel was notified on Wed 4 Mar 2026": history, not a to-do
    due: dt.date | None = None  # the date in `when`, when the dates give one
    # "due_today" or "overdue" against the day the outcome is read on (build_outcome's `today`);
    # "" when it is not yet due, has no date, is done, or no day was given
    due_state: str = ""


@dataclass
class IfGroup:
    """Items that apply only if `condition` (words after "If") turns out true."""

    condition: str
    items: list[str] = field(default_factory=list)


@dataclass
class WhyLine:
    """A rule that fired on the facts given: its title, a readable source, and any caution."""

    text: str
    source: str
    note: str = ""  # "confirm locally", "local practice", "advice, not a rule in any source"


@dataclass
class Outcome:
    route: str
    title: str
    headline: str
    certain: bool
    open_facts: list[str]  # labels of the facts that would settle the route
    do_now: list[DoLine]
    reviews: list[tuple[str, str]]  # (what, words)
    also: list[tuple[str, str]]  # processes to tell or involve, on the facts given: (label, text)
    possible: list[IfGroup]
    why: list[WhyLine]
    form: str  # the form's label, or ""
    referral_email: str
    rules_title: str
    nothing_settled: str  # shown under Why when no rule fired on the facts given
    rules_version: str
    in_force_on: str


# --- sources ------------------------------------------------------------------------------------

_LEGAL = re.compile(
    r"(\bAct\b|\bSI \d{4}|\bWT\d{4}|Working Together|\breg \d|\bs\d+[A-Z]?\b|Regulations|"
    r"guidance|Guidance)"
)
_TAG = re.compile(r"\[([^\]]*)\]")
_SOURCE_ID = re.compile(r"\bS\d+\b")
_INTERNAL = re.compile(
    r"^\s*((R-[\w-]+|T\d+|SP-[\w-]+|M-[\w-]+|SGOR-[\w-]+|Section \d+[\w ]*?|section \d+|"
    r"\d+(\.\d+)+|\d+)\s*[,;]?\s*)+"
)


def _split_top(text: str) -> list[str]:
    """`text` split at semicolons that are outside brackets and parentheses."""
    parts: list[str] = []
    current: list[str] = []
    depth = 0
    for ch in text:
        if ch in "[(":
            depth += 1
        elif ch in "])":
            depth = max(0, depth - 1)
        if ch == ";" and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return [p.strip() for p in parts if p.strip()]


def _terms(pack: Pack, text: str) -> str:
    terms = pack.sources.terms
    for short in sorted(terms, key=len, reverse=True):
        text = re.sub(rf"(?<![\w/]){re.escape(short)}(?![\w/])", terms[short], text)
    return text


def readable_source(pack: Pack, source: str, limit: int = 2) -> str:
    """A rule's `source` as names a person can look up, without the fact base's tags.

    The legal or guidance references it names are kept (abbreviations in words, from
    sources.yaml `terms`); where it names none, the titles of the first sources it cites.
    "Children Act 2004 s16C(1)(a) [C: S4, S3]" -> "Children Act 2004 s16C(1)(a)".
    """
    named: list[str] = []
    cited: list[str] = []
    plain: list[str] = []  # what is left when a source names no law and cites no known source
    for part in _split_top(source):
        for tag in _TAG.findall(part):
            cited += [s for s in _SOURCE_ID.findall(tag) if s not in cited]
        words = _TAG.sub("", part)
        words = re.sub(r"\([^()]*UNCONFIRMED[^()]*\)", "", words)
        words = re.sub(r"\bUNCONFIRMED\b|\bDERIVED\b|\(prospective[^)]*\)", "", words)
        words = _INTERNAL.sub("", words).strip(" ,;:")
        words = re.sub(r"\s+", " ", words)
        if words and _LEGAL.search(words):
            words = _terms(pack, words)
            if words not in named:
                named.append(words)
        elif words:
            plain.append(_terms(pack, words))
    if named:
        return "; ".join(named[:limit])
    limit = 1  # a source title is long enough on its own
    titles = []
    for sid in cited:
        found = pack.sources.by_id.get(sid)
        if found is not None:
            title = _terms(pack, found.title)
            if found.date and found.date not in title:
                title += f" ({found.date})"
            titles.append(title)
        if len(titles) >= limit:
            break
    return "; ".join(titles or plain[:limit])


def source_note(status: str, advice: bool, source: str) -> str:
    if status == "unconfirmed" or "UNCONFIRMED" in source:
        return "confirm locally"
    if status == "local":
        return "local practice"
    if advice:
        return "advice, not a rule in any source"
    return ""


# --- building -----------------------------------------------------------------------------------


def _known(facts: Mapping[str, Any]) -> dict[str, Any]:
    from assistant.core.engine import _known as known

    return known(facts)


def _spec_days(pack: Pack, rule_id: str, kind: str, item: str) -> int | None:
    """The working days a rule gives a notification or deadline (from the pack, not Python)."""
    for rule in pack.rules_by_id.get(rule_id, []):
        specs = rule.then.notifications if kind == "notification" else rule.then.deadlines
        for spec in specs:
            if spec.id == item:
                return spec.working_days
    return None


def panel_working_days(pack: Pack) -> int | None:
    """The days the pack gives the Panel notification (5), for an area that is not this one."""
    for rule in pack.rules:
        for spec in rule.then.notifications:
            if spec.id == "panel_notification" and spec.working_days is not None:
                return spec.working_days
    return None


def _phrase(pack: Pack, key: str, default: str, **values: Any) -> str:
    """A fixed phrase from labels.yaml `outcome` (else `default`), its placeholders filled in."""
    return fill(pack.labels.outcome.get(key, default), **values)


def _when(
    pack: Pack, due: dt.date | None, days: int | None, basis: str | None, known: Mapping[str, Any]
) -> str:
    """ "Mon 9 Mar 2026, 5 working days from 2 Mar": the date and the count it comes from."""
    if due is None:
        if days is None:
            return ""
        default = "within {days} working days (give the dates to work out the date)"
        return _phrase(pack, "when_unknown", default, days=days)
    text = show_date(due)
    start = known.get(basis or "")
    if days is not None and isinstance(start, dt.date):
        text += ", " + _phrase(
            pack,
            "counted_from",
            "{days} working days from {start}",
            days=days,
            start=start.strftime("%-d %b"),
        )
    elif days is not None and basis == "latest_notification":
        text += ", " + _phrase(
            pack,
            "counted_from_latest",
            "{days} working days from the latest date the Panel can be notified",
            days=days,
        )
    return text


def _label(table: Any, item: str) -> Any:
    """The pack's words for an id; a pack without them shows the id in words (lint reports it)."""
    from assistant.core.pack import Label

    found = table.get(item)
    return found if found is not None else Label(label=item.replace("_", " ").capitalize())


def _who(text: str) -> str:
    """ "The local authority" -> "the local authority" after a colon; names keep their capital."""
    first = text.split(" ", 1)[0]
    return text[:1].lower() + text[1:] if first in ("The", "A", "An", "You") else text


def _do_now(pack: Pack, decision: Decision, known: Mapping[str, Any]) -> list[DoLine]:
    labels = pack.labels
    do_now = labels.do_now
    lines: list[DoLine] = []
    done_lines: list[DoLine] = []
    possible = {(p.kind, p.id) for p in decision.possible}

    if decision.route == "urgent_safeguarding_referral":
        spec = do_now.get("urgent")
        contacts = "; ".join(
            f"{c.name} {c.phone}" + (f" ({c.when})" if c.when else "") for c in pack.urgent_contacts
        )
        lines.append(
            DoLine(
                duty="urgent",
                what=spec.what
                if spec
                else _label(labels.routes, "urgent_safeguarding_referral").label,
                who=spec.who if spec else "",
                how=(spec.how if spec and spec.how else "{contacts}.").replace(
                    "{contacts}", contacts
                ),
            )
        )
        if decision.halted:
            return lines

    location = known.get("incident_location")
    if (
        "other_area_partnership" in decision.signposts
        and ("signpost", "other_area_partnership") not in possible
        and location == "elsewhere_in_england"
    ):
        spec = do_now.get("other_area")
        days = panel_working_days(pack)
        aware = known.get("aware_date")
        due = add_working_days(aware, days) if isinstance(aware, dt.date) and days else None
        lines.append(
            DoLine(
                duty="other_area",
                what=spec.what
                if spec
                else _label(labels.signposts, "other_area_partnership").label,
                who=spec.who if spec else "",
                when=_when(pack, due, days, "aware_date", known),
                due=due,
                how=spec.how if spec else _label(labels.signposts, "other_area_partnership").text,
            )
        )

    absorbed: set[str] = set()
    present = {n.id for n in decision.notifications if ("notification", n.id) not in possible} | {
        d.id for d in decision.deadlines if ("deadline", d.id) not in possible
    }
    for duty in present:
        spec = do_now.get(duty)
        if spec is not None:
            absorbed |= {d for d in spec.same_duty if d != duty}

    def add(duty: str, kind: str, item: Any, label: str) -> None:
        spec = do_now.get(duty)
        days = _spec_days(pack, item.rule, kind, item.id)
        due, basis = item.due, item.basis
        if due is None and spec is not None:
            # a same-duty deadline may carry the date (a looked-after child's death)
            for other in decision.deadlines:
                if other.id in spec.same_duty and other.due is not None:
                    due, basis = other.due, other.basis
                    days = _spec_days(pack, other.rule, "deadline", other.id)
        what = spec.what if spec else label
        for part in spec.same_duty if spec else []:
            joined = do_now.get(part)
            if part in present and joined is not None:
                what += " and " + joined.what[:1].lower() + joined.what[1:]
        line = DoLine(
            duty=duty,
            what=what,
            who=spec.who if spec and spec.who else _terms(pack, _who(item.who)),
            when=_when(pack, due, days, basis, known),
            how=spec.how if spec else "",
            due=due,
        )
        if item.done is not None:
            line.done = (spec.done if spec and spec.done else label) + " on " + show_date(item.done)
            done_lines.append(line)
        else:
            lines.append(line)

    dated = sorted(
        (n for n in decision.notifications if ("notification", n.id) not in possible),
        key=lambda n: (n.due is None, n.due or dt.date.max),
    )
    for n in dated:
        if n.id in absorbed:
            continue
        add(n.id, "notification", n, _label(labels.notifications, n.id).label)

    if decision.form and decision.form in do_now:
        spec = do_now[decision.form]
        contact = pack.referral_contact
        lines.append(
            DoLine(
                duty=decision.form,
                what=spec.what,
                who=spec.who,
                how=spec.how.replace("{email}", contact.email if contact else ""),
            )
        )

    for d in decision.deadlines:
        if d.id in absorbed or ("deadline", d.id) in possible:
            continue
        label = labels.deadlines.get(d.id)
        add(d.id, "deadline", d, label.label if label else _terms(pack, d.what or d.id))
    return lines + done_lines


def due_state(due: dt.date | None, today: dt.date | None) -> str:
    """ "due_today" when `due` is `today`, "overdue" when it has passed; else ""."""
    if due is None or today is None or due > today:
        return ""
    return "due_today" if due == today else "overdue"


def _flag_due(lines: list[DoLine], today: dt.date | None) -> None:
    """Mark each duty still to do that falls due on `today` or has passed; a done one never."""
    for line in lines:
        line.due_state = "" if line.done else due_state(line.due, today)


def _headline(pack: Pack, decision: Decision, known: Mapping[str, Any]) -> str:
    labels = pack.labels
    route_text = labels.routes[decision.route].text if decision.route in labels.routes else ""
    if decision.route != "serious_incident":
        return route_text
    headlines = labels.headlines
    possible = {(p.kind, p.id) for p in decision.possible}
    notifies_here = any(
        n.id == "panel_notification" and ("notification", n.id) not in possible
        for n in decision.notifications
    )
    location = known.get("incident_location")
    if notifies_here and "this_area" in headlines:
        return headlines["this_area"]
    if location == "elsewhere_in_england" and "other_area" in headlines:
        days = panel_working_days(pack)
        aware = known.get("aware_date")
        if isinstance(aware, dt.date) and days:
            due = show_date(add_working_days(aware, days))
        else:
            due = _phrase(pack, "within_days", "within {days} working days", days=days or 5)
        return fill(headlines["other_area"], due=due)
    if location is None and "where_unknown" in headlines:
        return headlines["where_unknown"]
    return route_text


def _fact_if(pack: Pack, fact: str) -> str:
    label = pack.labels.facts.get(fact)
    if label is not None and label.if_:
        return str(label.if_)
    if label is not None:
        return f"{label.label[:1].lower()}{label.label[1:]} is confirmed"
    return "the answers confirm it"


_CRITERIA_GROUPS = (
    ("lcspr", ("reg11_a", "reg11_b", "reg11_c", "reg11_d")),
    (
        "additional",
        ("single_agency", "no_agency_involvement", "cross_area", "institutional_setting"),
    ),
    ("national", ("reg3_b",)),
)


def _possible(pack: Pack, decision: Decision, known: Mapping[str, Any]) -> list[IfGroup]:
    labels = pack.labels
    words = labels.outcome
    groups: dict[str, IfGroup] = {}

    def group(condition: str) -> IfGroup:
        found = groups.get(condition)
        if found is None:
            found = groups[condition] = IfGroup(condition)
        return found

    answers_on = words.get("if_answers_on", "the answers on {facts} confirm it")

    def condition_for(p: Possible, own: str) -> str:
        if own:
            return own
        said = if_words(
            pack,
            p.kind,
            p.id,
            known,
            lambda f: _fact_if(pack, f),
        )
        if said:
            return said
        if len(p.settled_by) == 1:  # one fact open: its words say what it must turn out to be
            return _fact_if(pack, p.settled_by[0])
        if p.settled_by:  # more: named, not combined, as the words cannot say how they combine
            labels = [pack.fact_label(f) for f in p.settled_by]
            named = join_words([label[:1].lower() + label[1:] for label in labels], "and")
            return fill(answers_on, facts=named)
        return words.get("if_answers", "the remaining answers confirm it")

    met = set(decision.reviews.criteria_met)
    criteria = {p.id: p for p in decision.possible if p.kind == "criterion"}
    for name, ids in _CRITERIA_GROUPS:
        open_ids = [c for c in ids if c in criteria]
        if not open_ids or met.intersection(ids):
            continue
        if name == "national" and decision.reviews.national_review == "suggested":
            continue
        if name != "national" and decision.reviews.lcspr == "indicated":
            continue
        ifs = [_label(labels.criteria, c).if_ or _label(labels.criteria, c).label for c in open_ids]
        default = {
            "lcspr": "the partners must consider an LCSPR (the partners decide).",
            "additional": "an additional circumstance the partners should consider for an LCSPR "
            "(confirm locally).",
            "national": "the partners can suggest that the Panel considers a national review.",
        }[name]
        group(join_words(ifs, "or")).items.append(words.get(f"criteria_{name}", default))

    absorbed = {d for spec in labels.do_now.values() for d in spec.same_duty}
    for p in decision.possible:
        if p.kind == "criterion" or (p.kind == "deadline" and p.id in absorbed):
            continue
        table: Any = {
            "signpost": labels.signposts,
            "notification": labels.notifications,
            "local_option": labels.local_options,
            "deadline": labels.deadlines,
        }[p.kind]
        label = table.get(p.id)
        if label is None:
            continue  # lint reports an id without a label; nothing internal is shown
        text = (  # "Domestic Homicide Review. Tell the ...": a colon already ends the condition
            f"{label.label.rstrip('.')}. {label.text}"
            if label.text and p.kind != "notification"
            else label.label
        )
        if not text.endswith("."):
            text += "."
        group(condition_for(p, label.if_)).items.append(text)
    return list(groups.values())


def _signposts_only(outputs: Any) -> bool:
    """A rule that decides nothing, or only names processes (shown under "also")."""
    from assistant.core.pack import Outputs

    return outputs.model_copy(update={"signposts": []}) == Outputs()


def _why(pack: Pack, decision: Decision) -> list[WhyLine]:
    out: list[WhyLine] = []
    seen: set[str] = set()
    for reason in decision.reasons:
        if not reason.certain or reason.rule in seen:
            continue
        rules = pack.rules_by_id.get(reason.rule, ())
        if not rules or all(_signposts_only(r.then) for r in rules):
            continue  # explains, or names a process shown above: in the full trace
        seen.add(reason.rule)
        out.append(
            WhyLine(
                text=reason.title or reason.text,
                source=readable_source(pack, reason.source),
                note=source_note(reason.status, reason.advice, reason.source),
            )
        )
    return out


def _also(pack: Pack, decision: Decision, do_now: list[DoLine]) -> list[tuple[str, str]]:
    """The signposts that apply on the facts given and are not already a Do-now line."""
    possible = {p.id for p in decision.possible if p.kind == "signpost"}
    shown = {line.duty for line in do_now}
    skip = {"other_area_partnership"} if "other_area" in shown else set()
    if "urgent" in shown:
        skip.add("police_or_social_care_now")
    out = []
    for s in decision.signposts:
        label = pack.labels.signposts.get(s)
        if s in possible or s in skip or label is None:
            continue
        out.append((label.label, label.text))
    return out


def _reviews(pack: Pack, decision: Decision) -> list[tuple[str, str]]:
    if decision.route == "urgent_safeguarding_referral":
        return []
    labels = pack.labels
    reviews = decision.reviews
    words = labels.outcome
    out = [
        (
            words.get("review_statutory", "Rapid review"),
            _label(labels.statutory, reviews.statutory).label,
        ),
        (words.get("review_lcspr", "LCSPR"), _label(labels.lcspr, reviews.lcspr).label),
        (
            words.get("review_national", "National review"),
            _label(labels.national_review, reviews.national_review).label,
        ),
    ]
    if reviews.criteria_met:
        out.append(
            (
                words.get("review_criteria", "Criteria met"),
                "; ".join(_label(labels.criteria, c).label for c in reviews.criteria_met),
            )
        )
    possible = {p.id for p in decision.possible if p.kind == "local_option"}
    methods = [
        _label(labels.local_options, o).label for o in reviews.local_options if o not in possible
    ]
    if methods:
        out.append((words.get("review_method", "Method"), "; ".join(methods)))
    return out


def build_outcome(
    pack: Pack,
    decision: Decision,
    facts: Mapping[str, Any] | None = None,
    today: dt.date | None = None,
) -> Outcome:
    """The outcome of `decision` (decided on `facts`) in the pack's words.

    `today` is the day the outcome is read on (a conversation's date): a duty still to do that
    falls due that day, or whose date has passed, is marked (DoLine.due_state) so the words say
    "due today" or "overdue". None (a document read later, a training scenario) marks nothing.
    """
    known = _known(facts or {})
    route = pack.labels.routes.get(decision.route)
    open_facts = [
        pack.labels.facts[f].label if f in pack.labels.facts else f.replace("_", " ")
        for f in decision.missing
        if f in contract.FACTS
    ]
    form = ""
    if decision.form and decision.form in pack.labels.forms:
        form = pack.labels.forms[decision.form].label
    contact = pack.referral_contact
    do_now = _do_now(pack, decision, known)
    _flag_due(do_now, today)
    return Outcome(
        route=decision.route,
        title=route.label if route else decision.route.replace("_", " "),
        headline=_headline(pack, decision, known),
        certain=decision.certain,
        open_facts=open_facts,
        do_now=do_now,
        reviews=_reviews(pack, decision),
        also=_also(pack, decision, do_now),
        possible=_possible(pack, decision, known),
        why=_why(pack, decision),
        form=form,
        referral_email=contact.email if contact else "",
        rules_title=pack.meta.title,
        nothing_settled=pack.labels.outcome.get(
            "nothing_settled" if not decision.certain else "nothing_fired",
            "No rule called for a referral on these answers."
            if decision.certain
            else "No rule is settled on the answers given yet: see what may apply, above.",
        ),
        rules_version=decision.rules.version,
        in_force_on=show_date(decision.rules.in_force_on),
    )
