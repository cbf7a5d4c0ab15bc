"""How long does `lint` take on the shipped pack, and how much of it does it walk? Prints figures.

Target (issue 4): every path in under 5 s. For each state budget it prints the wall and CPU
time, the paths covered (memoised subtrees counted), the states actually checked, whether the
walk covered everything (complete) or stopped at the budget, and the CPU time per state, so
runs on a busy machine can still be compared. The last line runs the tiny test pack, which
lint walks completely.

    python bench/bench_lint.py [--budgets 500,2000,12000] [--today 2026-11-27]
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
from pathlib import Path

from assistant.core.lint import lint_pack

TINY = Path(__file__).resolve().parent.parent / "tests" / "lint" / "packs" / "clean"


def measure(pack: Path | None, budget: int, today: dt.date) -> str:
    wall, cpu = time.perf_counter(), time.process_time()
    report = lint_pack(pack, today=today, max_states=budget)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    complete = not any("more paths than one run checks" in n for n in report.notes)
    per_state = cpu / report.states * 1000 if report.states else 0.0
    name = pack.name if pack else "shipped"
    return (
        f"{name:8} budget {budget:>6}: {wall:6.2f} s wall, {cpu:6.2f} s CPU, "
        f"{report.paths:>9} paths, {report.states:>6} states, {per_state:5.1f} ms CPU/state, "
        f"{'complete' if complete else 'stopped at budget'}, {len(report.findings)} findings"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--budgets", default="500,2000,12000")
    parser.add_argument("--today", type=dt.date.fromisoformat, default=dt.date.today())
    args = parser.parse_args()
    for budget in (int(b) for b in args.budgets.split(",")):
        print(measure(None, budget, args.today), flush=True)
    print(measure(TINY, 1000, args.today))


if __name__ == "__main__":
    main()
