"""Deadline and recurrence phrases of Vietnamese directives.

All patterns run on the *folded* text (accent-free, lower case, same offsets as the
original), so NFD input, missing accents and capitals all read the same; the rule we
return is cut from the original text.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

import holidays

from breakdown.text import fold_keep_offsets

# How sure we are that a date is the task's deadline (higher wins).
CITED = 0  # a date the task only mentions (of a cited directive, a start date)
BARE = 1  # a date with no cue: "tổ chức hội nghị ngày 20/5/2023"
PERIOD = 2  # a period the task is done in: "trong quý II năm 2023"
FIRM = 3  # finished or reported by: "trước ngày 30/6/2023", "chậm nhất ngày …"


@dataclass(frozen=True)
class DatePhrase:
    start: int
    end: int
    text: str
    date: dt.date
    strength: int


_DAY_MONTH_YEAR = r"""
    (?:
        (?P<d>\d{1,2})\s*[/.-]\s*(?P<m>\d{1,2})(?:\s*[/.-]\s*(?P<y>\d{4}))?(?![\d/])
      | (?P<d2>\d{1,2})\s+thang\s+(?P<m2>\d{1,2})(?:\s*(?:,\s*)?nam\s+(?P<y2>\d{4}))?
    )
"""
# Labelled fields of plan tables: "Thời gian hoàn thành: quý III/2024".
_LABEL_HEAD = r"""(?:thoi\ gian(?:\ hoan\ thanh|\ thuc\ hien)?|thoi\ han(?:\ hoan\ thanh)?
    |han\ hoan\ thanh|tien\ do(?:\ hoan\ thanh)?)\s*:\s*"""
_LABEL = rf"{_LABEL_HEAD}(?:trong\s+|vao\s+|truoc\s+)?"
_FIRM_CUE = rf"""
    (?:{_LABEL}|truoc|cham\ nhat(?:\ la)?(?:\ truoc|\ vao|\ den)?|han\ chot(?:\ la)?
      |thoi\ han(?:\ hoan\ thanh)?(?:\ la)?\s*:?
      |khong\ qua|den\ het|den|toi|hoan\ thanh(?:\ truoc|\ xong|\ trong)?|xong\ truoc|han\s*:)
