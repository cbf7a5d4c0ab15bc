"""How long each referral form format takes to render, and what each one imports.

    python bench/bench_forms.py [--repeat N]

Prints, for the fixed test case in tests/forms/cases/serious.yaml:
- the first render of each format in a fresh process (imports and template loading included),
  and which heavy modules that process imported (docxtpl must appear only for docx);
- the median of N warm renders of each format in one process, and all five together
  (target: all formats together under 0.5 s).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACK = ROOT / "tests" / "forms" / "pack"
CASE = ROOT / "tests" / "forms" / "cases" / "serious.yaml"
FORMATS = ("md", "txt", "html", "json", "docx")
TARGET = 0.5

COLD = """
import json, sys, time
start = time.perf_counter()
from assistant.core import load_pack
from assistant.core.case import load_case
from assistant.core.engine import decide
from assistant.forms import build_form, render
pack = load_pack(sys.argv[1])
case = load_case(sys.argv[2])
form = build_form(pack, decide(pack, case.fact_values()), case.answered(), case.referral)
ready = time.perf_counter()
render(form, sys.argv[3])
done = time.perf_counter()
heavy = [m for m in ("docxtpl", "docx", "lxml", "jinja2", "textual") if m in sys.modules]
print(json.dumps({"setup": ready - start, "render": done - ready, "imported": heavy}))
"""


def cold(fmt: str) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", COLD, str(PACK), str(CASE), fmt],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return json.loads(out.stdout)


def warm(repeat: int) -> dict[str, list[float]]:
    sys.path.insert(0, str(ROOT))
    from assistant.core import load_pack
    from assistant.core.case import load_case
    from assistant.core.engine import decide
    from assistant.forms import build_form, render

    pack = load_pack(PACK)
    case = load_case(CASE)
    decision = decide(pack, case.fact_values())
    times: dict[str, list[float]] = {fmt: [] for fmt in (*FORMATS, "build", "all")}
    for fmt in FORMATS:  # load templates and modules once
        render(build_form(pack, decision, case.answered(), case.referral), fmt)
    for _ in range(repeat):
        start = time.perf_counter()
        form = build_form(pack, decision, case.answered(), case.referral)
        times["build"].append(time.perf_counter() - start)
        for fmt in FORMATS:
            t0 = time.perf_counter()
            render(form, fmt)
            times[fmt].append(time.perf_counter() - t0)
        times["all"].append(time.perf_counter() - start)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description="Time each referral form format.")
    parser.add_argument(
        "--repeat", type=int, default=20, help="warm renders per format (default 20)"
    )
    args = parser.parse_args()

    print("First render in a fresh process (imports and templates included)")
    print(f"  {'format':<6} {'setup s':>8} {'render s':>9}  heavy modules imported")
    for fmt in FORMATS:
        result = cold(fmt)
        print(
            f"  {fmt:<6} {result['setup']:8.3f} {result['render']:9.3f}  {', '.join(result['imported']) or '-'}"
        )
        if ("docxtpl" in result["imported"]) != (fmt == "docx"):
            print(
                f"  !! docxtpl imported for {fmt}"
                if fmt != "docx"
                else "  !! docxtpl not imported for docx"
            )

    times = warm(args.repeat)
    print(f"\nWarm renders, median of {args.repeat}")
    for name in ("build", *FORMATS):
        print(f"  {name:<6} {statistics.median(times[name]) * 1000:8.1f} ms")
    total = statistics.median(times["all"])
    verdict = "within" if total < TARGET else "OVER"
    print(
        f"  {'all':<6} {total * 1000:8.1f} ms  ({verdict} the {TARGET * 1000:.0f} ms target for every format together;"
        f" {total / TARGET:.2f} of it)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
