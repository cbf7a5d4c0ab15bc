"""Property tests: the engine with any combination of facts.

Every combination gives a valid decision with a contract route, and an unknown never lowers the
route: settling any unknown fact to a value never gives a MORE protective route than leaving it
unknown (the unknown version already took the most protective route that value could give).
Bounded (max_examples, deadline) so the suite stays well under a minute.
"""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.core import contract, decide, load_pack, next_question, replay
from assistant.core.engine import Decision

PACK = load_pack()
RANK = PACK.rank["route"]
CHOICE_FACTS = [name for name, spec in contract.FACTS.items() if spec.kind != "date"]
BOUNDED = settings(
    max_examples=100,
    deadline=2000,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=True,  # the same examples in CI every run: a failure is reproducible
    database=None,  # and nothing written to .hypothesis/
)


def _dates() -> st.SearchStrategy[dict[str, dt.date]]:
    day = st.dates(min_value=dt.date(2015, 1, 1), max_value=dt.date(2026, 11, 1))
    return st.fixed_dictionaries({}, optional={name: day for name in contract.DATE_FACTS})


@st.composite
def facts(draw: st.DrawFn) -> dict[str, object]:
    """Any subset of the facts, each with any of its values (unknown included), plus any dates."""
    chosen = draw(st.lists(st.sampled_from(CHOICE_FACTS), unique=True))
    out: dict[str, object] = {
        name: draw(st.sampled_from(contract.FACTS[name].values)) for name in chosen
    }
    out.update(draw(_dates()))
    return out


def _check(decision: Decision) -> None:
    assert isinstance(decision, Decision)
    assert decision.route in contract.ROUTES
    assert decision.reviews.statutory in contract.STATUTORY
    assert decision.reviews.lcspr in contract.LCSPR
    assert decision.reviews.national_review in contract.NATIONAL_REVIEW
    assert set(decision.reviews.criteria_met) <= set(contract.CRITERIA)
    assert set(decision.reviews.local_options) <= set(contract.LOCAL_OPTIONS)
    assert set(decision.signposts) <= set(contract.SIGNPOSTS)
    assert decision.form in (*contract.FORMS, None)
    assert {n.id for n in decision.notifications} <= set(contract.NOTIFICATIONS)
    assert decision.certain == (not decision.missing)
    assert set(decision.missing) <= set(contract.FACTS)
    # the contract JSON round-trips
    again = Decision.model_validate(decision.to_json())
    assert again.route == decision.route


@BOUNDED
@given(facts())
def test_any_facts_give_a_valid_decision(case: dict[str, object]) -> None:
    _check(decide(PACK, case))


@BOUNDED
@given(facts(), st.data())
def test_an_unknown_never_lowers_the_route(case: dict[str, object], data: st.DataObject) -> None:
    unknown = [
        name for name in CHOICE_FACTS if case.get(name, contract.UNKNOWN) == contract.UNKNOWN
    ]
    fact = data.draw(st.sampled_from(unknown), label="unknown fact")
    value = data.draw(st.sampled_from(contract.FACTS[fact].known_values), label="value")
    vague = decide(PACK, case)
    settled = decide(PACK, {**case, fact: value})
    assert RANK[settled.route] >= RANK[vague.route], (
        f"{fact}={value} gave {settled.route}, more protective than {vague.route} while unknown"
    )
    if vague.certain:  # nothing unknown could change a certain route
        assert settled.route == vague.route


@settings(BOUNDED, max_examples=15, deadline=4000)
@given(facts())
def test_the_conversation_always_ends_and_its_path_decides_validly(case: dict[str, object]) -> None:
    """Asking until there is no next question terminates, whatever the answers."""
    answers: dict[str, object] = {}
    for _ in range(len(PACK.questions) + 1):
        question = next_question(PACK, answers)
        if question is None:
            break
        answers[question.fact] = case.get(question.fact, contract.UNKNOWN)
    else:
        raise AssertionError("the conversation asked more questions than the pack has")
    path = replay(PACK, answers)
    assert path.complete
    _check(decide(PACK, path.applied))
