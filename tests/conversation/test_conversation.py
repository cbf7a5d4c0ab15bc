"""The conversation below any user interface: Conversation.handle -> events, in milliseconds."""

from __future__ import annotations

import errno

import pytest

from assistant.conversation import events as E
from assistant.conversation.conversation import (
    STEP_CARRY_ON,
    STEP_OUTCOME,
    STEP_REVIEW,
    Conversation,
    case_file_text,
)
from assistant.core import decide, load_pack
from assistant.core.case import parse_case
from assistant.core.drafts import Autosave, DraftStore
from tests.support.conversation import TODAY, choose, conversation, of, walk
from tests.support.routes import PRACTICE_REVIEW


@pytest.fixture(scope="module")
def pack():
    return load_pack()


def test_the_opening_welcomes_then_asks_the_risk_question(pack):
    conv = conversation(pack)
    events = conv.opening()
    assert isinstance(events[0], E.Say) and events[0].template == "welcome"
    ask = events[-1]
    assert isinstance(ask, E.Ask) and ask.at == "immediate_risk" == conv.at
    assert ask.progress.answered == 0 and ask.progress.at_most > 0
    assert [c.value for c in ask.choices][-1] == "unknown"


def test_an_answer_is_recorded_and_echoed_then_the_next_question(pack):
    conv = conversation(pack)
    conv.opening()
    events = choose(conv, "no")
    assert of(events, E.Echo)[0] == E.Echo(
        "No, every child is safe or already referred", "immediate_risk"
    )
    assert conv.state.answers == {"immediate_risk": "no"}
    ask = of(events, E.Ask)[-1]
    assert ask.at != "immediate_risk" and ask.progress.answered == 1


def test_input_for_a_question_no_longer_on_screen_is_refused(pack):
    conv = conversation(pack)
    conv.opening()
    choose(conv, "no")  # "2" answered the risk question ...
    next_fact = conv.at
    events = conv.handle(at="immediate_risk", choice="yes")  # ... a second key for that question
    assert conv.state.answers == {"immediate_risk": "no"}  # nothing recorded
    assert of(events, E.Say)[0].template == "stale"
    assert of(events, E.Ask)[-1].at == next_fact == conv.at
    typed = conv.handle("15", at="immediate_risk")  # typed text too
    assert conv.state.answers == {"immediate_risk": "no"}
    assert of(typed, E.Say)[0].template == "stale"


def test_a_command_typed_at_an_earlier_question_is_for_the_one_shown(pack):
    conv = conversation(pack)
    conv.opening()
    choose(conv, "no")
    events = conv.handle("help", at="immediate_risk")
    assert of(events, E.Say)[0].template == "help"
    assert conv.asking.help.split()[0] in of(events, E.Say)[0].text


def test_yes_to_risk_shows_the_contacts_then_the_choice_to_carry_on(pack):
    conv = conversation(pack)
    conv.opening()
    events = choose(conv, "yes")
    urgent = [e for e in events if isinstance(e, E.Say) and e.template == "urgent"]
    assert urgent and all(c.phone in urgent[0].text for c in pack.meta.contacts)
    offer = events[-1]
    assert isinstance(offer, E.Offer) and conv.at == offer.at
    assert [s.value for s in offer.steps] == [STEP_CARRY_ON, STEP_OUTCOME]
    assert events.index(urgent[0]) < events.index(offer)
    carried = choose(conv, STEP_CARRY_ON)
    assert any(e.template == "referral_made" for e in of(carried, E.Say))
    assert conv.state.answers["immediate_risk"] == "no"  # now referred
    ask = of(carried, E.Ask)[-1]
    assert ask.at != "immediate_risk" and conv.mode == "question"


def test_plain_mode_prints_the_urgent_outcome_and_offers_to_carry_on(pack):
    conv = conversation(pack, front="plain")
    conv.opening()
    events = choose(conv, "yes")
    kinds = [type(e) for e in events]
    assert kinds.index(E.Say) < kinds.index(E.ShowOutcome) < kinds.index(E.Offer)
    assert of(events, E.ShowOutcome)[0].text.startswith("OUTCOME: ")
    assert STEP_CARRY_ON in [s.value for s in of(events, E.Offer)[0].steps]
    assert conv.outcome_shown


