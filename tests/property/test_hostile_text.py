"""Property tests: the free-text parser with any string, the case-file loader with any YAML or JSON.

interpret() never raises; parse_case() returns a CaseFile or raises InputError, never anything
else. Bounded so the suite runs in CI in seconds.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import time

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from assistant.core import contract, load_pack
from assistant.core.case import CaseFile, is_email, parse_case
from assistant.core.errors import MAX_PROBLEMS, InputError
from assistant.core.interpret import Answer, Command, Problem, Unclear, Unrecognised, interpret
from assistant.core.terminal import visible, visible_lines

PACK = load_pack()
QUESTIONS = PACK.questions
BOUNDED = settings(
    max_examples=200,
    deadline=1000,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=True,
    database=None,
)
TODAY = dt.date(2026, 11, 27)

# Text people type, and text that attacks: markup, control characters, huge numbers, odd Unicode.
HOSTILE_WORDS = [
    "yes",
    "no",
    "not sure",
    "why",
    "what is",
    "back",
    "1",
    "0",
    "-1",
    "99999999999999999999",
    "[bold]",
    "[/]",
    "[link=x]",
    "{{ 7*7 }}",
    "{% raw %}",
    "\x00",
    "\x1b[2J",
    "\u202e",
    "\ud800",
    "é",
    "Ǆ",
    "ﬁ",
    "２",
    "🙂",
    "2026-02-30",
    "2099-01-01",
    "today",
    "?",
    "what is a",
    "option 3",
]
texts = st.one_of(
    st.text(),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=200),
    st.lists(st.sampled_from(HOSTILE_WORDS), max_size=6).map(" ".join),
    st.binary(max_size=64).map(lambda b: b.decode("utf-8", "replace")),
)


@BOUNDED
@given(texts, st.sampled_from(QUESTIONS))
@example("[/]", QUESTIONS[0])
@example("\x00" * 10_000, QUESTIONS[0])
@example("9" * 5000, QUESTIONS[1])
def test_interpret_never_raises(text: str, question) -> None:
    choices = question.choices(PACK.labels.values.get(question.fact))
    result = interpret(text, choices, question.kind, TODAY)
    assert isinstance(result, Answer | Command | Problem | Unclear | Unrecognised)
    if isinstance(result, Answer):
        if question.kind == "date":
            assert result.value == contract.UNKNOWN or (
                isinstance(result.value, dt.date) and result.value <= TODAY
            )
        else:
            assert result.value in [c.value for c in choices]


@BOUNDED
@given(
    st.one_of(st.none(), st.integers(), st.floats(), st.binary(), st.lists(st.text(), max_size=3))
)
def test_interpret_never_raises_on_values_that_are_not_text(value) -> None:
    result = interpret(value, QUESTIONS[0].choices(), "tri", TODAY)
    assert isinstance(result, Answer | Command | Problem | Unclear | Unrecognised)


# --- case files ---------------------------------------------------------------------------------

KEYS = [
    "contract",
    "facts",
    "dates",
    "referral",
    "decision",
    "child",
    "referrer",
    "name",
    "email",
    "agencies",
    "reasons",
    *contract.FACTS,
    "notification_date",
    "rapid_review",
    "local_method",
]
VALUES = [v for spec in contract.FACTS.values() for v in spec.values] + [
    "2026-01-01",
    "2099-12-31",
    "yes",
    "no",
]
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.sampled_from(VALUES),
    st.dates(),
)
keys = st.one_of(st.sampled_from(KEYS), st.text(max_size=12))
documents = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(keys, inner, max_size=5),
    ),
    max_leaves=25,
)
case_like = st.fixed_dictionaries(
    {
        "facts": st.dictionaries(
            st.sampled_from(list(contract.FACTS)),
            st.one_of(st.sampled_from(VALUES), scalars),
            max_size=8,
        )
    },
    optional={
        "contract": st.one_of(st.just(1), scalars),
        "dates": st.dictionaries(
            st.sampled_from(contract.DATE_FACTS), st.one_of(st.dates(), scalars), max_size=3
        ),
        "referral": documents,
        "decision": documents,
        "extra": documents,
    },
)


def _loads_or_clean_error(text: str, path: str) -> None:
    try:
        case = parse_case(text, path, today=TODAY)
    except InputError as exc:
        assert exc.problems and all(isinstance(p, str) and p for p in exc.problems)
        assert path in exc.problems[0] or exc.problems[0].startswith(path.split(",")[0])
        assert len(exc.problems) <= MAX_PROBLEMS + 1
        for problem in exc.problems:  # safe to print: no control character but line breaks
            assert all(ch.isprintable() or ch in " \n" for ch in problem), repr(problem)
        return
    assert isinstance(case, CaseFile)


def _to_json(data) -> str:
    return json.dumps(data, default=str, allow_nan=True)


@pytest.mark.slow
@BOUNDED
@given(st.one_of(documents, case_like))
def test_any_json_gives_a_case_or_an_input_error(data) -> None:
    _loads_or_clean_error(_to_json(data), "case.json")


@BOUNDED
@given(st.one_of(documents, case_like))
def test_any_yaml_gives_a_case_or_an_input_error(data) -> None:
    _loads_or_clean_error(yaml.safe_dump(data, allow_unicode=True), "case.yaml")


@BOUNDED
@given(st.text(max_size=300))
@example('{"facts": {"harm": ' + "9" * 5000 + "}}")
@example("[" * 100_000)
@example("facts: !!python/object/apply:os.system ['true']")
@example("facts: {aware_date: 2026-02-30}")
@example("\ufeff{}")
def test_any_text_gives_a_case_or_an_input_error(text: str) -> None:
    _loads_or_clean_error(text, "case.yaml")
    _loads_or_clean_error(text, "case.json")


@BOUNDED
@given(texts)
@example("\x1b]0;pwned\x07\x1b[2J")
@example("\u202e\u2028\x85\x9b")
def test_visible_text_holds_no_control_character(text: str) -> None:
    assert all(ch.isprintable() or ch == " " for ch in visible(text))
    assert visible_lines(text).split("\n") == [visible(line) for line in text.split("\n")]


_EMAIL_BEFORE = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


@BOUNDED
@given(
    st.one_of(
        texts,
        st.lists(st.sampled_from(["a", "@", ".", " ", "b", "\t", "x.y"]), max_size=20).map("".join),
    )
)
@example("a@" + "." * 100_000 + "@")
@example("a@b.c")
def test_the_email_check_agrees_with_the_pattern_and_is_quick(text: str) -> None:
    started = time.perf_counter()
    found = is_email(text)
    assert time.perf_counter() - started < 0.1
    if len(text) <= 254:
        assert found == bool(_EMAIL_BEFORE.fullmatch(text))
    else:
        assert not found


def test_billion_laughs_is_refused_at_once():
    """YAML aliases that expand to 9**8 values must be an input error, not minutes of work."""
    import time

    levels = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
    for prev, name in zip("abcdefg", "bcdefgh", strict=True):
        levels.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    text = "\n".join(levels) + "\nfacts: {harm: *h}\n"
    started = time.perf_counter()
    try:
        parse_case(text, "laughs.yaml", today=TODAY)
    except InputError as exc:
        assert "aliases" in str(exc) and "laughs.yaml" in str(exc)
    else:
        raise AssertionError("a billion-laughs file was accepted")
    assert time.perf_counter() - started < 5
    # an ordinary alias is still fine
    ok = parse_case(
        "facts:\n  immediate_risk: &no no\n  looked_after: *no\n", "ok.yaml", today=TODAY
    )
    assert ok.facts.looked_after == "no"
