"""decide(): routes, the trace, unknowns, deadlines and effective dates."""

from __future__ import annotations

import datetime as dt

import pytest

from assistant.core.engine import decide, in_force_on
from assistant.core.pack import Pack
from tests.support.core import SERIOUS, TODAY


def _trace(decision) -> dict[str, tuple[str, dict[str, str]]]:
    return {(t.rule, t.title): (t.result, t.facts) for t in decision.trace}


def _result(decision, rule: str) -> tuple[str, dict[str, str]]:
    found = [
        (t.result, t.facts) for t in decision.trace if t.rule == rule and t.result != "not_in_force"
    ]
    assert len(found) == 1, found
    return found[0]


def test_immediate_risk_yes_halts_at_once(mini: Pack) -> None:
    d = decide(mini, {**SERIOUS, "immediate_risk": "yes"}, today=TODAY)
    assert d.route == "urgent_safeguarding_referral"
    assert d.certain and d.halted
    assert d.signposts == ["police_or_social_care_now"]
    # nothing after the halting rule is decided, though the case looks like a serious incident
    assert d.notifications == [] and d.form is None
    results = [t.result for t in d.trace]
    assert results[0] == "fired"
    assert set(results[1:]) == {"not_reached"}


def test_serious_incident_with_its_trace(mini: Pack) -> None:
    d = decide(mini, SERIOUS, today=TODAY)
    assert d.route == "serious_incident"
    assert d.certain and d.missing == []
    assert d.reviews.statutory == "rapid_review"
    assert d.form == "practice_review_referral"
    assert [n.id for n in d.notifications] == ["panel_notification"]
    # fired: the facts that satisfied it, in the order the pack asks them, in plain words
    assert _result(d, "SERIOUS") == (
        "fired",
        {"subject_age_band": "under 16", "harm": "serious harm", "abuse_or_neglect": "suspected"},
    )
    # not fired: the fact that stopped it (harm), not the unknown looked_after
    assert _result(d, "LAC-DEATH") == ("not_fired", {"harm": "serious harm"})
    assert _result(d, "RISK") == ("not_fired", {"immediate_risk": "no"})
    assert _result(d, "CONCERNS") == (
        "not_fired",
        {"multi_agency_concerns": "no", "single_agency_concerns": "no"},
    )
    # reasons: the rules that fired, with source and status
    reasons = {r.rule: r for r in d.reasons}
    assert set(reasons) == {"SERIOUS"}
    assert reasons["SERIOUS"].source == "R-02 [C: test]"
    assert reasons["SERIOUS"].status == "confirmed" and reasons["SERIOUS"].certain


def test_practice_review_referral_and_criteria(mini: Pack) -> None:
    facts = {**SERIOUS, "harm": "other_harm", "multi_agency_concerns": "yes"}
    d = decide(mini, facts, today=TODAY)
    assert d.route == "practice_review_referral"
    assert d.reviews.criteria_met == ["reg11_c"]
    assert _result(d, "CONCERNS")[1] == {
        "subject_age_band": "under 16",
        "multi_agency_concerns": "yes",
    }


def test_nothing_fires_no_referral(mini: Pack) -> None:
    facts = {**SERIOUS, "harm": "no_harm"}
    d = decide(mini, facts, today=TODAY)
    assert d.route == "no_referral" and d.certain
    assert d.reasons == []


@pytest.mark.parametrize("unknown", ["harm", "abuse_or_neglect", "subject_age_band"])
def test_an_unknown_never_lowers_the_route(mini: Pack, unknown: str) -> None:
    """Missing or "not sure": the more protective route, certain false, the fact listed."""
    for facts in (
        {k: v for k, v in SERIOUS.items() if k != unknown},
        {**SERIOUS, unknown: "unknown"},
    ):
        d = decide(mini, facts, today=TODAY)
        assert d.route == "serious_incident"
        assert not d.certain
        assert unknown in d.missing
        assert _result(d, "SERIOUS")[0] == "possible"
        assert _result(d, "SERIOUS")[1] == {unknown: "not sure"}
        assert any(u.field == "route" and unknown in u.facts for u in d.unsettled)
        reason = next(r for r in d.reasons if r.rule == "SERIOUS")
        assert not reason.certain
        assert d.notifications[0].certain is False


