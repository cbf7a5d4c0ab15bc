"""Run the rule pack's YAML rule tests (OpenFisca style) and compare only the keys each case gives.

A rule test file (rules/<pack>/tests/*.yaml) is a list of cases:

    - name: a baby with a suspected non-accidental injury in Salford
      facts: {immediate_risk: no, subject_age_band: under_16, harm: serious_harm, ...}
      dates: {aware_date: 2026-03-02}        # optional; dates may also sit in facts
      on: 2026-03-02                         # optional: decide under the rules in force that day
      expected:
        route: serious_incident
        certain: true
        missing: []
        notifications: [panel_notification, {id: safeguarding_partners_report, due: 2026-03-09}]
        reviews: {statutory: rapid_review, lcspr: indicated, criteria_met: [reg11_c]}
        signposts: [child_death_review]
        form: practice_review_referral         # or null
        deadlines: [{id: rapid_review, due: 2026-03-30, basis: latest_notification}]
        reasons_include: [R-02, R-03a]           # rules that fired (not merely possible)
        reasons_exclude: [R-07-none]             # rules neither fired nor possible
        unsettled_include: [reviews.lcspr]     # fields an unknown fact could still change

Lists of ids (notifications, signposts, criteria_met, local_options, deadlines, missing) are
compared as sets: the decision must hold exactly those. A notification or deadline given as a
mapping also checks its due date, basis or certainty. The facts go through the case-file parser,
so a misspelt fact or value fails the test instead of silently becoming "unknown".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from assistant.core import Decision, Pack, decide, parse_case

CASE_KEYS = {"name", "facts", "dates", "on", "expected", "note"}
EXPECTED_KEYS = {
    "route",
    "certain",
    "missing",
    "notifications",
    "reviews",
    "signposts",
    "form",
    "deadlines",
    "reasons_include",
    "reasons_exclude",
    "unsettled_include",
    "halted",
}
REVIEW_KEYS = {"statutory", "lcspr", "national_review", "criteria_met", "local_options"}


@dataclass
class RuleCase:
    """One case of a rule test file."""

    file: Path
    index: int
    name: str
    facts: dict[str, Any]
    dates: dict[str, Any]
    on: dt.date | None
    expected: dict[str, Any]
    problems: list[str] = field(default_factory=list)  # problems with the case itself

    @property
    def id(self) -> str:
        return f"{self.file.stem}::{self.name}"

    def where(self) -> str:
        return f"{self.file.name}, case {self.index + 1} ({self.name!r})"


def _as_date(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    return value


def load_rule_cases(folder: Path) -> list[RuleCase]:
    """Every case of every *.yaml file in `folder`, in file order; malformed cases keep their problems."""
    cases: list[RuleCase] = []
    for path in sorted(folder.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if not isinstance(data, list):
            cases.append(
                RuleCase(
                    path, 0, "<file>", {}, {}, None, {}, [f"{path.name}: expected a list of cases"]
                )
            )
            continue
        for i, raw in enumerate(data):
            problems: list[str] = []
            if not isinstance(raw, dict):
                cases.append(
                    RuleCase(path, i, f"#{i + 1}", {}, {}, None, {}, ["a case must be a mapping"])
                )
                continue
            if True in raw:  # YAML 1.1 reads a bare `on:` key as the boolean true
                raw = {("on" if k is True else k): v for k, v in raw.items()}
            extra = set(raw) - CASE_KEYS
            if extra:
                problems.append(f"unknown keys {sorted(extra)}; allowed: {sorted(CASE_KEYS)}")
            expected = raw.get("expected") or {}
            if not expected:
                problems.append("no 'expected' block")
            bad = set(expected) - EXPECTED_KEYS
            if bad:
                problems.append(
                    f"unknown expected keys {sorted(bad)}; allowed: {sorted(EXPECTED_KEYS)}"
                )
            bad_reviews = set(expected.get("reviews") or {}) - REVIEW_KEYS
            if bad_reviews:
                problems.append(
                    f"unknown reviews keys {sorted(bad_reviews)}; allowed: {sorted(REVIEW_KEYS)}"
                )
            if "name" not in raw:
                problems.append("no 'name'")
            cases.append(
                RuleCase(
                    file=path,
                    index=i,
                    name=str(raw.get("name", f"#{i + 1}")),
                    facts=dict(raw.get("facts") or {}),
                    dates=dict(raw.get("dates") or {}),
                    on=_as_date(raw.get("on")),
                    expected=expected,
                    problems=problems,
                )
            )
    return cases


def case_facts(case: RuleCase) -> dict[str, Any]:
    """The engine facts for a case, validated by the real case-file parser."""
    text = yaml.safe_dump(
        {"contract": 1, "facts": case.facts, "dates": case.dates}, sort_keys=False
    )
    return parse_case(text, f"{case.file.name}#{case.name}").fact_values()


def run_case(pack: Pack, case: RuleCase) -> Decision:
    return decide(pack, case_facts(case), on=case.on)


def _ids(items: list[Any]) -> list[str]:
    return [item["id"] if isinstance(item, dict) else str(item) for item in items]


def _compare_ids(label: str, expected: list[Any], actual: list[str], out: list[str]) -> None:
    want = sorted(set(_ids(expected)))
    got = sorted(set(actual))
    if want != got:
        missing = sorted(set(want) - set(got))
        unexpected = sorted(set(got) - set(want))
        out.append(
            f"{label}: expected {want}, got {got}"
            + (f" (missing {missing})" if missing else "")
            + (f" (unexpected {unexpected})" if unexpected else "")
        )


def _compare_dated(label: str, expected: list[Any], actual: list[Any], out: list[str]) -> None:
    _compare_ids(label, expected, [a.id for a in actual], out)
    by_id = {a.id: a for a in actual}
    for item in expected:
        if not isinstance(item, dict) or item.get("id") not in by_id:
            continue
        got = by_id[item["id"]]
        for key in ("due", "basis", "certain"):
            if key in item:
                want = _as_date(item[key])
                have = getattr(got, key)
                if want != have:
                    out.append(f"{label}[{item['id']}].{key}: expected {want}, got {have}")


def compare(decision: Decision, expected: dict[str, Any]) -> list[str]:
    """Differences between a decision and the keys a case expects (empty when it matches)."""
    out: list[str] = []
    for key in ("route", "certain", "form", "halted"):
        if key in expected and getattr(decision, key) != expected[key]:
            out.append(f"{key}: expected {expected[key]!r}, got {getattr(decision, key)!r}")
    if "missing" in expected:
        _compare_ids("missing", expected["missing"] or [], decision.missing, out)
    if "signposts" in expected:
        _compare_ids("signposts", expected["signposts"] or [], decision.signposts, out)
    if "notifications" in expected:
        _compare_dated(
            "notifications", expected["notifications"] or [], decision.notifications, out
        )
    if "deadlines" in expected:
        _compare_dated("deadlines", expected["deadlines"] or [], decision.deadlines, out)
    reviews = expected.get("reviews") or {}
    for key in ("statutory", "lcspr", "national_review"):
        if key in reviews and getattr(decision.reviews, key) != reviews[key]:
            out.append(
                f"reviews.{key}: expected {reviews[key]!r}, got {getattr(decision.reviews, key)!r}"
            )
    for key in ("criteria_met", "local_options"):
        if key in reviews:
            _compare_ids(f"reviews.{key}", reviews[key] or [], getattr(decision.reviews, key), out)
    fired = [r.rule for r in decision.reasons if r.certain]
    possible = [r.rule for r in decision.reasons if not r.certain]
    for rule in expected.get("reasons_include") or []:
        if rule not in fired:
            where = " (it is only possible: an unknown fact decides it)" if rule in possible else ""
            out.append(f"reasons_include: rule {rule} did not fire{where}; fired: {fired}")
    for rule in expected.get("reasons_exclude") or []:
        if rule in fired or rule in possible:
            out.append(f"reasons_exclude: rule {rule} is among the reasons but should not be")
    unsettled = [f"{u.field}" for u in decision.unsettled] + [
        f"{u.field}.{u.value}" for u in decision.unsettled
    ]
    for name in expected.get("unsettled_include") or []:
        if name not in unsettled:
            out.append(f"unsettled_include: {name} is not unsettled; unsettled: {unsettled}")
    return out
