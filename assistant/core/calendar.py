"""Working days in England and Wales (contract: "Working days").

A deadline of N working days counts the trigger day as day 0 and falls on the Nth working day
after it. Saturdays, Sundays and the bank holidays of England and Wales, with substitute days,
are not working days. The holidays come from the `holidays` package: no hand-typed list.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache


@lru_cache(maxsize=64)
def bank_holidays(year: int) -> frozenset[dt.date]:
    """England and Wales bank holidays (with substitute days) in `year`."""
    import holidays  # imported on first use: most commands never count days

    # England and Wales share their bank holidays; subdivision ENG includes the observed days.
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year).keys())


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in bank_holidays(day.year)


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The `days`-th working day after `start` (start itself is day 0, whatever day it is)."""
    if days < 0:
        raise ValueError("a deadline counts forwards: days must be 0 or more")
    day = start
    remaining = days
    while remaining:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return day


def working_days_between(start: dt.date, end: dt.date) -> int:
    """How many working days after `start` `end` falls (0 if end <= start); for lateness."""
    count = 0
    day = start
    while day < end:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            count += 1
    return count
