"""A duty whose date is today says "due today"; one past its date says "overdue since ...: do it
now"; a done duty is never flagged. "Today" is an argument (the conversation's date), so these
tests pin it and never depend on the day they run."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest

from assistant.commands.plain import PlainSession
from assistant.conversation.conversation import Conversation
from assistant.conversation.events import ShowOutcome
from assistant.conversation.outcome_text import outcome_markdown
from assistant.conversation.state import ConversationState
from assistant.core.engine import decide
from assistant.core.outcome import Outcome, build_outcome, due_state
from assistant.core.pack import Pack
from assistant.core.prompts import render
from tests.support.routes import SHORT_ROUTES

# aware Mon 2 Mar 2026: the Panel is due Mon 9 Mar (5 working days), the rapid review Mon 30 Mar
# (15 working days from the last day to notify the Panel)
SERIOUS: dict[str, Any] = dict(SHORT_ROUTES["serious_incident"][0])
assert SERIOUS["aware_date"] == dt.date(2026, 3, 2)
DECIDED_ON = dt.date(2026, 11, 27)
PANEL_DUE = dt.date(2026, 3, 9)
REVIEW_DUE = dt.date(2026, 3, 30)


def _outcome(pack: Pack, facts: dict[str, Any], today: dt.date | None) -> Outcome:
    decision = decide(pack, facts, today=DECIDED_ON)
    return build_outcome(pack, decision, facts, today)


def _states(outcome: Outcome) -> dict[str, str]:
    return {line.duty: line.due_state for line in outcome.do_now}


def _text(pack: Pack, facts: dict[str, Any], today: dt.date | None) -> str:
    decision = decide(pack, facts, today=DECIDED_ON)
    return render(pack, "decision.txt.j2", decision=decision, facts=facts, today=today)


def _do_lines(text: str) -> list[str]:
    """The numbered Do-now entries, each joined back from its wrapped lines."""
    section = text.split("DO NOW\n", 1)[1].split("\n\n", 1)[0]
    lines: list[str] = []
    for row in section.splitlines():
        if row[:3].strip().rstrip(".").isdigit():
            lines.append(row.split(". ", 1)[1])
        else:
            lines[-1] += " " + row.strip()
    return lines


def test_due_state_compares_the_date_with_today() -> None:
    assert due_state(PANEL_DUE, PANEL_DUE - dt.timedelta(days=1)) == ""
    assert due_state(PANEL_DUE, PANEL_DUE) == "due_today"
    assert due_state(PANEL_DUE, PANEL_DUE + dt.timedelta(days=1)) == "overdue"
    assert due_state(None, PANEL_DUE) == ""
    assert due_state(PANEL_DUE, None) == ""


@pytest.mark.parametrize(
    ("today", "panel", "review"),
    [
        (dt.date(2026, 3, 6), "", ""),
        (PANEL_DUE, "due_today", ""),
        (PANEL_DUE + dt.timedelta(days=1), "overdue", ""),
        (REVIEW_DUE, "overdue", "due_today"),
        (REVIEW_DUE + dt.timedelta(days=1), "overdue", "overdue"),
        (None, "", ""),
    ],
)
def test_each_duty_is_flagged_against_today(
    salford: Pack, today: dt.date | None, panel: str, review: str
) -> None:
    states = _states(_outcome(salford, SERIOUS, today))
    assert states["panel_notification"] == panel
    assert states["rapid_review"] == review
    assert states["practice_review_referral"] == "", "a duty without a date is never flagged"


def test_the_words_say_due_today_and_overdue_on_the_same_numbered_line(salford: Pack) -> None:
    before = _do_lines(_text(salford, SERIOUS, dt.date(2026, 3, 6)))
    on_the_day = _do_lines(_text(salford, SERIOUS, PANEL_DUE))
    after = _do_lines(_text(salford, SERIOUS, dt.date(2026, 3, 31)))
    assert len(before) == len(on_the_day) == len(after) == 3, "one line per duty, still"

    assert "by Mon 9 Mar 2026, 5 working days from 2 Mar." in before[0]
    assert "due today" not in " ".join(before) and "overdue" not in " ".join(before)

    assert "due today, Mon 9 Mar 2026, 5 working days from 2 Mar." in on_the_day[0]
    assert "by Mon 30 Mar 2026" in on_the_day[2], "the rapid review is not due yet"

    assert "overdue since Mon 9 Mar 2026, 5 working days from 2 Mar: do it now." in after[0]
    assert "overdue since Mon 30 Mar 2026" in after[2] and after[2].count("do it now") == 1
    assert " by Mon" not in " ".join(after)


def test_without_a_day_the_dates_only(salford: Pack) -> None:
    decision = decide(salford, SERIOUS, today=DECIDED_ON)
    text = " ".join(render(salford, "decision.txt.j2", decision=decision, facts=SERIOUS).split())
    assert "by Mon 9 Mar 2026" in text and "overdue" not in text and "due today" not in text


def test_a_done_duty_is_never_flagged(salford: Pack) -> None:
    notified = {**SERIOUS, "notification_date": dt.date(2026, 3, 4)}  # rapid review: Wed 25 Mar
    late = dt.date(2026, 4, 20)
    outcome = _outcome(salford, notified, late)
    panel = next(line for line in outcome.do_now if line.duty == "panel_notification")
    assert panel.done and panel.due_state == ""
    assert _states(outcome)["rapid_review"] == "overdue"

    both = {**notified, "rapid_review_completed": dt.date(2026, 3, 20)}
    outcome = _outcome(salford, both, late)
    assert all(line.due_state == "" for line in outcome.do_now)
    text = _text(salford, both, late)
    assert "overdue" not in text and "due today" not in text
    assert "Done: The Panel was notified on Wed 4 Mar 2026." in " ".join(text.split())


def test_the_other_areas_line_is_flagged_too(salford: Pack) -> None:
    elsewhere = {**SERIOUS, "incident_location": "elsewhere_in_england"}
    lines = _do_lines(_text(salford, elsewhere, dt.date(2026, 3, 12)))
    assert lines[0].startswith("Contact the safeguarding partnership")
    assert "overdue since Mon 9 Mar 2026, 5 working days from 2 Mar: do it now." in lines[0]


def test_the_markdown_outcome_flags_in_bold(salford: Pack) -> None:
    decision = decide(salford, SERIOUS, today=DECIDED_ON)
    today = outcome_markdown(salford, decision, SERIOUS, PANEL_DUE)
    late = outcome_markdown(salford, decision, SERIOUS, dt.date(2026, 3, 10))
    undated = outcome_markdown(salford, decision, SERIOUS)
    assert "**due today, Mon 9 Mar 2026, 5 working days from 2 Mar**" in today
    assert "**overdue since Mon 9 Mar 2026, 5 working days from 2 Mar: do it now**" in late
    assert "by **Mon 9 Mar 2026, 5 working days from 2 Mar**" in undated
    assert "overdue" not in undated


def _answers(pack: Pack, today: dt.date) -> dict[str, Any]:
    """The answers a conversation on `today` gives for SERIOUS ("not sure" to the rest)."""
    state = ConversationState(pack, today=today)
    while state.current is not None:
        state.answer(state.current.fact, SERIOUS.get(state.current.fact, "unknown"))
    return dict(state.answers)


def test_the_conversation_flags_against_its_own_date(salford: Pack) -> None:
    for today, words in ((PANEL_DUE, "due today, Mon 9 Mar"), (REVIEW_DUE, "overdue since Mon 9")):
        state = ConversationState(salford, _answers(salford, today), today=today)
        conversation = Conversation(state, front="plain")
        shown = [e for e in conversation.opening(welcome=False) if isinstance(e, ShowOutcome)]
        assert shown, "a complete path prints the outcome in plain mode"
        assert words in " ".join(shown[0].text.split())


def test_plain_mode_prints_the_flag(salford: Pack) -> None:
    out = io.StringIO()
    typed = io.StringIO(_typed(salford, REVIEW_DUE) + "quit\n")
    session = PlainSession(salford, typed, out, no_save=True, today=REVIEW_DUE)
    assert session.run() == 0
    text = " ".join(out.getvalue().split())
    assert "overdue since Mon 9 Mar 2026, 5 working days from 2 Mar: do it now." in text
    assert "overdue since Mon 30 Mar 2026" not in text and "due today, Mon 30 Mar 2026" in text


def _typed(pack: Pack, today: dt.date) -> str:
    """The lines a user types in plain mode to give SERIOUS's answers ("not sure" otherwise)."""
    state = ConversationState(pack, today=today)
    typed: list[str] = []
    while state.current is not None:
        question = state.current
        value = SERIOUS.get(question.fact, "unknown")
        if isinstance(value, dt.date):
            typed.append(value.isoformat())
        else:
            choices = [c.value for c in question.choices(pack.labels.values.get(question.fact))]
            typed.append(str(choices.index(value) + 1))
        state.answer(question.fact, value)
    return "\n".join(typed) + "\n"
