"""Helpers for driving `review-assistant plain` as a real subprocess."""

from __future__ import annotations

import datetime as dt
import os
import select
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Facts that lead to each route (a fact the conversation asks about but that is not listed here
# is answered "not sure").
ROUTE_FACTS: dict[str, dict[str, object]] = {
    "urgent_safeguarding_referral": {"immediate_risk": "yes"},
    "serious_incident": {
        "immediate_risk": "no",
        "subject_age_band": "under_16",
        "harm": "died",
        "abuse_or_neglect": "known",
        "looked_after": "no",
        "incident_location": "in_area",
        "setting": "home_or_community",
        "aware_date": dt.date(2026, 11, 2),
    },
    "practice_review_referral": {
        "immediate_risk": "no",
        "subject_age_band": "under_16",
        "harm": "other_harm",
        "abuse_or_neglect": "suspected",
        "looked_after": "no",
        "incident_location": "in_area",
        "multi_agency_concerns": "yes",
        "improvements_needed": "yes",
        "setting": "home_or_community",
    },
    "good_outcome_referral": {
        "immediate_risk": "no",
        "subject_age_band": "under_16",
        "harm": "no_harm",
        "harmed_another": "no",
        "abuse_or_neglect": "not_suspected",
        "looked_after": "no",
        "incident_location": "in_area",
        "setting": "home_or_community",
        "multi_agency_concerns": "no",
        "single_agency_concerns": "no",
        "improvements_needed": "no",
        "positive_outcome": "yes",
        "agencies_involved": "two_or_more",
        "good_practice_made_difference": "yes",
        "learning_transferable": "yes",
    },
    "other_process": {
        "immediate_risk": "no",
        "subject_age_band": "age_25_plus",
        "harm": "died",
        "abuse_or_neglect": "known",
        "adult_harmed": "yes",
        "perpetrator_relationship": "family_partner_or_household",
        "adult_care_and_support_needs": "yes",
    },
    "no_referral": {
        "immediate_risk": "no",
        "subject_age_band": "under_16",
        "harm": "no_harm",
        "harmed_another": "no",
        "abuse_or_neglect": "not_suspected",
        "looked_after": "no",
        "incident_location": "in_area",
        "setting": "home_or_community",
        "multi_agency_concerns": "no",
        "single_agency_concerns": "no",
        "improvements_needed": "no",
        "recurrent_themes": "no",
        "positive_outcome": "no",
    },
}


def typed_answers(pack, facts):
    """What a person types, question by question, to give `facts` (and the answers it gives)."""
    from assistant.conversation.state import ConversationState

    state = ConversationState(pack)
    lines: list[str] = []
    while state.current is not None:
        question = state.current
        value = facts.get(question.fact, "unknown")
        if isinstance(value, dt.date):
            lines.append(value.isoformat())
        elif value == "unknown":
            lines.append("not sure")
        else:
            choices = question.choices(pack.labels.values.get(question.fact))
            number = [c.value for c in choices].index(value) + 1
            # alternate numbers and the option's own words, as people do
            lines.append(str(number) if len(lines) % 2 == 0 else choices[number - 1].label)
        state.answer(question.fact, value)
    return lines, state


def run_cli(args, env, input_text="", timeout=60):
    """Run `python -m assistant ARGS` with `input_text` piped to standard input."""
    return subprocess.run(
        [sys.executable, "-m", "assistant", *args],
        input=input_text,
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=timeout,
    )


class Live:
    """A plain-mode process driven line by line: wait for the prompt, send an answer."""

    PROMPT = "\n> "

    def __init__(self, args, env):
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "assistant", *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            cwd=ROOT,
        )
        self.out = ""

    def until_prompt(self, timeout=30.0) -> str:
        """Everything printed up to the next "> " prompt (which is consumed)."""
        deadline = time.monotonic() + timeout
        fd = self.proc.stdout.fileno()
        while self.PROMPT not in self.out:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"no prompt within {timeout}s; output so far:\n{self.out}")
            ready, _, _ = select.select([fd], [], [], left)
            if ready:
                chunk = os.read(fd, 65536)
                if not chunk:
                    raise AssertionError(
                        f"process ended before the prompt:\n{self.out}\n{self.proc.stderr.read().decode()}"
                    )
                self.out += chunk.decode("utf-8")
        shown, _, self.out = self.out.partition(self.PROMPT)
        return shown

    def send(self, line: str) -> None:
        self.proc.stdin.write((line + "\n").encode("utf-8"))
        self.proc.stdin.flush()

    def kill(self) -> int:
        self.proc.kill()  # SIGKILL: no clean-up, no atexit, no flush
        return self.proc.wait(timeout=10)
