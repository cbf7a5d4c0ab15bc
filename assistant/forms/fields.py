"""Checking what a person types into the form: dates, email addresses, phone numbers.

UI-free, so the chat's form screen and any other front end give the same answers. Each check
returns the key of a message in forms.yaml (`screen:`), or None when the value is fine.
"""

from __future__ import annotations

import datetime as dt
import re

_PHONE = re.compile(r"\+?[0-9 ()\-]{6,20}(\s*(ext|x)\.?\s*[0-9]{1,6})?")
_UK_DATE = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})")


def parse_date(text: str) -> dt.date | None:
    """YYYY-MM-DD, or DD/MM/YYYY as dates are written in England; None if empty.

    Raises ValueError when the text is not a date.
    """
    text = text.strip()
    if not text:
        return None
    uk = _UK_DATE.fullmatch(text)
    if uk:
        day, month, year = (int(part) for part in uk.groups())
        return dt.date(year, month, day)
    return dt.date.fromisoformat(text)


def date_problem(text: str, today: dt.date) -> str | None:
    try:
        value = parse_date(text)
    except ValueError:
        return "date_invalid"
    if value is not None and value > today:
        return "date_future"
    if value is not None and value.year < 1900:  # a typo: case files refuse it too
        return "date_invalid"
    return None


def email_problem(text: str) -> str | None:
    from assistant.core.case import is_email  # one pass: a pattern here can take minutes

    return None if not text.strip() or is_email(text.strip()) else "email_invalid"


def phone_problem(text: str) -> str | None:
    return None if not text.strip() or _PHONE.fullmatch(text.strip()) else "phone_invalid"


def problem(kind: str, text: str, today: dt.date) -> str | None:
    """The message key for a value of a field kind (text, long, date, email, phone)."""
    if kind == "date":
        return date_problem(text, today)
    if kind == "email":
        return email_problem(text)
    if kind == "phone":
        return phone_problem(text)
    return None
