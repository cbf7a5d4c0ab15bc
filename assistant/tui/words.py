"""The chat's words: prompts/chat/*.j2 rendered for a pack (its own prompts/ first).

`say(pack, "why", ...)` renders prompts/chat/why.j2; `ui(pack)` gives the short words of
prompts/chat/ui.j2 (titles, buttons, key help) as attributes. User text is passed to templates
only as data, never as template source, and the widgets show the result literally.
"""

from __future__ import annotations

import re
from typing import Any

from assistant.core.pack import Pack
from assistant.core.words import environment

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~])")


def escape_markdown(value: Any) -> str:
    """Text shown as written inside a Markdown template (no emphasis, links or HTML)."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(str(value).split()))


def _env(pack: Pack) -> Any:
    env = environment(pack)
    if "md" not in env.filters:
        env.filters["md"] = escape_markdown
    return env


def say(pack: Pack, name: str, **context: Any) -> str:
    """The assistant's words from prompts/chat/<name>.j2 (trailing blank lines removed)."""
    text = (
        _env(pack).get_template(f"chat/{name}.j2").render(pack=pack, labels=pack.labels, **context)
    )
    return text.strip("\n").rstrip()


class UiWords:
    """The `set` variables of prompts/chat/ui.j2, as attributes."""

    def __init__(self, module: Any) -> None:
        self._module = module

    def __getattr__(self, name: str) -> Any:
        return getattr(self._module, name)

    def binding(self, action: str, default: str) -> str:
        return str(getattr(self._module, "bindings", {}).get(action, default))


_UI: dict[int, tuple[Pack, UiWords]] = {}


def ui(pack: Pack) -> UiWords:
    """The short words for `pack` (read once per pack)."""
    found = _UI.get(id(pack))
    if found is None or found[0] is not pack:
        found = _UI[id(pack)] = (pack, UiWords(_env(pack).get_template("chat/ui.j2").module))
    return found[1]
