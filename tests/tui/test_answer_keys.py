"""Keys at the answers: a burst of keys or a paste is one answer, to the question on screen."""

from __future__ import annotations

import pytest
from textual import events
from textual.widgets import Input

from assistant.tui.widgets.quick_replies import QuickReplies
from assistant.tui.widgets.transcript import ChatMessage
from tests.support.pilot import chat, choose, make_app, type_text

SIZE = (80, 24)


async def _at_the_age_question(pilot) -> QuickReplies:
    app = pilot.app
    await pilot.pause()
    replies = chat(app).query_one("#replies", QuickReplies)
    replies.focus()
    await pilot.press("2", "enter")  # no child at risk now
    await pilot.pause()
    assert chat(app).asking.fact == "subject_age_band"
    replies.focus()
    await pilot.pause()
    return replies


def _you(app) -> list[str]:
    """The user's messages, each with its note ("(taken as Under 16)")."""
    return [
        f"{m.text}  {m.note}".strip() for m in chat(app).query(ChatMessage) if m.has_class("user")
    ]


async def test_fifteen_typed_in_a_burst_at_the_answers_is_under_16(pack):
    app = make_app(pack)
    async with app.run_test(size=SIZE) as pilot:
        await _at_the_age_question(pilot)
        await pilot.press("1", "5", "enter")  # one burst, the answer list focused
        await pilot.pause()
        assert app.state.answers == {"immediate_risk": "no", "subject_age_band": "under_16"}
        assert _you(app)[-1].startswith("15")
        assert "Under 16" in _you(app)[-1]  # how it was taken is shown
        assert chat(app).asking.fact == "harm"  # the next question, nothing applied to it
        assert chat(app).query_one("#free-text", Input).value == ""


async def test_under_16_pasted_at_the_answers_is_one_answer(pack):
    app = make_app(pack)
    async with app.run_test(size=SIZE) as pilot:
        await _at_the_age_question(pilot)
        app.post_message(events.Paste("under 16"))
        await pilot.pause()
        box = chat(app).query_one("#free-text", Input)
        assert box.value == "under 16" and app.focused is box
        assert "subject_age_band" not in app.state.answers  # nothing chosen by the paste itself
        await pilot.press("enter")
        await pilot.pause()
        assert app.state.answers == {"immediate_risk": "no", "subject_age_band": "under_16"}
        assert _you(app)[-1] == "under 16"
        assert chat(app).asking.fact == "harm"


async def test_a_number_and_enter_choose_that_answer_shown_in_its_words(pack):
    app = make_app(pack)
    async with app.run_test(size=SIZE) as pilot:
        await _at_the_age_question(pilot)
        assert _you(app) == ["No, every child is safe or already referred"]
        await pilot.press("2", "enter")
        await pilot.pause()
        assert app.state.answers["subject_age_band"] == "under_16"
        assert _you(app)[-1] == "Under 16"


async def test_one_digit_alone_chooses_nothing_until_enter(pack):
    """A digit is the start of what is typed, not a choice: "1" could be the start of "15"."""
    app = make_app(pack)
    async with app.run_test(size=SIZE) as pilot:
        await _at_the_age_question(pilot)
        await pilot.press("1")
        await pilot.pause()
        assert "subject_age_band" not in app.state.answers
        assert chat(app).query_one("#free-text", Input).value == "1"


async def test_up_and_down_move_from_the_text_box_into_the_answers(pack):
    app = make_app(pack)
    async with app.run_test(size=SIZE) as pilot:
        replies = await _at_the_age_question(pilot)
        box = chat(app).query_one("#free-text", Input)
        box.focus()
        await pilot.pause()
        await pilot.press("down")
        await pilot.pause()
        assert app.focused is replies
        await pilot.press("down", "enter")  # Enter on a highlighted answer chooses it
        await pilot.pause()
        chosen = app.state.answers["subject_age_band"]
        assert chosen == "under_16"  # the first answer highlighted, then one down
        assert _you(app)[-1] == "Under 16"
        box.focus()
        await pilot.pause()
        await pilot.press("up")
        await pilot.pause()
        assert app.focused is replies


@pytest.mark.slow
async def test_arrows_and_enter_still_choose_from_the_list(pack):
    app = make_app(pack)
    async with app.run_test(size=SIZE) as pilot:
        await _at_the_age_question(pilot)
        await pilot.press("home", "down", "enter")
        await pilot.pause()
        assert app.state.answers["subject_age_band"] == "under_16"


@pytest.mark.slow
async def test_a_date_typed_day_first_is_accepted_and_said_back_as_read(pack):
    import datetime as dt

    facts = {
        "immediate_risk": "no",
        "subject_age_band": "under_16",
        "harm": "serious_harm",
        "abuse_or_neglect": "suspected",
        "incident_location": "in_area",
    }
    app = make_app(pack)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        for _ in range(20):
            question = chat(app).asking
            if question.kind == "date":
                break
            await choose(pilot, facts.get(question.fact, "unknown"))
        assert chat(app).asking.fact == "aware_date"
        await type_text(pilot, "20/11/2026")
        assert app.state.answers["aware_date"] == dt.date(2026, 11, 20)
        assert _you(app)[-1] == "20/11/2026  (taken as Fri 20 Nov 2026)"


def _burst(app, keys: str, *named: str) -> None:
    """Keys as a terminal delivers a fast burst: all queued before any is handled (`keys` as
    typed, "\r" for Enter; then `named` keys such as "ctrl+q")."""
    for key in keys:
        if key == "\r":
            app.post_message(events.Key("enter", "\r"))
        else:
            app.post_message(events.Key(key, key))
    for key in named:
        app.post_message(events.Key(key, None))


@pytest.mark.parametrize("focused", ["#free-text", "#replies"], ids=["box", "answer-list"])
async def test_two_answers_typed_in_one_burst_are_two_answers(pack, focused):
    """ "2" Enter "15" Enter typed fast: No to the first question, then Under 16; from the answer
    list too, whose keys reach it before the focus moves."""
    app = make_app(pack)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        chat(app).query_one(focused).focus()
        await pilot.pause()
        _burst(app, "2\r15\r")
        await pilot.pause()
        await pilot.pause()
        assert app.state.answers == {"immediate_risk": "no", "subject_age_band": "under_16"}
        assert chat(app).asking.fact == "harm"
        assert chat(app).query_one("#free-text", Input).value == ""


async def test_enter_after_moving_back_into_the_list_chooses_the_highlighted_answer(pack):
    """Text left in the box does not take over Enter once the user has arrowed into the list."""
    app = make_app(pack)
    async with app.run_test(size=SIZE) as pilot:
        replies = await _at_the_age_question(pilot)
        await pilot.press("x")  # typed from the list: goes into the box
        await pilot.pause()
        await pilot.press("down")  # back into the answers on purpose
        await pilot.pause()
        assert app.focused is replies
        await pilot.press("enter")
        await pilot.pause()
        assert app.state.answers["subject_age_band"] == "unborn"


async def test_an_answer_then_ctrl_q_in_one_burst_is_recorded_before_the_app_closes(pack):
    app = make_app(pack)
    async with app.run_test(size=SIZE) as pilot:
        await _at_the_age_question(pilot)
        _burst(app, "15\r", "ctrl+q")
        for _ in range(10):
            await pilot.pause()
            if app.return_code is not None:
                break
        assert app.return_code == 0
    assert app.state.answers["subject_age_band"] == "under_16"
