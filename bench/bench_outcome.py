"""How long the outcome and the form preview take to open, in a real terminal. Not a test: run it
and read the figures.

    .venv/bin/python bench/bench_outcome.py [--runs 5] [--size 100x32]

Each run starts the chat in a pseudo-terminal of the given size (a real terminal for Textual:
escape codes, resize, refresh), loads the serious-incident example's answers, then, as the
practitioner would at the end of the conversation:

1. opens the outcome screen, timed from the moment it is asked for until the frame after it has
   been drawn (target: under 200 ms). The conversation decides at every answer, so the engine
   is warm by then; the run decides once before timing, as the last answer would. When the
   outcome takes longer than the screen waits for it, the first frame says it is being
   prepared: "outcome shown" is when the outcome itself is drawn, and the last line counts the
   runs whose first frame already held it;
2. opens the practice review referral form's preview as the form screen does: the screen opens
   at once saying the preview is being prepared ("form preview opens", target: under 300 ms),
   the form is rendered in a thread worker and drawn as one widget ("form preview shown", from
   the same start). For comparison, in the same run, "preview, old way" renders the form first
   and draws it with Textual's Markdown widget, as the preview did before.

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
from typing import Any

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

    class OldPreviewScreen(PreviewScreen):
        """The preview as it was: Textual's Markdown widget, one widget per block."""

        def compose(self) -> Any:
            from textual.containers import Vertical, VerticalScroll
            from textual.widgets import Markdown, Static

            with Vertical(id="preview-box"):
                yield Static(self.words.say("preview_title"), id="preview-title", markup=False)
                with VerticalScroll(id="preview-scroll"):
                    yield Markdown(self.markdown, id="preview")

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
        figures["outcome_first_frame"] = 1.0 if screen.prepared else 0.0  # not "preparing"
        if not screen.prepared:
            while not screen.prepared:
                await asyncio.sleep(0.002)
            await drawn(screen)
        figures["outcome_shown_ms"] = (time.perf_counter() - started) * 1000
        await asyncio.sleep(0.3)
        words = load_form_words(pack)

        def markdown() -> str:
            form = build_form(pack, screen.decision, dict(state.applied), case.referral)
            return str(render(form, "md"))

        # the old way first, for comparison in the same run: the form rendered before the
        # screen opens, drawn by Textual's Markdown widget
        started = time.perf_counter()
        old = OldPreviewScreen(markdown(), words)
        app.push_screen(old)
        await drawn(old)
        figures["preview_old_ms"] = (time.perf_counter() - started) * 1000
        old.dismiss(False)
        await asyncio.sleep(0.3)
        # as the form screen does it: the screen opens at once ("preparing"), the form is
        # rendered in a thread worker and drawn as one widget
        started = time.perf_counter()
        preview = PreviewScreen(markdown, words)
        app.push_screen(preview)
        await drawn(preview)
        figures["preview_ms"] = (time.perf_counter() - started) * 1000
        while not preview.markdown:
            await asyncio.sleep(0.002)
        await drawn(preview)
        figures["preview_shown_ms"] = (time.perf_counter() - started) * 1000
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
        ("outcome_shown_ms", "outcome shown", 200),
        ("preview_old_ms", "preview, old way", 300),
        ("preview_ms", "form preview opens", 300),
        ("preview_shown_ms", "form preview shown", 300),
    ):
        values = [r[key] for r in runs]
        median = statistics.median(values)
        verdict = "within" if median < target else "OVER"
        print(
            f"  {label:<21} median {median:7.1f} ms   slowest {max(values):7.1f} ms   "
            f"target {target} ms ({verdict})"
        )
    drawn_at_once = sum(int(r["outcome_first_frame"]) for r in runs)
    print(f"  the outcome itself was in the first frame in {drawn_at_once} of {len(runs)} runs")


if __name__ == "__main__":
    main()
