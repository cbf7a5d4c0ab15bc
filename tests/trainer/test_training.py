"""The trainer's logic below the UI: scenarios, the replayed conversation, what-if, and the
outcome in the pack's words. No Textual here (assistant.training imports none)."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.core.errors import InputError
from assistant.core.pack import load_pack
from assistant.training import (
    TrainerWords,
    answer_words,
    find_scenario,
    load_scenarios,
    outcome_lines,
    replay_scenario,
    show_date,
    what_if,
)

HERE = Path(__file__).parent
PACK = HERE.parent / "check" / "pack"
SCENARIOS = PACK / "scenarios"
ROOT = HERE.parent.parent


@pytest.fixture(scope="module")
def pack():
    return load_pack(PACK)


@pytest.fixture(scope="module")
def scenarios():
    found, problems = load_scenarios(SCENARIOS)
    assert problems == []
    return found


@pytest.fixture(scope="module")
def baby(pack, scenarios):
    return replay_scenario(pack, find_scenario(scenarios, "01-baby-head-injury").answers())


def test_a_question_the_story_does_not_answer_is_replayed_as_not_sure(pack):
    walkthrough = replay_scenario(
        pack, {"immediate_risk": "no", "subject_age_band": "under_16", "harm": "serious_harm"}
    )
    unsaid = [s for s in walkthrough.steps if not s.said]
    assert unsaid and all(s.value == "unknown" and s.answer_words == "Not sure" for s in unsaid)
    assert walkthrough.decision.route == "serious_incident"  # an unknown never lowers the route
    assert walkthrough.decision.certain is False


def test_each_step_lists_only_the_rules_its_answer_changed(baby):
    changed = {
        s.question.fact: [(c.rule.id, c.before, c.after) for c in s.changes] for s in baby.steps
    }
    assert changed == {
        "immediate_risk": [("T-00", "possible", "not_fired")],
        "subject_age_band": [],
        "harm": [("T-07", "possible", "not_fired")],
        "abuse_or_neglect": [("T-02", "possible", "fired")],
        "incident_location": [("T-03", "possible", "fired")],
        "multi_agency_concerns": [("T-06c", "possible", "fired")],
        "national_issues": [("T-06N", "possible", "not_fired")],
    }


def test_the_route_deciding_questions_are_the_ones_another_answer_would_reroute(baby):
    assert [s.question.fact for s in baby.steps if s.decides_route] == [
        "immediate_risk",
        "subject_age_band",
        "harm",
        "abuse_or_neglect",
    ]


def test_an_outcome_is_worded_with_the_pack_labels_and_chat_dates(pack, baby):
    lines = {line.field: (line.name, line.value) for line in outcome_lines(pack, baby.decision)}
    assert lines == {
        "route": ("Route", "Serious child safeguarding incident"),
        "rapid_review": ("Rapid review", "Rapid review"),
        "lcspr": ("LCSPR", "LCSPR criteria met"),
        "national_review": ("National review", "No national review suggested"),
        "local_options": ("Local options", "none"),
        "notifications": ("Notifications", "Notify the Panel, by Mon 9 Mar 2026"),
        "deadlines": ("Deadlines", "Rapid review completed, by Mon 30 Mar 2026"),
        "signposts": ("Also consider", "none"),
    }
    assert show_date(dt.date(2026, 12, 7)) == "Mon 7 Dec 2026"


def test_a_date_answer_reads_as_the_chat_writes_it(pack):
    question = pack.question_for["aware_date"]
    assert answer_words(pack, question, dt.date(2026, 12, 7)) == "Mon 7 Dec 2026"


def test_what_if_names_the_rules_that_make_the_difference(pack, baby):
    result = what_if(pack, baby, "multi_agency_concerns", "no")
    assert [(f.field, f.before, f.after) for f in result.fields] == [
        ("lcspr", "LCSPR criteria met", "LCSPR criteria not met")
    ]
    assert [(c.rule.id, c.before, c.after) for c in result.rules] == [
        ("T-06c", "fired", "not_fired")
    ]


def test_what_if_words_every_value_with_a_label_never_an_id(pack, baby):
    result = what_if(pack, baby, "harm", "other_harm")
    fields = {f.field: (f.before, f.after) for f in result.fields}
    assert fields["route"] == (
        "Serious child safeguarding incident",
        "Refer to the practice review subgroup",
    )
    assert fields["notifications"] == ("Notify the Panel, by Mon 9 Mar 2026", "none")
    assert fields["deadlines"] == ("Rapid review completed, by Mon 30 Mar 2026", "none")
    words = " ".join(f"{f.name} {f.before} {f.after}" for f in result.fields)
    for raw in ("panel_notification", "serious_incident", "not_applicable", "rapid_review"):
        assert raw not in words


def test_the_trainer_words_come_from_the_prompts(pack, baby):
    words = TrainerWords(pack)
    assert words.result("possible") == "may apply (an answer is not sure)"
    assert words.field_names["lcspr"] == "LCSPR"
    side = words.render("whatif", decision=baby.decision, hidden=False)
    assert side.splitlines()[0] == "Serious child safeguarding incident"
    assert "Deadlines: Rapid review completed, by Mon 30 Mar 2026" in side
    assert words.render("whatif", decision=baby.decision, hidden=True) == (
        "Hidden: press R to reveal."
    )


def test_unknown_scenario_names_the_ones_there_are(scenarios):
    with pytest.raises(InputError) as caught:
        find_scenario(scenarios, "no such story")
    assert "01-baby-head-injury" in str(caught.value)


def test_a_broken_scenario_is_reported_with_its_file_and_line(tmp_path):
    (tmp_path / "bad.yaml").write_text(
        "title: Bad\nstory: x\ncase:\n  facts:\n    harm: dead\n", encoding="utf-8"
    )
    found, problems = load_scenarios(tmp_path)
    assert found == []
    assert any(
        "bad.yaml, line 5" in p and "case.facts.harm" in p and "'dead'" in p for p in problems
    )


def test_the_training_logic_imports_no_textual():
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, assistant.training\nassert 'textual' not in sys.modules, 'textual'",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr


def _reveal(pack, scenario, width=100):
    walkthrough = replay_scenario(pack, scenario.answers())
    words = TrainerWords(pack)
    text = words.render(
        "step",
        scenario=scenario,
        step=len(walkthrough.steps) + 1,
        total=len(walkthrough.steps) + 2,
        kind="outcome",
        item=None,
        decision=walkthrough.decision,
        revealed=True,
        guess_first=False,
        outcome=lambda decision: words.outcome(decision, walkthrough.answers),
        width=width,
    )
    return walkthrough, text


def test_the_revealed_outcome_reads_as_the_chat_and_decide_show_it():
    """Every shipped scenario: the reveal is the one outcome shape (as `decide` prints it):
    headline, Do now with weekday dates, which review, and "If ..." for what only may apply."""
    from assistant.core.outcome import build_outcome
    from assistant.core.pack import default_rules_dir
    from assistant.forms.outcome import render_outcome

    real = load_pack()
    found, problems = load_scenarios(default_rules_dir() / "scenarios")
    assert found and problems == []
    possible_seen = False
    for scenario in found:
        walkthrough, text = _reveal(real, scenario)
        decided = render_outcome(real, walkthrough.decision, walkthrough.answers, "txt")
        shape = decided[: decided.index("\nWHY\n")].rstrip()  # as `decide` prints it
        assert text.startswith(shape), scenario.name
        outcome = build_outcome(real, walkthrough.decision, walkthrough.answers)
        assert text.splitlines()[0].startswith(f"OUTCOME: {outcome.title}")
        if outcome.do_now:
            assert "\nDO NOW\n 1. " in text
        dated = [d.when for d in outcome.do_now if d.when[:1].isupper() and not d.done]
        for when in dated:  # "Mon 9 Mar 2026, 5 working days from 2 Mar"
            assert when.split(",")[0] in " ".join(text.split()), scenario.name
        if outcome.possible:
            possible_seen = True
            assert "IF THESE TURN OUT TO BE TRUE" in text and "\n - If " in text
        assert "the safeguarding partners decide" in text
        assert all(len(line) <= 100 for line in text[: len(shape)].splitlines())
        for raw in ("serious_incident", "not_applicable", "rapid_review", "[C:", "reg11 a"):
            assert raw not in shape, (scenario.name, raw)
    assert possible_seen, "some scenario has items that only may apply"


def test_the_revealed_outcome_is_wrapped_to_the_stage(pack, scenarios):
    scenario = find_scenario(scenarios, "01-baby-head-injury")
    _, narrow = _reveal(pack, scenario, width=60)
    _, wide = _reveal(pack, scenario, width=100)
    assert " ".join(narrow.split()) == " ".join(wide.split())
    body = narrow[: narrow.index("Teaching points")] if "Teaching points" in narrow else narrow
    assert (
        max(len(line) for line in body.splitlines())
        <= 60
        < max(len(line) for line in wide.splitlines())
    )
