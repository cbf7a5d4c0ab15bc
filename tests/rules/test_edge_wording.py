"""The Salford pack's wording and routes at the edges: the unborn child hedge, custody terms in the
glossary, the Secretary of State and Ofsted notification's date in `decide`, and a child who may
have harmed someone else."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from assistant.conversation.conversation import Conversation
from assistant.conversation.state import ConversationState
from assistant.core import decide, load_pack

ROOT = Path(__file__).resolve().parents[2]
TODAY = dt.date(2026, 11, 27)


@pytest.fixture(scope="module")
def pack():
    return load_pack()


def test_the_age_question_hedges_the_unborn_child_as_the_fact_base_does(pack):
    help_text = " ".join(pack.question_for["subject_age_band"].help.split())
    assert "is reported to say this can include an unborn child (confirm locally)" in help_text
    assert "and this can include an unborn child" not in help_text
    child = next(e for e in pack.glossary if e.term == "child")
    assert "reported" in child.meaning and "confirm locally" in child.meaning


@pytest.mark.parametrize(
    ("asked", "term", "says", "source"),
    [
        ("IOPC", "IOPC", "police custody", "UNCONFIRMED"),
        ("Independent Office for Police Conduct", "IOPC", "confirm locally", "UNCONFIRMED"),
        ("court cells", "court cells", "Prisons and Probation Ombudsman", "S77"),
        ("court cell", "court cells", "approved premises", "S77"),
    ],
)
def test_the_glossary_explains_custody_terms_with_their_sources(pack, asked, term, says, source):
    conv = Conversation(ConversationState(pack, None, TODAY), None)
    found = conv.glossary(asked)
    assert [e.term for e in found] == [term]
    assert says in " ".join(found[0].meaning.split())
    assert source in found[0].source


def test_decide_gives_the_ofsted_date_once_awareness_is_dated(tmp_path):
    case = {
        "contract": 1,
        "facts": {
            "immediate_risk": "no",
            "subject_age_band": "under_16",
            "harm": "died",
            "abuse_or_neglect": "not_suspected",
            "looked_after": "yes",
            "responsible_authority": "this_area",
            "incident_location": "in_area",
            "aware_date": "2026-03-02",
        },
    }
    path = tmp_path / "case.yaml"
    path.write_text(yaml.safe_dump(case), encoding="utf-8")
    env = {**os.environ, "HOME": str(tmp_path), "REVIEW_ASSISTANT_CACHE": "off"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    done = subprocess.run(
        [sys.executable, "-m", "assistant", "decide", str(path)],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    text = " ".join(done.stdout.split())
    assert "Notify the Secretary of State and Ofsted" in text
    ofsted = text.split("Notify the Secretary of State and Ofsted", 1)[1].split(" 3. ", 1)[0]
    assert "by Mon 9 Mar 2026, 5 working days from 2 Mar" in ofsted
    assert "give the date" not in text and "date of awareness" not in text


# A living child below the statutory threshold, with no concern about agencies and no good outcome.
BELOW = {
    "immediate_risk": "no",
    "subject_age_band": "under_16",
    "harm": "other_harm",
    "abuse_or_neglect": "suspected",
    "looked_after": "no",
    "incident_location": "in_area",
    "normally_resident_in_area": "yes",
    "setting": "home_or_community",
    "single_agency_concerns": "no",
    "positive_outcome": "no",
}


def test_a_concern_referral_does_not_wait_on_whether_the_child_harmed_someone(pack):
    d = decide(pack, {**BELOW, "multi_agency_concerns": "yes"}, today=TODAY)
    assert d.route == "practice_review_referral" and d.certain and d.missing == []


def test_otherwise_not_knowing_whether_the_child_harmed_someone_keeps_the_referral(pack):
    facts = {**BELOW, "multi_agency_concerns": "no"}
    unknown = decide(pack, facts, today=TODAY)
    assert unknown.route == "practice_review_referral" and not unknown.certain
    assert unknown.missing == ["harmed_another"]  # the one answer that would settle it
    assert decide(pack, {**facts, "harmed_another": "no"}, today=TODAY).route == "no_referral"
    harmed = decide(pack, {**facts, "harmed_another": "yes"}, today=TODAY)
    assert harmed.route == "practice_review_referral" and harmed.certain
    assert "child_case_in_own_right" in harmed.signposts
