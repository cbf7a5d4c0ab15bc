"""A pack's words are filled in by name only: a placeholder cannot read the program's memory or
ask for a gigabyte, and the outcome says such words as written."""

from __future__ import annotations

from assistant.core import decide, load_pack
from assistant.core.outcome import build_outcome
from assistant.core.placeholders import fill
from tests.support.routes import SHORT_ROUTES


def test_named_placeholders_are_filled():
    assert fill("Draft {id}: {count} answers", id="ab12", count=3) == "Draft ab12: 3 answers"


def test_anything_else_in_braces_is_left_as_written():
    error = ValueError("disk full")
    hostile = "{problem.__traceback__} {problem.args[0]} {id:>999999999} {missing} {0}"
    assert fill(hostile, problem=error, id="ab12") == hostile


def test_a_hostile_outcome_phrase_in_a_pack_shows_as_written():
    pack = load_pack()
    outcome_words = dict(pack.labels.outcome)
    outcome_words["counted_from"] = "{days.__class__.__mro__} from {start}"
    labels = pack.labels.model_copy(update={"outcome": outcome_words})
    hostile = load_pack()
    object.__setattr__(hostile, "labels", labels)
    facts = dict(SHORT_ROUTES["serious_incident"][0])  # dated: its duties say "working days from"
    outcome = build_outcome(hostile, decide(hostile, facts), facts)
    text = "\n".join(line.when for line in outcome.do_now if line.when)
    assert "{days.__class__.__mro__} from" in text
    assert "class" not in text.replace("{days.__class__.__mro__}", "")
