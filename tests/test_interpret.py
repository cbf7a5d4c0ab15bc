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
    assert interpret("02/03/2026", options, "date", TODAY).value == dt.date(2026, 3, 2)
    assert interpret("2026-13-02", options, "date", TODAY).code == "impossible_date"  # type: ignore[union-attr]
    assert interpret("27 Nov", options, "date", TODAY).code == "not_a_date"  # type: ignore[union-attr]
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


# --- a number is an option's number only when it is one digit of the list --------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("15", "under_16"),
        ("17", "age_16_17"),
        ("16", "age_16_17"),
        ("3 weeks old", "under_16"),
        ("18 months", "under_16"),
        ("aged 17", "age_16_17"),
        ("15 years old", "under_16"),
        ("7", "under_16"),  # not an option's number (there are six): an age
        ("20", "age_18_24"),
        ("24", "age_18_24"),
        ("30", "age_25_plus"),
        ("under 16", "under_16"),  # pasted words: one answer, never "Unborn" and then another
        ("Under 16", "under_16"),
    ],
)
def test_a_number_that_is_no_options_number_is_read_as_an_age(pack, text, value):
    result = interpret(text, choices(pack, "subject_age_band"), "choice")
    assert isinstance(result, Answer) and result.value == value, result


def test_one_digit_that_is_an_options_number_picks_it(pack):
    options = choices(pack, "subject_age_band")
    assert interpret("1", options) == Answer("unborn", "number")
    assert interpret("2", options) == Answer("under_16", "number")
    assert interpret("5", options) == Answer("age_25_plus", "number")
    assert interpret("6", options) == Answer("unknown", "number")
    assert interpret("option 2", options) == Answer("under_16", "number")
    # an explicit option number that does not exist is not read as an age either
    assert isinstance(interpret("option 15", options), Unrecognised)


def test_digits_never_answer_as_several_options(pack):
    """ "15" is one answer (an age), never "1" and then "5"; at a question without numbers it
    is not an answer at all."""
    assert interpret("15", choices(pack, "subject_age_band")) == Answer("under_16", "age")
    assert isinstance(interpret("15", choices(pack, "harm")), Unrecognised)
    assert isinstance(interpret("15", choices(pack, "immediate_risk"), "tri"), Unrecognised)
    assert isinstance(interpret("200", choices(pack, "subject_age_band")), Unrecognised)


def test_the_ages_come_from_the_pack(pack):
    """Each age band's `numbers` in questions.yaml says which ages it covers; the label's own
    numbers are the fallback for an option that has none (a quick reply carries only its words)."""
    from assistant.core.interpret import numbers_of
    from assistant.core.pack import Option

    bands = {o.value: o.numbers for o in pack.question_for["subject_age_band"].options}
    assert bands["under_16"] == (0, 15) and bands["age_25_plus"][0] == 25
    assert bands["unborn"] is None
    # a pack can say more than its label: this one covers 16 to 20
    wider = [Option(value="a", label="Young"), Option(value="b", label="Older", numbers=(16, 20))]
    assert interpret("19", wider) == Answer("b", "age")
    # labels alone, as a quick reply shows them
    assert numbers_of(Option(value="x", label="Under 16")) == (0, 15)
    assert numbers_of(Option(value="x", label="16 or 17")) == (16, 17)
    assert numbers_of(Option(value="x", label="18 to 24")) == (18, 24)
    assert numbers_of(Option(value="x", label="25 or over"))[0] == 25  # type: ignore[index]
    assert numbers_of(Option(value="x", label="Unborn")) is None


def test_a_pack_whose_ages_overlap_is_refused():
    from assistant.core.pack import Option, Question, _check_references

    question = Question(
        fact="subject_age_band",
        text="How old?",
        options=[
            Option(value="under_16", label="Under 16", numbers=(0, 16)),
            Option(value="age_16_17", label="16 or 17", numbers=(16, 17)),
        ],
        file="questions.yaml",
        line=3,
    )
    problems = _check_references(None, {}, [question], [], {})
    assert any("both cover the number 16" in p for p in problems), problems
    with pytest.raises(ValueError, match="must not be larger"):
        Option(value="x", label="x", numbers=(17, 16))