def test_not_sure_about_risk_warns_once_and_carries_on(pack):
    conv = conversation(pack)
    conv.opening()
    events = choose(conv, "unknown")
    assert [e.template for e in of(events, E.Say)].count("urgent") == 1
    assert conv.mode == "question" and conv.at != "immediate_risk"


def test_progress_is_an_upper_bound_on_the_questions_still_asked(pack):
    conv = conversation(pack)
    asks = of(conv.opening(), E.Ask)
    seen: list[E.Ask] = list(asks)
    while conv.mode == "question":
        question = conv.asking
        events = choose(conv, PRACTICE_REVIEW.get(question.fact, "unknown"))
        seen += of(events, E.Ask)
    assert conv.state.decision().route == "practice_review_referral"
    for index, ask in enumerate(seen):
        still_asked = len(seen) - index - 1
        assert ask.progress.answered == index
        assert ask.progress.at_most >= still_asked, (ask.at, ask.progress, still_asked)
    assert seen[-1].progress.at_most < seen[0].progress.at_most


def test_help_is_the_questions_own_help_not_the_whole_glossary(pack):
    conv = conversation(pack)
    conv.opening()
    choose(conv, "no")
    text = conv.handle("help", at=conv.at)[-1].text
    assert conv.asking.help.split()[0] in text
    assert len(text.splitlines()) <= 12
    assert all(entry.meaning not in text for entry in pack.glossary)


def test_why_names_rules_in_words_at_most_ten_lines_and_more_gives_the_rest(pack):
    conv = conversation(pack)
    conv.opening()
    walk_to = "harm"
    while conv.at != walk_to:
        choose(conv, PRACTICE_REVIEW.get(conv.asking.fact, "unknown"))
    events = conv.handle("why", at=conv.at)
    why = of(events, E.Say)[0]
    assert why.template == "why"
    lines = why.text.splitlines()
    assert len(lines) <= 11
    assert not any(r.id in why.text for r in pack.rules)  # words, never ids
    if conv.more:
        rest = conv.handle("more", at=conv.at)
        assert of(rest, E.Say)[0].text.splitlines() and not conv.more
    assert conv.at == walk_to  # still asking


def test_plain_mode_repeats_the_question_after_a_command(pack):
    conv = conversation(pack, front="plain")
    conv.opening()
    for command in ("why", "help", "what is child", "summary"):
        events = conv.handle(command, at=conv.at)
        assert isinstance(events[-1], E.Ask) and events[-1].at == "immediate_risk"
    chat = conversation(pack)
    chat.opening()
    assert not of(chat.handle("help", at=chat.at), E.Ask)


def test_glossary_finds_a_term_by_an_alias(pack):
    conv = conversation(pack)
    conv.opening()
    said = of(conv.handle("what is EDD?", at=conv.at), E.Say)[0]
    assert said.template == "glossary" and "nborn" in said.text


def test_back_summary_restart_and_quit(pack):
    conv = conversation(pack)
    conv.opening()
    choose(conv, "no")
    choose(conv, "under_16")
    summary = of(conv.handle("summary", at=conv.at), E.Say)[0]
    assert summary.template == "summary" and "Under 16" in summary.text
    back = conv.handle("back", at=conv.at)
    assert of(back, E.Ask)[-1].at == "subject_age_band"
    assert of(back, E.Ask)[-1].highlight == "under_16"
    assert "subject_age_band" not in conv.state.answers
    restart = conv.handle("restart", at=conv.at)
    assert of(restart, E.Restarted) and conv.state.answers == {}
    assert of(restart, E.Ask)[-1].at == "immediate_risk"
    assert of(conv.handle("quit", at=conv.at), E.Quit)


