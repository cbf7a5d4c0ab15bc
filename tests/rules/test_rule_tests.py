"""The rule pack's YAML rule tests, one pytest case each, plus coverage of the contract's ids.

Each case runs through the real case-file parser and `decide`; only the keys it gives are
compared, and a failure names the file, the case and every field that differs.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from assistant.core import Decision, Pack, contract, load_pack
from tests.support.rule_cases import RuleCase, compare, load_rule_cases, run_case

PACK_DIR = Path(__file__).resolve().parents[2] / "rules" / "salford"
CASES = load_rule_cases(PACK_DIR / "tests")


@cache
def _pack() -> Pack:
    return load_pack(PACK_DIR)


@cache
def _decision(index: int) -> Decision:
    return run_case(_pack(), CASES[index])


@pytest.mark.parametrize("index", range(len(CASES)), ids=[c.id for c in CASES])
def test_rule_case(index: int) -> None:
    case = CASES[index]
    assert not case.problems, f"{case.where()}: the case is malformed: " + "; ".join(case.problems)
    differences = compare(_decision(index), case.expected)
    assert not differences, f"{case.where()}:\n  " + "\n  ".join(differences)


def test_there_are_enough_cases_with_unique_names() -> None:
    assert len(CASES) >= 80
    seen: dict[str, RuleCase] = {}
    for case in CASES:
        assert case.id not in seen, f"{case.where()}: the same name as {seen[case.id].where()}"
        seen[case.id] = case


def _expected_ids() -> dict[str, set[str]]:
    """Every id the cases assert, by kind (asserted ids are produced, or their case fails)."""
    found: dict[str, set[str]] = {k: set() for k in contract.IDS}
    for case in CASES:
        exp = case.expected
        if "route" in exp:
            found["route"].add(exp["route"])
        if exp.get("form"):
            found["form"].add(exp["form"])
        for item in exp.get("notifications") or []:
            found["notification"].add(item["id"] if isinstance(item, dict) else item)
        found["signpost"].update(exp.get("signposts") or [])
        reviews = exp.get("reviews") or {}
        for key, kind in (
            ("statutory", "statutory"),
            ("lcspr", "lcspr"),
            ("national_review", "national_review"),
        ):
            if key in reviews:
                found[kind].add(reviews[key])
        found["criteria"].update(reviews.get("criteria_met") or [])
        found["local_option"].update(reviews.get("local_options") or [])
    return found


@pytest.mark.parametrize("kind", sorted(contract.IDS))
def test_every_contract_id_is_produced_by_a_rule_test(kind: str) -> None:
    asserted = _expected_ids()[kind]
    missing = [i for i in contract.IDS[kind] if i not in asserted]
    assert not missing, f"no rule test expects these {kind} ids: {missing}"


# Rules whose condition holds only while a fact is unknown can never fire with certainty.
ONLY_POSSIBLE = {"SP-age-dispute-age-not-given": "applies while the age band is not known"}


def test_every_rule_fires_in_some_rule_test() -> None:
    fired: set[str] = set()
    possible: set[str] = set()
    for index in range(len(CASES)):
        if CASES[index].problems:
            continue
        for reason in _decision(index).reasons:
            (fired if reason.certain else possible).add(reason.rule)
    never = sorted({r.id for r in _pack().rules} - fired - set(ONLY_POSSIBLE))
    assert not never, f"these rules never fire (certainly) in any rule test: {never}"
    unseen = sorted(set(ONLY_POSSIBLE) - possible)
    assert not unseen, f"these rules are never even possible in any rule test: {unseen}"


def test_effective_date_boundaries_are_tested() -> None:
    """The Panel (29 June 2018) and WT2023 care-leaver (15 December 2023) boundaries, both sides."""
    dates = set()
    for case in CASES:
        for source in (case.facts, case.dates):
            for key in ("aware_date", "incident_date"):
                if key in source:
                    dates.add(str(source[key]))
        if case.on:
            dates.add(str(case.on))
    for day in ("2018-06-28", "2018-06-29", "2023-12-14", "2023-12-15"):
        assert day in dates, f"no rule test is dated {day}"


def test_every_rule_carries_a_source_and_status_and_says_confirm_locally_when_unconfirmed() -> None:
    for rule in _pack().rules:
        assert rule.source.strip(), f"{rule.where}: no source"
        if rule.status == "unconfirmed":
            assert (
                "confirm locally" in rule.text.lower()
                or "confirm them locally" in rule.text.lower()
            ), f"{rule.where}: unconfirmed but its text does not say 'confirm locally'"
        if "[DERIVED]" in rule.source:
            assert rule.advice, f"{rule.where}: cites a DERIVED suggestion but is not marked advice"


# --- the runner itself can fail, and says where --------------------------------------------------


def test_runner_names_the_field_that_differs(tmp_path: Path) -> None:
    (tmp_path / "t.yaml").write_text(
        "- name: wrong on purpose\n"
        "  facts: {immediate_risk: no, subject_age_band: under_16, harm: no_harm,"
        " abuse_or_neglect: not_suspected, multi_agency_concerns: no, single_agency_concerns: no,"
        " positive_outcome: no}\n"
        "  expected:\n"
        "    route: serious_incident\n"
        "    signposts: [coroner]\n"
        "    notifications: [{id: panel_notification, due: 2026-01-02}]\n"
        "    reviews: {lcspr: indicated}\n"
        "    reasons_include: [R-02]\n"
        "    reasons_exclude: [R-07-none]\n",
        encoding="utf-8",
    )
    [case] = load_rule_cases(tmp_path)
    assert not case.problems
    differences = compare(run_case(_pack(), case), case.expected)
    text = "\n".join(differences)
    for field in (
        "route:",
        "signposts:",
        "notifications:",
        "reviews.lcspr:",
        "reasons_include:",
        "reasons_exclude:",
    ):
        assert field in text, f"{field} not reported in:\n{text}"
    assert case.where() == "t.yaml, case 1 ('wrong on purpose')"


def test_runner_reports_malformed_cases_and_misspelt_facts(tmp_path: Path) -> None:
    from assistant.core import InputError

    (tmp_path / "t.yaml").write_text(
        "- name: typo\n  facts: {harm: seriously}\n  expected: {route: no_referral, rout: x}\n"
        "- facts: {}\n  expected: {}\n",
        encoding="utf-8",
    )
    first, second = load_rule_cases(tmp_path)
    assert any("rout" in p for p in first.problems)
    assert any("name" in p for p in second.problems) and any(
        "expected" in p for p in second.problems
    )
    with pytest.raises(InputError) as info:
        run_case(_pack(), first)
    assert "harm" in str(info.value) and "seriously" in str(info.value)


# --- the conversation asks what matters ---------------------------------------------------------

# Cases where the chat, which asks only questions whose answer can still change the decision,
# legitimately stops short of the full case file's outcome (and why).
CHAT_STOPS_SHORT = {
    "75-good-outcome::good outcome and a concern about agencies - the concern referral comes first": "the concern referral outranks the good outcome route, so the SGOR questions are not asked",
    "95-edges::a seriously good outcome for a child whose harming of others is not known keeps its route": "answered 'not sure', whether the child harmed someone keeps the referral route, so the SGOR questions cannot change it and are not asked; a case file that already holds them keeps the good outcome",
}


def _visible(decision: Decision) -> tuple[object, ...]:
    r = decision.reviews
    return (
        decision.route,
        tuple(decision.signposts),
        tuple(sorted(n.id for n in decision.notifications)),
        r.statutory,
        r.lcspr,
        r.national_review,
        tuple(r.criteria_met),
        tuple(r.local_options),
        decision.form,
    )


@pytest.mark.slow
def test_the_conversation_reaches_the_outcome_of_the_full_case() -> None:
    """Answer the chat's questions from each case's facts: it must reach the case's outcome."""
    from assistant.core import decide, next_question
    from tests.support.rule_cases import case_facts

    pack = _pack()
    diverging = []
    for index, case in enumerate(CASES):
        if case.problems or case.id in CHAT_STOPS_SHORT:
            continue
        truth = case_facts(case)
        answers: dict[str, object] = {}
        for _ in range(len(pack.questions) + 1):
            question = next_question(pack, answers, today=case.on)
            if question is None:
                break
            answers[question.fact] = truth.get(question.fact, "unknown")
        chat = decide(pack, {k: v for k, v in answers.items() if v != "unknown"}, on=case.on)
        if _visible(chat) != _visible(_decision(index)):
            diverging.append(
                f"{case.where()}: chat {_visible(chat)} != case {_visible(_decision(index))}"
            )
    assert not diverging, "\n".join(diverging)
