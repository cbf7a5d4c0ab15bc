"""Helpers for driving `review-assistant plain` as a real subprocess."""

from __future__ import annotations

import os
import select
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_cli(args, env, input_text="", timeout=60):
    """Run `python -m assistant ARGS` with `input_text` piped to standard input."""
    return subprocess.run(
        [sys.executable, "-m", "assistant", *args],
        input=input_text,
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=timeout,
    )


class Live:
    """A plain-mode process driven line by line: wait for the prompt, send an answer."""

    PROMPT = "\n> "

    def __init__(self, args, env):
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "assistant", *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            cwd=ROOT,
        )
        self.out = ""

    def until_prompt(self, timeout=30.0) -> str:
        """Everything printed up to the next "> " prompt (which is consumed)."""
        deadline = time.monotonic() + timeout
        fd = self.proc.stdout.fileno()
        while self.PROMPT not in self.out:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"no prompt within {timeout}s; output so far:\n{self.out}")
            ready, _, _ = select.select([fd], [], [], left)
            if ready:
                chunk = os.read(fd, 65536)
                if not chunk:
                    raise AssertionError(f"process ended before the prompt:\n{self.out}\n{self.proc.stderr.read().decode()}")
                self.out += chunk.decode("utf-8")
        shown, _, self.out = self.out.partition(self.PROMPT)
        return shown

    def send(self, line: str) -> None:
        self.proc.stdin.write((line + "\n").encode("utf-8"))
        self.proc.stdin.flush()

    def kill(self) -> int:
        self.proc.kill()  # SIGKILL: no clean-up, no atexit, no flush
        return self.proc.wait(timeout=10)