def test_not_understood_input_gets_the_options_never_an_answer(pack):
    conv = conversation(pack)
    conv.opening()
    events = conv.handle("purple", at=conv.at)
    assert of(events, E.Clarify) and conv.state.answers == {}
    assert conv.handle("", at=conv.at) == []  # the chat ignores an empty line
    plain = conversation(pack, front="plain")
    plain.opening()
    assert of(plain.handle("", at=plain.at), E.Say)[0].template == "empty"


def test_changing_an_earlier_answer(pack):
    conv = conversation(pack)
    conv.opening()
    choose(conv, "no")
    choose(conv, "under_16")
    ask = conv.edit("subject_age_band")[0]
    assert ask.at == "subject_age_band" and ask.old == "under_16" and conv.editing
    events = choose(conv, "age_16_17")
    assert conv.state.answers["subject_age_band"] == "age_16_17"
    assert of(events, E.AnswersChanged)[0].superseded == "subject_age_band"
    assert conv.editing is None


def test_the_chat_offers_the_outcome_and_review_when_complete(pack):
    conv = conversation(pack)
    conv.opening()
    walk(conv, PRACTICE_REVIEW)
    assert conv.mode == "complete"
    assert [s.value for s in conv.choices()] == [STEP_OUTCOME, STEP_REVIEW]
    assert of(choose(conv, STEP_OUTCOME), E.ShowOutcome)
    assert of(choose(conv, STEP_REVIEW), E.OpenReview)


def test_an_exported_case_file_decides_the_same(pack):
    conv = conversation(pack)
    conv.opening()
    walk(conv, PRACTICE_REVIEW)
    case = parse_case(case_file_text(conv.state.applied), "export.yaml", today=TODAY)
    again = decide(pack, case.fact_values(), today=TODAY)
    assert again.route == conv.state.decision().route == "practice_review_referral"


# --- saving fails -------------------------------------------------------------------------------


def broken_store(tmp_path) -> DraftStore:
    """A drafts folder that cannot be made: its parent is a regular file (root ignores modes)."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the data folder should be")
    return DraftStore(root=blocker / "drafts")


def saving(pack, tmp_path, store=None, front="chat") -> Conversation:
    autosave = Autosave(store or broken_store(tmp_path))
    autosave.start(pack.name, pack.version)
    conv = conversation(pack, front=front, autosave=autosave)
    conv.opening()
    return conv


def test_a_save_that_fails_warns_and_the_urgent_advice_is_still_shown(pack, tmp_path):
    from assistant.core.privacy import crash_message, remember_save

    remember_save(None)
    conv = saving(pack, tmp_path)
    events = choose(conv, "yes")
    warnings = of(events, E.SaveWarning)
    assert len(warnings) == 1
    assert (
        "Saving has stopped" in warnings[0].text and "carry on without saving" in warnings[0].text
    )
    assert "Nothing has been saved" in warnings[0].text
    urgent = [e for e in events if isinstance(e, E.Say) and e.template == "urgent"]
    assert urgent and all(c.phone in urgent[0].text for c in pack.meta.contacts)
    assert conv.state.answers == {"immediate_risk": "yes"}
    # the conversation goes on, with no second warning
    later = choose(conv, STEP_CARRY_ON)
    assert not of(later, E.SaveWarning) and conv.mode == "question"
    assert "No draft was saved" in crash_message(RuntimeError("x"))
    assert "saved as a draft" not in crash_message(RuntimeError("x"))


def test_a_full_disk_is_named_and_the_last_good_save_kept(pack, tmp_path, monkeypatch):
    from assistant.core.privacy import crash_message

    store = DraftStore(root=tmp_path / "drafts")
    conv = saving(pack, tmp_path, store)
    choose(conv, "no")  # saved
    assert conv.last_saved and (tmp_path / "drafts" / f"{conv.last_saved}.json").exists()

    def full(draft):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(store, "save", full)
    events = choose(conv, "under_16")
    warning = of(events, E.SaveWarning)[0]
    assert warning.reason == "the disk is full"
    assert conv.last_saved in warning.text
    assert of(events, E.Ask)  # the next question all the same
    assert f"draft {conv.last_saved}" in crash_message(RuntimeError("x"))
