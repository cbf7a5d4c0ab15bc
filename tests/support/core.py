"""Facts shared by the core's tests."""

from __future__ import annotations

import datetime as dt

TODAY = dt.date(2026, 11, 27)

SERIOUS = {
    "immediate_risk": "no",
    "subject_age_band": "under_16",
    "harm": "serious_harm",
    "abuse_or_neglect": "suspected",
    "multi_agency_concerns": "no",
    "single_agency_concerns": "no",
}
