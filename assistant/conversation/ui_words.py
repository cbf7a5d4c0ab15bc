"""The chat's words: prompts/chat/*.j2 rendered for a pack (its own prompts/ first).

`say(pack, "why", ...)` renders prompts/chat/why.j2; `ui(pack)` gives the short words of
prompts/chat/ui.j2 (titles, buttons, key help) as attributes. User text is passed to templates
only as data, never as template source, and the widgets show the result literally.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # imported when words are first rendered: the chat's first screen needs neither
    from assistant.core.pack import Pack

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~])")


def escape_markdown(value: Any) -> str:
    """Text shown as written inside a Markdown template (no emphasis, links or HTML)."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(str(value).split()))


def _env(pack: Pack) -> Any:
    from assistant.core.prompts import environment

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
    """The `set` variables of prompts/chat/ui.j2, as attributes.

    Made from the template's module, or from the values kept with the chat's opening
    (assistant.conversation.opening), which the first screen uses before the pack has loaded.
    """

    def __init__(self, values: Mapping[str, Any]) -> None:
        self.values = dict(values)

    @classmethod
    def from_module(cls, module: Any) -> UiWords:
        return cls({k: v for k, v in vars(module).items() if not k.startswith("_")})

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_") or name == "values":
            raise AttributeError(name)
        try:
            return self.values[name]
        except KeyError:
            raise AttributeError(name) from None

    def binding(self, action: str, default: str) -> str:
        return str(self.values.get("bindings", {}).get(action, default))


_UI: dict[int, tuple[Pack, UiWords]] = {}


def ui(pack: Pack) -> UiWords:
    """The short words for `pack` (read once per pack)."""
    found = _UI.get(id(pack))
    if found is None or found[0] is not pack:
        module = _env(pack).get_template("chat/ui.j2").module
        found = _UI[id(pack)] = (pack, UiWords.from_module(module))
    return found[1]
