"""Text from a file or from the user, made safe to print to a terminal.

Every string that came from outside the program (a file name, a key in a case file, a pack's
version, a scenario's title, a draft's pack name, typed text) passes `visible` before it reaches
a terminal, so that an escape sequence in it cannot move the cursor, clear the screen, retitle
the window or confuse a braille display.
"""

from __future__ import annotations


def visible(text: str) -> str:
    """The text as given, except control characters, shown as escapes (\\x1b, \\u202e)."""
    return "".join(
        ch if ch.isprintable() or ch == " " else ch.encode("unicode_escape").decode("ascii")
        for ch in text
    )


def visible_lines(text: str) -> str:
    """Several lines of outside text for a terminal: each line as `visible` shows it, the line
    breaks kept (a story, a form, a list of problems)."""
    return "\n".join(visible(line) for line in text.split("\n"))