"""
_DATE = re.compile(
    rf"""
    (?<![\w/])
    (?P<cue>{_FIRM_CUE}\s*(?:,\s*)?|vao\s+|trong\s+|ngay\s+)?
    (?:ngay\s+)?
    {_DAY_MONTH_YEAR}
    """,
    re.VERBOSE,
)
# "Chỉ thị số 07/CT-UBND ngày 31/8/2020", "ngày 13/9/2022 của", "từ ngày 15/01/2024".
_CITATION_BEFORE = re.compile(
    r"""(?:
        \bso\s+\d+[^\s,;]*\s*$
      | \d+/[\w\-./&]+\s*$
      | (?:chi\ thi|quyet\ dinh|ke\ hoach|thong\ bao|cong\ van|nghi\ quyet|nghi\ dinh|thong\ tu
      |van\ ban
           |cong\ dien|bao\ cao|luat)\b[^;:.]{0,50}$
      | \btu\s*$
    )""",
    re.VERBOSE,
)
_CITATION_AFTER = re.compile(r"^\s*(?:cua|ve\ viec|v/v)\b", re.VERBOSE)

_MONTH = re.compile(
    rf"""
    (?<![\w/])
    (?P<cue>{_LABEL}|(?:hoan\ thanh\s+|xong\s+)?(?:trong|vao|truoc|cuoi|het|den\ het|den
      |trong\ thoi\ gian)\s+)
    thang\s+(?P<m>\d{{1,2}})(?:\s*(?:/|nam|,\s*nam)\s*(?P<y>\d{{4}}))?(?![\d/])
    """,
    re.VERBOSE,
)
_QUARTER = re.compile(
    rf"""
    (?<![\w/])
    (?P<cue>{_LABEL}|(?:hoan\ thanh\s+|xong\s+)?(?:trong|vao|truoc|cuoi|het|den\ het|den)\s+)
    quy\s+(?P<q>iv|iii|ii|i|[1-4])\b(?:\s*(?:/|nam|,\s*nam)\s*(?P<y>\d{{4}}))?
    """,
    re.VERBOSE,
)
_PART_OF_YEAR = re.compile(
    rf"""
    (?<![\w/])
    (?P<cue>{_LABEL}|(?:hoan\ thanh\s+|xong\s+)?(?:trong|vao|truoc|den\ het|den|cuoi)\s+)?
    (?P<n>\d{{1,2}}|sau|ba|chin)\s+thang\s+(?P<which>dau|cuoi)\s+nam(?:\s+(?P<y>\d{{4}}))?
    """,
    re.VERBOSE,
)
_YEAR = re.compile(
    rf"""
    (?<![\w/])
    (?P<cue>{_LABEL}|(?:hoan\ thanh\s+)?(?:trong|cuoi|het|den\ het|truoc\ het|vao\ cuoi)\s+)
    nam\s+(?P<y>\d{{4}})
    """,
    re.VERBOSE,
)
_CAN = {
    "canh": 0,
    "tan": 1,
    "nham": 2,
    "quy": 3,
    "giap": 4,
    "at": 5,
    "binh": 6,
    "dinh": 7,
    "mau": 8,
    "ky": 9,
}
_CHI = {
    "than": (0,),
    "dau": (1,),
    "tuat": (2,),
    "hoi": (3,),
    "ty": (4, 9),
    "suu": (5,),
    "dan": (6,),
    "mao": (7,),
    "thin": (8,),
    "ngo": (10,),
    "mui": (11,),
}
_TET = re.compile(
    rf"""
    (?<!\w)
    (?P<cue>truoc|cham\ nhat\ truoc|hoan\ thanh\ truoc)\s+tet(?:\s+nguyen\ dan|\s+am\ lich)?
    (?:\s+(?P<can>{"|".join(_CAN)})\s+(?P<chi>{"|".join(_CHI)}))?
    (?:\s+nam)?(?:\s+(?P<y>\d{{4}}))?
    """,
    re.VERBOSE,
)
# "Kế hoạch cao điểm trước, trong và sau Tết Nguyên đán năm 2021": the plan for that
# campaign is due before the campaign starts, i.e. before Tết.
_TET_CAMPAIGN = re.compile(
    rf"""
    (?<!\w)
    truoc\s*,\s*trong\s+va\s+sau\s+tet(?:\s+nguyen\ dan|\s+am\ lich)?
    (?:\s+(?P<can>{"|".join(_CAN)})\s+(?P<chi>{"|".join(_CHI)}))?
    (?:\s+nam)?(?:\s+(?P<y>\d{{4}}))?
    """,
    re.VERBOSE,
)
_PLAN_WORD = re.compile(r"\bke\ hoach\b[^;.]{0,100}$", re.VERBOSE)
_DAYS_FROM_SIGNING = re.compile(
    r"""
    (?:trong\s+(?:vong\s+|thoi\ han\s+)?|chậm\ nhất\s+|cham\ nhat\s+(?:la\s+)?|sau\s+)
    (?P<n>\d{1,3})\s+ngay(?P<working>\s*\(?\s*lam\ viec\s*\)?)?\s*
    (?:,\s*)?(?:ke\ tu|tu|sau\ khi|sau)\s+(?:ngay|khi)\s+(?:[^.;,]{0,40}?\s)?
    (?:ky|ban\ hanh|nhan\ duoc)
    (?:\ ban\ hanh)?
    """,
    re.VERBOSE,
)
_PLAN_PERIOD = re.compile(
    rf"""
    (?:tu\s+(?:ngay\s+)?\d{{1,2}}\s*[/.-]\s*\d{{1,2}}(?:\s*[/.-]\s*\d{{4}})?|tu\ nay
      |tu\ ngay\ ky[^.;]{{0,20}}?)
    \s*(?:,\s*)?(?:den|toi)\s+(?P<end>(?:het\s+)?(?:ngay\s+)?{_DAY_MONTH_YEAR})
    """,
    re.VERBOSE,
)
_ONGOING = re.compile(r"\b(?:thuong\ xuyen|lien\ tuc|hang\ ngay)\b", re.VERBOSE)

_WEEKDAYS = {
    "thu hai": 0,
    "thu 2": 0,
    "thu ba": 1,
    "thu 3": 1,
    "thu tu": 2,
    "thu 4": 2,
    "thu nam": 3,
    "thu 5": 3,
    "thu sau": 4,
    "thu 6": 4,
    "thu bay": 5,
    "thu 7": 5,
    "chu nhat": 6,
}
_WEEKLY = re.compile(
    r"(?:hang|moi)\ tuan(?:[^.;]{0,40}?\b(?P<wd>thu\ (?:hai|ba|tu|nam|sau|bay|[2-7])|chu\ nhat)\b)?"
    r"|(?P<wd2>thu\ (?:hai|ba|tu|nam|sau|bay|[2-7])|chu\ nhat)\s+hang\ tuan",
    re.VERBOSE,
)
# "ngày 29 tháng 11 hàng năm", "hằng năm, trước ngày 15/12": a day every year (no year given).
_YEARLY = re.compile(
    r"""ngay\s+(?P<day>\d{1,2})\s*(?:thang\s+|[/.-]\s*)(?P<month>\d{1,2})\b(?!\s*(?:nam|[/.-])\s*\d)
        (?P<gap>[^.;]{0,20}?)(?:hang|moi)\ nam\b""",
    re.VERBOSE,
)
_YEARLY_BEFORE = re.compile(
    r"""(?:hang|moi)\ nam\b[^.;]{0,40}?ngay\s+(?P<day>\d{1,2})\s*(?:thang\s+|[/.-]\s*)
        (?P<month>\d{1,2})\b(?!\s*(?:nam|[/.-])\s*\d)""",
    re.VERBOSE,
)
_MONTHLY = re.compile(r"(?:hang|moi)\ thang", re.VERBOSE)
_QUARTERLY = re.compile(r"(?:hang|moi)\ quy\b", re.VERBOSE)
_DUE_DAY = re.compile(
    r"(?:truoc|vao|cham\ nhat(?:\ la)?"
    r"|truoc\ hoac\ vao)\s+ngay\s+(?P<day>\d{1,2})\b(?!\s*[/.-]\s*\d)(?!\s+thang\s+\d)",
    re.VERBOSE,
)

# Words before the deadline phrase proper, left out of the rule we show.
_RULE_LEAD_IN = re.compile(
    rf"\s*(?:{_LABEL_HEAD}|(?:hoan\ thanh|xong)\s+(?=truoc|trong|vao|cham))", re.VERBOSE
)

_ROMAN_QUARTERS = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_NUMBER_WORDS = {"sau": 6, "ba": 3, "chin": 9}


def month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def quarter_end(year: int, quarter: int) -> dt.date:
    return month_end(year, quarter * 3)


@lru_cache(maxsize=64)
def _vn_holidays(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("VN", years=range(year - 1, year + 2), language="en_US")


class WorkingCalendar(Protocol):
    """The working days the engine counts with. The product passes its own calendar (public
    holidays plus the administrator's days off and make-up days: agencies.calendar satisfies
    this); on its own the engine uses the public holidays alone."""

    def is_working_day(self, day: dt.date) -> bool: ...

    def add_working_days(self, start: dt.date, count: int) -> dt.date: ...

    def tet_first_day(self, year: int) -> dt.date: ...


class PublicHolidays:
    """Weekends and Vietnam's public holidays (the holidays package), nothing else."""

    def is_working_day(self, day: dt.date) -> bool:
        return day.weekday() < 5 and day not in _vn_holidays(day.year)

    def add_working_days(self, start: dt.date, count: int) -> dt.date:
        """The day ``count`` working days after ``start`` (start itself not counted)."""
        day = start
        remaining = count
        while remaining > 0:
            day += dt.timedelta(days=1)
            if self.is_working_day(day):
                remaining -= 1
        return day

    def tet_first_day(self, year: int) -> dt.date:
        """First day of the Tết holiday of the lunar year whose New Year falls in ``year``."""
        tet_days = [
            day
            for day, name in _vn_holidays(year).items()
            if day.year == year and day.month <= 2 and "Lunar New Year" in name
        ]
        if not tet_days:
            raise ValueError(f"no Tết holiday known for {year}")
        return min(tet_days)


