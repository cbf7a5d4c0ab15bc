"""What goes on a form: which form, what is pre-filled, what is still missing, local words."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest

from assistant.core import load_pack
from assistant.core.case import Referral
from assistant.core.engine import decide
from assistant.core.errors import InputError
from assistant.forms import build_form, choose_form, prefill, render
from assistant.forms.fields import parse_date, problem
from tests.support.forms import PACK_DIR, TODAY

SERIOUS = {
    "immediate_risk": "no",
    "subject_age_band": "under_16",
    "harm": "died",
    "abuse_or_neglect": "known",
    "incident_location": "in_area",
    "normally_resident_in_area": "yes",
    "multi_agency_concerns": "yes",
    "incident_date": dt.date(2026, 2, 27),
    "aware_date": dt.date(2026, 3, 2),
}
BELOW = {
    "immediate_risk": "no",
    "subject_age_band": "under_16",
    "harm": "other_harm",
    "abuse_or_neglect": "suspected",
    "multi_agency_concerns": "yes",
    "positive_outcome": "no",
}


def test_the_form_follows_the_decision_unless_overridden(pack):
    urgent = decide(pack, {"immediate_risk": "yes"}, today=TODAY)
    with pytest.raises(InputError, match="calls for no referral form"):
        choose_form(urgent)
    assert (
        choose_form(urgent, "seriously_good_outcome_referral") == "seriously_good_outcome_referral"
    )
    with pytest.raises(InputError, match="not a form"):
        choose_form(urgent, "some_other_form")
    assert choose_form(decide(pack, SERIOUS, today=TODAY)) == "practice_review_referral"


def test_prefill_uses_what_the_conversation_knows(pack):
    decision = decide(pack, SERIOUS, today=TODAY)
    referral = prefill(pack, decision, SERIOUS, today=TODAY)
    assert referral.incident.date == dt.date(
        2026, 2, 27
    ) and referral.incident.aware_date == dt.date(2026, 3, 2)
    assert referral.child.address_area == "Testshire"
    assert referral.reasons == "Two or more agencies working together (reg 11(c))"
    assert referral.parallel_processes == ["child_death_review"]
    assert referral.referral_date == TODAY


def test_prefill_below_the_threshold_names_the_concerns(pack):
    decision = decide(pack, BELOW, today=TODAY)
    assert decision.route == "practice_review_referral" and decision.reviews.criteria_met == [
        "reg11_c"
    ]
    no_criteria = decision.model_copy(
        update={"reviews": decision.reviews.model_copy(update={"criteria_met": []})}
    )
    referral = prefill(pack, no_criteria, BELOW, today=TODAY)
    assert referral.reasons == "Are there concerns about two or more agencies working together?"
    assert referral.child.address_area is None  # not said to live in the area


def test_prefill_never_replaces_what_was_typed(pack):
    decision = decide(pack, SERIOUS, today=TODAY)
    typed = Referral.model_validate(
        {
            "reasons": "My own words",
            "child": {"address_area": "Elsewhere"},
            "incident": {"date": "2026-02-26"},
            "parallel_processes": ["inquest"],
        }
    )
    referral = prefill(pack, decision, SERIOUS, typed, today=TODAY)
    assert referral.reasons == "My own words" and referral.child.address_area == "Elsewhere"
    assert referral.incident.date == dt.date(2026, 2, 26) and referral.parallel_processes == [
        "inquest"
    ]


def test_missing_details_and_endorsement(pack):
    decision = decide(pack, SERIOUS, today=TODAY)
    form = build_form(pack, decision, SERIOUS, Referral(), today=TODAY)
    assert not form.endorsed and form.context["endorsement_warning"]
    assert "About you (the referrer): Name" in form.missing
    assert (
        "Endorsement by your agency's Practice Review Subgroup representative: Name" in form.missing
    )
    full = build_form(
        pack,
        decision,
        SERIOUS,
        Referral.model_validate({"endorsed_by": {"name": "P"}}),
        today=TODAY,
    )
    assert full.endorsed and full.context["endorsement_warning"] == ""


def test_dates_emails_and_phones_are_checked():
    assert parse_date("02/03/2026") == dt.date(2026, 3, 2) == parse_date("2026-03-02")
    assert parse_date("  ") is None
    assert problem("date", "31/02/2026", TODAY) == "date_invalid"
    assert problem("date", "2099-01-01", TODAY) == "date_future"
    assert problem("date", "tomorrow", TODAY) == "date_invalid"
    assert (
        problem("email", "a@b", TODAY) == "email_invalid"
        and problem("email", "a@b.org", TODAY) is None
    )
    assert (
        problem("phone", "call me", TODAY) == "phone_invalid"
        and problem("phone", "+44 161 000 0001", TODAY) is None
    )
    assert problem("text", "<anything>", TODAY) is None


def test_a_pack_can_reword_the_form_and_keeps_the_other_words(tmp_path):
    own = tmp_path / "pack"
    shutil.copytree(PACK_DIR, own)
    (own / "prompts" / "forms").mkdir(parents=True)
    (own / "prompts" / "forms" / "forms.yaml").write_text(
        "words:\n  marking: 'OFFICIAL: Testshire'\n"
        "forms:\n"
        "  practice_review_referral:\n    title: Testshire referral\n    sections:\n"
        "      - heading: Who you are\n        fields: [{name: referrer.name, label: Your name, required: true}]\n",
        encoding="utf-8",
    )
    pack = load_pack(own)
    decision = decide(pack, SERIOUS, today=TODAY)
    text = render(build_form(pack, decision, SERIOUS, Referral(), today=TODAY), "txt")
    assert text.startswith("OFFICIAL: Testshire\n\nTESTSHIRE REFERRAL")
    assert (
        "Your name: (not given)" in text and "HOW TO SEND THIS FORM" in text
    )  # shipped words kept
    good = decision.model_copy(update={"form": "seriously_good_outcome_referral"})
    assert "SERIOUSLY GOOD OUTCOME REFERRAL" in render(
        build_form(pack, good, SERIOUS, Referral(), today=TODAY), "txt"
    )


def test_a_broken_forms_file_is_a_clear_error(tmp_path):
    own = tmp_path / "pack"
    shutil.copytree(PACK_DIR, own)
    (own / "prompts" / "forms").mkdir(parents=True)
    (own / "prompts" / "forms" / "forms.yaml").write_text(
        "words: {}\nforms:\n  practice_review_referral:\n    title: T\n    sections:\n"
        "      - heading: H\n        fields: [{name: child.nmae, label: Name}]\n",
        encoding="utf-8",
    )
    pack = load_pack(own)
    with pytest.raises(InputError) as caught:
        build_form(pack, decide(pack, SERIOUS, today=TODAY), SERIOUS, today=TODAY)
    message = " ".join(caught.value.problems)
    assert "forms.yaml, line 7" in message and "'child.nmae' is not a referral field" in message


def test_the_shipped_forms_file_has_every_form_and_screen_word(pack):
    from assistant.core import contract
    from assistant.forms.form_words import load_form_words

    words = load_form_words(load_pack())
    assert set(words.forms) == set(contract.FORMS)
    assert set(words.processes) == set(contract.PARALLEL_PROCESSES)
    for key in (
        "saved",
        "delivered",
        "date_invalid",
        "email_invalid",
        "phone_invalid",
        "confirm_text",
    ):
        assert words.say(key)
