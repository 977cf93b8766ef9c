import datetime as dt
import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from breakdown.deadlines import (
    PUBLIC_HOLIDAYS,
    before_tet,
    choose_deadline,
    find_plan_period_end,
    find_recurrence,
    month_end,
    quarter_end,
)

add_working_days = PUBLIC_HOLIDAYS.add_working_days
is_working_day = PUBLIC_HOLIDAYS.is_working_day
tet_first_day = PUBLIC_HOLIDAYS.tet_first_day

SIGNED = dt.date(2023, 3, 9)
dates = st.dates(min_value=dt.date(2015, 1, 1), max_value=dt.date(2035, 12, 31))


def deadline(text, signed_on=SIGNED):
    found = choose_deadline(text, signed_on=signed_on)
    return found.date if found else None


def test_phrases_of_the_issue():
    assert deadline("báo cáo trước ngày 05/11/2023") == dt.date(2023, 11, 5)
    assert deadline("trước ngày 05 tháng 11 năm 2023") == dt.date(2023, 11, 5)
    assert deadline("hoàn thành trong tháng 5 năm 2023") == dt.date(2023, 5, 31)
    assert deadline("trong quý II năm 2023") == dt.date(2023, 6, 30)
    assert deadline("trong 6 tháng cuối năm 2023") == dt.date(2023, 12, 31)
    assert deadline("6 tháng đầu năm 2024") == dt.date(2024, 6, 30)
    assert deadline("vào 3 tháng cuối năm", dt.date(2020, 10, 7)) == dt.date(2020, 12, 31)
    assert deadline("hoàn thành trong năm 2024") == dt.date(2024, 12, 31)


def test_tet_is_the_last_working_day_before_the_holiday():
    # Tết Giáp Thìn: holiday from Thursday 8/2/2024.
    assert deadline("trước Tết Nguyên đán Giáp Thìn 2024") == dt.date(2024, 2, 7)
    assert deadline("trước Tết Nguyên đán năm 2021", dt.date(2020, 10, 7)) == dt.date(2021, 2, 9)
    # The can-chi alone gives the year.
    assert deadline("trước Tết Nguyên đán Ất Tỵ", dt.date(2024, 8, 23)) == dt.date(2025, 1, 24)
    # A campaign "before, during and after Tết" is not a deadline.
    assert deadline("cao điểm trước, trong và sau Tết Nguyên đán năm 2024") is None


def test_days_from_signing():
    assert deadline("trong 15 ngày làm việc kể từ ngày ký") == add_working_days(SIGNED, 15)
    assert deadline("trong 15 ngày (làm việc) kể từ ngày ký") == dt.date(2023, 3, 30)
    # Calendar days: the raw date, even on a Sunday.
    assert deadline("trong 10 ngày kể từ ngày ký ban hành") == dt.date(2023, 3, 19)


def test_the_finish_or_report_date_wins_over_mentioned_dates():
    text = (
        "Triển khai Chỉ thị số 07/CT-UBND ngày 31/8/2020, tổ chức kiểm tra trong tháng 5/2023, "
        "báo cáo kết quả trước ngày 15/6/2023."
    )
    assert deadline(text) == dt.date(2023, 6, 15)
    assert deadline("Thực hiện Kế hoạch số 92/KH-BCĐ389 ngày 13/9/2022 của Ban Chỉ đạo") is None


def test_plan_period_end():
    found = find_plan_period_end(
        "Thời gian thực hiện: từ ngày 15/12/2023 đến hết ngày 15/3/2024.", signed_on=SIGNED
    )
    assert found.date == dt.date(2024, 3, 15)
    assert found.text == "đến hết ngày 15/3/2024"


def test_recurrence():
    assert find_recurrence("định kỳ hằng tháng báo cáo trước ngày 25")[0] == {
        "freq": "monthly",
        "day": 25,
    }
    assert find_recurrence("báo cáo trước ngày 25 hằng tháng")[0] == {"freq": "monthly", "day": 25}
    assert find_recurrence("hằng tuần vào thứ Hai đăng tin")[0] == {"freq": "weekly", "weekday": 0}
    assert find_recurrence("báo cáo vào thứ Sáu hằng tuần")[0] == {"freq": "weekly", "weekday": 4}
    assert find_recurrence("hằng quý, trước ngày 15 của tháng cuối quý")[0] == {
        "freq": "quarterly",
        "day": 15,
    }
    assert find_recurrence("thường xuyên theo dõi") is None


@given(dates)
def test_numeric_dates_round_trip(day):
    assert deadline(f"trước ngày {day.day:02d}/{day.month:02d}/{day.year}") == day
    assert deadline(f"trước ngày {day.day}/{day.month}/{day.year}") == day


@given(dates)
def test_worded_dates_round_trip_in_nfc_and_nfd(day):
    text = f"chậm nhất ngày {day.day} tháng {day.month} năm {day.year}"
    assert deadline(text) == day
    assert deadline(unicodedata.normalize("NFD", text)) == day
    assert deadline(text.upper()) == day


@given(st.integers(2000, 2040), st.integers(1, 12))
def test_month_phrase_ends_the_month(year, month):
    assert deadline(f"trong tháng {month} năm {year}") == month_end(year, month)
    assert deadline(f"trong tháng {month}/{year}") == month_end(year, month)


@given(st.integers(2000, 2040), st.sampled_from([("I", 1), ("II", 2), ("III", 3), ("IV", 4)]))
def test_quarter_phrase_ends_the_quarter(year, quarter):
    roman, number = quarter
    assert deadline(f"trong quý {roman} năm {year}") == quarter_end(year, number)
    assert deadline(f"trong quý {number}/{year}") == quarter_end(year, number)


@given(dates, st.integers(1, 40))
def test_working_days_land_on_a_working_day_after_n_of_them(start, count):
    end = add_working_days(start, count)
    assert is_working_day(end)
    between = [start + dt.timedelta(days=i) for i in range(1, (end - start).days + 1)]
    assert sum(is_working_day(day) for day in between) == count


@given(st.integers(2016, 2035))
def test_before_tet_is_the_last_working_day_before_the_holiday(year):
    day = before_tet(year)
    first = tet_first_day(year)
    assert is_working_day(day)
    assert day < first
    assert not any(is_working_day(day + dt.timedelta(days=i)) for i in range(1, (first - day).days))


@given(dates, st.integers(1, 28))
def test_monthly_duty_is_first_due_within_a_month_after_signing(signed, day):
    from breakdown.deadlines import first_due

    due = first_due({"freq": "monthly", "day": day}, "", signed_on=signed)
    assert due.day == day
    assert signed < due <= signed + dt.timedelta(days=31)


@given(dates, st.integers(0, 6))
def test_weekly_duty_is_first_due_within_a_week(signed, weekday):
    from breakdown.deadlines import first_due

    due = first_due({"freq": "weekly", "weekday": weekday}, "", signed_on=signed)
    assert due.weekday() == weekday
    assert signed < due <= signed + dt.timedelta(days=7)