# --- nothing is silently "Not sure" ------------------------------------------------------------


@pytest.mark.parametrize(
    ("fact", "text"),
    [
        ("incident_location", "no"),
        ("incident_location", "sure"),
        ("harm", "sure"),
        ("incident_location", "n"),
    ],
)
def test_a_loose_fit_is_never_taken_as_not_sure(pack, fact, text):
    """ "no" begins "Not sure" and "sure" is one of its words: neither is an answer of "Not
    sure"; the user is shown the options (or asked which one was meant)."""
    result = interpret(text, choices(pack, fact), "choice")
    assert not isinstance(result, Answer), result
    if isinstance(result, Unclear):
        assert len(result.candidates) > 1


def test_no_at_what_happened_is_the_option_that_says_no(pack):
    assert interpret("no", choices(pack, "harm")) == Answer("no_harm", "words")


def test_no_at_who_caused_the_harm_asks_which_was_meant(pack):
    result = interpret("no", choices(pack, "perpetrator_relationship"))
    assert isinstance(result, Unclear)
    assert set(result.candidates) == {"none", "unknown"}
    assert interpret("nobody", choices(pack, "perpetrator_relationship")) == Answer("none", "words")


def test_the_ways_of_saying_not_sure_still_say_it(pack):
    for fact in ("incident_location", "harm", "subject_age_band"):
        assert interpret("not sure", choices(pack, fact)).value == "unknown"
        assert interpret("don't know", choices(pack, fact)).value == "unknown"


# --- dates -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "2026-11-20",
        "20/11/2026",
        "20/11/26",
        "20-11-2026",
        "20 Nov 2026",
        "20 November 2026",
        "20th November 2026",
        "Fri 20 Nov 2026",
        "Friday, 20 November 2026",
        "November 20, 2026",
    ],
)
def test_dates_are_read_as_people_write_them(pack, text):
    result = interpret(text, choices(pack, "aware_date"), "date", TODAY)
    assert result == Answer(dt.date(2026, 11, 20), "date")
    assert result.read_as == "Fri 20 Nov 2026"  # type: ignore[union-attr]


def test_a_short_date_is_day_then_month(pack):
    result = interpret("2/3/2026", choices(pack, "aware_date"), "date", TODAY)
    assert result.value == dt.date(2026, 3, 2)
    assert result.read_as == "Mon 2 Mar 2026"  # type: ignore[union-attr]


def test_today_and_yesterday_say_which_day(pack):
    options = choices(pack, "aware_date")
    assert interpret("today", options, "date", TODAY).read_as == "Fri 27 Nov 2026"  # type: ignore[union-attr]
    yesterday = interpret("Yesterday", options, "date", TODAY)
    assert yesterday.value == dt.date(2026, 11, 26)
    assert yesterday.read_as == "Thu 26 Nov 2026"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("31/2/2026", "impossible_date"),
        ("30 Feb 2026", "impossible_date"),
        ("28/11/2026", "future_date"),
        ("1 Jan 2030", "future_date"),
        ("27 Nov", "not_a_date"),
        ("27 Smarch 2026", "not_a_date"),
    ],
)
def test_dates_that_cannot_be_used_say_why(pack, text, code):
    result = interpret(text, choices(pack, "aware_date"), "date", TODAY)
    assert isinstance(result, Problem) and result.code == code, result


# --- the Panel notification: "Not yet" ---------------------------------------------------------


