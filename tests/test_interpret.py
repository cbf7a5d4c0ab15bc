"""The free-text interpreter: answers, commands, dates, and never an exception."""

from __future__ import annotations

import datetime as dt

import pytest

from assistant.core import load_pack
from assistant.core.interpret import Answer, Command, Problem, Unclear, Unrecognised, interpret

TODAY = dt.date(2026, 11, 27)


@pytest.fixture(scope="module")
def pack():
    return load_pack()


def choices(pack, fact):
    return pack.question_for[fact].choices()


@pytest.mark.parametrize(
    "text",
    [
        "y",
        "Y",
        "yes",
        "Yes.",
        "yep",
        "yeah",
        "Yup!",
        "aye",
        "yes, a child may be at risk now",
        "  YES  ",
    ],
)
def test_yes(pack, text):
    assert interpret(text, choices(pack, "immediate_risk"), "tri") == Answer(
        "yes", interpret(text, choices(pack, "immediate_risk"), "tri").how
    )
    assert interpret(text, choices(pack, "immediate_risk"), "tri").value == "yes"


@pytest.mark.parametrize(
    "text",
    [
        "n",
        "no",
        "No.",
        "nope",
        "nah",
        "no way",
        "not at all",
        "No, every child is safe or already referred",
    ],
)
def test_no(pack, text):
    assert interpret(text, choices(pack, "immediate_risk"), "tri").value == "no"


@pytest.mark.parametrize(
    "text",
    [
        "not sure",
        "Not sure",
        "unsure",
        "dunno",
        "don't know",
        "don\u2019t know",
        "do not know",
        "idk",
        "?",
        "I'm not sure",
        "no idea",
        "unknown",
        "maybe",
    ],
)
def test_not_sure(pack, text):
    for fact in ("immediate_risk", "harm", "aware_date"):
        result = interpret(text, choices(pack, fact), pack.question_for[fact].kind, TODAY)
        assert result == Answer("unknown", "not_sure"), (fact, text, result)


def test_option_by_number(pack):
    options = choices(pack, "harm")
    for i, option in enumerate(options, 1):
        assert interpret(str(i), options) == Answer(option.value, "number")
        assert interpret(f"{i}.", options).value == option.value
    assert isinstance(interpret(str(len(options) + 1), options), Unrecognised)
    assert isinstance(interpret("0", options), Unrecognised)


@pytest.mark.parametrize(
    ("fact", "text", "value"),
    [
        ("harm", "died", "died"),
        ("harm", "They died", "died"),
        ("harm", "seriously harmed", "serious_harm"),
        ("harm", "not seriously", "other_harm"),
        ("harm", "no harm", "no_harm"),
        ("harm", "serious harm", "serious_harm"),
        ("abuse_or_neglect", "suspected", "suspected"),
        ("abuse_or_neglect", "Not suspected", "not_suspected"),
        ("abuse_or_neglect", "known", "known"),
        ("subject_age_band", "under 16", "under_16"),
        ("subject_age_band", "16", "age_16_17"),
        ("subject_age_band", "17", "age_16_17"),
        ("subject_age_band", "unborn", "unborn"),
        ("subject_age_band", "25 or over", "age_25_plus"),
        ("incident_location", "in salford", "in_area"),
        ("incident_location", "elsewhere", "elsewhere_in_england"),
    ],
)
def test_option_by_words(pack, fact, text, value):
    assert interpret(text, choices(pack, fact)).value == value


def test_words_that_fit_two_options_are_unclear(pack):
    result = interpret("harmed", choices(pack, "harm"))
    assert isinstance(result, Unclear)
    assert set(result.candidates) >= {"serious_harm", "other_harm"}


@pytest.mark.parametrize(
    ("text", "name", "topic"),
    [
        ("why", "why", ""),
        ("Why?", "why", ""),
        ("why do you ask", "why", ""),
        ("help", "help", ""),
        ("back", "back", ""),
        ("go back", "back", ""),
        ("summary", "summary", ""),
        ("restart", "restart", ""),
        ("start again", "restart", ""),
        ("quit", "quit", ""),
        ("exit", "quit", ""),
        ("review", "review", ""),
        ("what is serious harm", "what_is", "serious harm"),
        ("What is serious harm?", "what_is", "serious harm"),
        ("what's a rapid review", "what_is", "rapid review"),
        ("what does LCSPR mean?", "what_is", "lcspr"),
        ("define serious harm", "what_is", "serious harm"),
        ("what is this", "what_is", ""),
    ],
)
def test_commands(pack, text, name, topic):
    assert interpret(text, choices(pack, "harm")) == Command(name, topic)  # type: ignore[arg-type]


def test_dates(pack):
    options = choices(pack, "aware_date")
    assert interpret("2026-03-02", options, "date", TODAY) == Answer(dt.date(2026, 3, 2), "date")
    assert interpret("2026/3/2", options, "date", TODAY).value == dt.date(2026, 3, 2)
    assert interpret("today", options, "date", TODAY).value == TODAY
    assert interpret(TODAY.isoformat(), options, "date", TODAY).value == TODAY
    assert interpret("2026-11-28", options, "date", TODAY) == Problem("future_date", "2026-11-28")
    assert interpret("2026-02-30", options, "date", TODAY) == Problem(
        "impossible_date", "2026-02-30"
    )
    assert interpret("02/03/2026", options, "date", TODAY).code == "not_a_date"  # type: ignore[union-attr]
    assert isinstance(interpret("last week sometime", options, "date", TODAY), Unrecognised)
    assert interpret("1", options, "date", TODAY) == Answer("unknown", "number")


def test_yes_and_no_are_not_answers_to_a_question_without_them(pack):
    assert isinstance(interpret("yes", choices(pack, "subject_age_band")), Unrecognised)


def test_empty_input(pack):
    assert interpret("", choices(pack, "harm")) == Problem("empty", "")
    assert interpret("   \t ", choices(pack, "harm")).code == "empty"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "text",
    [
        "[/]",
        "[bold]x[/bold]",
        "{{ 7*7 }}",
        "{% raw %}",
        "\x00\x1b[31m",
        "\ud800",
        "é" * 10_000,
        "((((",
        "\\",
        "what is [/]",
        None,
        12,
        "?" * 50,
    ],
)
def test_never_raises(pack, text):
    for fact in ("immediate_risk", "harm", "aware_date"):
        result = interpret(text, choices(pack, fact), pack.question_for[fact].kind, TODAY)
        assert isinstance(result, Answer | Command | Problem | Unclear | Unrecognised)


def test_unrecognised_keeps_the_text_exactly(pack):
    assert interpret("[bold]banana[/]", choices(pack, "harm")) == Unrecognised("[bold]banana[/]")


def test_words_in_brackets_do_not_choose_an_option():
    """'suspected' typed at 'What happened?' must not be read as 'They died (including
    suspected suicide)': a wrong answer to the harm question changes the route."""
    from assistant.core import load_pack

    choices = load_pack().question_for["harm"].choices()
    assert not isinstance(interpret("suspected", choices, "choice"), Answer)
    assert interpret("died", choices, "choice") == Answer("died", "words")
    assert interpret("seriously harmed", choices, "choice") == Answer("serious_harm", "words")
