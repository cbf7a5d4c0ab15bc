"""Trainer mode, driven as a presenter would: Pilot key presses on the real app.

Uses the fixed test pack (tests/check/pack) and its own scenarios folder, so it does not depend
on the shipped pack's rules or scenarios.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from textual.widgets import OptionList, Static, Tree

from assistant.core.errors import InputError
from assistant.core.pack import load_pack
from assistant.tui.trainer import (
    PathScreen,
    PickScreen,
    StepScreen,
    TrainerApp,
    WhatIfScreen,
    find_scenario,
    load_scenarios,
    scenarios_dir,
    walk,
    what_if,
)

HERE = Path(__file__).parent
PACK = HERE.parent / "check" / "pack"
SCENARIOS = PACK / "scenarios"  # the test pack's own scenarios folder


@pytest.fixture(scope="module")
def pack():
    return load_pack(PACK)


@pytest.fixture(scope="module")
def scenarios(pack):
    assert scenarios_dir(pack) == SCENARIOS
    found, problems = load_scenarios(SCENARIOS)
    assert problems == []
    return found


def shown(app, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


def tree_labels(tree: Tree) -> list[str]:
    out: list[str] = []

    def visit(node) -> None:
        out.append(str(node.label))
        for child in node.children:
            visit(child)

    visit(tree.root)
    return out


async def test_a_trainer_runs_a_scenario_to_the_end_with_guess_first_and_a_what_if(pack, scenarios):
    app = TrainerApp(pack, scenarios)
    async with app.run_test(size=(120, 40)) as pilot:
        assert isinstance(app.screen, PickScreen)
        await pilot.press("enter")  # the first scenario
        await pilot.pause()
        assert isinstance(app.screen, StepScreen)
        assert "six-week-old baby" in shown(app, "#main")  # the story first
        await pilot.press("g")  # guess first
        assert "Guess first: ON" in shown(app, "#mode")

        # step through the conversation at the presenter's pace
        await pilot.press("right")
        assert "Is any child at risk of harm right now?" in shown(app, "#heading")
        assert "No, every child is safe" in shown(app, "#main")
        await pilot.press("right", "right")
        assert "What happened to them?" in shown(app, "#heading")
        assert "They were seriously harmed" in shown(app, "#main")
        rules = shown(app, "#rules")
        assert "[T-02] Serious child safeguarding case" in rules
        assert "fired" not in rules  # guessing first: the rules' results stay hidden
        await pilot.press("left")
        assert "How old was the person" in shown(app, "#heading")
        await pilot.press("right")

        screen = app.screen
        assert isinstance(screen, StepScreen)
        while screen.kind != "outcome":
            await pilot.press("space")
        assert "Hidden: the room votes first" in shown(app, "#main")
        assert "Serious child safeguarding incident" not in shown(app, "#main")

        # the decision path, as a tree, still hiding the outcome
        await pilot.press("p")
        assert isinstance(app.screen, PathScreen)
        labels = tree_labels(app.screen.query_one("#path-tree", Tree))
        assert any(label.startswith("3. What happened to them?") for label in labels)
        assert "-> They were seriously harmed" in labels
        assert any(label.startswith("The outcome: Hidden") for label in labels)
        await pilot.press("escape")
        assert isinstance(app.screen, StepScreen)

        await pilot.press("r")  # the room has voted
        outcome = shown(app, "#main")
        assert "Serious child safeguarding incident" in outcome
        assert "Meeting the LCSPR criteria does not oblige a review" in outcome  # teaching point
        assert "the safeguarding partners decide" in outcome

        await pilot.press("left")  # back on a question, the rules now show their results
        assert "[T-06N] National importance: did not fire" in shown(app, "#rules")

        # what if the harm had not been serious?
        await pilot.press("w")
        assert isinstance(app.screen, WhatIfScreen)
        steps = app.screen.query_one("#whatif-steps", OptionList)
        assert steps.has_focus
        await pilot.press("down", "down", "enter")  # the third question: harm
        answers = app.screen.query_one("#whatif-answers", OptionList)
        assert answers.has_focus
        labels = [str(answers.get_option_at_index(i).prompt) for i in range(answers.option_count)]
        assert "They were seriously harmed" not in labels  # the current answer is not offered
        assert labels[0] == "They died"
        await pilot.press("down", "enter")  # "They were harmed, but not seriously"
        await pilot.pause()
        before = shown(app, "#whatif-before")
        after = shown(app, "#whatif-after")
        difference = shown(app, "#whatif-difference")
        assert "Serious child safeguarding incident" in before
        assert "Refer to the practice review subgroup" in after
        assert "[T-02] Serious child safeguarding case: fired -> did not fire" in difference
        assert (
            "[T-07] Below the threshold, agencies working together: did not fire -> fired"
            in difference
        )
        assert (
            'answered "They were harmed, but not seriously" instead of "They were seriously harmed"'
            in difference
        )
        await pilot.press("escape")  # back to choosing another answer
        assert isinstance(app.screen, WhatIfScreen) and app.screen.has_class("-choosing")
        await pilot.press("escape")
        assert isinstance(app.screen, StepScreen)
        await pilot.press("s")
        assert isinstance(app.screen, PickScreen)


async def test_guess_first_hides_the_what_if_outcome_until_revealed(pack, scenarios):
    app = TrainerApp(pack, scenarios, start=scenarios[0], guess_first=True)
    async with app.run_test(size=(120, 40)) as pilot:
        assert isinstance(app.screen, StepScreen)
        await pilot.press("w", "down", "down", "enter", "enter")  # harm -> They died
        await pilot.pause()
        assert "Hidden" in shown(app, "#whatif-after")
        assert "Hidden" in shown(app, "#whatif-difference")
        await pilot.press("r")
        assert "Serious child safeguarding incident" in shown(app, "#whatif-after")
        assert "No rule changes" in shown(
            app, "#whatif-difference"
        )  # died or seriously harmed: same


async def test_scenario_text_is_shown_literally_never_as_markup(pack, scenarios):
    app = TrainerApp(pack, scenarios, start=find_scenario(scenarios, "2"))
    async with app.run_test(size=(120, 40)) as pilot:
        assert "A bruise [bold]nobody[/] followed up" in shown(app, "#progress")
        assert "School and the school nurse" in shown(app, "#main")
        await pilot.press("p")
        labels = tree_labels(app.screen.query_one("#path-tree", Tree))
        assert "Decision path: A bruise [bold]nobody[/] followed up" in labels


def test_a_question_the_story_does_not_answer_is_replayed_as_not_sure(pack):
    walkthrough = walk(
        pack, {"immediate_risk": "no", "subject_age_band": "under_16", "harm": "serious_harm"}
    )
    unsaid = [s for s in walkthrough.steps if not s.said]
    assert unsaid and all(s.value == "unknown" and s.answer_words == "Not sure" for s in unsaid)
    assert walkthrough.decision.route == "serious_incident"  # an unknown never lowers the route
    assert walkthrough.decision.certain is False


def test_what_if_names_the_rules_that_make_the_difference(pack, scenarios):
    before = walk(pack, scenarios[0].answers())
    result = what_if(pack, before, "multi_agency_concerns", "no")
    assert [f.field for f in result.fields] == ["lcspr"]
    assert [(c.rule.id, c.before, c.after) for c in result.rules] == [
        ("T-06c", "fired", "not_fired")
    ]


def test_unknown_scenario_names_the_ones_there_are(scenarios):
    with pytest.raises(InputError) as caught:
        find_scenario(scenarios, "no such story")
    assert "01-baby-head-injury" in str(caught.value)


def test_train_command_refuses_an_unknown_scenario_clearly():
    done = subprocess.run(
        [sys.executable, "-m", "assistant", "--rules", str(PACK), "train", "nope"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "no training scenario called 'nope'" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_broken_scenario_is_reported_with_its_file_and_line(tmp_path, pack):
    (tmp_path / "bad.yaml").write_text(
        "title: Bad\nstory: x\ncase:\n  facts:\n    harm: dead\n", encoding="utf-8"
    )
    found, problems = load_scenarios(tmp_path)
    assert found == []
    assert any(
        "bad.yaml, line 5" in p and "case.facts.harm" in p and "'dead'" in p for p in problems
    )


async def test_a_scenario_whose_expectation_the_rules_no_longer_meet_says_so(pack, scenarios):
    app = TrainerApp(pack, scenarios, start=find_scenario(scenarios, "03-stale-expectation"))
    async with app.run_test(size=(100, 30)) as pilot:
        screen = app.screen
        assert isinstance(screen, StepScreen)
        while screen.kind != "outcome":
            await pilot.press("right")
        outcome = shown(app, "#main")
        assert 'This scenario was written expecting "No referral needed"' in outcome
        assert 'the rules now give "Serious child safeguarding incident"' in outcome
