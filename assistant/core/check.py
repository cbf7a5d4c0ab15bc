"""The coordinator's check: does what the partnership chose follow the rules in force at the time?

For each decision record (a case file with a `decision:` block, contract "What the partnership
chose") the case is decided again under the rules in force on the case's date, and the choices
are compared with that decision:

- **differs**: a choice the rules do not allow (an LCSPR or national review for an adult, a rapid
  review where the rules find no serious incident);
- **needs_reason**: a choice the rules leave to the partners but that departs from what they
  indicate (LCSPR criteria met but no LCSPR, a rapid review expected but not held, a national
  review suggested but not asked for, a local method outside the suggested ones, or the choice not
  recorded at all), with no reasons recorded. With reasons recorded such a finding is kept, marked
  `reason_recorded`, and the record agrees;
- **agrees**: otherwise.

Deadlines: the Panel notification is due 5 working days after aware_date (done: the notification
date); the rapid review 15 working days after the notification (done: rapid_review_completed).
The decision is also made again as of today: effective-dated rules can make today's answer differ.

Nothing personal reaches the result: no facts, referral details or recorded reasons are copied,
only the file name, ids, dates and the pack's own words. UI-free: no Textual here.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field

from assistant.core.calendar import working_days_between
from assistant.core.case import CaseFile, PartnershipDecision, load_case
from assistant.core.engine import Decision, decide, in_force_on
from assistant.core.errors import InputError
from assistant.core.pack import Outputs, Pack, Rule
from assistant.core.prompts import environment

Verdict = Literal["agrees", "differs", "needs_reason", "error"]
FindingKind = Literal["differs", "needs_reason", "not_recorded", "reason_recorded"]
DeadlineStatus = Literal["on_time", "late", "overdue", "pending", "not_held", "no_date"]

CASE_SUFFIXES = (".yaml", ".yml", ".json")

# The decision fields whose change between the case's date and today the check reports.
COMPARED_FIELDS = (
    "route",
    "reviews.statutory",
    "reviews.lcspr",
    "reviews.national_review",
    "reviews.local_options",
    "notifications",
    "deadlines",
)


class Finding(BaseModel):
    """One way a choice departs from the rules (contract: field, chosen, expected, rule, text)."""

    field: str
    chosen: str | None
    expected: str
    rule: str | None
    text: str
    kind: FindingKind
    code: str


class DeadlineCheck(BaseModel):
    """A deadline against the record's dates (contract: id, due, done, late_working_days)."""

    id: str
    due: dt.date | None
    done: dt.date | None
    late_working_days: int | None
    basis: str | None = None
    status: DeadlineStatus


class PackChange(BaseModel):
    """A decision field the rules in force today would answer differently."""

    field: str
    then: str
    now: str


class CheckResult(BaseModel):
    """The check of one record (contract "Check result", with a few additions)."""

    file: str
    verdict: Verdict
    findings: list[Finding] = Field(default_factory=list)
    deadlines: list[DeadlineCheck] = Field(default_factory=list)
    pack_version_then: str | None = None
    pack_version_now: str
    differs_under_current_pack: bool | None = None
    # additions to the contract
    error: list[str] | None = None
    in_force_on: dt.date | None = None
    decided_on: dt.date | None = None
    route: str | None = None
    reasons_recorded: bool = False
    pack_changes: list[PackChange] = Field(default_factory=list)
    # lateness of the statutory deadlines: "overdue" (one not done and past due) before "late"
    # (one done late); the verdict and the lateness in the pack's words, for every output
    lateness: Literal["late", "overdue"] | None = None
    verdict_line: str = ""

    @property
    def overdue(self) -> bool:
        """A deadline missed: done late, or not done and past due."""
        return any(d.status in ("late", "overdue") for d in self.deadlines)

    @property
    def older_pack(self) -> bool:
        return (
            self.pack_version_then is not None and self.pack_version_then != self.pack_version_now
        )

    def to_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


@dataclass
class Checked:
    """A result with what produced it, for views that open a record to its full explanation."""

    result: CheckResult
    decision: Decision | None = None
    facts: dict[str, Any] = field(default_factory=dict)


# --- finding the records ------------------------------------------------------------------------


