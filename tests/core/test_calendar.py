"""Working days in England and Wales: weekends, bank holidays with substitute days, day 0."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from assistant.core import calendar
from assistant.core.calendar import add_working_days, bank_holidays, working_days_between

D = dt.date


def test_2026_bank_holidays_are_exactly_these() -> None:
    # the package also lists Saturday 26 December itself; only weekdays matter for counting
    weekdays = {day for day in bank_holidays(2026) if day.weekday() < 5}
    assert weekdays == {
        D(2026, 1, 1),  # New Year's Day
        D(2026, 4, 3),  # Good Friday
        D(2026, 4, 6),  # Easter Monday
        D(2026, 5, 4),  # early May
        D(2026, 5, 25),  # spring
        D(2026, 8, 31),  # summer
        D(2026, 12, 25),  # Christmas Day (Friday)
        D(2026, 12, 28),  # Boxing Day falls on a Saturday: substitute Monday
    }


@pytest.mark.parametrize(
    ("start", "days", "due", "why"),
    [
        # Christmas and New Year
        (D(2026, 12, 21), 5, D(2026, 12, 30), "contract example: 25th and the 28th substitute"),
        (D(2026, 12, 30), 15, D(2027, 1, 21), "contract example: New Year's Day"),
        (D(2026, 12, 31), 1, D(2027, 1, 4), "New Year's Day then the weekend"),
        (
            D(2027, 12, 24),
            1,
            D(2027, 12, 29),
            "Christmas Sat, Boxing Day Sun: 27th and 28th substitutes",
        ),
        (D(2022, 12, 23), 1, D(2022, 12, 28), "Christmas on a Sunday: substitute Tuesday 27th"),
        (D(2021, 12, 31), 1, D(2022, 1, 4), "New Year's Day on a Saturday: substitute Monday 3rd"),
        # Easter
        (D(2026, 4, 2), 1, D(2026, 4, 7), "Good Friday and Easter Monday"),
        (D(2027, 3, 25), 1, D(2027, 3, 30), "Easter 2027 (Good Friday 26 March)"),
        # May and August
        (D(2026, 5, 1), 1, D(2026, 5, 5), "early May bank holiday"),
        (D(2026, 5, 22), 1, D(2026, 5, 26), "spring bank holiday"),
        (D(2026, 8, 28), 1, D(2026, 9, 1), "summer bank holiday"),
        # one-off bank holidays come from the package too
        (D(2023, 5, 5), 1, D(2023, 5, 9), "the Coronation, 8 May 2023"),
        (D(2022, 9, 16), 1, D(2022, 9, 20), "the State Funeral, 19 September 2022"),
        # plain weeks
        (D(2026, 3, 2), 5, D(2026, 3, 9), "Monday + 5 = next Monday"),
    ],
)
def test_add_working_days(start: dt.date, days: int, due: dt.date, why: str) -> None:
    assert add_working_days(start, days) == due, why
    assert working_days_between(start, due) == days


def test_the_trigger_day_is_day_zero_whatever_day_it_is() -> None:
    saturday = D(2026, 3, 7)
    assert add_working_days(saturday, 0) == saturday
    assert add_working_days(saturday, 1) == D(2026, 3, 9)
    assert add_working_days(D(2026, 12, 25), 1) == D(2026, 12, 29)


def test_days_must_not_be_negative() -> None:
    with pytest.raises(ValueError, match="counts forwards"):
        add_working_days(D(2026, 3, 2), -1)


def test_between_is_zero_for_the_same_or_an_earlier_day() -> None:
    assert working_days_between(D(2026, 3, 9), D(2026, 3, 9)) == 0
    assert working_days_between(D(2026, 3, 9), D(2026, 3, 2)) == 0


def test_between_inverts_add_over_three_years() -> None:
    start = D(2025, 1, 1)
    for offset in range(0, 3 * 365, 7):
        day = start + dt.timedelta(days=offset)
        for n in (1, 5, 15):
            assert working_days_between(day, add_working_days(day, n)) == n


# --- the cache of the package's days ------------------------------------------------------------


@pytest.fixture
def fresh(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("REVIEW_ASSISTANT_CACHE", str(folder))
    monkeypatch.setattr(calendar, "_known_years", {})
    calendar._cache_file.cache_clear()
    yield folder
    calendar._cache_file.cache_clear()


def test_the_cache_holds_exactly_what_the_package_says(fresh: Path) -> None:
    assert bank_holidays(2026) == calendar.holidays_from_package(range(2026, 2027))[2026]
    [written] = list(fresh.iterdir())
    data = json.loads(written.read_text())
    for year in range(2023, 2030):
        from_package = calendar.holidays_from_package(range(year, year + 1))[year]
        assert {D.fromisoformat(d) for d in data["years"][str(year)]} == from_package


def test_a_second_process_reads_the_cache(fresh: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bank_holidays(2026)
    monkeypatch.setattr(calendar, "_known_years", {})

    def no_package(years: range) -> None:
        raise AssertionError("the package was asked again")

    monkeypatch.setattr(calendar, "holidays_from_package", no_package)
    assert D(2026, 12, 28) in bank_holidays(2026)


def test_a_damaged_cache_is_ignored_and_rewritten(
    fresh: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bank_holidays(2026)
    [written] = list(fresh.iterdir())
    written.write_text('{"years": {"2026": ["not a date"]}}')
    monkeypatch.setattr(calendar, "_known_years", {})
    assert D(2026, 12, 28) in bank_holidays(2026)
    assert "2026-12-28" in written.read_text()


def test_cache_off(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("REVIEW_ASSISTANT_CACHE", "off")
    monkeypatch.setattr(calendar, "_known_years", {})
    calendar._cache_file.cache_clear()
    try:
        assert calendar.cache.folder() is None
        assert D(2026, 4, 3) in bank_holidays(2026)
    finally:
        calendar._cache_file.cache_clear()