def test_unknown_immediate_risk_takes_the_urgent_route(mini: Pack) -> None:
    facts = {k: v for k, v in SERIOUS.items() if k != "immediate_risk"}
    d = decide(mini, facts, today=TODAY)
    assert d.route == "urgent_safeguarding_referral"
    assert not d.certain and d.missing == ["immediate_risk"]
    assert not d.halted  # not known, so the rest is still worked out


def test_an_unknown_that_could_only_lower_is_not_missing(mini: Pack) -> None:
    """CONCERNS (a lower route) is unknown, but the route is already certain from SERIOUS."""
    facts = {
        k: v
        for k, v in SERIOUS.items()
        if k not in ("multi_agency_concerns", "single_agency_concerns")
    }
    d = decide(mini, facts, today=TODAY)
    assert d.route == "serious_incident"
    assert d.certain and d.missing == []
    assert _result(d, "CONCERNS")[0] == "possible"
    # a criterion is met only when its facts are known; the unknown one is unsettled
    assert d.reviews.criteria_met == []
    assert any(u.field == "criteria_met" and u.value == "reg11_c" for u in d.unsettled)


def test_no_facts_at_all(mini: Pack) -> None:
    d = decide(mini, {}, today=TODAY)
    assert d.route == "urgent_safeguarding_referral"
    assert not d.certain
    assert d.missing[0] == "immediate_risk"


def test_contract_example_deadlines(mini: Pack, salford: Pack) -> None:
    """contract.md: aware 2026-12-21 -> Panel by 2026-12-30; notified 2026-12-30 -> rapid
    review by 2027-01-21 (Christmas, the Boxing Day substitute and New Year's Day skipped)."""
    facts = {
        "immediate_risk": "no",
        "subject_age_band": "under_16",
        "harm": "serious_harm",
        "abuse_or_neglect": "suspected",
        "incident_location": "in_area",
        "aware_date": dt.date(2026, 12, 21),
    }
    for pack in (mini, salford):
        d = decide(pack, facts, today=TODAY)
        assert d.route == "serious_incident"
        assert d.rules.in_force_on == dt.date(2026, 12, 21)
        panel = next(n for n in d.notifications if n.id == "panel_notification")
        assert panel.due == dt.date(2026, 12, 30)
        assert panel.basis == "aware_date"
        rapid = next(x for x in d.deadlines if x.id == "rapid_review")
        # no notification date yet: counted from the latest date the Panel could be notified
        assert (rapid.due, rapid.basis) == (dt.date(2027, 1, 21), "latest_notification")

        notified = decide(pack, {**facts, "notification_date": dt.date(2026, 12, 30)}, today=TODAY)
        rapid = next(x for x in notified.deadlines if x.id == "rapid_review")
        assert (rapid.due, rapid.basis) == (dt.date(2027, 1, 21), "notification_date")
        early = decide(pack, {**facts, "notification_date": dt.date(2026, 12, 22)}, today=TODAY)
        rapid = next(x for x in early.deadlines if x.id == "rapid_review")
        assert (rapid.due, rapid.basis) == (dt.date(2027, 1, 15), "notification_date")
        out = notified.to_json()
        assert out["rules"] == {
            "name": pack.name,
            "version": pack.version,
            "in_force_on": "2026-12-21",
        }
        assert {
            "id": "rapid_review",
            "due": "2027-01-21",
            "basis": "notification_date",
        }.items() <= next(x for x in out["deadlines"] if x["id"] == "rapid_review").items()


def test_due_dates_need_the_dates(mini: Pack) -> None:
    d = decide(mini, SERIOUS, today=TODAY)
    assert d.notifications[0].due is None
    assert d.deadlines[0].due is None


def test_contract_json_shape(mini: Pack) -> None:
    out = decide(mini, SERIOUS, today=TODAY).to_json()
    for key in (
        "contract",
        "rules",
        "route",
        "certain",
        "missing",
        "notifications",
        "reviews",
        "signposts",
        "form",
        "deadlines",
        "reasons",
        "trace",
    ):
        assert key in out
    assert out["contract"] == 1
    assert set(out["reviews"]) >= {
        "statutory",
        "lcspr",
        "national_review",
        "criteria_met",
        "local_options",
    }
    assert "trace" not in decide(mini, SERIOUS, today=TODAY).to_json(trace=False)