def test_not_yet_is_an_answer_to_the_panel_notification_date(pack):
    question = pack.question_for["notification_date"]
    options = question.choices()
    assert [o.label for o in options] == ["Not yet", "Not sure"]
    for text in ("not yet", "Not yet", "1"):
        assert interpret(text, options, "date", TODAY).value == "not_yet", text
    for text in ("not sure", "2", "don't know"):
        assert interpret(text, options, "date", TODAY).value == "unknown", text
    # elsewhere "not yet" is no way of saying "not sure" ("not yet" used a policy means no)
    assert not isinstance(interpret("not yet", choices(pack, "escalation_tried"), "tri"), Answer)


def test_not_yet_notified_counts_the_rapid_review_from_the_latest_notification(pack):
    """No notification date, "not yet" and "not sure" all count the rapid review from the
    latest date the notification could be made, as the contract says; the route does not
    change. "Not sure" is the same as never asked."""
    from assistant.core.engine import decide

    case = {
        "immediate_risk": "no",
        "subject_age_band": "under_16",
        "harm": "serious_harm",
        "abuse_or_neglect": "known",
        "incident_location": "in_area",
        "aware_date": dt.date(2026, 11, 20),
    }
    not_yet = decide(pack, {**case, "notification_date": "not_yet"}, today=TODAY)
    not_sure = decide(pack, {**case, "notification_date": "unknown"}, today=TODAY)
    never_asked = decide(pack, case, today=TODAY)
    notified = decide(pack, {**case, "notification_date": dt.date(2026, 11, 23)}, today=TODAY)
    assert not_yet.route == never_asked.route == notified.route == "serious_incident"
    rapid = {d.id: d for d in not_yet.deadlines}["rapid_review"]
    assert rapid.basis == "latest_notification"
    assert {d.id: d for d in notified.deadlines}["rapid_review"].basis == "notification_date"
    assert not_sure.model_dump() == never_asked.model_dump()
    assert not_yet.deadlines == never_asked.deadlines  # to the deadlines, "not yet" is no date


# --- the questions' words -----------------------------------------------------------------------


def test_no_question_is_a_double_negative(pack):
    import re

    for question in pack.questions:
        assert not re.match(
            r"^(?:was|is|were|did|does|has|have|are)\s+(?:no|not|none)\b", question.text, re.I
        ), question.text


def test_the_agency_involvement_question_is_positive_and_keeps_its_fact(pack):
    """Asked positively, answered "yes": the stored fact is still yes, with the same meaning."""
    from assistant.core.engine import decide

    question = pack.question_for["no_agency_involvement_concern"]
    assert question.text.startswith("Is the lack of agency involvement")
    options = question.choices()
    assert interpret("yes", options, "tri").value == "yes"
    assert options[0].value == "yes" and "concern" in options[0].label
    serious = {
        "immediate_risk": "no",
        "subject_age_band": "under_16",
        "harm": "serious_harm",
        "abuse_or_neglect": "known",
        "incident_location": "in_area",
        "aware_date": dt.date(2026, 11, 20),
        "no_agency_involvement_concern": "yes",
    }
    assert "no_agency_involvement" in decide(pack, serious, today=TODAY).reviews.criteria_met


def test_a_good_outcome_path_asks_about_the_child(pack):
    from assistant.conversation.state import ConversationState

    answers = {
        "immediate_risk": "no",
        "subject_age_band": "age_16_17",
        "harm": "no_harm",
        "abuse_or_neglect": "not_suspected",
        "multi_agency_concerns": "no",
        "single_agency_concerns": "no",
        "positive_outcome": "yes",
        "agencies_involved": "two_or_more",
        "good_practice_made_difference": "yes",
        "learning_transferable": "yes",
        "harmed_another": "no",
    }
    state = ConversationState(pack, today=TODAY)
    asked = []
    while state.current is not None:
        question = state.current
        asked.append(question.text)
        state.answer(question.fact, answers.get(question.fact, "unknown"))
    assert state.decision().route == "good_outcome_referral"
    assert any("child" in text for text in asked)
    assert not [text for text in asked if "died" in text or "harmed" in text or "death" in text]
