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
def test_remembered_tallies_give_what_working_it_out_afresh_gives():
    """A TallyMemo remembers one pack's tallies (facts and date); a warm memo, a small one that
    keeps forgetting, a memo of another pack and none at all must all decide and ask alike."""
    from assistant.core.engine import TallyMemo, decide, next_question

    pack = load_pack()
    rng = random.Random(27112026)
    cases = [_random_answers(rng, pack) for _ in range(60)]
    days = [dt.date(2018, 6, 28), dt.date(2026, 3, 2)]  # before and after rules changed

    def run(memo):
        out = []
        for answers in cases:
            for on in days:
                decision = decide(pack, answers, on=on, today=on, memo=memo)
                question = next_question(pack, {**answers, "incident_date": on}, on, memo)
                out.append((decision.to_json(), question.id if question else None))
        return out

    memo = TallyMemo(pack)
    warm = [run(memo), run(memo)]  # the second run is answered from memory
    assert memo.tallies and memo.entries
    small = TallyMemo(pack, kept=3, entries_kept=5)
    forgetful = run(small)
    assert len(small.tallies) <= 3
    other = TallyMemo(load_pack())  # a memo of another loaded pack is not used
    elsewhere = run(other)
    assert not other.tallies and not other.entries
    afresh = run(None)
    assert warm[0] == warm[1] == forgetful == elsewhere == afresh
    assert len({q for _, q in afresh}) > 3 and len({d["route"] for d, _ in afresh}) > 2
