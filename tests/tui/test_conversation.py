"""Complete conversations through the real chat app, driven with Textual's Pilot."""

from __future__ import annotations

import datetime as dt
import importlib.util

import pytest
from textual.widgets import HelpPanel, Input

from assistant.core import decide
from assistant.core.outcome import build_outcome
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
from tests.support.routes import SHORT_ROUTES, short_default

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


async def test_yes_to_immediate_risk_gives_the_urgent_route_and_contacts_at_once(pack):
    app = make_app(pack)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await choose(pilot, "yes")
        await pilot.pause()
        assert app.state.decision().route == "urgent_safeguarding_referral"
        replies = [r.value for r in chat(app).query_one("#replies", QuickReplies).replies]
        assert replies == ["step:carry_on", "step:outcome"]  # the contacts first, then the choice
        await choose(pilot, "step:outcome")
        await pilot.pause()
        text = outcome_source(app)
        assert pack.labels.routes["urgent_safeguarding_referral"].label in text
        said = "\n".join(t for _, t in transcript_texts(app))
        for contact in pack.meta.contacts:
            assert contact.phone in text
            assert contact.phone in said
        assert "safeguarding partners decide" in text


async def test_not_sure_about_immediate_risk_shows_the_contacts_and_carries_on(pack):
    app = make_app(pack)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await type_text(pilot, "not sure")
        said = "\n".join(t for _, t in transcript_texts(app))
        for contact in pack.meta.contacts:
            assert contact.phone in said
        assert chat(app).asking is not None
        assert chat(app).asking.fact != "immediate_risk"


@pytest.mark.parametrize(
    ("route", "how"),
    [
        ("serious_incident", "number"),
        ("practice_review_referral", "arrows"),
        ("good_outcome_referral", "click"),
        ("other_process", "number"),
        ("no_referral", "arrows"),
    ],
)
async def test_complete_conversation_reaches_each_route(pack, route, how):
    facts, default = SHORT_ROUTES[route]
    app = make_app(pack)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        asked = await answer_all(pilot, facts, short_default(default), how)
        assert asked[0][0] == "immediate_risk"
        screen = chat(app)
        assert screen.mode == "complete"
        answered = dict(asked)
        assert app.state.applied == answered
        assert decide(pack, answered, today=TODAY).route == route
        # every answer is in the transcript, as the user's message
        answers = [m for m in screen.query(AnswerMessage)]
        assert [m.fact for m in answers] == [f for f, _ in asked]
        # before the outcome is final, the user may review it
        assert [r.value for r in screen.replies.replies] == [STEP_OUTCOME, STEP_REVIEW]
        await choose(pilot, STEP_OUTCOME)
        text = outcome_source(app)
        decision = app.state.decision()
        assert decision.route == route
        assert (
            pack.labels.routes[route].label.replace("(", "\\(") in text
            or pack.labels.routes[route].label in text
        )
        assert "safeguarding partners decide" in text
        assert "## Why" in text
        if not decision.certain:
            assert "If these turn out to be true" in text
        for signpost in decision.signposts:
            assert pack.labels.signposts[signpost].label.split(" ")[0] in text
        if any(w.note == "confirm locally" for w in build_outcome(pack, decision, answered).why):
            assert "confirm locally" in text


async def test_serious_incident_outcome_has_a_dated_timeline(pack):
    facts, default = SHORT_ROUTES["serious_incident"]
    app = make_app(pack)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await answer_all(pilot, facts, short_default(default))
        await choose(pilot, STEP_OUTCOME)
        text = outcome_source(app)
        assert "## Do now" in text
        # 5 working days after Monday 2 March 2026
        assert "Mon 9 Mar 2026" in text
        assert text.index("Mon 9 Mar 2026") < text.index("## Which review")


async def test_changing_an_earlier_answer_keeps_what_applies_and_sets_aside_the_rest(pack):
    facts, default = SHORT_ROUTES["serious_incident"]
    app = make_app(pack)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await answer_all(pilot, facts, short_default(default))
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
        message = (
            last_assistant(app)
            if "You changed" in last_assistant(app)
            else next(t for p, t in reversed(transcript_texts(app)) if "You changed" in t)
        )
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


