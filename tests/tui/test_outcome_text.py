"""The outcome's words (Textual-free): timeline order, why each review option fits, what is open."""

from __future__ import annotations

import datetime as dt

from assistant.conversation.outcome_text import outcome_markdown, review_options, timeline
from assistant.conversation.ui_words import escape_markdown
from assistant.core import decide

SERIOUS = {
    "immediate_risk": "no",
    "subject_age_band": "under_16",
    "harm": "serious_harm",
    "abuse_or_neglect": "suspected",
    "incident_location": "in_area",
    "aware_date": dt.date(2026, 3, 2),
}


def test_timeline_is_in_date_order_with_undated_items_last(fixed_pack):
    decision = decide(fixed_pack, SERIOUS, today=dt.date(2026, 11, 27))
    items = timeline(fixed_pack, decision)
    dated = [t["due"] for t in items if t["due"]]
    assert dated == sorted(dated)
    assert dated[0] == dt.date(2026, 3, 9)  # 5 working days after Monday 2 March 2026
    undated = [i for i, t in enumerate(items) if not t["due"]]
    assert all(i >= len(dated) for i in undated)


def test_each_review_option_says_why_it_fits(fixed_pack):
    facts = {**SERIOUS, "harm": "other_harm", "multi_agency_concerns": "yes"}
    decision = decide(fixed_pack, facts, today=dt.date(2026, 11, 27))
    options = review_options(fixed_pack, decision)
    assert options
    for option in options:
        assert option["label"] and option["why"]


def test_what_would_change_it_lists_only_open_answers(fixed_pack):
    facts = {
        "immediate_risk": "no",
        "subject_age_band": "unknown",
        "harm": "serious_harm",
        "abuse_or_neglect": "suspected",
    }
    decision = decide(fixed_pack, facts, today=dt.date(2026, 11, 27))
    assert not decision.certain
    text = outcome_markdown(fixed_pack, decision, facts)
    section = text.split("## If these turn out to be true", 1)[1].split("##", 1)[0]
    age = fixed_pack.labels.facts["subject_age_band"].label
    assert escape_markdown(age) in section
    harm = fixed_pack.labels.facts["harm"].label
    assert escape_markdown(harm) not in section  # answered, so it cannot settle anything


def test_pack_words_are_shown_as_written_in_markdown():
    assert escape_markdown("reg 11(a) *not* [C: S7] <b>") == r"reg 11\(a\) \*not\* \[C: S7\] \<b\>"
