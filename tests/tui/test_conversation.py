"""The real chat app driven with Textual's Pilot: keys, the mouse, focus, screens and layout.

What the conversation says and decides is checked below the UI, in milliseconds, in
tests/conversation/test_chat_routes.py; these tests check that the app shows it and takes input."""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import HelpPanel, Input

from assistant.conversation.outcome_text import outcome_markdown
from assistant.tui.screens.chat import STEP_OUTCOME, STEP_REVIEW
from assistant.tui.screens.outcome import OutcomeScreen
from assistant.tui.screens.review import ReviewScreen
from assistant.tui.widgets.facts_panel import FactsPanel
from assistant.tui.widgets.quick_replies import QuickReplies
from assistant.tui.widgets.transcript import AnswerMessage, ChatMessage
from tests.support.pilot import (
    TODAY,
    answer_all,
    chat,
    choose,
    last_assistant,
    make_app,
    transcript_texts,
    type_text,
)
from tests.support.routes import SHORT_ROUTES, answers_for, short_default

SIZE = (80, 24)


def outcome_source(app) -> str:
    screen = app.screen
    assert isinstance(screen, OutcomeScreen), f"expected the outcome, got {screen!r}"
    return screen.query_one("#outcome").source


async def test_opening_asks_about_immediate_risk_first(pack):
    app = make_app(pack)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = chat(app)
        assert screen.asking is not None and screen.asking.fact == "immediate_risk"
        labels = [r.label for r in screen.replies.replies]
        assert labels[-1] == "Not sure"
        assert [r.value for r in screen.replies.replies] == ["yes", "no", "unknown"]
        assert app.focused is screen.replies
        welcome = transcript_texts(app)[0][1]
        assert "safeguarding partners decide" in welcome


@pytest.mark.slow
async def test_a_conversation_by_number_arrows_and_click_reaches_the_outcome_screen(pack):
    """Every way of choosing, in one conversation; the route logic itself is checked below the
    UI (tests/conversation/test_chat_routes.py): here the screens show what it decided."""
    facts, default = SHORT_ROUTES["practice_review_referral"]
    app = make_app(pack)
    ways = ("number", "arrows", "click")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        asked: list[tuple[str, object]] = []
        while chat(app).mode == "question":
            question = chat(app).asking
            value = facts.get(question.fact, short_default(default)(question))
            await choose(pilot, value, ways[len(asked) % 3])
            asked.append((question.fact, value))
        screen = chat(app)
        assert screen.mode == "complete"
        assert len(asked) >= 3  # each way was used
        assert app.state.applied == dict(asked)
        # every answer is in the transcript, as the user's message
        assert [m.fact for m in screen.query(AnswerMessage)] == [f for f, _ in asked]
        assert [r.value for r in screen.replies.replies] == [STEP_OUTCOME, STEP_REVIEW]
        await choose(pilot, STEP_OUTCOME)
        decision = app.state.decision()
        assert decision.route == "practice_review_referral"
        assert outcome_source(app) == outcome_markdown(
            pack, decision, app.state.applied, app.state.today
        )


async def test_yes_to_immediate_risk_shows_the_contacts_then_the_outcome_screen(pack):
    app = make_app(pack)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await choose(pilot, "yes")
        replies = [r.value for r in chat(app).query_one("#replies", QuickReplies).replies]
        assert replies == ["step:carry_on", "step:outcome"]  # the contacts first, then the choice
        said = "\n".join(t for _, t in transcript_texts(app))
        for contact in pack.meta.contacts:
            assert contact.phone in said
        await choose(pilot, "step:outcome")
        decision = app.state.decision()
        assert decision.route == "urgent_safeguarding_referral"
        assert outcome_source(app) == outcome_markdown(
            pack, decision, app.state.applied, app.state.today
        )


