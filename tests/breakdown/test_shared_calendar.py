"""The breakdown engine counts working days with the product's one calendar: the public
holidays plus the administrator's days off and make-up days (issue 9: 2025's swap)."""

import datetime as dt

import pytest

from agencies import calendar as workdays
from agencies.models import CalendarDay
from breakdown.deadlines import PUBLIC_HOLIDAYS, choose_deadline
from documents.actions import register_directive
from documents.views import proposals_for
from tasks.deadlines import working_days_from

TEXT = """ỦY BAN NHÂN DÂN TỈNH KIÊN GIANG
BAN CHỈ ĐẠO 389
Số: 77/TB-BCĐ389
Kiên Giang, ngày 20 tháng 4 năm 2025
THÔNG BÁO
Kết luận của Trưởng Ban Chỉ đạo 389 tỉnh
1. Công an tỉnh chủ trì rà soát các đường dây buôn lậu thuốc lá, báo cáo kết quả trong 10 ngày làm việc kể từ ngày ký.
"""


@pytest.fixture
def swap_2025(db):
    """2025: Friday 02/05 off, Saturday 26/04 worked (the Prime Minister's swap)."""
    CalendarDay.objects.create(date=dt.date(2025, 5, 2), kind="day_off", note="Nghỉ bù")
    CalendarDay.objects.create(date=dt.date(2025, 4, 26), kind="working_day", note="Làm bù")
    workdays.clear_cache()
    yield
    workdays.clear_cache()


def test_ten_working_days_from_20_april_2025_is_6_may_in_engine_and_task_page(
    swap_2025, committee, secretariat, police
):
    signed = dt.date(2025, 4, 20)
    phrase = "báo cáo trong 10 ngày làm việc kể từ ngày ký"
    assert choose_deadline(phrase, signed_on=signed, calendar=workdays).date == dt.date(2025, 5, 6)
    # The product's deadline rule for "N working days from signing" gives the same day.
    assert working_days_from(signed, 10) == dt.date(2025, 5, 6)

    directive = register_directive(
        committee,
        by=secretariat,
        number="77/TB-BCĐ389",
        subject="Kết luận của Trưởng Ban Chỉ đạo 389 tỉnh",
        issued_on=signed,
        text=TEXT,
    )
    rows, _unmatched, stopped = proposals_for(directive)
    assert stopped == ""
    assert [row["deadline"] for row in rows] == [dt.date(2025, 5, 6)]


def test_without_the_administrators_days_the_public_calendar_alone_differs(swap_2025):
    # What the engine did before it shared the calendar: the make-up Saturday is not known.
    signed = dt.date(2025, 4, 20)
    phrase = "báo cáo trong 10 ngày làm việc kể từ ngày ký"
    alone = choose_deadline(phrase, signed_on=signed, calendar=PUBLIC_HOLIDAYS).date
    assert alone == dt.date(2025, 5, 7)