async def test_back_goes_to_the_previous_question(pack):
    app = make_app(pack)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await choose(pilot, "no")
        await choose(pilot, "under_16")
        current = chat(app).asking.fact
        await type_text(pilot, "back")
        assert chat(app).asking.fact == "subject_age_band"
        assert "subject_age_band" not in app.state.answers
        assert "Going back" in last_assistant(app) or any(
            "Going back" in t for _, t in transcript_texts(app)
        )
        await choose(pilot, "under_16")
        assert chat(app).asking.fact == current
        # ctrl+b does the same
        await pilot.press("ctrl+b")
        await pilot.pause()
        assert chat(app).asking.fact == "subject_age_band"


async def test_back_at_the_first_question_says_there_is_nothing_to_go_back_to(pack):
    app = make_app(pack)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await type_text(pilot, "go back")
        assert any("nothing to go back to" in t for _, t in transcript_texts(app))
        assert chat(app).asking.fact == "immediate_risk"


async def test_why_lists_the_rules_that_need_the_fact_with_sources(pack):
    app = make_app(pack)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await choose(pilot, "no")
        await choose(pilot, "under_16")
        while chat(app).asking.fact != "harm":
            await choose(pilot, "no" if chat(app).asking.kind == "tri" else "unknown")
        await type_text(pilot, "why?")
        text = last_assistant(app)
        rules = pack.rules_needing("harm")
        assert rules
        assert any(f"  - {rule.title}" in text for rule in rules)
        assert not any(f"{rule.id} " in text or f"({rule.id})" in text for rule in rules)
        assert len(text.splitlines()) <= 11  # at most ten lines, then "more"
        assert chat(app).asking.fact == "harm"  # still asking
        await pilot.press("f4")
        await pilot.pause()
        assert last_assistant(app) == text


async def test_glossary_look_ups(pack):
    app = make_app(pack)
    entry = pack.glossary[0]
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await type_text(pilot, f"what is {entry.term}?")
        assert entry.meaning.split()[0] in last_assistant(app)
        assert entry.term.capitalize() in last_assistant(app)
        alias_entry = next((e for e in pack.glossary if e.aliases), None)
        if alias_entry is not None:
            await type_text(pilot, f"what does {alias_entry.aliases[0]} mean")
            assert alias_entry.term.capitalize() in last_assistant(app)
        await type_text(pilot, "what is a flibbertigibbet")
        assert 'I do not have "flibbertigibbet"' in last_assistant(app)
        assert entry.term in last_assistant(app)
        await type_text(pilot, "help")
        assert "why" in last_assistant(app)
        assert entry.term in last_assistant(app)
        await pilot.press("f1")
        await pilot.pause()
        assert "About this question" in last_assistant(app)
        assert chat(app).asking.fact == "immediate_risk"


async def test_free_text_answers(pack):
    app = make_app(pack)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await type_text(pilot, "nope")
        assert app.state.answers["immediate_risk"] == "no"
        answer = chat(app).transcript.answers()[-1]
        assert answer.text == "nope"
        assert "taken as" in answer.note
        await type_text(pilot, "Under 16")
        assert app.state.answers["subject_age_band"] == "under_16"
        while chat(app).asking.fact != "harm":
            await type_text(pilot, "dunno")
        await type_text(pilot, "they died")
        assert app.state.answers["harm"] == "died"
        assert chat(app).asking.fact == "abuse_or_neglect"
        await type_text(pilot, "2")
        assert app.state.answers["abuse_or_neglect"] == "suspected"
        await type_text(pilot, "?")
        question = chat(app).asking
        assert app.state.answers[list(app.state.answers)[-1]] == "unknown"
        assert question is not None


async def test_letters_typed_on_the_quick_replies_go_to_the_free_text_box(pack):
    app = make_app(pack)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.focused is chat(app).replies
        await pilot.press(*"yep", "enter")
        await pilot.pause()
        assert app.state.answers.get("immediate_risk") == "yes"


