"""The chat's quick start: the first question is on a screen of its own before the pack loads.

The app is given the opening (rendered from the real pack, as the command line keeps it) and a
`load` function that waits until the test lets it finish, so the user can act while the pack is
still loading; whatever they did must be applied, unchanged, once the app has handed over to the
chat screen.
"""

from __future__ import annotations

import threading
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from textual import events
from textual.widgets import Footer, Header, Input

from assistant.conversation.opening import Opening, opening_for
from assistant.conversation.state import ConversationState
from assistant.core.pack import Pack
from assistant.tui import app as app_module
from assistant.tui.app import ReviewAssistantApp
from assistant.tui.screens.chat import ChatScreen
from assistant.tui.screens.first_question import FirstQuestionScreen
from assistant.tui.widgets.facts_panel import FactsPanel
from assistant.tui.widgets.quick_replies import QuickReplies
from assistant.tui.widgets.transcript import ChatMessage
from tests.support.pilot import TODAY, chat, make_app, transcript_texts

SIZE = (80, 24)
NOTICE = "Saving this conversation as a draft (a test notice)."


class Loader:
    """`load` for the app: waits for `release` (in the app's worker thread), then gives the state."""

    def __init__(self, pack: Pack) -> None:
        self.pack = pack
        self.release = threading.Event()
        self.started = threading.Event()

    def __call__(self) -> Any:
        self.started.set()
        assert self.release.wait(30), "the test never let the pack load"
        return SimpleNamespace(state=ConversationState(self.pack, today=TODAY), notices=[NOTICE])


def opening_of(pack: Pack) -> Opening:
    return opening_for(pack, ConversationState(pack, today=TODAY).current)


def quick_app(pack: Pack, opening: Opening | None = None) -> tuple[ReviewAssistantApp, Loader]:
    loader = Loader(pack)
    return ReviewAssistantApp(None, opening=opening or opening_of(pack), load=loader), loader


def first(app: ReviewAssistantApp) -> FirstQuestionScreen:
    screen = app.screen_stack[0]
    assert isinstance(screen, FirstQuestionScreen)
    return screen


def first_texts(app: ReviewAssistantApp) -> list[tuple[str, str]]:
    """(prefix, text) of every message on the first question's screen."""
    return [(m.prefix, m.text) for m in first(app).query(ChatMessage)]


async def wait_loading(pilot: Any, loader: Loader) -> None:
    """Wait until the worker has started `load` (the first question is on screen by then)."""
    for _ in range(200):
        if loader.started.is_set():
            return
        await pilot.pause(0.01)
    raise AssertionError("the pack never started loading")


async def finish_loading(pilot: Any, loader: Loader) -> None:
    loader.release.set()
    await pilot.app.workers.wait_for_complete()
    for _ in range(100):
        await pilot.pause()
        if isinstance(pilot.app.screen_stack[0], ChatScreen):
            break
    await pilot.pause()
    assert isinstance(pilot.app.screen_stack[0], ChatScreen)


async def test_first_question_is_on_screen_before_the_pack_loads(pack):
    app, loader = quick_app(pack)
    opening = opening_of(pack)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loading(pilot, loader)
        screen = first(app)
        assert app.state is None
        assert first_texts(app) == [
            ("Assistant", opening.welcome),
            ("Assistant", opening.question),
        ]
        assert opening.fact == "immediate_risk"
        assert "at risk of harm right now" in opening.question  # the pack's words (questions.yaml)
        replies = screen.query_one("#replies", QuickReplies)
        assert [(r.value, r.label) for r in replies.replies] == list(opening.replies)
        assert replies.replies[-1].label == "Not sure"
        assert app.focused is replies
        # the header and the key help are there while the pack loads
        assert screen.query(Header) and screen.query(Footer)
        await finish_loading(pilot, loader)
        screen = chat(app)
        assert screen.asking is not None and screen.asking.fact == "immediate_risk"
        assert app.state is screen.state and app.pack is pack
        assert app.focused is screen.replies
        assert [type(s) for s in app.screen_stack] == [ChatScreen]
        # the notices come between the welcome and the question, as in the usual start
        assert transcript_texts(app) == [
            ("Assistant", opening.welcome),
            ("Assistant", NOTICE),
            ("Assistant", opening.question),
        ]


async def test_the_screen_once_loaded_looks_as_the_usual_start_does(pack):
    """The header and key help come after the question, into rows kept for them: once loaded,
    the screen is the usual one, character for character."""
    app, loader = quick_app(pack)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loading(pilot, loader)
        await finish_loading(pilot, loader)
        quick = app.export_screenshot()
    usual = make_app(pack)
    usual.notices = [NOTICE]
    async with usual.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.pause()
        assert usual.export_screenshot() == quick