# --- effective dates ----------------------------------------------------------------------------


def test_in_force_on_prefers_aware_then_incident_then_today() -> None:
    aware, incident = dt.date(2020, 5, 1), dt.date(2020, 4, 1)
    assert in_force_on({"aware_date": aware, "incident_date": incident}, TODAY) == aware
    assert in_force_on({"incident_date": incident}, TODAY) == incident
    assert in_force_on({}, TODAY) == TODAY
    assert in_force_on({"aware_date": "unknown"}, TODAY) == TODAY


@pytest.mark.parametrize(
    ("dates", "signpost", "title_in_force"),
    [
        ({"aware_date": dt.date(2020, 12, 31)}, "coroner", "Old signpost"),
        ({"aware_date": dt.date(2021, 1, 1)}, "child_death_review", "New signpost"),
        ({"incident_date": dt.date(2019, 6, 1)}, "coroner", "Old signpost"),
        # aware_date wins over incident_date
        (
            {"incident_date": dt.date(2020, 12, 30), "aware_date": dt.date(2021, 1, 4)},
            "child_death_review",
            "New signpost",
        ),
        ({}, "child_death_review", "New signpost"),  # today
    ],
)
def test_a_rule_applies_only_in_its_date_range(mini: Pack, dates, signpost, title_in_force) -> None:
    d = decide(mini, {**SERIOUS, "harm": "died", **dates}, today=TODAY)
    assert d.signposts == [signpost]
    trace = _trace(d)
    other = "New signpost" if title_in_force == "Old signpost" else "Old signpost"
    assert trace[("DEATH-SIGNPOST", title_in_force)][0] == "fired"
    assert trace[("DEATH-SIGNPOST", other)] == ("not_in_force", {})


def test_on_overrides_the_case_date(mini: Pack) -> None:
    facts = {**SERIOUS, "harm": "died", "aware_date": dt.date(2020, 6, 1)}
    d = decide(mini, facts, on=dt.date(2022, 1, 1), today=TODAY)
    assert d.rules.in_force_on == dt.date(2022, 1, 1)
    assert d.signposts == ["child_death_review"]


def test_shipped_pack_panel_duty_starts_29_june_2018(salford: Pack) -> None:
    facts = {
        "immediate_risk": "no",
        "subject_age_band": "under_16",
        "harm": "died",
        "abuse_or_neglect": "known",
        "incident_location": "in_area",
    }
    before = decide(salford, {**facts, "aware_date": dt.date(2018, 6, 28)}, today=TODAY)
    after = decide(salford, {**facts, "aware_date": dt.date(2018, 6, 29)}, today=TODAY)
    assert "panel_notification" not in [n.id for n in before.notifications]
    assert "panel_notification" in [n.id for n in after.notifications]


def test_shared_trace_entries_show_each_case_its_own_values(mini: Pack) -> None:
    """Trace entries are shared between decisions; a different value must never reuse one."""
    died = {**SERIOUS, "harm": "died"}
    for facts, words in ((died, "died"), (SERIOUS, "serious harm"), (died, "died")):
        d = decide(mini, facts, today=TODAY)
        assert _result(d, "SERIOUS")[1]["harm"] == words
        assert all(t.facts.get("harm", words) == words for t in d.trace)
    entry = decide(mini, SERIOUS, today=TODAY).trace[0]
    with pytest.raises(ValueError, match="frozen"):
        entry.result = "fired"


def test_dates_may_be_given_as_iso_text(mini: Pack) -> None:
    as_text = decide(mini, {**SERIOUS, "aware_date": "2026-12-21"}, today=TODAY)
    as_date = decide(mini, {**SERIOUS, "aware_date": dt.date(2026, 12, 21)}, today=TODAY)
    assert as_text.to_json() == as_date.to_json()
    assert as_text.notifications[0].due == dt.date(2026, 12, 30)
    not_a_date = decide(mini, {**SERIOUS, "aware_date": "soon"}, today=TODAY)
    assert not_a_date.rules.in_force_on == TODAY and not_a_date.notifications[0].due is None
