"""One conversation, whatever shows it: `Conversation.handle(text or choice, at=...)` -> events.

The chat screen, plain mode and the served app each render the events (assistant.conversation.
events) and decide nothing else. Here, once: reading input (assistant.core.interpret), the
commands (why, help, what is, more, back, summary, review, restart, quit), the glossary, the
summary, the urgent advice, the progress line and what comes next.

Input carries the id (`at`) of what was on screen when it was typed: a question's fact, or the
id of an offer or a line asked for. Input for something no longer on screen is refused and the
current question asked again, so an answer never lands on the question after the one it was
typed at.

Saving is the autosave's (assistant.core.drafts.Autosave), called after every change to the
answers. When a save fails (a full disk, a folder that cannot be written), saving stops, a
`SaveWarning` says so, and the conversation goes on: the urgent advice is always shown.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from assistant.conversation.events import (
    AnswersChanged,
    AnswerValue,
    Ask,
    AskText,
    Choice,
    Clarify,
    Echo,
    Event,
    Offer,
    OpenReview,
    Progress,
    Quit,
    Restarted,
    SaveWarning,
    Say,
    ShowOutcome,
)
from assistant.conversation.state import ConversationState
from assistant.core import contract
from assistant.core.placeholders import fill

# ids of what can be on screen besides a question (a question's id is its fact)
URGENT = "urgent"
STEPS = "steps"
SAVE_OUTCOME = "file:outcome"
EXPORT_CASE = "file:case"
FORM = "form:"  # + a field's name

STEP_OUTCOME = "step:outcome"
STEP_REVIEW = "step:review"
STEP_CARRY_ON = "step:carry_on"
STEP_FORM = "step:form"
STEP_SAVE_OUTCOME = "step:save_outcome"
STEP_EXPORT = "step:export"
STEP_REQUESTS = "step:requests"  # requests to the agencies on the referral form
STEP_RESTART = "step:restart"
STEP_QUIT = "step:quit"

WHY_LINES = 10  # "why" shows at most this many lines; "more" shows the rest


class Conversation:
    """The turns of one conversation over a ConversationState.

    `front` is "chat" (the outcome is a screen the user opens; answers are reviewed on a screen)
    or "plain" (the outcome is printed when the path is complete, then the next steps follow;
    "review" prints the summary).
    """

    def __init__(
        self,
        state: ConversationState,
        autosave: Any = None,
        *,
        front: str = "chat",
        notices: list[str] | tuple[str, ...] = (),
    ) -> None:
        self.state = state
        self.pack = state.pack
        self.front = front
        self.notices = list(notices)
        self.autosave = autosave
        self.at: str | None = None  # the id of what is on screen
        self.mode = "question"  # question | urgent | complete | file | form | requests
        self.asking: Any = None  # the Question on screen
        self.editing: str | None = None  # the fact whose earlier answer is being changed
        self.warned_not_sure = False
        self.outcome_shown = False
        self.more: list[str] = []  # the rest of the last "why"
        self.saving_stopped: str | None = None  # the reason, once a save has failed
        self.last_saved: str | None = None  # the draft id of the last save that succeeded
        self.width = 100  # the columns the outcome's text is wrapped at (plain mode: its terminal)
        self._events: list[Event] = []  # events raised by listeners during a turn
        self._form: Any = None  # plain mode's referral form, field by field
        self._requests: Any = None  # plain mode's requests to agencies: format, then folder
        self._offer: Offer | None = None
        self.referral: dict[str, Any] | None = None  # the referral form's fields, once typed
        self.label: str | None = None  # the draft's name (initials, or a name the user typed)
        self.name_offered = False
        if autosave is not None:
            state.listeners.append(self._save)

    # --- words -----------------------------------------------------------------------------------

    def say(self, template: str, **context: Any) -> Say:
        from assistant.conversation.ui_words import say

        return Say(say(self.pack, template, **context), template)

    @property
    def today(self) -> dt.date:
        return self.state.today or dt.date.today()

    @property
    def ui(self) -> Any:
        from assistant.conversation.ui_words import ui

        return ui(self.pack)

    # --- saving ----------------------------------------------------------------------------------

    def _save(self, state: ConversationState) -> None:
        """After every change to the answers: save the draft, or stop saving and say why.

        The draft's route is the route so far once it is settled (certain, or the path
        complete); before that the listing says "too early to say". Starting again after two
        or more answers keeps the old case's draft and gives the new case a new one.
        """
        from assistant.core.privacy import remember_save

        autosave = self.autosave
        if autosave is None or not autosave.saving or self.saving_stopped:
            return
        try:
            if not state.answers and autosave.draft is not None and len(autosave.draft.answers) > 1:
                autosave.start(autosave.draft.pack.name, autosave.draft.pack.version)
                self.referral = None
                self.label = None
                self.name_offered = False
                return
            route = None
            if state.answers:
                decision = state.decision()
                if decision.certain or state.complete:
                    route = decision.route
            if autosave.draft is not None and self.referral is not None:
                autosave.draft.referral = self.referral
            if autosave.draft is not None and self.label:
                autosave.draft.label = self.label
            autosave.record(state.answers, list(state.history), route, bool(state.complete))
            if autosave.draft is not None and self.label and autosave.draft.label != self.label:
                autosave.draft.label = self.label  # the first save made the draft: name it too
                autosave.store.save(autosave.draft)
        except (OSError, ValueError) as exc:
            self._stop_saving(exc)
            return
        if autosave.draft is not None and state.answers:
            self.last_saved = autosave.draft_id
            remember_save(self.last_saved)

    def _stop_saving(self, exc: BaseException) -> None:
        from assistant.core.errors import InputError
        from assistant.core.privacy import debug_logger

        if isinstance(exc, ValueError) and not isinstance(exc, InputError):
            reason = "an answer could not be stored"
        else:
            reason = _reason(exc)
        self.saving_stopped = reason
        debug_logger().warning("saving stopped: %s", type(exc).__name__)
        text = self.say("save_failed", reason=reason, saved=self.last_saved).text
        self._events.append(SaveWarning(reason, text))

    def _drain(self) -> list[Event]:
        events, self._events = self._events, []
        return events

    # --- the start -------------------------------------------------------------------------------

    def opening(self, welcome: bool = True) -> list[Event]:
        """The start: welcome, notices, the answers of a resumed draft, the first question."""
        events: list[Event] = []
        if welcome:
            events.append(self.say("welcome"))
        events += [Say(n, "notice") for n in self.notices]
        answered = self.state.answered_questions()
        if answered:
            events.append(self.say("resumed", count=len(answered), front=self.front))
            # the chat lists them to select; plain mode's notices have summed them up already
            for question, value in answered if self.front == "chat" else ():
                events.append(Say(question.text, "asked"))
                events.append(Echo(self.state.words(question.fact, value), question.fact))
        return events + self._advance()

    # --- one turn ---------------------------------------------------------------------------------

    def handle(
        self, text: str | None = None, *, at: str | None, choice: str | None = None
    ) -> list[Event]:
        """A typed line (`text`) or a chosen option's value (`choice`), given at `at`."""
        if at != self.at:
            shown = text if text is not None else ""
            if choice is None and self.mode == "question" and _is_command(shown):
                return self._typed(shown)  # a command is not an answer: it is for what is shown
            return [
                *([Echo(shown)] if shown.strip() else []),
                self.say("stale"),
                *self.repeat(),
            ]
        if choice is not None:
            return self._chosen(choice, None)
        return self._typed(text or "")

    def repeat(self) -> list[Event]:
        """What is on screen, again (plain mode repeats it after a command)."""
        if self.mode == "question" and self.asking is not None:
            return [
                self._ask(
                    self.asking,
                    old=self.state.answers.get(self.asking.fact) if self.editing else None,
                )
            ]
        if self._offer is not None and self.mode in ("urgent", "complete"):
            self.at = self._offer.at  # the offer is on screen again
            return [self._offer]
        if self.mode == "file":
            return [self._file_prompt()]
        if self.mode == "form" and self._form is not None:
            return [self._form.prompt()]
        if self.mode == "requests" and self._requests is not None:
            return [self._requests.prompt()]
        return []

    def _chosen(self, value: AnswerValue, typed: str | None) -> list[Event]:
        if self.mode in ("urgent", "complete") and isinstance(value, str):
            if typed is not None:
                return [Echo(typed), *self._step(value)]
            label = (
                next((s.label for s in self._offer.steps if s.value == value), value)
                if self._offer
                else value
            )
            return [Echo(label), *self._step(value)]
        if self.mode == "question" and self.asking is not None:
            return self.give_answer(self.asking, value, typed)
        return []

    def _typed(self, text: str) -> list[Event]:
        from assistant.core.interpret import (
            Answer,
            Command,
            Problem,
            Unclear,
            Unrecognised,
            interpret,
        )

        if self.mode == "file":
            return self._file_given(text)
        if self.mode == "form":
            return self._form_given(text)
        if self.mode == "requests":
            return self._requests_given(text)
        named = _NAME.match(text)
        if named and self.mode != "file":
            return [Echo(text), *self.name_draft(named.group(1)), *self._repeat_plain()]
        if text.strip().lower() == "more" and self.more:
            lines, self.more = self.more, []
            return [Echo(text), Say("\n".join(lines), "why"), *self._repeat_plain()]
        choices = self.choices()
        kind = self.asking.kind if self.mode == "question" and self.asking is not None else "choice"
        result: Answer | Command | Problem | Unclear | Unrecognised | None
        result = interpret(text, choices, kind, self.today)
        _log_turn(self.at or "", result, text)
        if isinstance(result, Problem) and result.code == "empty":
            return [self.say("empty")] if self.front == "plain" else []
        if isinstance(result, Answer):
            if self.mode in ("urgent", "complete") and result.value not in {
                c.value for c in choices
            }:
                result = None
            else:
                return self._chosen(
                    str(result.value) if not isinstance(result.value, dt.date) else result.value,
                    None if result.how == "number" else text,  # an option's number: its words
                )
        if isinstance(result, Command):
            return [Echo(text), *self.command(result.name, result.topic)]
        if isinstance(result, Problem):
            return [
                Echo(text),
                self.say(
                    "date_problem", code=result.code, text=_visible(result.text), today=self.today
                ),
            ]
        labels = {c.value: c.label for c in choices}
        candidates = (
            tuple(labels[v] for v in result.candidates if v in labels)
            if isinstance(result, Unclear)
            else ()
        )
        words = self.say(
            "clarify", text=_visible(text), choices=choices, candidates=list(candidates)
        )
        return [Echo(text), Clarify(words.text, text, candidates)]

    def choices(self) -> tuple[Choice, ...]:
        """The answers (or steps) on screen now."""
        if self.mode == "question" and self.asking is not None:
            q = self.asking
            return tuple(
                Choice(c.value, c.label) for c in q.choices(self.pack.labels.values.get(q.fact))
            )
        if self._offer is not None and self.mode in ("urgent", "complete"):
            return self._offer.steps
        return ()

    # --- answers ----------------------------------------------------------------------------------

    def give_answer(
        self, question: Any, value: AnswerValue, typed: str | None = None
    ) -> list[Event]:
        """Record an answer (typed, or chosen) to `question` and move on."""
        from assistant.core.interpret import date_words

        state = self.state
        # a typed date is said back as it was read ("27/11/2026": "Fri 27 Nov 2026")
        label = (
            date_words(value) if isinstance(value, dt.date) else state.words(question.fact, value)
        )
        note = ""
        if typed is not None and typed.strip().lower() != label.lower():
            note = f"({self.ui.understood_as} {label})"
        events: list[Event] = [
            Echo(typed if typed is not None else label, question.fact, note),
        ]
        change = state.answer(question.fact, value)
        events += self._drain()
        if self.front == "plain":
            events.append(
                Say(
                    _render(
                        self.pack,
                        "plain/noted.j2",
                        label=state.fact_label(question.fact),
                        words=label,
                        # how typed words were read, as the chat's note says it
                        typed=_visible(typed.strip()) if note and typed is not None else "",
                        taken_as=self.ui.understood_as,
                    ),
                    "noted",
                )
            )
        if change.changed_earlier or change.set_aside or change.restored:
            events.append(
                self.say(
                    "changed",
                    label=state.fact_label(question.fact),
                    old=state.words(question.fact, change.old) if change.old is not None else "",
                    new=label,
                    set_aside=[
                        (state.fact_label(f), state.words(f, v))
                        for f, v in change.set_aside.items()
                    ],
                    restored=[
                        (state.fact_label(f), state.words(f, v)) for f, v in change.restored.items()
                    ],
                )
            )
        events.append(AnswersChanged(tuple(state.set_aside), question.fact))
        return events + self._advance()

    def edit(self, fact: str) -> list[Event]:
        """Ask an earlier question again so its answer can be changed."""
        question = self.pack.question_for.get(fact)
        if question is None or fact not in self.state.answers:
            return []
        self.editing = fact
        self.mode = "question"
        self.asking = question
        return [self._ask(question, old=self.state.answers[fact])]

    def cancel_edit(self) -> list[Event]:
        if self.editing is None:
            return []
        fact, self.editing = self.editing, None
        return [self.say("edit_cancelled", label=self.state.fact_label(fact)), *self._advance()]

    def resume(self) -> list[Event]:
        """After the answers changed elsewhere (the review screen): what comes next."""
        return [AnswersChanged(tuple(self.state.set_aside)), *self._drain(), *self._advance()]

    def _advance(self) -> list[Event]:
        """The next question; the urgent advice; or, when the path is complete, the outcome."""
        self.editing = None
        self._offer = None
        state = self.state
        events: list[Event] = self._drain()
        decision = state.decision() if state.complete else None
        if decision is not None and decision.halted:
            route = self.pack.labels.routes.get(decision.route)
            events.append(
                self.say("urgent", route=route, contacts=self.pack.meta.contacts, not_sure=False)
            )
            steps = [Choice(STEP_CARRY_ON, self.ui.step_carry_on)]
            if self.front == "plain":
                events.append(self._outcome(decision))
                steps += [
                    Choice(STEP_SAVE_OUTCOME, self.ui.step_save_outcome),
                    Choice(STEP_QUIT, self.ui.next_quit),
                ]
            else:
                steps += [Choice(STEP_OUTCOME, self.ui.step_outcome)]
            return events + [self._offer_steps(URGENT, steps, "urgent")]
        if state.applied.get("immediate_risk") == contract.UNKNOWN and not self.warned_not_sure:
            self.warned_not_sure = True
            route = self.pack.labels.routes.get("urgent_safeguarding_referral")
            events.append(
                self.say("urgent", route=route, contacts=self.pack.meta.contacts, not_sure=True)
            )
        current = state.current
        if current is not None:
            self.mode = "question"
            self.asking = current
            return events + self._offer_name() + [self._ask(current)]
        assert decision is not None
        self.asking = None
        if self.front == "plain":
            events.append(self._outcome(decision))
            return events + [self._offer_steps(STEPS, self._after_outcome_steps(), "complete")]
        route = self.pack.labels.routes.get(decision.route)
        events.append(self.say("complete", route=route, certain=decision.certain))
        return events + [
            self._offer_steps(
                STEPS,
                [
                    Choice(STEP_OUTCOME, self.ui.step_outcome),
                    Choice(STEP_REVIEW, self.ui.step_review),
                ],
                "complete",
            )
        ]

    def _after_outcome_steps(self) -> list[Choice]:
        ui = self.ui
        steps = [Choice(STEP_FORM, ui.next_form)]
        if self.state.decision().form:  # a referral: the agencies on its form can be asked
            from assistant.conversation.requests import request_words

            steps.append(Choice(STEP_REQUESTS, str(request_words(self.pack).keep_requests)))
        return steps + [
            Choice(STEP_SAVE_OUTCOME, ui.step_save_outcome),
            Choice(STEP_EXPORT, ui.step_export),
            Choice(STEP_REVIEW, ui.next_review),
            Choice(STEP_RESTART, ui.next_restart),
            Choice(STEP_QUIT, ui.next_quit),
        ]

    def _offer_steps(self, at: str, steps: list[Choice], mode: str) -> Offer:
        self.mode = mode
        self.at = at
        self._offer = Offer(at, tuple(steps), self.ui.steps_prompt)
        return self._offer

    def _outcome(self, decision: Any) -> ShowOutcome:
        self.outcome_shown = True
        self.state.on_answers_changed()  # saved as complete
        text = _render(
            self.pack,
            "decision.txt.j2",
            decision=decision,
            facts=self.state.applied,
            today=self.today,
            width=self.width,
        )
        return ShowOutcome(decision, text)

    def _ask(self, question: Any, old: AnswerValue | None = None) -> Ask:
        from assistant.conversation.opening import question_message
        from assistant.conversation.progress import progress

        self.at = question.fact
        self.asking = question
        self.mode = "question"
        old_words = self.state.words(question.fact, old) if old is not None else None
        found = progress(self.pack, self.state.applied, self.state.today, self.state.memo)
        answered = len(self.state.applied)
        text = _render(
            self.pack, "plain/progress.j2", answered=answered, at_most=found.at_most
        ).strip()
        return Ask(
            at=question.fact,
            question=question,
            text=question_message(self.pack, question, old_words),
            choices=tuple(
                Choice(c.value, c.label)
                for c in question.choices(self.pack.labels.values.get(question.fact))
            ),
            progress=Progress(answered, found.at_most, text),
            number=answered + 1,
            old=old,
            highlight=old if isinstance(old, str) else None,
        )

    def _repeat_plain(self) -> list[Event]:
        return self.repeat() if self.front == "plain" else []

    # --- steps -------------------------------------------------------------------------------------

    def _step(self, value: str) -> list[Event]:
        if value == STEP_CARRY_ON:
            # the referral is made, so the child is no longer at risk "in a way not yet referred"
            events: list[Event] = [self.say("referral_made")]
            self.state.answer("immediate_risk", "no")
            return (
                events
                + self._drain()
                + [AnswersChanged(tuple(self.state.set_aside))]
                + self._advance()
            )
        if value == STEP_OUTCOME:
            return [ShowOutcome(self.state.decision())]
        if value == STEP_REVIEW:
            if self.front == "plain":
                return [self._summary(), *self.repeat()]
            return [OpenReview()]
        if value == STEP_RESTART:
            return self.command("restart")
        if value == STEP_QUIT:
            return self.command("quit")
        if value in (STEP_SAVE_OUTCOME, STEP_EXPORT):
            self._file_target = SAVE_OUTCOME if value == STEP_SAVE_OUTCOME else EXPORT_CASE
            self._file_mode_from = self.mode
            self.mode = "file"
            return [self._file_prompt()]
        if value == STEP_FORM:
            from assistant.conversation.form import FormDialogue

            self._form = FormDialogue(self)
            self._form_from = self.mode
            self.mode = "form"
            return self._form.start()
        if value == STEP_REQUESTS:
            from assistant.conversation.requests import RequestsDialogue

            dialogue = RequestsDialogue(self)
            events = dialogue.start()
            if dialogue.done:  # no agencies yet: said how to add them; the steps again
                return events + self.repeat()
            self._requests, self._requests_from, self.mode = dialogue, self.mode, "requests"
            return events
        return []

    # --- files (plain mode: save the outcome, export the answers) ---------------------------------

    def _file_prompt(self) -> AskText:
        from assistant.forms.save import documents_folder, unused_path

        folder = documents_folder()
        if self._file_target == SAVE_OUTCOME:
            default = unused_path(folder, f"review-outcome-{self.today.isoformat()}", ".txt")
            text = self.ui.ask_outcome_file
        else:
            default = unused_path(folder, f"review-case-{self.today.isoformat()}", ".yaml")
            text = self.ui.ask_case_file
        self.at = self._file_target
        return AskText(self._file_target, fill(text, default=default), str(default))

    def _file_given(self, text: str) -> list[Event]:
        from assistant.core.errors import InputError
        from assistant.forms.save import save_private

        typed = text.strip()
        back_to = self._file_mode_from
        if typed.lower() in ("cancel", "quit", "back"):
            self.mode = back_to
            return [Echo(text), self.say("file_cancelled"), *self.repeat()]
        prompt = self._file_prompt()
        path = Path(typed or prompt.default).expanduser()
        if self._file_target == SAVE_OUTCOME:
            data = self.outcome_file_text(path).encode("utf-8")
        else:
            data = self.case_file_text().encode("utf-8")
        if path.exists() and not typed == "":
            return [Echo(text), self.say("file_exists", path=str(path)), prompt]
        try:
            written = save_private(path, data)
        except InputError as exc:
            return [Echo(text), self.say("file_problem", problem=_visible(str(exc))), prompt]
        self.mode = back_to
        kind = "outcome" if self._file_target == SAVE_OUTCOME else "case"
        return [Echo(text), self.say("file_saved", kind=kind, path=str(written)), *self.repeat()]

    def outcome_file_text(self, path: Path) -> str:
        """The outcome as text, or as Markdown for a .md file."""
        decision = self.state.decision()
        if path.suffix.lower() in (".md", ".markdown"):
            from assistant.conversation.outcome_text import outcome_markdown

            return outcome_markdown(self.pack, decision, self.state.applied) + "\n"
        return _render(self.pack, "decision.txt.j2", decision=decision, facts=self.state.applied)

    def case_file_text(self) -> str:
        """The answers on the path as a case file (contract 1) that decide, form and check read."""
        return case_file_text(self.state.applied, self.referral)

    # --- the draft's name -------------------------------------------------------------------------

    def name_draft(self, name: str) -> list[Event]:
        """Give the draft a name (the child's initials, say) to find it by in the listing."""
        name = _visible(" ".join(name.split()))[:60]  # shown in listings: no control characters
        self.label = name or None
        autosave = self.autosave
        if autosave is None or not autosave.saving:
            return [self.say("named", label=_visible(name), saving=False)]
        if autosave.draft is not None and not self.saving_stopped:
            autosave.draft.label = self.label
            try:
                autosave.store.save(autosave.draft)
            except OSError as exc:
                self._stop_saving(exc)
        return [*self._drain(), self.say("named", label=_visible(name), saving=True)]

    def _offer_name(self) -> list[Event]:
        """Once, when the draft is first saved: how to name it."""
        if self.name_offered or self.label or self.autosave is None or not self.autosave.saving:
            return []
        if self.autosave.draft is None or self.saving_stopped:
            return []
        self.name_offered = True
        return [self.say("name_offer", draft_id=self.autosave.draft_id)]

    # --- the referral form's fields (kept with the draft) --------------------------------------

    def kept_referral(self) -> Any:
        """The referral typed before (this session or the draft's), as a Referral; else None."""
        if self.referral is None:
            return None
        from pydantic import ValidationError

        from assistant.core.case import Referral

        try:
            return Referral.model_validate(self.referral)
        except ValidationError:
            return None  # an older draft's fields that no longer fit: the form starts afresh

    def keep_referral(self, data: dict[str, Any]) -> list[Event]:
        """Keep the form's fields with the conversation and save them in the draft."""
        self.referral = data
        autosave = self.autosave
        if autosave is None or not autosave.saving or self.saving_stopped:
            return []
        if autosave.draft is None:
            if not self.state.answers:
                return []
            self._save(self.state)  # the draft is made with the first save
            if autosave.draft is None:
                return self._drain()
        autosave.draft.referral = data
        try:
            autosave.store.save(autosave.draft)
        except OSError as exc:
            self._stop_saving(exc)
        return self._drain()

    # --- plain mode's referral form ----------------------------------------------------------------

    def _form_given(self, text: str) -> list[Event]:
        events = self._form.given(text)
        if self._form.done:
            self.mode = self._form_from
            self._form = None
            events += self.repeat()
        return events

    # --- plain mode's requests to agencies ----------------------------------------------------------

    def _requests_given(self, text: str) -> list[Event]:
        events = self._requests.given(text)
        if self._requests.done:
            self.mode = self._requests_from
            self._requests = None
            events += self.repeat()
        return events

    # --- commands ----------------------------------------------------------------------------------

    def command(self, name: str, topic: str = "") -> list[Event]:
        """why / help / what is / back / summary / review / restart / quit."""
        question = self.asking if self.mode == "question" else None
        if name == "why":
            if question is None:
                return (
                    [ShowOutcome(self.state.decision())]
                    if self.front == "chat"
                    else [*self.repeat()]
                )
            return [*self.why(question), *self._repeat_plain()]
        if name == "help" or (name == "what_is" and not topic):
            return [self.say("help", question=question, terms=self._terms()), *self._repeat_plain()]
        if name == "what_is":
            return [
                self.say(
                    "glossary",
                    topic=_visible(topic),
                    entries=self.glossary(topic),
                    terms=self._terms(),
                ),
                *self._repeat_plain(),
            ]
        if name == "back":
            return self.back()
        if name == "summary":
            return [self._summary(), *self._repeat_plain()]
        if name == "review":
            if self.front == "plain":
                return [self._summary(), *self.repeat()]
            return [OpenReview()]
        if name == "restart":
            return self.restart()
        if name == "quit":
            return [Quit()]
        return []

    def why(self, question: Any) -> list[Event]:
        """The rules this question can still change, in words; the rest after "more"."""
        from assistant.conversation.progress import rules_still_open

        rules = rules_still_open(
            self.pack, self.state.applied, question.fact, self.state.today, self.state.memo
        )
        text = self.say("why", question=question, rules=rules).text
        lines = text.splitlines()
        if len(lines) > WHY_LINES:
            self.more = lines[WHY_LINES:]
            lines = [*lines[:WHY_LINES], fill(self.ui.why_more, count=len(self.more))]
        else:
            self.more = []
        return [Say("\n".join(lines), "why")]

    def back(self) -> list[Event]:
        state = self.state
        if self.mode in ("file", "form"):
            self.mode = "complete"
        was_editing = self.editing is not None
        self.editing = None
        history = [f for f in state.history if f in state.applied]
        old = state.applied.get(history[-1]) if history else None
        question = state.back()
        old_words = (
            state.words(question.fact, old) if question is not None and old is not None else ""
        )
        events: list[Event] = [*self._drain(), self.say("back", question=question, old=old_words)]
        events.append(AnswersChanged(tuple(state.set_aside)))
        if question is not None and not was_editing:
            current = state.current
            if current is not None and current.fact == question.fact:
                ask = self._ask(question)
                if isinstance(old, str):
                    from dataclasses import replace

                    ask = replace(ask, highlight=old)
                return [*events, ask]
        if question is None and self.front == "plain":
            return [*events, *self.repeat()]
        return [*events, *self._advance()]

    def restart(self) -> list[Event]:
        before = self.autosave.draft_id if self.autosave is not None else None
        self.state.restart()  # the autosave keeps the old case's draft and starts a new one
        self.warned_not_sure = False
        self.editing = None
        self.outcome_shown = False
        events: list[Event] = [Restarted(), *self._drain(), self.say("restart")]
        if self.front == "chat":
            events.append(self.say("welcome"))
        elif (
            self.autosave is not None and self.autosave.saving and self.autosave.draft_id != before
        ):
            events.append(Say(saving_notice(self.pack, self.autosave, "plain"), "saving"))
        return events + self._advance()

    def _summary(self) -> Say:
        state = self.state
        facts, aside = self.fact_lines()
        route = None
        if state.applied:
            decision = state.decision()
            found = self.pack.labels.routes.get(decision.route)
            route = found.label if found is not None else decision.route
        return self.say("summary", facts=facts, set_aside=aside, route=route)

    def fact_lines(self) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
        state = self.state
        facts = [
            (state.fact_label(q.fact), state.words(q.fact, v))
            for q, v in state.answered_questions()
        ]
        aside = [(state.fact_label(f), state.words(f, v)) for f, v in state.set_aside.items()]
        return facts, aside

    def _terms(self) -> list[str]:
        return [entry.term for entry in self.pack.glossary]

    def glossary(self, topic: str) -> list[Any]:
        """Glossary entries for `topic`: exact term or alias first, else partial matches."""
        wanted = " ".join(topic.lower().split()).strip(" ?.!")
        exact = [
            e
            for e in self.pack.glossary
            if wanted in {e.term.lower(), *(a.lower() for a in e.aliases)}
        ]
        if exact or not wanted:
            return exact
        return [
            e for e in self.pack.glossary if wanted in e.term.lower() or e.term.lower() in wanted
        ]


