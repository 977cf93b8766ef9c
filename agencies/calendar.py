"""Working days in Vietnam: weekends, public holidays (with Tết), and an administrator's changes.

Public holidays and the Prime Minister's swapped days come from the `holidays` package's VN
calendar; `CalendarDay` rows add days off and working days on top. Periods are counted as the
Civil Code says (Điều 147–148): the first day is not counted, and a period whose last day is not
a working day ends at the end of the next working day.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import holidays

from .models import CalendarDay, CalendarDayKind

MAX_SCAN_DAYS = 400  # longer than any run of consecutive days off


@lru_cache(maxsize=64)
def _public_holidays(year: int) -> holidays.HolidayBase:
    return holidays.VN(years=year)


@lru_cache(maxsize=1)
def _overrides() -> dict[dt.date, bool]:
    """Administrator's days: date → True for a working day, False for a day off."""
    return {
        day.date: day.kind == CalendarDayKind.WORKING_DAY
        for day in CalendarDay.objects.all().only("date", "kind")
    }


def clear_cache() -> None:
    """Forget the administrator's days; called whenever a CalendarDay changes."""
    _overrides.cache_clear()


def holiday_name(day: dt.date) -> str | None:
    """The public holiday on `day`, if any (English name from the `holidays` package)."""
    return _public_holidays(day.year).get(day)


def is_working_day(day: dt.date) -> bool:
    override = _overrides().get(day)
    if override is not None:
        return override
    calendar = _public_holidays(day.year)
    if day in calendar.weekend_workdays:
        return True
    return day.weekday() < 5 and day not in calendar


def next_working_day_on_or_after(day: dt.date) -> dt.date:
    for _step in range(MAX_SCAN_DAYS):
        if is_working_day(day):
            return day
        day += dt.timedelta(days=1)
    raise ValueError("no working day found")  # pragma: no cover - impossible calendar


def previous_working_day_before(day: dt.date) -> dt.date:
    day -= dt.timedelta(days=1)
    for _step in range(MAX_SCAN_DAYS):
        if is_working_day(day):
            return day
        day -= dt.timedelta(days=1)
    raise ValueError("no working day found")  # pragma: no cover


def add_working_days(start: dt.date, count: int) -> dt.date:
    """The day that ends a period of `count` working days starting after `start`.

    The start day itself is not counted (Điều 147); `count=0` returns `start`.
    """
    day = start
    remaining = count
    step = dt.timedelta(days=1 if count >= 0 else -1)
    while remaining != 0:
        day += step
        if is_working_day(day):
            remaining -= 1 if count > 0 else -1
    return day


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after `start` up to and including `end` (negative if end < start)."""
    if end == start:
        return 0
    sign = 1
    if end < start:
        start, end, sign = end, start, -1
    count = 0
    day = start
    while day < end:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            count += 1
    return sign * count


def effective_deadline(day: dt.date) -> dt.date:
    """Điều 148: a period ending on a day off ends at the end of the next working day."""
    return next_working_day_on_or_after(day)


def tet_first_day(year: int) -> dt.date:
    """The first day of the lunar new year (mùng 1 Tết) that falls in `year`."""
    for day, name in sorted(_public_holidays(year).items()):
        if name == "Lunar New Year":
            return day
    raise ValueError(f"no Tết in {year}")  # pragma: no cover


def last_working_day_before_tet(year: int) -> dt.date:
    """'Trước Tết Nguyên đán': the last working day before the Tết holiday begins."""
    day = tet_first_day(year)
    while not is_working_day(day):
        day -= dt.timedelta(days=1)
    return day