def record_files(paths: Iterable[Path | str]) -> Iterator[tuple[Path, bool]]:
    """Every case file named or inside a named folder, with whether it was named explicitly."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for found in sorted(path.rglob("*")):
                if found.is_file() and found.suffix.lower() in CASE_SUFFIXES:
                    yield found, False
        else:
            yield path, True


# --- checking -----------------------------------------------------------------------------------


def _yes_no(value: bool | None) -> str | None:
    return None if value is None else ("yes" if value else "no")


def _rule_for(pack: Pack, decision: Decision, name: str, value: str) -> str | None:
    """The first rule that fired (or may fire) and set decision field `name` to `value`."""
    setters = pack.index.setters.get((name, value))
    if not setters:
        return None
    on = decision.rules.in_force_on
    for entry in decision.trace:
        if entry.result not in ("fired", "possible") or entry.rule not in setters:
            continue
        for rule in pack.rules_by_id.get(entry.rule, []):
            if rule.in_force(on) and any(
                _sets(out, name, value) for out in _outputs(rule, entry.result)
            ):
                return rule.id
    return None


def _outputs(rule: Rule, result: str) -> list[Outputs]:
    if result == "possible" and rule.if_unknown is not None:
        return [rule.if_unknown, rule.then]
    return [rule.then]


def _sets(outputs: Outputs, name: str, value: str) -> bool:
    if name == "reviews.local_options":
        return value in outputs.reviews.local_options
    return any(n == name and v == value for n, v in outputs.scalars())


class _Words:
    """Finding texts from prompts/check/finding.txt.j2, so a partnership can reword them."""

    def __init__(self, pack: Pack) -> None:
        self.pack = pack
        self.template = environment(pack).get_template("check/finding.txt.j2")
        self.cache: dict[tuple[Any, ...], str] = {}
        self.module: Any = None

    def __call__(self, code: str, kind: str, **ctx: Any) -> str:
        key = (code, kind, *sorted(ctx.items()))
        text = self.cache.get(key)
        if text is None:
            text = self.template.render(
                pack=self.pack, labels=self.pack.labels, code=code, kind=kind, **ctx
            ).strip()
            text = self.cache[key] = " ".join(text.split())
        return text

    def verdict_line(self, result: CheckResult) -> str:
        """The verdict with each late or overdue deadline (prompts/check/words.j2)."""
        from assistant.core.prompts import environment

        if self.module is None:
            self.module = environment(self.pack).get_template("check/words.j2").module
        return " ".join(str(self.module.verdict_line(result)).split())


def _lateness(deadlines: Sequence[DeadlineCheck]) -> Literal["late", "overdue"] | None:
    statuses = {d.status for d in deadlines}
    return "overdue" if "overdue" in statuses else "late" if "late" in statuses else None


@dataclass(frozen=True)
class _Choice:
    """One yes/no choice in the `decision:` block compared with the rules' value for it.

    `wanted`: the rules' values under which the choice is expected to be yes; `forbidden`: the
    values under which a yes departs from what the partners may choose. `duty`: a statutory duty,
    so a "no" where it is wanted differs (free-text reasons cannot excuse it). The codes name the
    finding's words in prompts/check/finding.txt.j2 ({expected} is the rules' value).
    """

    field: str
    reviews_field: str
    wanted: tuple[str, ...]
    forbidden: tuple[str, ...]
    duty: bool
    not_recorded: str
    declined: str
    yes_forbidden: str
    yes_unwanted: str
    rule_for_yes: bool = True


CHOICES = (
    # A notification means a rapid review (R-05a): a duty, unless the partners later found the
    # notification criteria not met (recorded as criteria_found_not_met, handled below).
    _Choice(
        "rapid_review",
        "statutory",
        wanted=("rapid_review",),
        forbidden=("none",),
        duty=True,
        not_recorded="rapid_review_not_recorded",
        declined="rapid_review_not_held",
        yes_forbidden="rapid_review_not_expected",
        yes_unwanted="rapid_review_not_expected",
        rule_for_yes=False,
    ),
    # LCSPR: meeting the criteria does not oblige a review; the partners decide and record why.
    _Choice(
        "lcspr",
        "lcspr",
        wanted=("indicated", "possible"),
        forbidden=("not_applicable",),
        duty=False,
        not_recorded="lcspr_not_recorded",
        declined="lcspr_{expected}_not_commissioned",
        yes_forbidden="lcspr_not_applicable",
        yes_unwanted="lcspr_without_criteria",
    ),
    # National review: the partners may suggest one; the Panel decides.
    _Choice(
        "national_review_referral",
        "national_review",
        wanted=("suggested",),
        forbidden=("not_applicable",),
        duty=False,
        not_recorded="national_not_recorded",
        declined="national_not_referred",
        yes_forbidden="national_not_applicable",
        yes_unwanted="national_without_criteria",
    ),
)


def _chosen(decision: PartnershipDecision, name: str) -> str | None:
    """The record's yes/no for a choice; a rapid review completed was held, and one the partners
    found not called for (criteria_found_not_met) was not."""
    value = _yes_no(getattr(decision, name))
    if name == "rapid_review" and value is None:
        if decision.rapid_review_completed is not None:
            return "yes"
        if decision.criteria_found_not_met:
            return "no"
    return value


def _findings(
    pack: Pack,
    case: CaseFile,
    decision: Decision,
    words: _Words,
    notified: dt.date | None,
    today: dt.date,
) -> list[Finding]:
    chosen = case.decision
    assert chosen is not None
    reasons = bool(chosen.reasons and chosen.reasons.strip())
    out: list[Finding] = []

    def add(
        name: str, value: str | None, expected: str, code: str, kind: FindingKind, rule: str | None
    ) -> None:
        if kind == "needs_reason" and reasons:
            kind = "reason_recorded"
        text = words(
            code, kind, expected=expected, chosen=value, found_on=chosen.criteria_found_not_met_on
        )
        out.append(
            Finding(
                field=name,
                chosen=value,
                expected=expected,
                rule=rule,
                text=text,
                kind=kind,
                code=code,
            )
        )

    # The Panel notification is a duty: one past due (or, with no date to count from, a decision
    # taken without it) and not made differs, whatever the reasons say.
    for n in decision.notifications:
        if n.id == "panel_notification" and n.certain and notified is None:
            if (today > n.due) if n.due is not None else chosen.decided_on is not None:
                add(
                    "notification_date",
                    None,
                    "panel_notification",
                    "panel_not_notified",
                    "differs",
                    n.rule or None,
                )

    for choice in CHOICES:
        expected = getattr(decision.reviews, choice.reviews_field)
        value = _chosen(chosen, choice.field)
        why = _rule_for(pack, decision, f"reviews.{choice.reviews_field}", expected)
        if expected in choice.wanted:
            if value is None:
                add(choice.field, None, expected, choice.not_recorded, "not_recorded", why)
            elif value == "no":
                code = choice.declined.format(expected=expected)
                kind: FindingKind = "differs" if choice.duty else "needs_reason"
                if choice.duty and chosen.criteria_found_not_met:
                    code, kind = "rapid_review_criteria_not_met", "needs_reason"
                add(choice.field, "no", expected, code, kind, why)
        elif value == "yes":
            why = why if choice.rule_for_yes else None
            if expected in choice.forbidden:
                add(choice.field, "yes", expected, choice.yes_forbidden, "differs", why)
            else:
                add(choice.field, "yes", expected, choice.yes_unwanted, "needs_reason", why)

    # Local method: one of the methods the rules suggest for this case.
    method = chosen.local_method
    options = decision.reviews.local_options
    if method and method != "none" and method not in options:
        why = _rule_for(pack, decision, "reviews.local_options", options[0]) if options else None
        add(
            "local_method",
            method,
            ", ".join(options) or "none",
            "local_method_not_suggested",
            "needs_reason",
            why,
        )
    return out


def _deadlines(
    case: CaseFile, decision: Decision, notified: dt.date | None, today: dt.date
) -> list[DeadlineCheck]:
    chosen = case.decision
    assert chosen is not None
    out: list[DeadlineCheck] = []

    def status(due: dt.date | None, done: dt.date | None) -> tuple[DeadlineStatus, int | None]:
        if done is not None:
            if due is None:
                return "no_date", None
            late = working_days_between(due, done)
            return ("late" if late else "on_time"), late
        if due is None:
            return "no_date", None
        return ("overdue" if today > due else "pending"), None

    for n in decision.notifications:
        if n.id == "panel_notification":
            state, late = status(n.due, notified)
            out.append(
                DeadlineCheck(
                    id=n.id,
                    due=n.due,
                    done=notified,
                    late_working_days=late,
                    basis=n.basis,
                    status=state,
                )
            )
    for d in decision.deadlines:
        if d.id == "rapid_review":
            done = chosen.rapid_review_completed
            if _chosen(chosen, "rapid_review") == "no" and done is None:
                out.append(
                    DeadlineCheck(
                        id=d.id,
                        due=d.due,
                        done=None,
                        late_working_days=None,
                        basis=d.basis,
                        status="not_held",
                    )
                )
                continue
            state, late = status(d.due, done)
            out.append(
                DeadlineCheck(
                    id=d.id,
                    due=d.due,
                    done=done,
                    late_working_days=late,
                    basis=d.basis,
                    status=state,
                )
            )
    return out


def _compared(decision: Decision) -> dict[str, str]:
    r = decision.reviews
    return {
        "route": decision.route,
        "reviews.statutory": r.statutory,
        "reviews.lcspr": r.lcspr,
        "reviews.national_review": r.national_review,
        "reviews.local_options": ", ".join(r.local_options) or "none",
        "notifications": ", ".join(n.id for n in decision.notifications) or "none",
        "deadlines": ", ".join(d.id for d in decision.deadlines) or "none",
    }


def _impossible_dates(
    facts: dict[str, Any],
    notified_in_decision: dt.date | None,
    completed: dt.date | None,
    notified: dt.date | None,
    chosen: PartnershipDecision | None = None,
) -> list[str]:
    """Dates in the decision block that cannot be right, named with the fix."""
    problems: list[str] = []
    if chosen is not None:
        found, found_on = chosen.criteria_found_not_met, chosen.criteria_found_not_met_on
        if found and found_on is None:
            problems.append(
                "decision.criteria_found_not_met: yes needs the date the partners found it: add "
                "criteria_found_not_met_on: YYYY-MM-DD"
            )
        if found_on is not None and not found:
            problems.append(
                f"decision.criteria_found_not_met_on: {found_on} is given but "
                "criteria_found_not_met is not yes; add criteria_found_not_met: yes, or remove the date"
            )
        if found and found_on is not None and notified is not None and found_on < notified:
            problems.append(
                f"decision.criteria_found_not_met_on: {found_on} is before the notification "
                f"({notified}); the criteria are found not met after a notification. Check both dates."
            )
    aware = facts.get("aware_date")
    if aware and notified_in_decision and notified_in_decision < aware:
        problems.append(
            f"decision.notification_date: {notified_in_decision} is before aware_date {aware}; the Panel "
            "cannot be notified before the local authority knew. Check both dates."
        )
    if completed and notified and completed < notified:
        problems.append(
            f"decision.rapid_review_completed: {completed} is before the notification ({notified}); a rapid "
            "review follows the notification. Check both dates."
        )
    return problems


def _rules_change_between(pack: Pack, a: dt.date, b: dt.date) -> bool:
    """Whether any rule comes into or goes out of force between two dates (else both agree)."""
    lo, hi = min(a, b), max(a, b)
    return any(
        rule.in_force(lo) != rule.in_force(hi)
        for rule in pack.rules
        if rule.effective_from is not None or rule.effective_to is not None
    )


def check_case(
    pack: Pack, case: CaseFile, file: str, today: dt.date | None = None, words: _Words | None = None
) -> Checked:
    """Check one parsed decision record against the rules in force on its date, and today's."""
    today = today or dt.date.today()
    words = words or _Words(pack)
    chosen = case.decision
    if chosen is None:
        raise InputError(
            f"{file}: no 'decision:' block, so there is nothing to check; add what the partnership chose"
        )
    facts = case.fact_values()
    in_facts = facts.get("notification_date")  # a date, or not_yet (no date)
    notified = (in_facts if isinstance(in_facts, dt.date) else None) or chosen.notification_date
    problems = _impossible_dates(
        facts, chosen.notification_date, chosen.rapid_review_completed, notified, chosen
    )
    if problems:
        raise InputError(f"{file}: {problems[0]}", [f"{file}: {p}" for p in problems])
    if notified is not None:
        facts["notification_date"] = notified
    on = in_force_on(facts, today)
    decision = decide(pack, facts, on=on)
    findings = _findings(pack, case, decision, words, notified, today)
    kinds = {f.kind for f in findings}
    verdict: Verdict = (
        "differs"
        if "differs" in kinds
        else "needs_reason"
        if kinds & {"needs_reason", "not_recorded"}
        else "agrees"
    )
    changes: list[PackChange] = []
    if _rules_change_between(pack, on, today):
        now = decide(pack, facts, on=today)
        then_fields, now_fields = _compared(decision), _compared(now)
        changes = [
            PackChange(field=k, then=then_fields[k], now=now_fields[k])
            for k in COMPARED_FIELDS
            if then_fields[k] != now_fields[k]
        ]
    deadlines = _deadlines(case, decision, notified, today)
    result = CheckResult(
        file=file,
        verdict=verdict,
        findings=findings,
        deadlines=deadlines,
        lateness=_lateness(deadlines),
        pack_version_then=chosen.pack_version,
        pack_version_now=pack.version,
        differs_under_current_pack=bool(changes),
        in_force_on=on,
        decided_on=chosen.decided_on,
        route=decision.route,
        reasons_recorded=bool(chosen.reasons and chosen.reasons.strip()),
        pack_changes=changes,
    )
    result.verdict_line = words.verdict_line(result)
    return Checked(result=result, decision=decision, facts=facts)