PUBLIC_HOLIDAYS = PublicHolidays()


def before_tet(year: int, calendar: WorkingCalendar = PUBLIC_HOLIDAYS) -> dt.date:
    """The last working day before the Tết holiday of ``year``."""
    day = calendar.tet_first_day(year) - dt.timedelta(days=1)
    while not calendar.is_working_day(day):
        day -= dt.timedelta(days=1)
    return day


def _year_of_can_chi(can: str, chi: str, near: int) -> int | None:
    for year in sorted(range(near - 2, near + 4), key=lambda y: abs(y - near - 0.5)):
        if year % 10 == _CAN[can] and year % 12 in _CHI[chi]:
            return year
    return None


def _tet_year(match: re.Match[str], signed_on: dt.date, calendar: WorkingCalendar) -> int:
    """The year of the Tết a phrase means: written, from its can-chi name, or the next one."""
    if match["y"]:
        return int(match["y"])
    if match["can"]:
        year = _year_of_can_chi(match["can"], match["chi"], signed_on.year)
        if year is not None:
            return year
    try:
        tet = calendar.tet_first_day(signed_on.year)
        return signed_on.year if signed_on < tet else signed_on.year + 1
    except ValueError:
        return signed_on.year + 1


def _infer_year(month: int, day: int, base: dt.date) -> int:
    """A date written without its year: this year, or next year if it would be long past."""
    try:
        candidate = dt.date(base.year, month, day)
    except ValueError:
        return base.year
    return base.year + 1 if candidate < base - dt.timedelta(days=60) else base.year


