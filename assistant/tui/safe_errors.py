"""No personal data in the chat's crash output.

Textual prints an unexpected error as a traceback with local variables (show_locals=True); in
this app the locals hold the answers and whatever the user typed about a child. `protect(app)`
replaces that with one line naming the kind of error and where (assistant.core.privacy), and
writes the redacted traceback to the opt-in debug log. REVIEW_ASSISTANT_TRACEBACK=1 keeps
Textual's own output for developers.
"""

from __future__ import annotations

import os
from typing import Any

from assistant.core.privacy import ENV_TRACEBACK, crash_message, debug_logger


def protect(app: Any) -> Any:
    """Make `app` report an unexpected error without values; returns the app."""
    if os.environ.get(ENV_TRACEBACK):
        return app

    def fatal_error() -> None:
        from rich.text import Text  # lazy: only when the app has crashed

        error = getattr(app, "_exception", None)
        if error is not None:
            debug_logger().error(
                "unexpected error in the chat", exc_info=(type(error), error, error.__traceback__)
            )
            message = crash_message(error)
            from assistant.core.prompts import TemplateRefused

            if isinstance(error, TemplateRefused):  # a pack's template: its file and what
                message = str(error)  # was refused, no values (already safe to print)
        else:
            message = "an unexpected error stopped the assistant."
        app.bell()
        app._exit_renderables.append(Text(f"review-assistant: {message}"))
        app._close_messages_no_wait()

    app._fatal_error = fatal_error
    return app
