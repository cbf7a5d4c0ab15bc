"""Words with `{name}` placeholders, filled in without `str.format`.

The words come from a rule pack (labels.yaml, prompts/), which may be another partnership's: it
is untrusted input. `str.format` would let "{problem.__traceback__.tb_frame.f_globals}" read the
program's memory into a message, and "{id:>999999999}" take a gigabyte of it. `fill` replaces
only `{name}`, for the names it is given, with `str(value)`; any other text in braces is left as
written, so a misspelt placeholder shows rather than fails.
"""

from __future__ import annotations

import re

_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


def fill(text: object, **values: object) -> str:
    """`text` with each `{name}` among `values` replaced by `str(value)`."""

    def one(match: re.Match[str]) -> str:
        name = match.group(1)
        return str(values[name]) if name in values else match.group(0)

    return _PLACEHOLDER.sub(one, str(text))
