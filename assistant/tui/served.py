"""The drafts picker in a browser: two apps, one after the other, in one served session.

In a terminal the picker is a small app of its own that runs before the chat. Served by
textual-serve, each app's driver ends its session when the app exits (an "exit" packet closes the
browser's connection) and announces itself when it starts (a prelude line the server reads only
once). So in a browser the picker runs with a driver that hands the session over instead of
ending it, and the chat then runs with a driver that takes it over: no second prelude, the same
screen size.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from textual.drivers.web_driver import WebDriver

PRELUDE = b"__GANGLION__\n"
_SIZE: dict[str, tuple[int, int]] = {}


class HandOverDriver(WebDriver):
    """Stops reading input when its app exits, but leaves the browser session open."""

    def stop_application_mode(self) -> None:
        self.exit_event.set()
        self._input_reader.close()
        self._key_thread.join(timeout=2)  # the next app reads the input from here on
        if self._size is not None:
            _SIZE["size"] = self._size


class TakeOverDriver(WebDriver):
    """Carries on a session a HandOverDriver left open: no prelude, the last screen size."""

    def __init__(self, app: Any, **kwargs: Any) -> None:
        if kwargs.get("size") is None and "size" in _SIZE:
            kwargs["size"] = _SIZE["size"]
        super().__init__(app, **kwargs)
        write = self._write

        def without_prelude(data: bytes) -> Any:
            return None if data == PRELUDE else write(data)

        self._write = without_prelude  # type: ignore[assignment]


def _use_driver(driver: type) -> None:
    from textual import constants

    constants.DRIVER = f"{driver.__module__}:{driver.__qualname__}"  # type: ignore[misc]


def pick_then_chat(pick: Callable[[], Any]) -> Any:
    """Run `pick()` (the picker app) so that the chat can follow it in the same browser session.

    Outside a browser this is just `pick()`.
    """
    from assistant.core.served import in_browser

    if not in_browser() or os.environ.get("TEXTUAL_DRIVER", "").rpartition(":")[2] != "WebDriver":
        return pick()
    _use_driver(HandOverDriver)
    try:
        return pick()
    finally:
        _use_driver(TakeOverDriver)