async def test_ctrl_b_goes_back_and_f1_f4_give_help_and_why(pack):
    app = make_app(pack)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await choose(pilot, "no")
        await choose(pilot, "under_16")
        await pilot.press("ctrl+b")
        await pilot.pause()
        assert chat(app).asking.fact == "subject_age_band"
        assert "subject_age_band" not in app.state.answers
        await type_text(pilot, "why?")
        why = last_assistant(app)
        await pilot.press("f4")
        await pilot.pause()
        assert last_assistant(app) == why
        await pilot.press("f1")
        await pilot.pause()
        assert "About this question" in last_assistant(app)
        assert chat(app).asking.fact == "subject_age_band"


@pytest.mark.slow
async def test_markup_typed_by_the_user_is_shown_literally(pack):
    typed_texts = [
        "[/]",
        "[bold]loud[/bold]",
        "[link=https://x]y[/link]",
        "[red",
        "\\[b]x",
        "[@click=app.quit]q[/]",
        "{{ 7*7 }}",
    ]
    app = make_app(pack)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        for typed in typed_texts:
            await type_text(pilot, typed)
            mine = [m for m in chat(app).query(ChatMessage) if m.has_class("user")][-1]
            assert mine.text == typed
            assert typed in str(mine.render())
            assert f'"{typed}"' in last_assistant(app)  # quoted back exactly
            assert app.is_running


@pytest.mark.slow
async def test_changing_an_earlier_answer_keeps_what_applies_and_sets_aside_the_rest(pack):
    facts, default = SHORT_ROUTES["serious_incident"]
    app = make_app(pack, answers=answers_for(pack, facts, default, TODAY))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.state.decision().route == "serious_incident"
        screen = chat(app)
        # select the answer to "harm" in the transcript with the keyboard
        screen.transcript.focus()
        await pilot.pause()
        answers = screen.transcript.answers()
        target = [m.fact for m in answers].index("harm")
        await pilot.press(*(["up"] * (len(answers) - 1 - target)))
        assert answers[target].has_class("-selected")
        await pilot.press("enter")
        await pilot.pause()
        assert screen.editing == "harm"
        assert "Changing your earlier answer" in last_assistant(app)
        await choose(pilot, "no_harm")
        message = next(t for p, t in reversed(transcript_texts(app)) if "You changed" in t)
        assert "set them aside" in message
        assert "abuse_or_neglect" in app.state.set_aside
        assert app.state.answers["immediate_risk"] == "no"  # still on the path
        assert app.state.answers["subject_age_band"] == "under_16"
        old_harm = [m for m in screen.transcript.answers() if m.fact == "harm"][0]
        assert old_harm.has_class("-superseded") and "(changed below)" in old_harm.note
        aside = [m for m in screen.transcript.answers() if m.fact == "abuse_or_neglect"]
        assert aside and aside[0].has_class("-set-aside")
        # changing back restores the set-aside answers (clicking the answer this time)
        harm_messages = [m for m in screen.transcript.answers() if m.fact == "harm"]
        screen.transcript.scroll_to_widget(harm_messages[-1], animate=False, top=True)
        await pilot.pause()
        await pilot.click(harm_messages[-1])
        await pilot.pause()
        assert screen.editing == "harm"
        await choose(pilot, "serious_harm")
        restored = next(t for p, t in reversed(transcript_texts(app)) if "You changed" in t)
        assert "apply again" in restored
        assert "abuse_or_neglect" in app.state.applied


@pytest.mark.slow
async def test_escape_cancels_a_change(pack):
    app = make_app(pack)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await choose(pilot, "no")
        await choose(pilot, "under_16")
        chat(app).start_edit("immediate_risk")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert chat(app).editing is None
        assert app.state.answers["immediate_risk"] == "no"
        assert chat(app).asking.fact == app.state.current.fact


async def test_letters_typed_on_the_quick_replies_go_to_the_free_text_box(pack):
    app = make_app(pack)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.focused is chat(app).replies
        await pilot.press(*"yep", "enter")
        await pilot.pause()
        assert app.state.answers.get("immediate_risk") == "yes"