# --- helpers -----------------------------------------------------------------------------------


def case_file_text(answers: dict[str, Any], referral: dict[str, Any] | None = None) -> str:
    """A case file (contract 1, YAML) holding `answers` (an unknown date is left out) and the
    referral form's details when they were typed (so `form` can fill the form from it)."""
    import yaml

    facts: dict[str, Any] = {}
    for fact, value in answers.items():
        if contract.FACTS[fact].kind == "date":
            if value == contract.UNKNOWN:
                continue
            facts[fact] = value.isoformat() if isinstance(value, dt.date) else str(value)
        else:
            facts[fact] = str(value)
    data: dict[str, Any] = {"contract": 1, "facts": facts}
    if referral is not None:
        from assistant.core.case import Referral

        data["referral"] = Referral.model_validate(referral).model_dump(
            mode="json", exclude_none=True
        )
    header = (
        "# Exported by review-assistant: the answers of one conversation (contract 1).\n"
        "# `review-assistant decide` and `form` read it; add a `decision:` block with what the\n"
        "# partnership chose and `review-assistant check` checks it.\n"
    )
    return header + yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def saving_notice(pack: Any, autosave: Any, front: str) -> str:
    """Where the answers are saved (or that nothing is), as the start of a conversation says."""
    if not autosave.saving:
        return _render(pack, "plain/no_save.j2").strip()
    draft_id = autosave.draft_id
    from assistant.core.served import resume_hint

    command = "review-assistant plain" if front == "plain" else "review-assistant"
    return _render(
        pack,
        "plain/saving.j2",
        draft_id=draft_id,
        encrypted=autosave.store.encrypting,
        resume_command=resume_hint(draft_id or "", command),  # a browser has no command line
    ).strip()


