"""Plain mode to an outcome for every route, matching `decide` exactly: in-process (the same
PlainSession over text streams), with one run of the real command line through a pipe."""

from __future__ import annotations

import datetime as dt
import io
import json
import re

import pytest
import yaml

from assistant.conversation.conversation import Conversation, case_file_text
from assistant.conversation.form import FormDialogue
from assistant.core import load_pack
from assistant.core.contract import ROUTES
from tests.support.routes import ROUTE_FACTS, typed_answers
from tests.support.terminal import run_cli, run_main, run_plain

PACK = load_pack()


def test_every_route_is_covered():
    assert set(ROUTE_FACTS) == set(ROUTES)


@pytest.mark.parametrize("route", ROUTES)
def test_typed_answers_reach_the_outcome_for_each_route(route, tmp_path):
    lines, state = typed_answers(PACK, ROUTE_FACTS[route])
    assert state.decision().route == route, (
        f"the conversation for {route} gave {state.decision().route}; asked: "
        f"{[q.fact for q, _ in state.path.asked]}"
    )
    # on the day of awareness no duty is due yet, so plain mode flags none ("due today",
    # "overdue") and its outcome is `decide`'s, which shows the dates only
    aware = ROUTE_FACTS[route].get("aware_date")
    done = run_plain(PACK, "\n".join(lines) + "\n", today=aware)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stderr == ""
    assert "Traceback" not in done.stdout

    # the same outcome text as `decide` for a case file holding the same answers
    facts = {
        k: (v.isoformat() if isinstance(v, dt.date) else v)
        for k, v in state.applied.items()
        if not (k.endswith("_date") and v == "unknown")  # a case file leaves an unknown date out
    }
    case = tmp_path / "case.yaml"
    case.write_text(yaml.safe_dump({"contract": 1, "facts": facts}))
    decided = run_main(["decide", str(case)])
    assert decided.returncode == 0, decided.stderr
    assert decided.stdout.rstrip() in done.stdout  # then the next steps are offered
    assert "What next?" in done.stdout
    assert f"OUTCOME: {PACK.labels.routes[route].label}" in done.stdout
    # one question block per answer given
    assert done.stdout.count("\nQuestion ") + done.stdout.startswith("Question ") == len(lines)


def test_the_urgent_advice_comes_first_then_carrying_on_after_the_referral():
    contact = PACK.meta.contacts[0]
    done = run_plain(PACK, "1\n1\nquit\n")
    assert done.returncode == 0, done.stderr
    out = done.stdout
    urgent_at = out.index(contact.phone)
    carry_on = "I have made the referral: carry on with the review questions"
    assert urgent_at < out.index(carry_on)
    assert "Thank you for making the safeguarding referral" in out
    # the review questions follow: the second question is the first after the risk question
    assert "Question 2: " in out[out.index(carry_on) :]


@pytest.mark.slow
def test_a_case_is_exported_and_the_form_saved_from_a_pipe(env, tmp_path):
    """The real command line through a pipe: fed a practice-review case, plain mode saves the
    pre-filled form and exports the answers; `decide` on the export gives the same route."""
    lines, state = typed_answers(PACK, ROUTE_FACTS["practice_review_referral"])
    case = tmp_path / "exported.yaml"
    form = tmp_path / "referral.md"
    outcome = tmp_path / "outcome.txt"
    steps = ["Save the outcome to a file", str(outcome), "Prepare the referral form"]
    fields = len(FormDialogue(Conversation(state, front="plain")).fields)
    # every field of the form kept as pre-filled (Enter), then the file name
    export = ["Export the answers as a case file", str(case)]
    typed = [*lines, *steps, *[""] * fields, str(form), *export, "quit"]
    done = run_cli(["plain"], env, "\n".join(typed) + "\n")
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr
    assert "Traceback" not in done.stdout
    assert f"The referral form is saved in {form}" in done.stdout, done.stdout[-3000:]
    assert form.read_text().strip()
    assert outcome.read_text().startswith("OUTCOME: ")
    decided = run_cli(["decide", str(case), "--json"], env)
    assert decided.returncode == 0, decided.stderr
    assert json.loads(decided.stdout)["route"] == "practice_review_referral"
    checked = run_cli(["form", str(case)], env)
    assert checked.returncode == 0, checked.stderr
    # the form's fields went into the draft too
    draft_id = re.findall(r"saved after each one as draft ([0-9a-f]{8})", done.stdout)[0]
    draft = json.loads((tmp_path / "data" / "drafts" / f"{draft_id}.json").read_text())
    assert draft["referral"]["reasons"]


def test_check_reads_an_export_once_the_decision_is_added(tmp_path):
    _, state = typed_answers(PACK, ROUTE_FACTS["practice_review_referral"])
    text = case_file_text(state.applied)
    record = tmp_path / "record.yaml"
    record.write_text(text + "decision:\n  decided_on: 2026-11-20\n  lcspr: no\n")
    done = run_main(["check", str(record), "--json"])
    assert "CANNOT READ" not in done.stdout
    assert done.returncode == 0, done.stdout + done.stderr


class _Terminal80(io.StringIO):
    """Standard output that is a terminal (COLUMNS says 80 wide)."""

    def isatty(self) -> bool:
        return True


def test_in_an_80_column_terminal_the_outcome_is_wrapped_to_fit(monkeypatch):
    from assistant.commands.plain import PlainSession

    monkeypatch.setenv("COLUMNS", "80")
    lines, _ = typed_answers(PACK, ROUTE_FACTS["serious_incident"])
    out = _Terminal80()
    code = PlainSession(PACK, io.StringIO("\n".join(lines) + "\n"), out, no_save=True).run()
    assert code == 0
    outcome = out.getvalue()[out.getvalue().index("OUTCOME:") :]
    widths = [len(line) for line in outcome.splitlines()]
    assert max(widths) <= 79, [line for line in outcome.splitlines() if len(line) > 79]
    assert max(widths) > 70  # wrapped to the terminal, not to a narrow default
