"""next_question tries each answer by evaluating again only the rules that look at the fact it
changes; that shortcut must give exactly what evaluating every rule gives."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from assistant.core import load_pack
from assistant.core.contract import FACTS
from assistant.core.engine import evaluate


def _firings(tally):
    return [(f.rule.id, f.value, f.facts, f.reached) for f in tally.firings]


@pytest.mark.slow
def test_reevaluating_only_the_rules_that_use_a_fact_matches_a_full_evaluation():
    pack = load_pack()
    rng = random.Random(20261127)
    on = dt.date(2026, 3, 2)
    tried = 0
    for _ in range(150):
        facts = {
            name: rng.choice(spec.known_values)
            for name, spec in FACTS.items()
            if spec.kind != "date" and rng.random() < 0.4
        }
        facts["immediate_risk"] = "no"
        base = evaluate(pack, facts, on)
        for name, spec in FACTS.items():
            if spec.kind == "date" or name in facts:
                continue
            for value in spec.known_values:
                changed = {**facts, name: value}
                quick = evaluate(pack, changed, on, base=base, changed=name)
                full = evaluate(pack, changed, on)
                assert quick.signature() == full.signature(), (facts, name, value)
                assert _firings(quick) == _firings(full), (facts, name, value)
                tried += 1
    assert tried > 1000


def _random_answers(rng, pack):
    answers = {"immediate_risk": "no"}
    for name, spec in FACTS.items():
        if spec.kind != "date" and name not in answers and rng.random() < 0.5:
            answers[name] = rng.choice([*spec.known_values, "unknown"])
    return answers


@pytest.mark.slow
def test_remembered_tallies_give_what_working_it_out_afresh_gives(monkeypatch):
    """The engine remembers tallies per pack (facts and date); a warm memory, a small one that
    keeps forgetting, and none at all must all decide and ask alike."""
    import assistant.core.engine as engine
    from assistant.core.engine import decide, next_question

    pack = load_pack()
    rng = random.Random(27112026)
    cases = [_random_answers(rng, pack) for _ in range(60)]
    days = [dt.date(2018, 6, 28), dt.date(2026, 3, 2)]  # before and after rules changed

    def run():
        out = []
        for answers in cases:
            for on in days:
                decision = decide(pack, answers, on=on, today=on)
                question = next_question(pack, {**answers, "incident_date": on}, today=on)
                out.append((decision.to_json(), question.id if question else None))
        return out

    pack.__dict__.pop("_engine_tallies", None)
    warm = [run(), run()]  # the second run is answered from memory
    monkeypatch.setattr(engine, "_TALLIES_KEPT", 3)
    pack.__dict__.pop("_engine_tallies", None)
    forgetful = run()
    assert len(pack.__dict__["_engine_tallies"]) <= 3
    monkeypatch.setattr(
        engine,
        "_tally",
        lambda pack, known, on, base=None, changed=None: evaluate(
            pack, known, on, base=base, changed=changed
        ),
    )
    afresh = run()
    assert warm[0] == warm[1] == forgetful == afresh
    assert len({q for _, q in afresh}) > 3 and len({d["route"] for d, _ in afresh}) > 2
