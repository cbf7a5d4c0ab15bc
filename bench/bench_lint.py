"""How long does `lint` take on the shipped pack, and how much of it does it walk? Prints figures.

Target: every path in under 5 s. Each measurement runs `lint_pack` in a fresh
process (so no template, pack or engine memory carries over from one run to the next), and
prints the wall and CPU time, the paths covered (memoised subtrees counted), the states
actually checked, whether the walk covered everything (complete) or stopped at the budget,
and the CPU time per state, so runs on a busy machine can still be compared. A last line
splits the complete run into its parts (loading, the walk, templates, forms), each timed in
one fresh process. The tiny test pack, which lint walks completely, comes last.

    python bench/bench_lint.py [--budgets 500,2000,12000] [--today 2026-11-27]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve()
TINY = HERE.parent.parent / "tests" / "lint" / "packs" / "clean"


def child_measure(pack: str, budget: int, today: dt.date) -> dict:
    from assistant.lint import lint_pack

    wall, cpu = time.perf_counter(), time.process_time()
    report = lint_pack(Path(pack) if pack else None, today=today, max_states=budget)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return {
        "wall": wall,
        "cpu": cpu,
        "paths": report.paths,
        "states": report.states,
        "findings": len(report.findings),
        "complete": not any("more paths than one run checks" in n for n in report.notes),
    }


def child_parts(today: dt.date) -> dict:
    from assistant.core.pack import load_pack
    from assistant.lint.explore import explore
    from assistant.lint.schema import reference_findings
    from assistant.lint.templates import form_findings, template_findings

    times: dict[str, float] = {}
    mark = time.process_time()

    def lap(name: str) -> None:
        nonlocal mark
        now = time.process_time()
        times[name] = now - mark
        mark = now

    pack = load_pack()
    reference_findings(pack)
    lap("load and references")
    result = explore(pack, today=today)
    lap("walk")
    template_findings(pack, result.samples)
    lap("templates")
    form_findings(pack, result.samples)
    lap("forms")
    return times


def spawn(*args: str) -> dict:
    out = subprocess.run(
        [sys.executable, str(HERE), "--child", *args],
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    )
    return json.loads(out.stdout.splitlines()[-1])


def line(name: str, budget: int, m: dict) -> str:
    per_state = m["cpu"] / m["states"] * 1000 if m["states"] else 0.0
    return (
        f"{name:8} budget {budget:>6}: {m['wall']:6.2f} s wall, {m['cpu']:6.2f} s CPU, "
        f"{m['paths']:>9} paths, {m['states']:>6} states, {per_state:5.1f} ms CPU/state, "
        f"{'complete' if m['complete'] else 'stopped at budget'}, {m['findings']} findings"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--budgets", default="500,2000,12000")
    parser.add_argument("--today", type=dt.date.fromisoformat, default=dt.date.today())
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, *rest = args.child
        if kind == "parts":
            print(json.dumps(child_parts(args.today)))
        else:
            print(json.dumps(child_measure(rest[0], int(rest[1]), args.today)))
        return
    today = ["--today", args.today.isoformat()]
    for budget in (int(b) for b in args.budgets.split(",")):
        print(line("shipped", budget, spawn("measure", "", str(budget), *today)), flush=True)
    parts = spawn("parts", *today)
    print(
        "complete run, CPU by part: "
        + ", ".join(f"{name} {seconds:.2f} s" for name, seconds in parts.items()),
        flush=True,
    )
    print(line("clean", 1000, spawn("measure", str(TINY), "1000", *today)))


if __name__ == "__main__":
    main()