_NAME = re.compile(r"\s*(?:name|label)\s*[:=]?\s+(\S.*)$", re.IGNORECASE)


def _is_command(text: str) -> bool:
    from assistant.core.interpret import Command, interpret

    return isinstance(interpret(text, (), "choice"), Command)


def _render(pack: Any, template: str, **context: Any) -> str:
    from assistant.core.prompts import render

    return render(pack, template, **context)


def _visible(text: str) -> str:
    from assistant.core.terminal import visible

    return visible(text)


def _reason(exc: BaseException) -> str:
    import errno

    from assistant.core.errors import InputError

    if isinstance(exc, InputError):
        return str(exc).split("\n")[0]
    if isinstance(exc, OSError):
        if exc.errno == errno.ENOSPC:
            return "the disk is full"
        if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            return "the data folder cannot be written to"
        if exc.errno in (errno.ENOTDIR, errno.ENOENT):
            return "the data folder cannot be made"
        return exc.strerror or type(exc).__name__
    return type(exc).__name__


def _log_turn(at: str, result: Any, line: str) -> None:
    """One line in the opt-in debug log; free text is redacted there (assistant.core.privacy)."""
    from assistant.core.interpret import Answer, Command, Problem
    from assistant.core.privacy import debug_logger

    log = debug_logger()
    if isinstance(result, Answer):
        log.debug("question %s: answer %s", at, result.value)
    elif isinstance(result, Command):
        log.debug("question %s: command %s (topic %s)", at, result.name, result.topic)
    elif isinstance(result, Problem):
        log.debug("question %s: problem %s with %s", at, result.code, line)
    else:
        log.debug("question %s: not understood: %s", at, line)


Renderer = Callable[[Event], None]
