"""Nothing personal in logs or error output: the opt-in debug log redacts, crashes are one line."""

from __future__ import annotations

import logging
import os
import stat

import pytest

from assistant.core.privacy import (
    crash_message,
    debug_logger,
    redact,
    report_crash,
    reset_debug_logger,
)


@pytest.fixture(autouse=True)
def _fresh_logger(monkeypatch):
    monkeypatch.delenv("REVIEW_ASSISTANT_TRACEBACK", raising=False)
    reset_debug_logger()
    yield
    reset_debug_logger()


def _boom(text: str) -> ValueError:
    try:
        raise ValueError(f"could not read {text!r}")
    except ValueError as exc:
        return exc


def test_redact_keeps_the_products_own_words_only():
    assert redact("harm") == "harm" and redact("serious_incident") == "serious_incident"
    assert redact("Baby K Smith, 14 Acacia Avenue") == "<text: 30 chars>"
    assert redact({"harm": "died", "note": "Smith"}) == {
        "harm": "died",
        "<text: 4 chars>": "<text: 5 chars>",
    }
    assert redact(3) == 3


def test_no_log_file_unless_asked(tmp_path, monkeypatch):
    monkeypatch.delenv("REVIEW_ASSISTANT_DEBUG_LOG", raising=False)
    monkeypatch.chdir(tmp_path)
    logger = debug_logger()
    logger.error("answer %s", "Baby K Smith")
    assert all(isinstance(h, logging.NullHandler) for h in logger.handlers)
    assert list(tmp_path.iterdir()) == []


def test_debug_log_redacts_free_text_and_tracebacks(tmp_path, monkeypatch):
    path = tmp_path / "debug.log"
    monkeypatch.setenv("REVIEW_ASSISTANT_DEBUG_LOG", str(path))
    logger = debug_logger()
    logger.debug("answer %s=%s typed %s", "harm", "died", "my neighbour Mrs Jones hit him")
    logger.debug("fields %(fact)s %(typed)s", {"fact": "harm", "typed": "Jones"})
    error = _boom("Baby K Smith")
    logger.error("crash", exc_info=(type(error), error, error.__traceback__))
    for handler in logger.handlers:
        handler.flush()
    text = path.read_text()
    assert "answer harm=died typed <text: 30 chars>" in text
    assert "fields harm <text: 5 chars>" in text
    assert "Jones" not in text and "Smith" not in text
    assert "ValueError: <message withheld>" in text and "test_privacy.py" in text
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_crash_message_names_the_kind_and_place_not_the_values(capsys):
    error = _boom("Baby K Smith")
    message = crash_message(error)
    assert "ValueError" in message and "Smith" not in message
    assert report_crash(error) == 70
    err = capsys.readouterr().err
    assert err.startswith("review-assistant: an unexpected error (ValueError at ")
    assert "Smith" not in err and "Traceback" not in err


def test_cli_shows_an_unexpected_error_as_one_line(monkeypatch, capsys):
    from assistant import cli
    from assistant.commands import decide

    def explode(args):
        raise RuntimeError("leaked: Baby K Smith")

    monkeypatch.setattr(decide, "run", explode)
    assert cli.main(["decide", "whatever.yaml"]) == 70
    err = capsys.readouterr().err
    assert "RuntimeError" in err and "Smith" not in err and "Traceback" not in err


async def test_chat_crash_is_one_line_without_locals(monkeypatch):
    from rich.console import Console

    from assistant.core import load_pack
    from assistant.tui.app import ReviewAssistantApp
    from assistant.tui.safe_errors import protect

    app = protect(ReviewAssistantApp(load_pack()))
    async with app.run_test():
        app._exception = _boom("Baby K Smith")
        app._fatal_error()
        console = Console(record=True, width=200)
        for renderable in app._exit_renderables:
            console.print(renderable)
        shown = console.export_text()
        app._exit_renderables.clear()
        app._exception = None
    assert shown.startswith("review-assistant: an unexpected error (ValueError")
    assert "Smith" not in shown and "Traceback" not in shown and "locals" not in shown
