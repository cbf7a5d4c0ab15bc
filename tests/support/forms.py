"""Shared data for the referral form tests: the fixed rule pack, case files, hostile text."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from assistant.core.case import load_case
from assistant.core.engine import decide
from assistant.forms import build_form

HERE = Path(__file__).resolve().parents[1] / "forms"
PACK_DIR = HERE / "pack"
CASES = HERE / "cases"
GOLDEN = HERE / "golden"
TODAY = dt.date(2026, 6, 2)

# Everything a person might type that a careless renderer would mangle or execute.
HOSTILE = (
    "<script>alert('x')</script> & &amp; \"double\" 'single' “curly” "
    "{{ 7*7 }} {% raw %}{% endraw %} {# note #} {_{ x }_} {_% y %_} ${7*7} "
    "*star* _under_ `tick` [link](http://example.org) <b>bold</b> | pipe ~~strike~~ \\back\\slash\n"
    "# not a heading\n- not a list\n1. not numbered\n> not a quote\n"
    "Ωμέγα 日本語 العربية עברית हिन्दी Кириллица 😀👩🏽‍⚕️\n"
    "\n"
    "  two spaces in front\tand a tab"
)
LONG = "A very long account of what happened, repeated. " * 600  # about 29,000 characters


def form_for(pack, name: str, **kwargs):
    case = load_case(CASES / f"{name}.yaml")
    decision = decide(pack, case.fact_values(), today=TODAY)
    return build_form(pack, decision, case.answered(), case.referral, today=TODAY, **kwargs)


def serious(pack):
    """(pack, decision, answers) of the serious case, as the form screen takes them."""
    case = load_case(CASES / "serious.yaml")
    return pack, decide(pack, case.fact_values(), today=TODAY), case.answered()