def _next_year_if_past(end: dt.date, signed_on: dt.date) -> dt.date:
    """A period named without its year ("trong quý I") in a December directive is next year's."""
    if end < signed_on - dt.timedelta(days=60):
        return end.replace(year=end.year + 1) if end.month != 2 else month_end(end.year + 1, 2)
    return end


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def find_date_phrases(
    text: str, *, signed_on: dt.date, calendar: WorkingCalendar = PUBLIC_HOLIDAYS
) -> list[DatePhrase]:
    """Every date-like phrase of a task text, with how likely each is its deadline."""
    text = unicodedata.normalize("NFC", text)
    folded = fold_keep_offsets(text)
    phrases: list[DatePhrase] = []
    covered: list[tuple[int, int]] = []

    def add(start: int, end: int, date: dt.date | None, strength: int) -> None:
        if date is None or any(start < e and s < end for s, e in covered):
            return
        covered.append((start, end))
        lead_in = _RULE_LEAD_IN.match(folded, start, end)
        if lead_in:
            start = lead_in.end()
        phrases.append(DatePhrase(start, end, text[start:end].strip(" ,"), date, strength))

    for match in _DAYS_FROM_SIGNING.finditer(folded):
        count = int(match["n"])
        if match["working"]:
            date = calendar.add_working_days(signed_on, count)
        else:
            date = signed_on + dt.timedelta(days=count)
        add(match.start(), match.end(), date, FIRM)

    for match in _TET.finditer(folded):
        try:
            add(
                match.start(),
                match.end(),
                before_tet(_tet_year(match, signed_on, calendar), calendar),
                FIRM,
            )
        except ValueError:
            continue
    for match in _TET_CAMPAIGN.finditer(folded):
        if not _PLAN_WORD.search(folded[max(0, match.start() - 120) : match.start()]):
            continue  # enforcement "before, during and after Tết" sets no deadline
        try:
            add(
                match.start(),
                match.end(),
                before_tet(_tet_year(match, signed_on, calendar), calendar),
                BARE,
            )
        except ValueError:
            continue

    for match in _DATE.finditer(folded):
        day = int(match["d"] or match["d2"])
        month = int(match["m"] or match["m2"])
        year_text = match["y"] or match["y2"]
        if not (1 <= day <= 31 and 1 <= month <= 12):
            continue
        year = int(year_text) if year_text else _infer_year(month, day, signed_on)
        cue = (match["cue"] or "").strip()
        before = folded[max(0, match.start() - 80) : match.start()]
        after = folded[match.end() : match.end() + 20]
        if not cue or cue == "ngay":
            cited = _CITATION_BEFORE.search(before) or _CITATION_AFTER.match(after)
            strength = CITED if cited else BARE
        elif cue in {"vao", "trong"}:
            strength = PERIOD
        else:
            strength = FIRM
        add(match.start(), match.end(), _safe_date(year, month, day), strength)

    for match in _QUARTER.finditer(folded):
        quarter = _ROMAN_QUARTERS[match["q"]]
        year = int(match["y"]) if match["y"] else signed_on.year
        cue = match["cue"].strip()
        if cue == "truoc":
            end = quarter_end(year, quarter - 1) if quarter > 1 else dt.date(year - 1, 12, 31)
        else:
            end = quarter_end(year, quarter)
        if not match["y"]:
            end = _next_year_if_past(end, signed_on)
        add(match.start(), match.end(), end, PERIOD)

    for match in _MONTH.finditer(folded):
        month = int(match["m"])
        if not 1 <= month <= 12:
            continue
        year = int(match["y"]) if match["y"] else _infer_year(month, 28, signed_on)
        cue = match["cue"].strip()
        if cue == "truoc":
            end = month_end(year, month - 1) if month > 1 else dt.date(year - 1, 12, 31)
        else:
            end = month_end(year, month)
        add(match.start(), match.end(), end, PERIOD)

    for match in _PART_OF_YEAR.finditer(folded):
        count = _NUMBER_WORDS.get(match["n"]) or int(match["n"])
        year = int(match["y"]) if match["y"] else signed_on.year
        if match["which"] == "cuoi" or count >= 12:
            end = dt.date(year, 12, 31)
        else:
            end = month_end(year, count)
        if not match["y"]:
            end = _next_year_if_past(end, signed_on)
        preceding = folded[max(0, match.start() - 25) : match.start()]
        if not match["cue"] and re.search(
            r"(?:so ket|tong ket|ket qua|cong tac|bao cao)\s*$", preceding
        ):
            continue
        add(match.start(), match.end(), end, PERIOD)

    for match in _YEAR.finditer(folded):
        add(match.start(), match.end(), dt.date(int(match["y"]), 12, 31), PERIOD)

    phrases.sort(key=lambda p: p.start)
    return phrases


