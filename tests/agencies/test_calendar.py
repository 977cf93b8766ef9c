"""Working days: weekends, public holidays with Tết, swapped days, an administrator's changes."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from agencies import calendar
from agencies.models import CalendarDay

D = dt.date


def setup_function():
    calendar.clear_cache()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "day, working",
    [
        (D(2024, 2, 7), True),  # Wednesday before Tết Giáp Thìn
        (D(2024, 2, 8), False),  # 29 Tết
        (D(2024, 2, 14), False),  # mùng 5
        (D(2024, 2, 15), True),
        (D(2025, 4, 26), True),  # a Saturday worked in exchange for 2/5
        (D(2025, 5, 2), False),
        (D(2026, 11, 24), False),  # Ngày Văn hóa Việt Nam, from 2026
        (D(2026, 11, 28), False),  # Saturday
    ],
)
def test_vietnamese_working_days(day, working):
    assert calendar.is_working_day(day) is working


@pytest.mark.django_db
def test_working_day_counts_across_tet():
    # Signed Tue 6/2/2024; 5 working days: 7/2, then Tết until 14/2, then 15, 16, 19, 20.
    assert calendar.add_working_days(D(2024, 2, 6), 5) == D(2024, 2, 20)
    assert calendar.working_days_between(D(2024, 2, 6), D(2024, 2, 20)) == 5
    assert calendar.working_days_between(D(2024, 2, 20), D(2024, 2, 6)) == -5


@pytest.mark.django_db
def test_period_ending_on_a_day_off_moves_to_next_working_day():
    assert calendar.effective_deadline(D(2024, 2, 10)) == D(2024, 2, 15)
    assert calendar.effective_deadline(D(2024, 2, 16)) == D(2024, 2, 16)
    assert calendar.last_working_day_before_tet(2024) == D(2024, 2, 7)


@pytest.mark.django_db
def test_administrator_can_add_a_day_off_and_a_working_day():
    assert calendar.is_working_day(D(2026, 12, 31))
    CalendarDay.objects.create(date=D(2026, 12, 31), kind="day_off", note="Nghỉ bù")
    CalendarDay.objects.create(date=D(2026, 12, 26), kind="working_day", note="Làm bù")
    assert not calendar.is_working_day(D(2026, 12, 31))
    assert calendar.is_working_day(D(2026, 12, 26))
    CalendarDay.objects.filter(date=D(2026, 12, 31)).delete()
    calendar.clear_cache()  # queryset deletes send no per-row signal
    assert calendar.is_working_day(D(2026, 12, 31))


@pytest.mark.django_db
@given(
    start=st.dates(min_value=D(2020, 1, 1), max_value=D(2027, 12, 31)),
    count=st.integers(min_value=0, max_value=60),
)
def test_adding_working_days_lands_on_a_working_day_and_counts_back(start, count):
    end = calendar.add_working_days(start, count)
    assert calendar.working_days_between(start, end) == count
    if count:
        assert calendar.is_working_day(end)
