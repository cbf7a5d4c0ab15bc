"""Plain mode driven through a pipe to an outcome for every route, matching `decide` exactly."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml
from plain_helpers import ROUTE_FACTS, run_cli, typed_answers

from assistant.core import load_pack
from assistant.core.contract import ROUTES


def test_every_route_is_covered():
    assert set(ROUTE_FACTS) == set(ROUTES)


@pytest.mark.parametrize("route", ROUTES)
def test_pipe_reaches_the_outcome_for_each_route(route, env, tmp_path):
    pack = load_pack()
    lines, state = typed_answers(pack, ROUTE_FACTS[route])
    assert state.decision().route == route, (
        f"the conversation for {route} gave {state.decision().route}; asked: "
        f"{[q.fact for q, _ in state.path.asked]}"
    )
    done = run_cli(["plain"], env, "\n".join(lines) + "\n")
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
    decided = run_cli(["decide", str(case)], env)
    assert decided.returncode == 0, decided.stderr
    assert done.stdout.rstrip().endswith(decided.stdout.rstrip())
    assert f"OUTCOME: {pack.labels.routes[route].label}" in done.stdout
    # one question block per answer given
    assert done.stdout.count("\nQuestion ") + done.stdout.startswith("Question ") == len(lines)
