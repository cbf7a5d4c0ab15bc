"""Trainer mode's screens, driven as a presenter would: Pilot key presses on the real app.
The replayed conversation and what-if are tested below the UI in test_training.py.

Uses the fixed test pack (tests/check/pack) and its own scenarios folder, so it does not depend
on the shipped pack's rules or scenarios.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from rich.console import Console
from rich.text import Text
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Collapsible, OptionList, Static

from assistant.core.pack import default_rules_dir, load_pack
from assistant.training import find_scenario, load_scenarios, scenarios_dir
from assistant.tui.trainer import PathScreen, PickScreen, StepScreen, TrainerApp, WhatIfScreen

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
    """The words a Static shows; rules laid out as a grid (a hanging indent) as plain lines."""
    widget = app.screen.query_one(selector, Static)
    content = widget.content
    if isinstance(content, str | Text | Content):
        return str(widget.render())
    console = Console(width=200, color_system=None)
    with console.capture() as captured:
        console.print(content)
    return "\n".join(line.rstrip() for line in captured.get().splitlines())


def path_questions(screen) -> list[tuple[str, bool]]:
    """The questions the decision path shows: (title, collapsed)."""
    return [
        (str(box.title), box.collapsed)
        for box in screen.query(".path-step").results(Collapsible)
        if box.display
    ]


@pytest.mark.slow
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
        assert "Rules this answer changed (results hidden until R)" in rules
        assert "[T-07] Below the threshold, agencies working together" in rules
        assert "[T-02]" not in rules  # only what this answer changed, not every rule it touches
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

        # the decision path, still hiding the outcome
        await pilot.press("p")
        assert isinstance(app.screen, PathScreen)
        assert ("3. What happened to them? -> They were seriously harmed", True) in path_questions(
            app.screen
        )
        assert shown(app, "#path-outcome").startswith("The outcome: Hidden")
        await pilot.press("escape")
        assert isinstance(app.screen, StepScreen)

        await pilot.press("r")  # the room has voted
        assert shown(app, "#mode") == "Guess first: ON, outcome revealed"
        outcome = shown(app, "#main")
        assert "Serious child safeguarding incident" in outcome
        assert outcome.startswith("OUTCOME: ")  # the one outcome shape, as the chat shows it
        assert "\nDO NOW\n 1. " in outcome and "Mon 9 Mar 2026" in " ".join(outcome.split())
        assert "Meeting the LCSPR criteria does not oblige a review" in outcome  # teaching point
        assert "the safeguarding partners decide" in outcome

        await pilot.press("left")  # back on a question, the rules now show their results
        assert (
            "[T-06N] National importance\n      may apply (an answer is not sure) -> did not fire"
            in shown(app, "#rules")
        )

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
        assert "Notifications: Notify the Panel, by Mon 9 Mar 2026" in before
        assert "Deadlines: Rapid review completed, by Mon 30 Mar 2026" in before
        assert "panel_notification" not in before + after + difference  # labels, never ids
        assert "Route: Serious child safeguarding incident\n    becomes Refer to" in difference
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
        assert shown(app, "#path-title") == "Decision path: A bruise [bold]nobody[/] followed up"


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


@pytest.mark.slow
async def test_at_80x24_the_what_if_comparison_scrolls_by_keyboard(pack, scenarios):
    app = TrainerApp(pack, scenarios, start=scenarios[0])
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("w", "down", "down", "enter", "down", "enter")  # harm -> not serious
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, WhatIfScreen) and screen.has_class("-compared")
        compare = screen.query_one("#whatif-compare", VerticalScroll)
        assert compare.has_focus
        assert compare.region.right <= 80 and compare.region.bottom <= 24
        assert compare.max_scroll_y > 0  # more than a screenful: the keys must reach it all
        assert compare.scroll_y == 0
        await pilot.press("down")
        await pilot.pause()
        assert compare.scroll_y == 1
        await pilot.press("pagedown")
        await pilot.pause()
        assert compare.scroll_y > 1
        await pilot.press("end")
        await pilot.pause()
        assert compare.scroll_y == compare.max_scroll_y
        difference = screen.query_one("#whatif-difference", Static)
        assert difference.region.bottom > 0  # the rules that differ are on screen at the end
        assert "[T-07]" in shown(app, "#whatif-difference")
        await pilot.press("pageup")
        await pilot.pause()
        assert compare.scroll_y < compare.max_scroll_y
        await pilot.press("home")
        await pilot.pause()
        assert compare.scroll_y == 0


@pytest.mark.slow
async def test_at_80x24_the_path_opens_collapsed_to_the_questions_that_decided_the_route(
    pack, scenarios
):
    app = TrainerApp(pack, scenarios, start=scenarios[0])
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("p")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, PathScreen)
        assert path_questions(screen) == [
            ("1. Is any child at risk of harm right now? -> No, every child is safe", True),
            ("2. How old was the person who died or was harmed? -> Under 16", True),
            ("3. What happened to them? -> They were seriously harmed", True),
            ("4. Is abuse or neglect known or suspected? -> Suspected", True),
        ]
        assert shown(app, "#path-more") == "+ 3 more questions: A shows them all"
        assert shown(app, "#path-outcome") == "The outcome: Serious child safeguarding incident"

        await pilot.press("down", "down", "enter")  # open the third question
        await pilot.pause()
        assert [collapsed for _, collapsed in path_questions(screen)] == [True, True, False, True]
        detail = screen.query_one("#path-detail-3", Static)
        text = shown(app, "#path-detail-3")
        assert text.splitlines() == [
            "[T-07] Below the threshold, agencies working together",
            "    may apply (an answer is not sure) -> did not fire",
        ]
        assert detail.region.right <= 80

        await pilot.press("a")  # every question
        await pilot.pause()
        assert len(path_questions(screen)) == 7
        assert not screen.query_one("#path-more").display
        await pilot.press("e")
        await pilot.pause()
        assert not any(collapsed for _, collapsed in path_questions(screen))
        await pilot.press("c")
        await pilot.pause()
        assert all(collapsed for _, collapsed in path_questions(screen))


async def test_at_80x24_the_header_fits_and_the_mode_line_tells_the_truth(pack, scenarios):
    app = TrainerApp(pack, scenarios, start=scenarios[0], guess_first=True)
    async with app.run_test(size=(80, 24)) as pilot:
        header = app.screen.query_one("HeaderTitle")
        assert "Practice review trainer" in str(header.render())
        assert header.region.right <= 80 and app.sub_title == ""
        assert shown(app, "#mode") == "Guess first: ON, outcome hidden (R reveals)"
        await pilot.press("r")
        assert shown(app, "#mode") == "Guess first: ON, outcome revealed"
        await pilot.press("g")
        assert shown(app, "#mode") == "Guess first: off"
        for name in ("#progress", "#mode"):
            assert app.screen.query_one(name).region.right <= 80


async def test_room_mode_makes_the_text_bolder_and_roomier_and_back(pack, scenarios):
    app = TrainerApp(pack, scenarios, start=scenarios[0])
    async with app.run_test(size=(80, 24)) as pilot:
        main = app.screen.query_one("#main", Static)
        assert main.styles.padding.left == 4
        await pilot.press("m")
        await pilot.pause()
        assert app.has_class("-room")
        assert main.styles.padding.left == 6
        assert main.styles.text_style.bold
        assert str(main.styles.color) == str(app.screen.query_one("#rules").styles.color)
        assert shown(app, "#mode").endswith("Room mode")
        await pilot.press("m")
        await pilot.pause()
        assert not app.has_class("-room")
        assert main.styles.padding.left == 4


@pytest.mark.slow
async def test_at_80x24_a_long_step_scrolls_by_keyboard_and_each_step_starts_at_its_top(
    pack, scenarios
):
    app = TrainerApp(pack, scenarios, start=scenarios[0])
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        assert isinstance(screen, StepScreen)
        while screen.kind != "outcome":
            await pilot.press("right")
        stage = screen.query_one("#stage", VerticalScroll)
        await pilot.pause()
        assert stage.max_scroll_y > 0  # the outcome with its teaching points is taller
        main = screen.query_one("#main", Static)
        shape = shown(app, "#main").split("\nTeaching points")[0]
        assert max(len(line) for line in shape.splitlines()) <= main.content_size.width
        await pilot.press("down")
        await pilot.pause()
        assert stage.scroll_y == 1
        await pilot.press("end")
        await pilot.pause()
        assert stage.scroll_y == stage.max_scroll_y
        await pilot.press("home")
        await pilot.pause()
        assert stage.scroll_y == 0
        await pilot.press("pagedown", "left")
        await pilot.pause()
        assert stage.scroll_y == 0


async def test_at_80x24_a_long_question_in_the_path_wraps_instead_of_being_cut():
    shipped = load_pack(default_rules_dir())
    found, _ = load_scenarios(scenarios_dir(shipped))
    app = TrainerApp(shipped, found, start=found[0])
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("p")
        await pilot.pause()
        titles = list(app.screen.query("CollapsibleTitle"))
        longest = max(titles, key=lambda t: len(str(t.label)))
        assert len(str(longest.label)) > 80  # wider than the screen, so it must wrap
        assert longest.region.right <= 80
        assert longest.size.height >= 2
