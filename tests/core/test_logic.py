"""Three-valued (Kleene) logic: truth tables, the facts each result names, and parsing."""

from __future__ import annotations

import itertools

import pytest

from assistant.core.logic import (
    FALSE,
    TRUE,
    UNKNOWN,
    All,
    Any_,
    ConditionError,
    Leaf,
    Not,
    Ref,
    leaves,
    parse_condition,
)

# A fact tested for "yes" gives each truth value: yes -> TRUE, no -> FALSE, absent -> UNKNOWN.
SETTINGS = {TRUE: "yes", FALSE: "no", UNKNOWN: None}
TRUTH = (FALSE, UNKNOWN, TRUE)


def _facts(**values: int) -> dict[str, str]:
    return {name: SETTINGS[v] for name, v in values.items() if SETTINGS[v] is not None}


def _no_refs(name: str):  # pragma: no cover - no condition here uses a ref
    raise AssertionError(name)


A = Leaf("a", frozenset({"yes"}))
B = Leaf("b", frozenset({"yes"}))


@pytest.mark.parametrize(("a", "b"), list(itertools.product(TRUTH, TRUTH)))
def test_all_is_the_minimum(a: int, b: int) -> None:
    value, _ = All((A, B)).evaluate(_facts(a=a, b=b), _no_refs)
    assert value == min(a, b)


@pytest.mark.parametrize(("a", "b"), list(itertools.product(TRUTH, TRUTH)))
def test_any_is_the_maximum(a: int, b: int) -> None:
    value, _ = Any_((A, B)).evaluate(_facts(a=a, b=b), _no_refs)
    assert value == max(a, b)


@pytest.mark.parametrize("a", TRUTH)
def test_not_reverses_and_keeps_unknown(a: int) -> None:
    value, _ = Not(A).evaluate(_facts(a=a), _no_refs)
    assert value == {TRUE: FALSE, FALSE: TRUE, UNKNOWN: UNKNOWN}[a]


def test_the_tables_spelled_out() -> None:
    """The Kleene table itself, so a wrong min/max cannot hide behind a symmetric test."""
    table_all = {
        (TRUE, UNKNOWN): UNKNOWN,
        (FALSE, UNKNOWN): FALSE,
        (UNKNOWN, UNKNOWN): UNKNOWN,
        (TRUE, TRUE): TRUE,
    }
    table_any = {
        (TRUE, UNKNOWN): TRUE,
        (FALSE, UNKNOWN): UNKNOWN,
        (UNKNOWN, UNKNOWN): UNKNOWN,
        (FALSE, FALSE): FALSE,
    }
    for (a, b), expected in table_all.items():
        assert All((A, B)).evaluate(_facts(a=a, b=b), _no_refs)[0] == expected
    for (a, b), expected in table_any.items():
        assert Any_((A, B)).evaluate(_facts(a=a, b=b), _no_refs)[0] == expected


def test_an_unknown_value_string_counts_as_unknown() -> None:
    assert A.evaluate({"a": "unknown"}, _no_refs) == (UNKNOWN, frozenset({"a"}))


def test_results_name_the_deciding_facts() -> None:
    c = All((A, B, Leaf("c", frozenset({"x"}))))
    # TRUE: every fact that satisfied it
    assert c.evaluate({"a": "yes", "b": "yes", "c": "x"}, _no_refs) == (
        TRUE,
        frozenset({"a", "b", "c"}),
    )
    # FALSE: the fact that stopped it, not the ones that were fine
    assert c.evaluate({"a": "yes", "b": "no", "c": "x"}, _no_refs) == (FALSE, frozenset({"b"}))
    # UNKNOWN: the unknown facts that would settle it
    assert c.evaluate({"a": "yes", "c": "x"}, _no_refs) == (UNKNOWN, frozenset({"b"}))
    # any: TRUE names the satisfying part only; FALSE names every part
    d = Any_((A, B))
    assert d.evaluate({"a": "no", "b": "yes"}, _no_refs) == (TRUE, frozenset({"b"}))
    assert d.evaluate({"a": "no", "b": "no"}, _no_refs) == (FALSE, frozenset({"a", "b"}))


def test_unknown_never_hides_a_false() -> None:
    """FALSE in an `all` wins over UNKNOWN; TRUE in an `any` wins over UNKNOWN."""
    assert All((A, B)).evaluate({"b": "no"}, _no_refs)[0] == FALSE
    assert Any_((A, B)).evaluate({"b": "yes"}, _no_refs)[0] == TRUE


def test_parse_forms_and_booleans() -> None:
    c = parse_condition(
        {"all": [{"harm": ["died", "serious_harm"]}, {"not": {"looked_after": True}}]}
    )
    assert isinstance(c, All)
    assert c.parts[0] == Leaf("harm", frozenset({"died", "serious_harm"}))
    # YAML reads a bare yes as True: in a condition it means the value "yes"
    assert c.parts[1] == Not(Leaf("looked_after", frozenset({"yes"})))
    several = parse_condition({"harm": "died", "care_leaver": False})
    assert isinstance(several, All) and len(several.parts) == 2
    assert parse_condition({"ref": "child"}) == Ref("child")
    assert [leaf.fact for leaf in leaves(c) if isinstance(leaf, Leaf)] == ["harm", "looked_after"]


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        ("harm == died", "a condition must be a mapping"),
        ({}, "a condition must be a mapping"),
        ({"all": {"harm": "died"}}, "'all' takes a list"),
        ({"ref": ["a"]}, "'ref' takes the name of a definition"),
    ],
)
def test_bad_conditions_are_errors(data: object, fragment: str) -> None:
    with pytest.raises(ConditionError, match=fragment):
        parse_condition(data)


def test_refs_resolve_through_the_callback() -> None:
    seen: list[str] = []

    def refs(name: str):
        seen.append(name)
        return TRUE, frozenset({"x"})

    assert Not(Ref("child")).evaluate({}, refs) == (FALSE, frozenset({"x"}))
    assert seen == ["child"]
