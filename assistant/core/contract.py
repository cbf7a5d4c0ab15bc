"""The names of contract version 1 (docs/contract.md): facts, their values, and decision ids.

These names are public: coordinators keep case files for years and other partnerships write rule
packs against them. Nothing here is renamed or removed without a new contract version.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

CONTRACT_VERSION: Final = 1

UNKNOWN: Final = "unknown"
TRI: Final = ("yes", "no", "unknown")
NOT_YET: Final = "not_yet"
"""The one word a date fact may hold instead of a date: the step has not happened yet (the Panel
not notified yet). Known, unlike "unknown"; to the deadlines it is no date."""


@dataclass(frozen=True)
class FactSpec:
    """One fact of the case: its name, kind (tri, choice or date) and allowed values."""

    name: str
    kind: str  # "tri" | "choice" | "date"
    values: tuple[str, ...] = ()

    @property
    def known_values(self) -> tuple[str, ...]:
        """The values that settle the fact (everything but "unknown")."""
        return tuple(v for v in self.values if v != UNKNOWN)


def _tri(name: str) -> FactSpec:
    return FactSpec(name, "tri", TRI)


def _choice(name: str, *values: str) -> FactSpec:
    return FactSpec(name, "choice", (*values, UNKNOWN))


def _date(name: str, *words: str) -> FactSpec:
    """A date fact; `words` are what it may hold instead of a date (`not_yet`)."""
    return FactSpec(name, "date", words)


FACTS: Final[dict[str, FactSpec]] = {
    f.name: f
    for f in (
        _tri("immediate_risk"),
        _choice("subject_age_band", "unborn", "under_16", "age_16_17", "age_18_24", "age_25_plus"),
        _tri("looked_after"),
        _tri("care_leaver"),
        _choice("harm", "died", "serious_harm", "other_harm", "no_harm"),
        _choice("abuse_or_neglect", "known", "suspected", "not_suspected"),
        _choice("incident_location", "in_area", "elsewhere_in_england", "outside_england"),
        _tri("normally_resident_in_area"),
        _choice(
            "setting",
            "home_or_community",
            "regulated_setting",
            "custody",
            "mental_health_detention",
        ),
        _tri("improvements_needed"),
        _tri("recurrent_themes"),
        _tri("multi_agency_concerns"),
        _tri("panel_suggested_local_review"),
        _tri("single_agency_concerns"),
        _tri("no_agency_involvement_concern"),
        _tri("cross_area"),
        _tri("institutional_setting"),
        _tri("national_issues"),
        _tri("positive_outcome"),
        _choice("agencies_involved", "none", "one", "two_or_more"),
        _tri("good_practice_made_difference"),
        _tri("learning_transferable"),
        _tri("escalation_tried"),
        _tri("adult_harmed"),
        _choice("perpetrator_relationship", "family_partner_or_household", "other", "none"),
        _tri("adult_care_and_support_needs"),
        _tri("age_disputed"),
        _choice("responsible_authority", "this_area", "other_area"),
        _tri("death_unnatural_or_unexplained"),
        _tri("harmed_another"),
        _tri("mother_under_18"),
        _tri("area_agency_involved"),
        _date("incident_date"),
        _date("aware_date"),
        _date("notification_date", NOT_YET),
        _date("rapid_review_completed"),
    )
}

DATE_FACTS: Final = tuple(name for name, spec in FACTS.items() if spec.kind == "date")

ROUTES: Final = (
    "urgent_safeguarding_referral",
    "serious_incident",
    "practice_review_referral",
    "good_outcome_referral",
    "other_process",
    "no_referral",
)
NOTIFICATIONS: Final = (
    "panel_notification",
    "safeguarding_partners_report",
    "ofsted_secretary_of_state",
)
STATUTORY: Final = ("rapid_review", "none")
LCSPR: Final = ("indicated", "possible", "not_indicated", "not_applicable")
NATIONAL_REVIEW: Final = ("suggested", "not_suggested", "not_applicable")
CRITERIA: Final = (
    "reg11_a",
    "reg11_b",
    "reg11_c",
    "reg11_d",
    "single_agency",
    "no_agency_involvement",
    "cross_area",
    "institutional_setting",
    "reg3_b",
)
LOCAL_OPTIONS: Final = (
    "case_discussion",
    "learning_event",
    "appreciative_inquiry",
    "root_cause_analysis",
    "single_agency_review",
    "multi_agency_audit",
    "seriously_good_outcome_review",
)
SIGNPOSTS: Final = (
    "police_or_social_care_now",
    "child_death_review",
    "coroner",
    "dhr",
    "sar",
    "joint_review_coordination",
    "age_dispute_pathway",
    "other_area_partnership",
    "custody_death_process",
    "child_case_in_own_right",
)
FORMS: Final = ("practice_review_referral", "seriously_good_outcome_referral")
STATUSES: Final = ("confirmed", "local", "unconfirmed")

# Scalar decision fields and their contract values, most protective first. A pack may reorder
# them (its declared priority), but must use exactly these values.
SCALAR_FIELDS: Final[dict[str, tuple[str, ...]]] = {
    "route": ROUTES,
    "reviews.statutory": STATUTORY,
    "reviews.lcspr": LCSPR,
    "reviews.national_review": NATIONAL_REVIEW,
    "form": (*FORMS, "none"),
}

# Every id a decision can contain, by kind: used by the pack schema and by `lint`.
IDS: Final[dict[str, tuple[str, ...]]] = {
    "route": ROUTES,
    "notification": NOTIFICATIONS,
    "statutory": STATUTORY,
    "lcspr": LCSPR,
    "national_review": NATIONAL_REVIEW,
    "criteria": CRITERIA,
    "local_option": LOCAL_OPTIONS,
    "signpost": SIGNPOSTS,
    "form": FORMS,
}

PARALLEL_PROCESSES: Final = (
    "police_investigation",
    "inquest",
    "criminal_proceedings",
    "sar",
    "dhr",
    "child_death_review",
    "regulator",
)