@pytest.mark.slow
async def test_summary_restart_and_quit(pack):
    app = make_app(pack)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await choose(pilot, "no")
        await choose(pilot, "under_16")
        await type_text(pilot, "summary")
        text = last_assistant(app)
        assert "What we know so far" in text
        assert "Under 16" in text
        await type_text(pilot, "start again")
        assert app.state.answers == {}
        assert chat(app).asking.fact == "immediate_risk"
        assert len(chat(app).transcript.answers()) == 0
        exits = []
        app.exit = lambda *args, **kwargs: exits.append(args)  # type: ignore[method-assign]
        await type_text(pilot, "quit")
        assert exits == [()]


async def test_facts_panel_toggles_and_shows_the_answers(pack):
    app = make_app(pack)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        panel = chat(app).query_one("#facts", FactsPanel)
        assert not panel.display
        await choose(pilot, "no")
        await choose(pilot, "age_16_17")
        await pilot.press("f2")
        await pilot.pause()
        assert panel.display
        body = str(panel.query_one("#facts-body").render())
        assert "16 or 17" in body
        await pilot.press("f2")
        await pilot.pause()
        assert not panel.display


async def test_question_mark_shows_every_key(pack):
    app = make_app(pack)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        assert app.screen.query(HelpPanel)
        await pilot.press("question_mark")
        await pilot.pause()
        assert not app.screen.query(HelpPanel)


@pytest.mark.slow
async def test_review_screen_edits_answers_in_place_before_the_outcome(pack):
    facts, default = SHORT_ROUTES["serious_incident"]
    app = make_app(pack, answers=answers_for(pack, facts, default, TODAY))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await choose(pilot, STEP_REVIEW)
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        facts_shown = [row.id.removeprefix("row-") for row in screen.query(".review-row")]
        assert facts_shown == [q.fact for q, _ in app.state.answered_questions()]
        date_box = screen.query_one("#answer-aware_date", Input)
        assert date_box.value == "2026-03-02"
        # change the age in place: later answers that no longer apply are set aside
        from textual.widgets import Select

        age = screen.query_one("#answer-subject_age_band", Select)
        age.value = "age_25_plus"
        await pilot.pause()
        await pilot.pause()
        assert app.state.answers["subject_age_band"] == "age_25_plus"
        status = str(screen.query_one("#review-status").render())
        assert "You changed" in status
        assert "set them aside" in status
        shown_now = [row.id.removeprefix("row-") for row in screen.query(".review-row")]
        assert "incident_location" not in shown_now
        # a bad date is refused with a clear message
        age = screen.query_one("#answer-subject_age_band", Select)
        age.value = "under_16"
        await pilot.pause()
        await pilot.pause()
        date_box = screen.query_one("#answer-aware_date", Input)
        date_box.focus()
        date_box.value = "2030-01-01"
        await pilot.press("enter")
        await pilot.pause()
        assert "in the future" in str(screen.query_one("#review-status").render())
        assert app.state.answers["aware_date"] == dt.date(2026, 3, 2)
        # finish: answer what is still open in the conversation, then see the outcome
        await pilot.press("escape")
        await pilot.pause()
        await answer_all(pilot, facts, short_default(default))
        await choose(pilot, STEP_OUTCOME)
        decision = app.state.decision()
        assert decision.route == "serious_incident"
        assert outcome_source(app) == outcome_markdown(
            pack, decision, app.state.applied, app.state.today
        )


@pytest.mark.slow
async def test_outcome_next_steps(pack):
    facts, default = SHORT_ROUTES["practice_review_referral"]
    app = make_app(pack, answers=answers_for(pack, facts, default, TODAY))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await choose(pilot, STEP_OUTCOME)
        screen = app.screen
        assert isinstance(screen, OutcomeScreen)
        values = [r.value for r in screen.query_one("#next-steps").replies]
        assert values[0] == "form" and "review" in values and "restart" in values
        await pilot.press("f")
        await pilot.pause()
        assert type(app.screen).__name__ == "ReferralFormScreen"
        app.pop_screen()
        await pilot.pause()
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert chat(app) is app.screen