async def test_yes_before_the_pack_loads_gets_the_urgent_route_and_contacts(pack):
    app, loader = quick_app(pack)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loading(pilot, loader)
        await pilot.press("1", "enter")  # "Yes, a child may be at risk now"
        await pilot.pause()
        assert app.state is None  # nothing is decided before the pack is here ...
        assert first_texts(app)[-1] == (
            "You",
            "Yes, a child may be at risk now",
        )  # ... but it shows
        await finish_loading(pilot, loader)
        assert app.state.answers == {"immediate_risk": "yes"}
        decision = app.state.decision()
        assert decision.route == "urgent_safeguarding_referral" and decision.halted
        # the contacts, then the choice to carry on once the referral is made
        replies = chat(app).query_one("#replies", QuickReplies).replies
        assert [r.value for r in replies] == ["step:carry_on", "step:outcome"]
        said = "\n".join(text for _, text in transcript_texts(app))
        assert pack.labels.routes["urgent_safeguarding_referral"].label in said
        for contact in pack.meta.contacts:
            assert contact.phone in said
        # the answer is shown once, as an answer that can be changed
        assert [t for p, t in transcript_texts(app) if p == "You"] == [
            "Yes, a child may be at risk now"
        ]


async def test_a_click_before_the_pack_loads_is_applied(pack):
    app, loader = quick_app(pack)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loading(pilot, loader)
        replies = first(app).query_one("#replies", QuickReplies)
        await pilot.click(replies, offset=(4, 2))  # the second answer: "No, ..."
        await pilot.pause()
        await finish_loading(pilot, loader)
        assert app.state.answers == {"immediate_risk": "no"}
        assert chat(app).asking is not None and chat(app).asking.fact != "immediate_risk"


async def test_typed_text_before_the_pack_loads_is_kept_in_order(pack):
    app, loader = quick_app(pack)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loading(pilot, loader)
        box = first(app).query_one("#free-text", Input)
        box.focus()
        await pilot.pause()
        await pilot.press(*"nope", "enter")  # an answer, in the user's own words
        await pilot.press(*"why", "enter")  # a command: needs the pack, done once it is here
        await pilot.pause()
        assert box.value == ""
        assert first_texts(app)[-2:] == [("You", "nope"), ("You", "why")]  # shown at once
        await finish_loading(pilot, loader)
        assert app.state.answers == {"immediate_risk": "no"}
        texts = transcript_texts(app)
        you = [t for p, t in texts if p == "You"]
        assert you == ["nope", "why"]  # exactly as typed, in the order typed
        question = chat(app).asking
        assert question is not None and question.fact == "subject_age_band"
        # `why` was answered for the question on screen by then, with its rules
        assert any(
            rule.title in text for _, text in texts for rule in pack.rules_needing(question.fact)
        )


async def test_a_changed_mind_before_the_pack_loads_keeps_the_last_answer(pack):
    """Two answers to the one question on screen: both are applied to it, in order."""
    app, loader = quick_app(pack)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loading(pilot, loader)
        await pilot.press("2", "enter", "1", "enter")  # "No", then "Yes"
        await pilot.pause()
        await finish_loading(pilot, loader)
        assert app.state.answers == {"immediate_risk": "yes"}
        assert app.state.decision().route == "urgent_safeguarding_referral"


async def test_quitting_before_the_pack_loads_applies_the_answers_first(pack):
    """An answer given, then ctrl+q, before the pack has loaded: the answer is applied (and so
    saved, in the real app) before the app closes."""
    app, loader = quick_app(pack)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loading(pilot, loader)
        await pilot.press("2", "enter", "ctrl+q")
        await pilot.pause()
        assert app.return_code is None  # still open: the answer is not applied yet
        loader.release.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.return_code == 0
    assert app.state.answers == {"immediate_risk": "no"}


async def test_quitting_before_the_pack_loads_with_nothing_given_quits_at_once(pack):
    app, loader = quick_app(pack)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loading(pilot, loader)
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert app.return_code == 0
        loader.release.set()


async def test_keys_before_the_pack_loads_are_acted_on_once_it_has(pack):
    app, loader = quick_app(pack)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loading(pilot, loader)
        await pilot.press("f2")  # show the facts panel
        await pilot.pause()
        assert first(app).kept and not app.query(FactsPanel)
        await finish_loading(pilot, loader)
        assert chat(app).query_one("#facts", FactsPanel).display


async def test_an_out_of_date_opening_is_replaced_by_the_packs_own(pack):
    """Should the kept opening not be the pack's (the key guards against it), the pack's own
    welcome and question are shown from the start, and an answer to the kept one is not applied."""
    real = opening_of(pack)
    stale = Opening(**{**real.__dict__, "question": "An old wording of the first question?"})
    app, loader = quick_app(pack, stale)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loading(pilot, loader)
        assert first_texts(app)[1] == ("Assistant", stale.question)
        await pilot.press("1", "enter")
        await finish_loading(pilot, loader)
        assert app.state.answers == {}
        assert transcript_texts(app) == [
            ("Assistant", real.welcome),
            ("Assistant", NOTICE),
            ("Assistant", real.question),
        ]


