"""Driving the real command line: `python -m assistant ...` in a subprocess (run_cli, Live), and
plain mode in-process over text streams (run_plain), which is the same PlainSession without the
interpreter start, and the chat in a pseudo-terminal (Terminal, wait_for)."""

from __future__ import annotations

import contextlib
import io
import os
import pty
import select
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
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
                    raise AssertionError(
                        f"process ended before the prompt:\n{self.out}\n{self.proc.stderr.read().decode()}"
                    )
                self.out += chunk.decode("utf-8")
        shown, _, self.out = self.out.partition(self.PROMPT)
        return shown

    def send(self, line: str) -> None:
        self.proc.stdin.write((line + "\n").encode("utf-8"))
        self.proc.stdin.flush()

    def kill(self) -> int:
        self.proc.kill()  # SIGKILL: no clean-up, no atexit, no flush
        return self.proc.wait(timeout=10)


@dataclass
class Ran:
    """What an in-process command printed and returned (as subprocess.run's result has it)."""

    returncode: int
    stdout: str
    stderr: str = ""


def run_plain(pack, input_text: str, **options) -> Ran:
    """Plain mode in this process: `input_text` as standard input, the output captured."""
    from assistant.commands.plain import PlainSession

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(err):
        code = PlainSession(pack, io.StringIO(input_text), out, **options).run()
    return Ran(code, out.getvalue(), err.getvalue())


def run_main(args: list[str]) -> Ran:
    """`review-assistant ARGS` in this process (assistant.cli.main), its output captured."""
    from assistant.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(args)
    return Ran(code, out.getvalue(), err.getvalue())


def run_command(args: list[str], text: bool = True) -> subprocess.CompletedProcess:
    """`review-assistant ARGS` in this process, as `subprocess.run(..., capture_output=True)`
    gives it: what went to standard output and error (their byte streams too), and the exit
    status, a usage error's included. Standard output is a pipe, not a terminal. It is the real
    command line (assistant.cli.main) without an interpreter start: keep at least one test per
    command in a real subprocess."""
    from assistant.cli import main

    out, err = io.BytesIO(), io.BytesIO()
    stdout = io.TextIOWrapper(out, encoding="utf-8", write_through=True)
    stderr = io.TextIOWrapper(err, encoding="utf-8", write_through=True)
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        try:
            code = main(args)
        except SystemExit as exc:  # argparse: --help, a usage error
            if exc.code is None or isinstance(exc.code, int):
                code = exc.code or 0
            else:
                print(exc.code, file=sys.stderr)
                code = 1
    captured = [out.getvalue(), err.getvalue()]
    if text:
        captured = [data.decode("utf-8") for data in captured]
    return subprocess.CompletedProcess(["review-assistant", *args], code, *captured)


class Terminal:
    """`python -m assistant ARGS` attached to a pseudo-terminal whose output is drained."""

    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        master, slave = pty.openpty()
        os.set_blocking(master, True)
        self.master = master
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "assistant", *args],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            cwd=ROOT,
            start_new_session=True,
        )
        os.close(slave)
        self.output = bytearray()
        self.reader = threading.Thread(target=self._drain, daemon=True)
        self.reader.start()

    def _drain(self) -> None:
        while True:
            try:
                chunk = os.read(self.master, 65536)
            except OSError:
                return
            if not chunk:
                return
            self.output += chunk

    def press(self, keys: str) -> None:
        os.write(self.master, keys.encode())

    def kill(self) -> int:
        os.kill(self.proc.pid, signal.SIGKILL)
        status = self.proc.wait(timeout=10)
        os.close(self.master)
        return status


def wait_for(predicate, what: str, term: Terminal, timeout: float = 60.0):
    """Poll `predicate` until it gives something (returned); fail with the screen's tail."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = predicate()
        if found:
            return found
        if term.proc.poll() is not None:
            break
        time.sleep(0.1)
    tail = bytes(term.output[-2000:]).decode("utf-8", "replace")
    raise AssertionError(f"timed out waiting for {what}; the terminal showed:\n{tail}")
