"""The assistant's words: Jinja2 templates in prompts/, which a pack's own prompts/ can replace.

Templates get data, never user text as template source. Text formats are not HTML-escaped;
HTML templates are rendered by an environment with autoescape on (see assistant.forms).

A template is data that a partnership writes and shares, so every template (prompts, forms,
Word documents) renders in a sandbox (`sandboxed_environment`): it may read the values it is
given and format them, but not reach Python's internals (`__class__`, `__globals__`, `mro`),
the file system (a path's `write_text`), or change the data. A template that tries is refused
with `TemplateRefused`, which names the file and line and what was refused; nothing runs.
"""

from __future__ import annotations

import sys
from functools import lru_cache
from pathlib import Path, PurePath
from typing import Any

from assistant.core.errors import InputError
from assistant.core.pack import Pack
from assistant.core.paths import default_prompts_dir

# Attribute names no template has a use for: Python's internals. A name starting with "_" is
# refused too (jinja2.sandbox does the same at render time; lint reports both before).
UNSAFE_NAMES = frozenset(
    {
        "mro",
        "func_globals",
        "func_code",
        "func_closure",
        "func_defaults",
        "f_globals",
        "f_locals",
        "f_builtins",
        "f_code",
        "f_back",
        "tb_frame",
        "tb_next",
        "co_code",
        "gi_frame",
        "gi_code",
        "gi_yieldfrom",
        "cr_frame",
        "cr_code",
        "cr_await",
        "ag_frame",
        "ag_code",
        "ag_await",
        "im_func",
        "im_self",
        "im_class",
    }
)

# What a template may read of a path: its name, never a method that opens or changes a file.
_PATH_PARTS = frozenset({"name", "stem", "suffix", "suffixes", "parts", "parent", "as_posix"})

# The largest string or list a template may build with `*`, and the largest power with `**`:
# enough for any form, small enough that a template cannot exhaust the memory or the processor.
_MAX_REPEAT = 1_000_000
_MAX_POWER_BITS = 4096


def unsafe_name(name: str) -> bool:
    """Whether a template reading attribute `name` is refused (dunder, private or internal)."""
    return name.startswith("_") or name in UNSAFE_NAMES


def unsafe_uses(tree: Any) -> list[tuple[int, str]]:
    """(line, name) for every attribute a parsed template reads that the sandbox refuses:
    `x.__class__`, `x.mro`, and `x["__globals__"]` (an item named by a constant)."""
    from jinja2 import nodes

    found: list[tuple[int, str]] = []
    for node in tree.find_all((nodes.Getattr, nodes.Getitem)):
        if isinstance(node, nodes.Getattr):
            name = node.attr
        elif isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str):
            name = node.arg.value
        else:
            continue
        if unsafe_name(name):
            found.append((node.lineno, name))
    return sorted(set(found))


class TemplateRefused(InputError):
    """A template tried something templates may not do; nothing of it ran."""

    def __init__(self, file: str, line: int | None, what: str) -> None:
        self.file = file
        self.line = line
        self.what = what
        where = f"{file}, line {line}" if line else file
        super().__init__(
            f"{where}: template refused: {what.rstrip('.')}. A template may only show the "
            "values the assistant gives it; nothing of it was run. Remove that part of the "
            "template, or use the shipped one"
        )


def _template_place(exc: BaseException) -> tuple[str, int | None]:
    """The innermost template file and line of a rendering error (after Jinja2's rewrite)."""
    file, line = "<template>", None
    tb = exc.__traceback__
    while tb is not None:
        code = tb.tb_frame.f_code
        if code.co_name in ("template", "top-level template code") or code.co_name.startswith(
            "block "
        ):
            file, line = code.co_filename, tb.tb_lineno
        tb = tb.tb_next
    return file, line


@lru_cache(maxsize=1)
def _sandbox_class() -> type:
    import operator

    from jinja2.exceptions import SecurityError
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    class Sandbox(ImmutableSandboxedEnvironment):
        """Jinja2's immutable sandbox, stricter about paths and built-in names, with refusals
        turned into TemplateRefused."""

        intercepted_binops = frozenset({"*", "**"})

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.safe_attributes: dict[tuple[type, str], bool] = {}

        def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
            # every test here depends on the object's type and the name only: remembered, since
            # a form reads the same few hundred attributes on every render
            key = (type(obj), attr)
            known = self.safe_attributes.get(key)
            if known is None:
                if len(self.safe_attributes) > 4096:
                    self.safe_attributes.clear()
                known = self.safe_attributes[key] = (
                    not unsafe_name(attr)
                    and not (isinstance(obj, PurePath) and attr not in _PATH_PARTS)
                    and bool(super().is_safe_attribute(obj, attr, value))
                )
            return known

        def getattr(self, obj: Any, attribute: str) -> Any:
            if isinstance(attribute, str) and unsafe_name(attribute):
                return self.unsafe_undefined(obj, attribute)  # even where there is none
            return super().getattr(obj, attribute)

        def getitem(self, obj: Any, argument: Any) -> Any:
            if isinstance(argument, str) and unsafe_name(argument) and not isinstance(obj, dict):
                return self.unsafe_undefined(obj, argument)
            return super().getitem(obj, argument)

        def unsafe_undefined(self, obj: Any, attribute: str) -> Any:
            # refused at once, whatever the undefined class: never a silent blank
            raise SecurityError(
                f"access to attribute {attribute!r} of {type(obj).__name__!r} object is unsafe"
            )

        def call_binop(self, context: Any, op: str, left: Any, right: Any) -> Any:
            if op == "**":
                if (
                    isinstance(left, int)
                    and isinstance(right, int)
                    and abs(left) > 1
                    and right * max(abs(left).bit_length(), 1) > _MAX_POWER_BITS
                ):
                    raise SecurityError(f"the power {left} ** {right} is too large")
                return operator.pow(left, right)
            for seq, times in ((left, right), (right, left)):
                if isinstance(seq, str | list | tuple | bytes) and isinstance(times, int):
                    if len(seq) * times > _MAX_REPEAT:
                        raise SecurityError("a repeated text or list would be too long")
            return operator.mul(left, right)

        def handle_exception(self, source: str | None = None) -> Any:
            from jinja2.debug import rewrite_traceback_stack

            exc = sys.exc_info()[1]
            if isinstance(exc, SecurityError):
                rewritten = rewrite_traceback_stack(source=source)
                file, line = _template_place(rewritten)
                raise TemplateRefused(file, line, str(exc)) from None
            return super().handle_exception(source)

    return Sandbox


def sandboxed_environment(**options: Any) -> Any:
    """A Jinja2 environment for templates that came from a file: see the module's docstring."""
    return _sandbox_class()(**options)


def sandbox_class() -> type:
    """The class of `sandboxed_environment`, for an environment that adds behaviour (Word's)."""
    return _sandbox_class()


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
    import jinja2  # lazy: as above

    env = sandboxed_environment(
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
