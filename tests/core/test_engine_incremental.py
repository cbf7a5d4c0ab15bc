"""next_question tries each answer by evaluating again only the rules that look at the fact it
changes; that shortcut must give exactly what evaluating every rule gives."""

from __future__ import annotations

import datetime as dt
import random

from assistant.core import load_pack
from assistant.core.contract import FACTS
from assistant.core.engine import evaluate


def _firings(tally):
    return [(f.rule.id, f.value, f.facts, f.reached) for f in tally.firings]


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
