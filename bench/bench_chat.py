"""Chat speed and memory, printed as figures. Not a test: run it and read it.

    python bench/bench_chat.py [--runs 7]

1. Start-up: from process start to the first question on screen with its answers, for
   `review-assistant` (the real command line path, headless) next to a bare Textual app
   showing one Static and one Input, in the same run; the ratio is the figure (target: at most
   1.3). "On screen" is after the refresh that follows the first question's show_question
   (FirstQuestionScreen on the quick start, else ChatScreen), with its quick replies. The chat
   runs as a new user's second start: an empty data folder (no drafts, no settings) and a cache
   folder of its own, filled by the warm-up run, as every start after the first finds it. So it
   takes the quick start (assistant/commands/chat.py): the kept opening is shown on the first
   question's screen and the rule pack loads behind it. The time until the chat screen has
   taken over, and an answer would be acted on, is printed too (not part of the ratio). The
   children are not terminals, so the check for drafts to offer (a look at the empty drafts
   folder) is not made; it costs well under a millisecond.
2. Answer to next question: the median time from an answer to the next question rendered,
   over a complete conversation (target: under 50 ms).
3. Peak memory (max RSS) of a process that runs a complete conversation.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve()
ROOT = HERE.parent.parent


def child_bare(t0: float) -> None:
    from textual.app import App, ComposeResult
    from textual.widgets import Input, Static

    class Bare(App[None]):
        def compose(self) -> ComposeResult:
            yield Static("Is any child at risk of harm right now?")
            yield Input()

        def on_mount(self) -> None:
            self.call_after_refresh(self.done)

        def done(self) -> None:
            print(json.dumps({"first_screen": time.time() - t0}))
            self.exit()

    Bare().run(headless=True)


def child_chat(t0: float, until: str = "first_screen") -> None:
    from textual.app import App

    run = App.run

    def headless_run(self: App, *args: object, **kwargs: object) -> object:
        kwargs["headless"] = True
        return run(self, *args, **kwargs)  # type: ignore[arg-type]

    App.run = headless_run  # type: ignore[method-assign]
    from textual.screen import Screen

    from assistant.tui.screens.chat import ChatScreen
    from assistant.tui.screens.first_question import FirstQuestionScreen

    def report(screen: Screen[None]) -> None:
        def done() -> None:
            print(json.dumps({until: time.time() - t0}))
            screen.app.exit()

        screen.call_after_refresh(done)

    def timed(cls: type, name: str) -> None:
        method = getattr(cls, name)

        def timed_method(self: Screen[None], *args: object, **kwargs: object) -> object:
            result = method(self, *args, **kwargs)
            report(self)
            return result

        setattr(cls, name, timed_method)

    if until == "first_screen":  # whichever screen shows the first question
        timed(FirstQuestionScreen, "show_question")
        timed(ChatScreen, "show_question")
    else:  # "ready": the chat screen has started on the loaded pack
        timed(ChatScreen, "start")
    from assistant.cli import main

    main([])


def child_conversation() -> None:
    """A complete conversation in one process: per-answer latency and peak memory."""
    import asyncio
    import resource

    from assistant.core import load_pack
    from assistant.tui.app import ReviewAssistantApp
    from assistant.tui.screens.chat import ChatScreen

    facts = {
        "immediate_risk": "no",
        "subject_age_band": "under_16",
        "harm": "serious_harm",
        "abuse_or_neglect": "suspected",
        "incident_location": "in_area",
    }
    latencies: list[float] = []

    async def converse() -> None:
        app = ReviewAssistantApp(load_pack())
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, ChatScreen)
            while screen.mode == "question" and screen.asking is not None:
                question = screen.asking
                value = facts.get(question.fact, "unknown")
                rendered = asyncio.get_running_loop().create_future()
                start = time.perf_counter()
                screen.give_answer(question, value)
                screen.call_after_refresh(
                    lambda f=rendered: f.done() or f.set_result(time.perf_counter())
                )
                latencies.append(await rendered - start)
                await pilot.pause()

    asyncio.run(converse())
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"latencies": latencies, "peak_mb": peak_kb / 1024}))


FOLDERS: dict[str, str] = {}  # the chat's own data and cache folders (main() makes them)


def spawn(kind: str) -> dict:
    env = dict(os.environ)
    # any value, "0" too, stops Python writing bytecode: the warm-up run must write it, as a
    # normal install has it (pip compiles the package; a checkout writes it on its first run)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.pop("REVIEW_ASSISTANT_RULES", None)
    env.update(FOLDERS)
    t0 = time.time()
    out = subprocess.run(
        [sys.executable, str(HERE), "--child", kind, repr(t0)],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=True,
        timeout=120,
    )
    line = [ln for ln in out.stdout.splitlines() if ln.startswith("{")][-1]
    return json.loads(line)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, t0 = args.child[0], float(args.child[1])
        if kind == "conversation":
            child_conversation()
        elif kind == "ready":
            child_chat(t0, "ready")
        else:
            {"bare": child_bare, "chat": child_chat}[kind](t0)
        return

    import tempfile

    with tempfile.TemporaryDirectory(prefix="bench-chat-") as folder:
        FOLDERS["REVIEW_ASSISTANT_DATA"] = str(Path(folder) / "data")
        FOLDERS["REVIEW_ASSISTANT_CACHE"] = str(Path(folder) / "cache")
        measure(args.runs)


def spread(values: list[float]) -> str:
    return f"(runs: {' '.join(f'{v * 1000:.0f}' for v in values)})"


def measure(runs: int) -> None:
    spawn("chat")  # the first ever start: fills the cache folder (pack, opening, holidays)
    spawn("bare"), spawn("chat")  # warm the file cache and bytecode
    bare, chat, ready = [], [], []
    for _ in range(runs):  # interleaved, so load on the machine affects both alike
        bare.append(spawn("bare")["first_screen"])
        chat.append(spawn("chat")["first_screen"])
        ready.append(spawn("ready")["ready"])
    b, c, r = statistics.median(bare), statistics.median(chat), statistics.median(ready)
    print(f"start-up to first question (median of {runs}):")
    print(f"  bare Textual app (Static + Input): {b * 1000:7.0f} ms   {spread(bare)}")
    print(f"  review-assistant chat:             {c * 1000:7.0f} ms   {spread(chat)}")
    print(f"  ratio chat / bare:                 {c / b:7.2f}   (target <= 1.3)")
    print(
        f"  chat until the pack has loaded:    {r * 1000:7.0f} ms   (answers given before are kept)"
    )
    conversation = spawn("conversation")
    latencies = conversation["latencies"]
    print(f"answer to next question rendered ({len(latencies)} answers):")
    print(
        f"  median: {statistics.median(latencies) * 1000:6.1f} ms   max: {max(latencies) * 1000:6.1f} ms   (target median < 50 ms)"
    )
    print(f"peak memory of a complete conversation: {conversation['peak_mb']:.0f} MB (max RSS)")


if __name__ == "__main__":
    main()
