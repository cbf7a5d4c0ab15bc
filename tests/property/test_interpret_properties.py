"""Properties of reading typed answers: any text at any question is exactly one reading, and
only a reading the question allows; random bursts of keys and pastes in the real chat never
crash it and never record an answer the transcript does not show."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from textual import events

from assistant.core import contract, load_pack
from assistant.core.interpret import (
    Answer,
    Command,
    Problem,
    Unclear,
    Unrecognised,
    _interpret,
    interpret,
)

PACK = load_pack()
QUESTIONS = PACK.questions
TODAY = dt.date(2026, 11, 27)
BOUNDED = settings(
    max_examples=300,
    deadline=1000,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=True,
    database=None,
)

WORDS = sorted(
    {w for q in QUESTIONS for c in q.choices() for w in c.label.lower().split()}
    | {"no", "yes", "not", "sure", "yet", "under", "aged", "weeks", "old", "today", "yesterday"}
    | {"nov", "november", "fri", "option", "#", "what", "is", "why", "?", "-", "/", "."}
)
TYPED = st.one_of(
    st.text(max_size=40),
    st.integers(min_value=-5, max_value=300).map(str),
    st.lists(st.sampled_from(WORDS), min_size=1, max_size=5).map(" ".join),
    st.tuples(
        st.integers(0, 40), st.integers(0, 14), st.sampled_from(["2026", "26", "1999", "2030"])
    ).map(lambda d: f"{d[0]}/{d[1]}/{d[2]}"),
    st.dates(dt.date(1990, 1, 1), dt.date(2035, 1, 1)).map(
        lambda d: d.strftime(
            random.Random(d.toordinal()).choice(["%d %b %Y", "%Y-%m-%d", "%d/%m/%Y"])
        )
    ),
)


def _check(result, question) -> None:
    choices = question.choices(PACK.labels.values.get(question.fact))
    values = [c.value for c in choices]
    assert type(result) in (Answer, Command, Problem, Unclear, Unrecognised)
    if isinstance(result, Answer):
        if isinstance(result.value, dt.date):
            assert question.kind == "date" and result.value <= TODAY
            assert result.read_as  # a typed date always says how it was read
        else:
            assert result.value in values
    if isinstance(result, Unclear):
        assert result.candidates
        assert set(result.candidates) <= set(values)
        assert result.candidates != (contract.UNKNOWN,)  # "Not sure" alone is never a guess


@BOUNDED
@given(TYPED, st.sampled_from(QUESTIONS))
@example("15", PACK.question_for["subject_age_band"])
@example("no", PACK.question_for["incident_location"])
@example("27/11/2026", PACK.question_for["aware_date"])
def test_any_text_at_any_question_is_one_reading_the_question_allows(text, question) -> None:
    # the inner reader, so that an exception fails the test instead of being caught
    result = _interpret(
        text, question.choices(PACK.labels.values.get(question.fact)), question.kind, TODAY
    )
    _check(result, question)
    assert (
        interpret(
            text, question.choices(PACK.labels.values.get(question.fact)), question.kind, TODAY
        )
        == result
    )


@BOUNDED
@given(st.integers(min_value=10, max_value=999), st.sampled_from(QUESTIONS))
def test_a_number_of_two_or_more_digits_is_never_read_as_option_numbers(number, question) -> None:
    result = _interpret(str(number), question.choices(), question.kind, TODAY)
    assert not (isinstance(result, Answer) and result.how == "number")


@BOUNDED
@given(st.text(max_size=30), st.sampled_from(QUESTIONS))
def test_not_sure_is_never_a_loose_guess(text, question) -> None:
    """An answer of "not sure" comes from its number, its words, or a way of saying it."""
    choices = question.choices(PACK.labels.values.get(question.fact))
    result = _interpret(text, choices, question.kind, TODAY)
    if isinstance(result, Answer) and result.value == contract.UNKNOWN:
        assert result.how in ("number", "not_sure", "words")
        if result.how == "words":
            words = set(text.lower().replace(",", " ").split())
            label = next(c.label for c in choices if c.value == contract.UNKNOWN)
            assert words & set(label.lower().replace(",", " ").split())


# --- the real chat: random bursts of keys and pastes -------------------------------------------

KEYS = [
    *"0123456789",
    *"abcdefghijklmnoprstuvwyz",
    "space",
    "enter",
    "enter",
    "enter",
    "backspace",
    "up",
    "down",
]
PASTES = [
    "under 16",
    "15",
    "3 weeks old",
    "27/11/2026",
    "not yet",
    "no",
    "yes",
    "not sure",
    "[bold]x[/]",
    "1\n2",
    "what is LCSPR",
]
BURSTS = 15


@pytest.mark.slow
async def test_random_bursts_and_pastes_never_crash_and_every_answer_is_shown() -> None:
    from assistant.tui.app import ReviewAssistantApp
    from assistant.tui.screens.chat import ChatScreen
    from assistant.tui.widgets.transcript import AnswerMessage

    rng = random.Random(20261127)
    recorded = 0
    app = ReviewAssistantApp(PACK, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        chat = app.screen_stack[0]
        assert isinstance(chat, ChatScreen)
        for _ in range(BURSTS):
            roll = rng.random()
            if chat.mode == "complete":  # the path is done (an urgent "yes" ends it): again
                app.post_message(events.Paste("start again"))
                await pilot.press("enter")
            elif roll < 0.25:
                app.post_message(events.Paste(rng.choice(PASTES)))
                await pilot.press("enter")
            elif roll < 0.7:  # an answer's number, at times with another digit, and Enter
                count = len(chat.replies.replies) or 1
                digits = [str(rng.randint(1, count))] + rng.choices(
                    "0123456789", k=1 if rng.random() < 0.3 else 0
                )
                await pilot.press(*digits, "enter")
            else:
                await pilot.press(*rng.choices(KEYS, k=rng.randint(1, 8)))
            await pilot.pause()
            while app.screen is not chat:  # the outcome or the review opened: back to the chat
                app.screen.dismiss(None)
                await pilot.pause()
            assert app.return_code is None and app.is_running
            shown = {}
            for message in chat.query(AnswerMessage):
                if not message.has_class("-superseded"):
                    shown[message.fact] = message
            recorded = max(recorded, len(app.state.applied))
            for fact, value in app.state.applied.items():
                assert fact in shown, (fact, value)
                message = shown[fact]
                words = app.state.words(fact, value)
                assert words.lower() == message.text.lower() or words in message.note, (
                    fact,
                    value,
                    message.text,
                    message.note,
                )
    assert recorded >= 2  # the bursts did answer questions: the checks above were not empty