async def test_unrecognised_input_gets_a_polite_clarification_with_the_options(pack):
    app = make_app(pack)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await type_text(pilot, "banana")
        text = last_assistant(app)
        assert text.startswith('Sorry, I did not understand "banana"')
        for reply in chat(app).replies.replies:
            assert reply.label in text
        assert app.state.answers == {}
        assert chat(app).asking.fact == "immediate_risk"


@pytest.mark.parametrize(
    "typed",
    [
        "[/]",
        "[bold]loud[/bold]",
        "[link=https://x]y[/link]",
        "[red",
        "\\[b]x",
        "[@click=app.quit]q[/]",
        "{{ 7*7 }}",
    ],
)
async def test_markup_typed_by_the_user_is_shown_literally(pack, typed):
    app = make_app(pack)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await type_text(pilot, typed)
        mine = [m for m in chat(app).query(ChatMessage) if m.has_class("user")][-1]
        assert mine.text == typed
        rendered = str(mine.render())
        assert typed in rendered
        assert f'"{typed}"' in last_assistant(app)  # quoted back exactly, not as markup or template
        assert app.is_running
        # and as a date answer
        await choose(pilot, "no")


async def test_dates_are_checked_and_never_in_the_future(pack):
    facts, _ = SHORT_ROUTES["serious_incident"]
    app = make_app(pack)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        before = {k: v for k, v in facts.items() if not isinstance(v, dt.date)}
        for _ in range(20):
            question = chat(app).asking
            if question.kind == "date":
                break
            await choose(pilot, before.get(question.fact, "unknown"))
        assert chat(app).asking.fact == "aware_date"
        await type_text(pilot, "2099-01-01")
        assert "in the future" in last_assistant(app)
        await type_text(pilot, "2026-02-30")
        assert "not a real date" in last_assistant(app)
        await type_text(pilot, "3rd of March")
        assert "not a date I can read" in last_assistant(app)
        assert "aware_date" not in app.state.answers
        await type_text(pilot, "2026-03-02")
        assert app.state.answers["aware_date"] == dt.date(2026, 3, 2)


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


async def test_review_screen_edits_answers_in_place_before_the_outcome(pack):
    facts, default = SHORT_ROUTES["serious_incident"]
    app = make_app(pack)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await answer_all(pilot, facts, short_default(default))
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
        assert "Serious" in outcome_source(app) or app.state.decision().route in (
            "serious_incident",
        )


async def test_outcome_next_steps(pack):
    facts, default = SHORT_ROUTES["practice_review_referral"]
    app = make_app(pack)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await answer_all(pilot, facts, short_default(default))
        await choose(pilot, STEP_OUTCOME)
        screen = app.screen
        assert isinstance(screen, OutcomeScreen)
        values = [r.value for r in screen.query_one("#next-steps").replies]
        assert values[0] == "form" and "review" in values and "restart" in values
        await pilot.press("f")
        await pilot.pause()
        if importlib.util.find_spec("assistant.tui.screens.referral") is None:
            assert app.screen is screen  # forms not installed: said so, nothing pushed
        else:
            assert type(app.screen).__name__ == "ReferralFormScreen"
            app.pop_screen()
            await pilot.pause()
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert chat(app) is app.screen


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


async def test_answers_changed_hook_is_called_after_every_answer(pack):
    calls = []
    app = make_app(pack)
    app.state.listeners.append(lambda state: calls.append(dict(state.answers)))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await choose(pilot, "no")
        await type_text(pilot, "under 16")
        await type_text(pilot, "back")
    assert calls == [
        {"immediate_risk": "no"},
        {"immediate_risk": "no", "subject_age_band": "under_16"},
        {"immediate_risk": "no"},
    ]


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


async def test_a_next_step_chosen_twice_in_a_burst_acts_once(pack):
    """Typing 1 then Enter quickly at the outcome chooses "prepare the form" twice before the
    first choice is handled; one form opens, not two stacked (closing it would show another)."""
    facts, default = SHORT_ROUTES["practice_review_referral"]
    app = make_app(pack)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await answer_all(pilot, facts, short_default(default))
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
