"""Working days in England and Wales (contract: "Working days").

A deadline of N working days counts the trigger day as day 0 and falls on the Nth working day
after it. Saturdays, Sundays and the bank holidays of England and Wales, with substitute days,
are not working days. The holidays come from the `holidays` package: no hand-typed list.

Importing `holidays` costs more than the rest of `decide` together (about 150 ms), so the days
it gives are kept in a small JSON file in the user's cache folder (assistant.core.cache), keyed
by the installed `holidays` version: a new release of the package (a new special bank holiday)
starts a new file. Set REVIEW_ASSISTANT_CACHE to another folder, or to "off" to always ask the package.
"""

from __future__ import annotations

import datetime as dt
import json
from functools import lru_cache
from importlib.util import find_spec
from pathlib import Path

from assistant.core import cache
from assistant.core.errors import InputError

_CACHE_FORMAT = 1  # bump when the file's shape or the way days are chosen changes
_SPAN = 3  # on a miss, compute this many years either side, so a run rarely misses twice


def holidays_from_package(years: range) -> dict[int, frozenset[dt.date]]:
    """England and Wales bank holidays (with substitute days), straight from `holidays`."""
    import holidays  # imported on first use: most commands never count days

    # England and Wales share their bank holidays; subdivision ENG includes the substitute days.
    found = holidays.country_holidays("GB", subdiv="ENG", years=years)
    out: dict[int, set[dt.date]] = {year: set() for year in years}
    for day in found:
        out.setdefault(day.year, set()).add(day)
    return {year: frozenset(days) for year, days in out.items()}


@lru_cache(maxsize=1)
def _cache_file() -> Path | None:
    """The cache file for the installed `holidays` version (found without importing it)."""
    if not cache.enabled():
        return None

    spec = find_spec("holidays")
    if spec is None or not spec.submodule_search_locations:
        return None
    package = Path(next(iter(spec.submodule_search_locations)))
    key = cache.key([package / "version.py"], extra=(str(_CACHE_FORMAT),))
    return None if key is None else cache.path("bank-holidays", key, "json")


def _read_cache(path: Path) -> dict[int, frozenset[dt.date]]:
    try:
        data = json.loads(cache.read(path) or b"")
        return {
            int(year): frozenset(dt.date.fromisoformat(day) for day in days)
            for year, days in data["years"].items()
        }
    except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
        return {}  # missing or damaged: recompute from the package and rewrite


def _write_cache(path: Path, years: dict[int, frozenset[dt.date]]) -> None:
    data = {
        "about": "England and Wales bank holidays from the 'holidays' package; safe to delete.",
        "years": {str(y): sorted(d.isoformat() for d in days) for y, days in sorted(years.items())},
    }
    cache.write(path, json.dumps(data, indent=0).encode("utf-8"))


_known_years: dict[int, frozenset[dt.date]] = {}


def bank_holidays(year: int) -> frozenset[dt.date]:
    """England and Wales bank holidays (with substitute days) in `year`."""
    found = _known_years.get(year)
    if found is not None:
        return found
    path = _cache_file()
    if path is not None and not _known_years:
        _known_years.update(_read_cache(path))
        found = _known_years.get(year)
        if found is not None:
            return found
    computed = holidays_from_package(range(year - _SPAN, year + _SPAN + 1))
    _known_years.update(computed)
    if path is not None:
        _write_cache(path, {**_read_cache(path), **computed})
    return _known_years[year]


FIRST_DAY = dt.date(1900, 1, 1)
LAST_DAY = dt.date(2199, 12, 31)
"""Working days are counted between these days only: a date outside them is a typo (9999-12-31),
and counting towards it would take minutes or step past the last date Python knows."""


class DateOutOfRange(InputError, ValueError):
    """A date too far in the past or future to count working days from or to."""


def _in_range(*days: dt.date) -> None:
    for day in days:
        if not FIRST_DAY <= day <= LAST_DAY:
            raise DateOutOfRange(
                f"{day.isoformat()} is outside the dates the assistant counts working days for "
                f"({FIRST_DAY.isoformat()} to {LAST_DAY.isoformat()}); check the year"
            )


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in bank_holidays(day.year)


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The `days`-th working day after `start` (start itself is day 0, whatever day it is)."""
    if days < 0:
        raise ValueError("a deadline counts forwards: days must be 0 or more")
    _in_range(start)
    if (LAST_DAY - start).days < days * 2 + 14:  # more than enough calendar days for `days`
        _in_range(LAST_DAY + dt.timedelta(days=1))
    day = start
    remaining = days
    while remaining:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return day


def working_days_between(start: dt.date, end: dt.date) -> int:
    """How many working days after `start` `end` falls (0 if end <= start); for lateness."""
    if end <= start:
        return 0
    _in_range(start, end)
    count = 0
    day = start
    while day < end:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            count += 1
    return count
