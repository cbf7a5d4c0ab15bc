"""How long the outcome and the form preview take to open, in a real terminal. Not a test: run it
and read the figures.

    /work/venv/bin/python bench/bench_outcome.py [--runs 5] [--size 100x32]

Each run starts the chat in a pseudo-terminal of the given size (a real terminal for Textual:
escape codes, resize, refresh), loads the serious-incident example's answers, then, as the
practitioner would at the end of the conversation:

1. opens the outcome screen, timed from the moment it is asked for until the frame after it has
   been drawn (target: under 200 ms). The conversation decides at every answer, so the engine
   is warm by then; the run decides once before timing, as the last answer would;
2. prepares the practice review referral form and opens its preview, timed the same way
   (target: under 300 ms).

The figures are printed as the median and the slowest run. The machine may be shared, so read
the median.
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import pty
import select
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path

HERE = Path(__file__).resolve()
ROOT = HERE.parent.parent
CASE = ROOT / "tests" / "core" / "fixtures" / "cases" / "serious-incident.yaml"


def child(results: str) -> None:
    """Runs inside the pseudo-terminal: the real app, driven by an autopilot, times written out."""
    import asyncio
    import datetime as dt

    sys.path.insert(0, str(ROOT))
    from assistant.conversation.state import ConversationState
    from assistant.core import load_pack
    from assistant.core.case import load_case
    from assistant.forms import render
    from assistant.forms.context import build_form
    from assistant.forms.form_words import load_form_words
    from assistant.tui.app import ReviewAssistantApp
    from assistant.tui.screens.outcome import OutcomeScreen
    from assistant.tui.screens.referral import PreviewScreen

    pack = load_pack()
    case = load_case(CASE)
    facts = case.fact_values()
    today = dt.date(2026, 11, 27)
    app = ReviewAssistantApp(pack, today=today)
    figures: dict[str, float] = {}

    async def drawn(screen: object) -> None:
        done = asyncio.get_running_loop().create_future()
        screen.call_after_refresh(lambda: done.set_result(None))  # type: ignore[attr-defined]
        await done

    async def autopilot(pilot: object) -> None:
        await asyncio.sleep(1.0)  # the chat is up and idle
        # the conversation has decided at every answer, so the engine is warm at the last one
        state = ConversationState(pack, facts, today=today)
        state.decision()
        started = time.perf_counter()
        screen = OutcomeScreen(state)
        app.push_screen(screen)
        await drawn(screen)
        figures["outcome_ms"] = (time.perf_counter() - started) * 1000
        await asyncio.sleep(0.3)
        started = time.perf_counter()
        form = build_form(pack, screen.decision, dict(state.applied), case.referral)
        preview = PreviewScreen(str(render(form, "md")), load_form_words(pack))
        app.push_screen(preview)
        await drawn(preview)
        figures["preview_ms"] = (time.perf_counter() - started) * 1000
        Path(results).write_text(json.dumps(figures), encoding="utf-8")
        app.exit()

    app.run(auto_pilot=autopilot)


def one_run(size: tuple[int, int], env: dict[str, str]) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder:
        results = os.path.join(folder, "figures.json")
        master, slave = pty.openpty()
        cols, rows = size
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        process = subprocess.Popen(
            [sys.executable, str(HERE), "--child", results],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env={
                **env,
                "HOME": folder,
                "TERM": "xterm-256color",
                "COLUMNS": str(cols),
                "LINES": str(rows),
            },
            cwd=ROOT,
            close_fds=True,
        )
        os.close(slave)
        deadline = time.monotonic() + 120
        while process.poll() is None and time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.1)
            if ready:
                try:
                    os.read(master, 65536)  # the terminal must be read, or the app blocks
                except OSError:
                    break
        if process.poll() is None:
            process.kill()
        process.wait()
        os.close(master)
        if not os.path.exists(results):
            raise SystemExit("the app did not report its figures (it failed or timed out)")
        return json.loads(Path(results).read_text(encoding="utf-8"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--size", default="100x32", help="terminal size, COLSxROWS")
    parser.add_argument("--child", metavar="RESULTS", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return
    cols, rows = (int(n) for n in args.size.lower().split("x"))
    env = {k: v for k, v in os.environ.items() if k not in ("TMUX", "TERM")}
    env["REVIEW_ASSISTANT_CACHE"] = "off"
    runs = [one_run((cols, rows), env) for _ in range(args.runs)]
    print(f"Outcome and form preview in a real terminal ({cols}x{rows}), {args.runs} runs")
    for key, label, target in (
        ("outcome_ms", "outcome opens", 200),
        ("preview_ms", "form preview opens", 300),
    ):
        values = [r[key] for r in runs]
        median = statistics.median(values)
        verdict = "within" if median < target else "OVER"
        print(
            f"  {label:<20} median {median:7.1f} ms   slowest {max(values):7.1f} ms   "
            f"target {target} ms ({verdict})"
        )


if __name__ == "__main__":
    main()
