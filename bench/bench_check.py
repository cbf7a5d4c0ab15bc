"""How long `check` takes over 1,000 decision records (target: under 5 s).

Generates 1,000 fictional records (a mix of routes, choices and dates) in a temporary folder,
then times the whole check against the shipped pack: reading and validating every file, deciding each
case (again as of today when a dated rule changes in between), and comparing. For scale it also
prints, from the same run, the time to read and decide each record once. Run: python bench/bench_check.py
"""

from __future__ import annotations

import datetime as dt
import random
import sys
import tempfile
import time
from pathlib import Path

RECORDS = 1000
TODAY = dt.date(2026, 11, 27)


def record(rng: random.Random) -> str:
    aware = dt.date(2025, 1, 6) + dt.timedelta(days=rng.randrange(0, 600))
    notified = aware + dt.timedelta(days=rng.randrange(1, 12))
    completed = notified + dt.timedelta(days=rng.randrange(10, 30))
    yes_no = lambda: rng.choice(["yes", "no"])  # noqa: E731
    lines = [
        "contract: 1",
        "facts:",
        "  immediate_risk: no",
        f"  subject_age_band: {rng.choice(['unborn', 'under_16', 'age_16_17', 'age_18_24'])}",
        f"  harm: {rng.choice(['died', 'serious_harm', 'other_harm', 'no_harm'])}",
        f"  abuse_or_neglect: {rng.choice(['known', 'suspected', 'not_suspected', 'unknown'])}",
        f"  incident_location: {rng.choice(['in_area', 'elsewhere_in_england', 'outside_england'])}",
        f"  normally_resident_in_area: {yes_no()}",
        f"  multi_agency_concerns: {rng.choice(['yes', 'no', 'unknown'])}",
        f"  looked_after: {yes_no()}",
        f"  aware_date: {aware}",
        "decision:",
        f"  decided_on: {min(completed + dt.timedelta(days=2), TODAY)}",
        f"  notification_date: {notified}",
        f"  rapid_review: {yes_no()}",
    ]
    if completed <= TODAY and rng.random() < 0.8:
        lines.append(f"  rapid_review_completed: {completed}")
    lines += [
        f"  lcspr: {yes_no()}",
        f"  national_review_referral: {rng.choice(['no', 'no', 'yes'])}",
        f"  local_method: {rng.choice(['none', 'case_discussion', 'learning_event'])}",
        f'  pack_version: "{rng.choice(["2025.1.0", "2026.11.0"])}"',
    ]
    if rng.random() < 0.3:
        lines.append('  reasons: "Learning already captured by an earlier thematic review."')
    return "\n".join(lines) + "\n"


def main() -> int:
    started = time.perf_counter()
    from assistant.core.check import check_paths
    from assistant.core.pack import load_pack

    pack = load_pack()
    loaded = time.perf_counter() - started
    rng = random.Random(2026)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for i in range(RECORDS):
            (folder / f"record-{i:04d}.yaml").write_text(record(rng), encoding="utf-8")
        start = time.perf_counter()
        run = check_paths(pack, [folder], today=TODAY)
        elapsed = time.perf_counter() - start
        # the floor, in the same run: read each file and decide it once, nothing compared
        from assistant.core.case import load_case
        from assistant.core.engine import decide

        start = time.perf_counter()
        for path in sorted(folder.glob("*.yaml")):
            decide(pack, load_case(path, today=TODAY).fact_values())
        floor = time.perf_counter() - start
    verdicts: dict[str, int] = {}
    for result in run.results:
        verdicts[result.verdict] = verdicts.get(result.verdict, 0) + 1
    print(f"imports and rule pack load: {loaded:.2f} s")
    print(
        f"check {len(run.results)} records: {elapsed:.2f} s ({elapsed / len(run.results) * 1000:.2f} ms each; target: under 5 s)"
    )
    print(
        f"read and decide once each, for comparison: {floor:.2f} s (check / that = {elapsed / floor:.2f}x)"
    )
    print("verdicts: " + ", ".join(f"{k} {v}" for k, v in sorted(verdicts.items())))
    return 0 if elapsed < 5 else 1


if __name__ == "__main__":
    sys.exit(main())
