"""Deadlines: the rules they come from, and the instant they end.

A deadline date means the end of that day in Asia/Ho_Chi_Minh; a deadline that falls on a
weekend day or a holiday ends at the end of the next working day (Bộ luật Dân sự 2015, Điều 148).
"""

from __future__ import annotations

import calendar
import datetime as dt
from zoneinfo import ZoneInfo

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agencies import calendar as workdays

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


class DeadlineKind(models.TextChoices):
    DATE = "date", _("A date")
    PERIOD_END = "period_end", _("End of a period")
    WORKING_DAYS = "working_days", _("Working days from signing")
    LUNAR = "lunar", _("Before Tết Nguyên đán")
    NONE = "none", _("Ongoing (no deadline)")


class Period(models.TextChoices):
    MONTH = "month", _("Month")
    QUARTER = "quarter", _("Quarter")
    HALF = "half", _("Half year")
    NINE_MONTHS = "nine_months", _("Nine months")
    YEAR = "year", _("Year")


def vn_date(day: dt.date | None) -> str:
    """A date as every page, message and list shows it to a person: dd/mm/yyyy ("" for none).
    The text date_format(day, "d/m/Y") writes, without its look-up of the format in the active
    language on each call: a day's notices at 1M tasks write 60,000 dates, a list one a row."""
    return day.strftime("%d/%m/%Y") if day else ""


def effective_date(deadline: dt.date) -> dt.date:
    """The day the deadline really ends on, after Điều 148's move past days off."""
    return workdays.effective_deadline(deadline)


def deadline_end(deadline: dt.date) -> dt.datetime:
    """The last instant of the (effective) deadline day, 23:59:59.999999 in Vietnam."""
    day = effective_date(deadline)
    return dt.datetime.combine(day, dt.time.max, tzinfo=VIETNAM)


def is_moved(deadline: dt.date) -> bool:
    return effective_date(deadline) != deadline


def period_end(year: int, period: str, index: int = 1) -> dt.date:
    """The last day of a month, quarter or half (numbered by `index`), of 9 months or a year."""
    if period == Period.MONTH:
        return dt.date(year, index, calendar.monthrange(year, index)[1])
    if period == Period.QUARTER:
        month = index * 3
        return dt.date(year, month, calendar.monthrange(year, month)[1])
    if period == Period.HALF:
        return dt.date(year, 6, 30) if index == 1 else dt.date(year, 12, 31)
    if period == Period.NINE_MONTHS:
        return dt.date(year, 9, 30)
    if period == Period.YEAR:
        return dt.date(year, 12, 31)
    raise ValueError(f"unknown period {period!r}")


def working_days_from(signed_on: dt.date, count: int) -> dt.date:
    """'Trong N ngày làm việc kể từ ngày ký': the signing day itself is not counted."""
    return workdays.add_working_days(signed_on, count)


def before_tet(year: int) -> dt.date:
    """'Trước Tết Nguyên đán năm Y': the last working day before the Tết holiday of year Y."""
    return workdays.last_working_day_before_tet(year)


def today_in_vietnam(now: dt.datetime | None = None) -> dt.date:
    return (now or timezone.now()).astimezone(VIETNAM).date()
