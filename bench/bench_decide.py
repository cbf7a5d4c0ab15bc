"""How fast is the core? Prints figures; it is not a test (see the team brief: speed targets
live in bench/ scripts, compared as ratios within one run).

1. The median CPU time of `decide()` per case, trace included, over a few thousand random
   cases (each fact known, unknown or missing; dates in the past). Target: under 1 ms. "warm"
   is a long-lived caller (the chat, lint) that passes one TallyMemo, sharing tallies and trace
   entries between decisions; "cold" passes none, as a one-shot `decide` does.
2. The whole-process time of `review-assistant decide CASE --json` next to a Python process
   that only imports pydantic and yaml, measured alternately in the same run, as a ratio.
   Target: at most 1.5x. A second baseline that also imports pydantic's BaseModel shows how
   much of the gap is pydantic's own model machinery, which any pydantic program pays.

    python bench/bench_decide.py [--cases 3000] [--runs 15] [--case FILE]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.core import contract  # noqa: E402
from assistant.core.engine import TallyMemo, decide  # noqa: E402
from assistant.core.pack import load_pack  # noqa: E402

EXAMPLE_CASE = """\
# A fictional case: a baby with a suspected non-accidental head injury.
contract: 1
facts:
  immediate_risk: no
  subject_age_band: under_16
  looked_after: no
  harm: serious_harm
  abuse_or_neglect: suspected
  incident_location: in_area
  normally_resident_in_area: yes
  multi_agency_concerns: unknown
  incident_date: 2026-02-27
  aware_date: 2026-03-02
"""


def random_case(rng: random.Random, today: dt.date) -> dict[str, object]:
    facts: dict[str, object] = {}
    for name, spec in contract.FACTS.items():
        if spec.kind == "date":
            continue
        roll = rng.random()
        if roll < 0.25:
            continue  # missing
        facts[name] = rng.choice(spec.values)  # includes "unknown"
    # most real cases are past the safety question; a "yes" halts at once and costs nothing
    facts["immediate_risk"] = "no" if rng.random() < 0.85 else rng.choice(("yes", "unknown"))
    if rng.random() < 0.8:
        incident = today - dt.timedelta(days=rng.randint(10, 3000))
        facts["incident_date"] = incident
        aware = incident + dt.timedelta(days=rng.randint(0, 9))
        facts["aware_date"] = aware
        if rng.random() < 0.5:
            facts["notification_date"] = aware + dt.timedelta(days=rng.randint(0, 9))
    return facts


def bench_decide(n: int, seed: int) -> None:
    pack = load_pack()
    today = dt.date(2026, 11, 27)
    rng = random.Random(seed)
    cases = [random_case(rng, today) for _ in range(n)]
    memo = TallyMemo(pack)
    for facts in cases[:50]:  # warm the holiday tables and caches
        decide(pack, facts, today=today, memo=memo)
    # CPU time of this thread: on a shared, busy machine wall time measures the neighbours
    clock = time.thread_time_ns
    routes: dict[str, int] = {}
    figures: dict[str, list[float]] = {"warm": [], "cold": []}
    for facts in cases:
        start = clock()
        decision = decide(pack, facts, today=today, memo=memo)
        figures["warm"].append((clock() - start) / 1e6)
        routes[decision.route] = routes.get(decision.route, 0) + 1
    for facts in cases:
        # cold: nothing shared with earlier decisions (a one-shot CLI run)
        start = clock()
        decide(pack, facts, today=today)
        figures["cold"].append((clock() - start) / 1e6)
    print(
        f"decide(): {n} random cases, pack '{pack.name}' {pack.version} ({len(pack.rules)} rules)"
    )
    for label, times in figures.items():
        times.sort()
        median = statistics.median(times)
        print(
            f"  {label}: median {median:.3f} ms CPU per case with the trace (p90 "
            f"{times[int(n * 0.9)]:.3f} ms)   target < 1 ms: {'met' if median < 1 else 'MISSED'}"
        )
    print("  routes: " + ", ".join(f"{k} {v}" for k, v in sorted(routes.items())))


def _time(cmd: list[str], env: dict[str, str], cwd: str) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one run of `cmd`."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(cmd, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{done.stderr.decode()}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return elapsed, cpu


def bench_process(runs: int, case: Path | None) -> None:
    script = shutil.which("review-assistant", path=str(Path(sys.executable).parent))
    if script is None:
        raise SystemExit("review-assistant is not installed beside this python; pip install -e .")
    with tempfile.TemporaryDirectory() as tmp:
        if case is None:
            case = Path(tmp) / "serious-incident.yaml"
            case.write_text(EXAMPLE_CASE, encoding="utf-8")
        env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
        commands = {
            "review-assistant decide CASE --json": [script, "decide", str(case), "--json"],
            "python -c 'import pydantic, yaml'": [sys.executable, "-c", "import pydantic, yaml"],
            "python -c 'import yaml; from pydantic import BaseModel'": [
                sys.executable,
                "-c",
                "import yaml; from pydantic import BaseModel",
            ],
        }
        walls: dict[str, list[float]] = {name: [] for name in commands}
        cpus: dict[str, list[float]] = {name: [] for name in commands}
        for cmd in commands.values():  # one untimed run each: warm the disk and holiday caches
            _time(cmd, env, tmp)
        for _ in range(runs):  # alternate, so machine load falls on all three alike
            for name, cmd in commands.items():
                wall, cpu = _time(cmd, env, tmp)
                walls[name].append(wall)
                cpus[name].append(cpu)
    wall = {name: statistics.median(values) for name, values in walls.items()}
    cpu = {name: statistics.median(values) for name, values in cpus.items()}
    print(f"whole process, median of {runs} alternating runs ({case.name}):")
    print("     wall       CPU")
    for name in commands:
        print(f"  {wall[name] * 1000:7.1f} ms {cpu[name] * 1000:7.1f} ms  {name}")
    ours, base, base_model = commands
    for label, figures in (("wall", wall), ("CPU", cpu)):
        ratio = figures[ours] / figures[base]
        print(
            f"  {label:4} ratio {ratio:.2f}x against 'import pydantic, yaml' (target <= 1.5x: "
            f"{'met' if ratio <= 1.5 else 'MISSED'}); "
            f"{figures[ours] / figures[base_model]:.2f}x against '... from pydantic import BaseModel'"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=3000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--case", type=Path, help="the case file for the process timing")
    args = parser.parse_args()
    bench_decide(args.cases, args.seed)
    bench_process(args.runs, args.case)


if __name__ == "__main__":
    main()