_QUOTED = re.compile(r"\(got [^)]*\)|'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"")
_NUMBERS = re.compile(r"\d[\d\- ]{3,}\d")
_WORD = re.compile(r"[A-Za-z0-9_.\-]{1,40}:?")
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*|\d+")
_WHERE = re.compile(r"^(?P<head>.*?(?:, line \d+)?: )(?P<loc>[^:'\"]*?)(?P<rest>: .*)$", re.S)


def _redact(problem: str, file: str = "") -> str:
    """Only ids, dates and the pack's words: a typed value is replaced by "…".

    Referral details and recorded reasons are free text: no value from them is kept. Elsewhere
    (facts, dates, the decision's choices) a one-word value is kept, so a typo such as 'perhaps'
    can be found and fixed, and anything longer (a name, an address typed into a value) is not.
    A key that is not an identifier is replaced too.
    """
    head, body = (
        (file, problem[len(file) :]) if file and problem.startswith(file) else ("", problem)
    )
    match = _WHERE.match(body)
    if match is None:
        head, loc, rest = head, "", body
    else:
        head += match["head"]
        loc = ".".join(p if _IDENT.fullmatch(p) else "…" for p in match["loc"].split("."))
        rest = match["rest"]
    personal = loc.startswith(("referral", "decision.reasons", "…"))

    def value(found: re.Match[str]) -> str:
        text = found.group(0)
        inner = text[5:-1] if text.startswith("(got ") else text[1:-1]
        inner = inner.strip("'\"")
        if not personal and _WORD.fullmatch(inner):
            return text
        return "(got …)" if text.startswith("(got ") else "…"

    rest = _QUOTED.sub(value, rest)
    if loc.startswith(("referral", "decision.reasons")):
        rest = _NUMBERS.sub("…", rest)
    return head + loc + rest


def error_result(
    pack: Pack, file: str, problems: Sequence[str], words: _Words | None = None
) -> CheckResult:
    result = CheckResult(
        file=file,
        verdict="error",
        pack_version_now=pack.version,
        error=[_redact(p, file) for p in problems],
    )
    result.verdict_line = (words or _Words(pack)).verdict_line(result)
    return result


@dataclass
class CheckRun:
    """Every record checked, and the case files in folders that had no decision to check."""

    checked: list[Checked]
    skipped: list[str]

    @property
    def results(self) -> list[CheckResult]:
        return [c.result for c in self.checked]

    @property
    def all_read(self) -> bool:
        return all(c.result.verdict != "error" for c in self.checked)


def check_paths(pack: Pack, paths: Iterable[Path | str], today: dt.date | None = None) -> CheckRun:
    """Check every record in `paths` (files or folders). Unreadable records become error results."""
    today = today or dt.date.today()
    words = _Words(pack)
    checked: list[Checked] = []
    skipped: list[str] = []
    for path, named in record_files(paths):
        file = str(path)
        try:
            case = load_case(path, today=today)
            if case.decision is None and not named:
                skipped.append(file)
                continue
            checked.append(check_case(pack, case, file, today, words))
        except InputError as exc:
            checked.append(Checked(result=error_result(pack, file, exc.problems, words)))
    return CheckRun(checked=checked, skipped=skipped)
