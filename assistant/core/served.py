"""Whether this process is the app served to a browser, and what that changes in its words.

`review-assistant serve` sets REVIEW_ASSISTANT_SERVED=1 for every app it serves. A browser has
no command line, so a draft is resumed by opening the page again and choosing it in the list.
"""

from __future__ import annotations

import os

SERVED_ENV = "REVIEW_ASSISTANT_SERVED"


def in_browser() -> bool:
    """Whether this process is the app served to a browser by `review-assistant serve`."""
    return os.environ.get(SERVED_ENV) == "1"


def resume_hint(draft_id: str, command: str = "review-assistant") -> str:
    """How to carry on with a draft later: a command in a terminal, the picker in a browser."""
    if in_browser():
        return "open this page again and choose the draft in the list"
    return f"{command} --resume {draft_id}"
