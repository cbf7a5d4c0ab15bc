"""The assistant's words: Jinja2 templates in prompts/, which a pack's own prompts/ can replace.

Templates get data, never user text as template source. Text formats are not HTML-escaped;
HTML templates are rendered by an environment with autoescape on (see assistant.forms).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from assistant.core.pack import Pack, default_prompts_dir


def prompt_loader(pack_prompts: Path | None) -> Any:
    """A Jinja2 loader that looks in the pack's own prompts/ first, then the shipped ones."""
    import jinja2  # imported on first use: `decide --json` never renders words

    loaders: list[jinja2.BaseLoader] = []
    if pack_prompts is not None:
        loaders.append(jinja2.FileSystemLoader(str(pack_prompts)))
    loaders.append(jinja2.FileSystemLoader(str(default_prompts_dir())))
    return jinja2.ChoiceLoader(loaders)


@lru_cache(maxsize=8)
def _environment(pack_prompts: Path | None) -> Any:
    import jinja2

    env = jinja2.Environment(
        loader=prompt_loader(pack_prompts),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["words"] = lambda value: str(value).replace("_", " ")
    from assistant.core import outcome

    # the outcome's shape (prompts/outcome/) for any template given a decision and its facts
    env.globals["build_outcome"] = outcome.build_outcome
    env.globals["readable_source"] = outcome.readable_source
    return env


def environment(pack: Pack) -> Any:
    """The Jinja2 environment for `pack`: its own prompts first, then the defaults."""
    return _environment(pack.prompts_dir)


def render(pack: Pack, template: str, **context: Any) -> str:
    """Render a prompt template with the pack and its labels available as `pack` and `labels`."""
    return environment(pack).get_template(template).render(pack=pack, labels=pack.labels, **context)