def choose_deadline(
    text: str, *, signed_on: dt.date, calendar: WorkingCalendar = PUBLIC_HOLIDAYS
) -> DatePhrase | None:
    """The date the task must be finished or reported by, if the text gives one."""
    phrases = find_date_phrases(text, signed_on=signed_on, calendar=calendar)
    candidates = [p for p in phrases if p.strength > CITED]
    if not candidates:
        return None
    best = max(p.strength for p in candidates)
    return max((p for p in candidates if p.strength == best), key=lambda p: p.date)


def is_ongoing(text: str) -> str | None:
    text = unicodedata.normalize("NFC", text)
    match = _ONGOING.search(fold_keep_offsets(text))
    return text[match.start() : match.end()] if match else None


def find_plan_period_end(text: str, *, signed_on: dt.date) -> DatePhrase | None:
    """End of a time-bound plan: "thời gian thực hiện: từ … đến hết ngày 15/3/2024"."""
    text = unicodedata.normalize("NFC", text)
    folded = fold_keep_offsets(text)
    for match in _PLAN_PERIOD.finditer(folded):
        end_match = re.search(_DAY_MONTH_YEAR, match["end"], re.VERBOSE)
        if end_match is None:
            continue
        day = int(end_match["d"] or end_match["d2"])
        month = int(end_match["m"] or end_match["m2"])
        year_text = end_match["y"] or end_match["y2"]
        year = int(year_text) if year_text else _infer_year(month, day, signed_on)
        date = _safe_date(year, month, day)
        if date is None:
            continue
        start = match.start("end")
        # The rule reads "đến hết ngày 15/3/2024": include the connective word.
        connective = re.search(r"(?:den|toi)\s*$", folded[:start])
        if connective:
            start = connective.start()
        return DatePhrase(start, match.end(), text[start : match.end()], date, FIRM)
    return None