@pytest.mark.slow
async def test_works_when_resized_and_with_no_color(pack, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app(pack)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.no_color
        await pilot.resize_terminal(60, 18)
        await pilot.pause()
        await choose(pilot, "no")
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        await choose(pilot, "under_16")
        # meaning is carried by prefixes, not colour
        prefixes = {p for p, _ in transcript_texts(app)}
        assert prefixes == {"Assistant", "You"}


async def test_app_resumes_from_given_answers(pack):
    app = make_app(pack, answers={"immediate_risk": "no", "subject_age_band": "under_16"})
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert chat(app).asking.fact not in ("immediate_risk", "subject_age_band")
        shown = [(m.fact, m.text) for m in chat(app).transcript.answers()]
        assert shown == [
            ("immediate_risk", app.state.words("immediate_risk", "no")),
            ("subject_age_band", "Under 16"),
        ]
        chat(app).transcript.focus()
        await pilot.pause()
        await pilot.press("up", "enter")
        await pilot.pause()
        assert chat(app).editing == "immediate_risk"


async def test_a_burst_of_typing_on_the_quick_replies_keeps_every_character(pack):
    """Keys that arrive together (a fast typist, a paste, a remote terminal) all reach the
    quick replies before focus moves to the box: spaces must not be lost ("seriouslyharmed")."""
    from textual import events

    app = make_app(pack)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        replies = chat(app).query_one("#replies", QuickReplies)
        replies.focus()
        await pilot.pause()
        for ch in "a b?c":
            key = "space" if ch == " " else ("question_mark" if ch == "?" else ch)
            replies.post_message(events.Key(key, ch))
        await pilot.pause()
        assert chat(app).query_one("#free-text", Input).value == "a b?c"


@pytest.mark.slow
async def test_a_next_step_chosen_twice_in_a_burst_acts_once(pack):
    """Typing 1 then Enter quickly at the outcome chooses "prepare the form" twice before the
    first choice is handled; one form opens, not two stacked (closing it would show another)."""
    facts, default = SHORT_ROUTES["practice_review_referral"]
    app = make_app(pack, answers=answers_for(pack, facts, default, TODAY))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await choose(pilot, STEP_OUTCOME)
        screen = app.screen
        assert isinstance(screen, OutcomeScreen)
        steps = screen.query_one("#next-steps")
        steps.choose(0)  # both choices are queued before either is handled, as in a burst
        steps.choose(0)
        await pilot.pause()
        await pilot.pause()
        names = [type(s).__name__ for s in app.screen_stack]
        assert names.count("ReferralFormScreen") == 1, names
        app.pop_screen()
        await pilot.pause()
        assert app.screen is screen
        steps.choose(values_index(steps, "review"))  # a dismissing step, twice: no error
        steps.choose(values_index(steps, "review"))
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        assert [type(s).__name__ for s in app.screen_stack].count("ReviewScreen") == 1


def values_index(replies, value):
    return [r.value for r in replies.replies].index(value)


@pytest.mark.slow
async def test_a_button_pressed_twice_in_a_burst_closes_its_screen_once(pack):
    """Enter pressed twice quickly on a button that closes a screen: the second press must not
    close the screen underneath (here the chat itself, which would end the app)."""
    from textual.widgets import Button

    app = make_app(pack)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("2", "enter")  # no immediate risk
        await pilot.pause()
        chat(app).action_review()
        await pilot.pause()
        review = app.screen
        assert isinstance(review, ReviewScreen)
        back = review.query_one("#review-back", Button)
        back.press()  # both presses are queued before either is handled, as in a burst
        back.press()
        await pilot.pause()
        await pilot.pause()
        assert app.screen is chat(app) and app.is_running
        assert [type(s).__name__ for s in app.screen_stack] == ["ChatScreen"]