async def test_a_pack_that_fails_to_load_closes_the_app_and_is_reported(pack):
    from assistant.core.errors import InputError

    def load() -> Any:
        raise InputError("rules/x.yaml, line 3: something is wrong")

    app = ReviewAssistantApp(None, opening=opening_of(pack), load=load)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
    assert isinstance(app.load_error, InputError)
    assert app.return_code == 2


def test_the_app_needs_a_pack_or_an_opening_and_a_load_function(pack):
    with pytest.raises(TypeError):
        ReviewAssistantApp(None)
    with pytest.raises(TypeError):
        ReviewAssistantApp(None, opening=opening_of(pack))


async def test_what_is_typed_but_not_sent_stays_in_the_box_with_the_focus(pack):
    app, loader = quick_app(pack)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loading(pilot, loader)
        await pilot.press(*"nope", "left", "left")  # typed from the answer list: into the box
        await pilot.pause()
        box = first(app).box
        assert (box.value, box.cursor_position, app.focused) == ("nope", 2, box)
        await finish_loading(pilot, loader)
        box = chat(app).query_one("#free-text", Input)
        assert (box.value, box.cursor_position, app.focused) == ("nope", 2, box)
        assert app.state.answers == {}
        await pilot.press("enter")
        await pilot.pause()
        assert app.state.answers == {"immediate_risk": "no"}


async def test_a_highlighted_answer_stays_highlighted(pack):
    app, loader = quick_app(pack)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loading(pilot, loader)
        await pilot.press("down", "down")
        await pilot.pause()
        highlighted = first(app).replies.highlighted
        assert highlighted is not None
        await finish_loading(pilot, loader)
        replies = chat(app).replies
        assert replies.highlighted == highlighted and app.focused is replies


class KeysAsItLoads(ReviewAssistantApp):
    """Keys pressed just as the pack has loaded: sent to the first question's screen but not
    yet read there (`into_first`), or still in the app's queue while it hands over."""

    CSS_PATH = str(Path(app_module.__file__).with_name("app.tcss"))
    keys: tuple[str, ...] = ()
    into_first = False

    async def on_first_question_screen_ready(self, message: FirstQuestionScreen.Ready) -> None:
        for key in self.keys:
            char = key if len(key) == 1 else None
            if self.into_first:
                target = first(self).focused
                assert target is not None
                target.post_message(events.Key(key, char))
            else:
                self.post_message(events.Key(key, char))
        # Textual calls the app's own handler next, as for every class a handler is on


@pytest.mark.parametrize("into_first", [True, False], ids=["sent-to-first-screen", "in-app-queue"])
async def test_keys_pressed_as_the_pack_loads_are_neither_lost_nor_misplaced(pack, into_first):
    """A burst typed just as the chat takes over: the first answer goes to the first question,
    and what follows is read at the question on screen when it is read, exactly once."""
    loader = Loader(pack)
    app = KeysAsItLoads(None, opening=opening_of(pack), load=loader)
    app.keys, app.into_first = ("n", "o", "enter", "1", "5"), into_first
    async with app.run_test(size=SIZE) as pilot:
        await wait_loading(pilot, loader)
        first(app).box.focus()
        await pilot.pause()
        await finish_loading(pilot, loader)
        for _ in range(5):
            await pilot.pause()
        assert app.state.answers == {"immediate_risk": "no"}
        assert [t for p, t in transcript_texts(app) if p == "You"] == ["no"]
        box = chat(app).query_one("#free-text", Input)
        assert box.value == "15" and app.focused is box
        assert chat(app).asking is not None and chat(app).asking.fact == "subject_age_band"
        await pilot.press("enter")
        await pilot.pause()
        assert app.state.answers["subject_age_band"] == "under_16"


async def test_an_answer_then_ctrl_q_in_one_burst_before_the_pack_loads_is_kept(pack):
    app, loader = quick_app(pack)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loading(pilot, loader)
        for key in ("2", "enter", "ctrl+q"):  # all in the app's queue before any is read
            app.post_message(events.Key(key, key if len(key) == 1 else None))
        for _ in range(5):
            await pilot.pause()
        assert app.return_code is None  # waiting for the pack, to act on the answer
        loader.release.set()
        await app.workers.wait_for_complete()
        for _ in range(20):
            await pilot.pause()
            if app.return_code is not None:
                break
        assert app.return_code == 0
    assert app.state.answers == {"immediate_risk": "no"}