def find_recurrence(text: str) -> tuple[dict, str] | None:
    """A periodic duty: weekly on a weekday, monthly or quarterly by a day, yearly on a day of a
    month; with its phrase."""
    text = unicodedata.normalize("NFC", text)
    folded = fold_keep_offsets(text)
    for pattern in (_YEARLY, _YEARLY_BEFORE):
        yearly = pattern.search(folded)
        if yearly and 1 <= int(yearly["month"]) <= 12 and 1 <= int(yearly["day"]) <= 31:
            start = yearly.start()
            lead_in = re.search(r"(?:truoc|vao|cham\ nhat)\s+$", folded[max(0, start - 12) : start])
            if lead_in and pattern is _YEARLY:
                start -= len(lead_in.group())
            recurrence = {
                "freq": "yearly",
                "month": int(yearly["month"]),
                "day": int(yearly["day"]),
            }
            return recurrence, text[start : yearly.end()]
    weekly = _WEEKLY.search(folded)
    if weekly and (weekly["wd"] or weekly["wd2"]):
        weekday = _WEEKDAYS[weekly["wd"] or weekly["wd2"]]
        return {"freq": "weekly", "weekday": weekday}, text[weekly.start() : weekly.end()]
    for freq, pattern in (("monthly", _MONTHLY), ("quarterly", _QUARTERLY)):
        match = pattern.search(folded)
        if not match:
            continue
        clause_start = (
            max(folded.rfind(";", 0, match.start()), folded.rfind(".", 0, match.start())) + 1
        )
        clause_end = min(
            (i for i in (folded.find(";", match.end()), folded.find(". ", match.end())) if i >= 0),
            default=len(folded),
        )
        day_match = _DUE_DAY.search(folded, clause_start, clause_end)
        day = int(day_match["day"]) if day_match else None
        start, end = match.start(), match.end()
        lead_in = re.search(r"dinh\ ky\s*,?\s*$", folded[max(0, start - 12) : start], re.VERBOSE)
        if lead_in:
            start -= len(lead_in.group())
        phrase = text[start:end]
        if day_match:
            due = text[day_match.start() : day_match.end()]
            if day_match.start() > end + 3:
                phrase = f"{phrase} … {due}"
            elif day_match.end() < start - 3:
                phrase = f"{due} … {phrase}"
            else:
                phrase = text[min(start, day_match.start()) : max(end, day_match.end())]
        return {"freq": freq, "day": day}, phrase
    if weekly:
        return {"freq": "weekly", "weekday": 0}, text[weekly.start() : weekly.end()]
    return None


_NEXT_QUARTER = re.compile(r"quy\ sau|thang\ dau\ (?:cua\ )?quy", re.VERBOSE)


def first_due(recurrence: dict, text: str, *, signed_on: dt.date) -> dt.date:
    """The first due date of a periodic duty after the directive is signed."""
    freq, day = recurrence["freq"], recurrence.get("day")
    if freq == "yearly":
        for year in (signed_on.year, signed_on.year + 1):
            due = _day_of_month(year, recurrence["month"], day)
            if due > signed_on:
                return due
        return due
    if freq == "weekly":
        ahead = (recurrence["weekday"] - signed_on.weekday() - 1) % 7 + 1
        return signed_on + dt.timedelta(days=ahead)
    if freq == "monthly":
        year, month = signed_on.year, signed_on.month
        for _ in range(2):
            due = _day_of_month(year, month, day)
            if due > signed_on:
                return due
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return due
    # Quarterly: by day N of the quarter's last month, or of the next quarter's first month.
    shift = 1 if _NEXT_QUARTER.search(fold_keep_offsets(unicodedata.normalize("NFC", text))) else 0
    quarter = (signed_on.month - 1) // 3
    for _ in range(2):
        month_index = quarter * 3 + 2 + shift
        year, month = signed_on.year + month_index // 12, month_index % 12 + 1
        due = _day_of_month(year, month, day)
        if due > signed_on:
            return due
        quarter += 1
    return due


def _day_of_month(year: int, month: int, day: int | None) -> dt.date:
    last = month_end(year, month)
    return last if day is None else last.replace(day=min(day, last.day))
