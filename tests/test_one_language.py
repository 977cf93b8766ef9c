"""One language (issue 15): reminders, escalations and returns are written in each recipient's
language (Vietnamese unless they chose English), counts agree with their number, reporting
periods and history speak Vietnamese, and money reads 1.250.000.000 under "(đồng)"."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from chasing.models import Notification
from chasing.reminders import send_escalations, send_reminders
from reporting import services as reporting
from reporting.models import ReportSubmission
from tests.factories import ReportingObligationFactory, UserFactory

VN = ZoneInfo("Asia/Ho_Chi_Minh")
DEADLINE = dt.date(2024, 2, 19)  # a Monday just after Tết Giáp Thìn (08/02 to 14/02 off)

pytestmark = pytest.mark.vietnamese
FIGURES = {
    "cases_detected": 1027,
    "admin_cases": 944,
    "goods_value": 1_250_000_000,
    "budget_collected": 76_443_000_000,
    "criminal_cases": 21,
    "defendants": 26,
}


def at(day, hour=8):
    return dt.datetime(day.year, day.month, day.day, hour, 0, tzinfo=VN)


@pytest.fixture
def head(committee, police):
    """The head chose English; everyone else keeps Vietnamese."""
    return UserFactory(
        username="lanhdao.ca",
        role="agency_head",
        committee=committee,
        agency=police,
        email="lanhdao.ca@example.vn",
        language="en",
    )


def titles(user, kind):
    return list(
        Notification.objects.filter(recipient=user, kind=kind)
        .order_by("pk")
        .values_list("title", "body")
    )


def test_reminders_and_escalations_reach_each_person_in_their_language(
    make_task, officer, head, chair, django_capture_on_commit_callbacks
):
    officer.email = "canbo.ca@example.vn"
    officer.save()
    with time_machine.travel(at(dt.date(2024, 2, 1)), tick=False):
        task = make_task(deadline=DEADLINE, title="Kiểm tra hàng nhập lậu dịp Tết")
    mail.outbox.clear()
    with (
        time_machine.travel(at(dt.date(2024, 2, 15)), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        send_reminders()  # two working days left (Tết in between)
    [(title, body)] = titles(officer, "reminder")
    assert title == "Nhắc hạn ngày 15/02/2024: 1 việc sắp đến hạn"
    assert body.splitlines()[:2] == [
        "Sắp đến hạn: 1 việc",
        f"- {task} (01/TB-VPUBND) – hạn 19/02/2024, còn 2 ngày làm việc",
    ]
    [(title, body)] = titles(head, "reminder")
    assert title == "Deadlines on 15/02/2024: 1 due soon"
    assert f"{task} (01/TB-VPUBND) – due 19/02/2024, in 2 working days" in body
    by_address = {m.to[0]: m for m in mail.outbox}
    assert by_address["canbo.ca@example.vn"].subject.startswith("Nhắc hạn ngày 15/02/2024")
    assert "vui lòng không trả lời" in by_address["canbo.ca@example.vn"].body
    assert by_address["lanhdao.ca@example.vn"].subject.startswith("Deadlines on 15/02/2024")

    with time_machine.travel(at(dt.date(2024, 2, 20)), tick=False):
        send_reminders()  # one working day late: singular
    title, body = titles(head, "reminder")[-1]
    assert title == "Deadlines on 20/02/2024: 1 overdue"
    assert "due 19/02/2024, 1 working day overdue" in body

    with time_machine.travel(at(dt.date(2024, 2, 27)), tick=False):
        send_escalations()
    [(title, body)] = titles(chair, "escalation")
    assert title == "Quá hạn kéo dài, ngày 27/02/2024: 1 việc"
    assert f"{task} (01/TB-VPUBND) – Công an tỉnh, hạn 19/02/2024, quá hạn 6 ngày làm việc" in body
    assert not re.search(r"[Ww]orking|overdue|Long", title + body)


@pytest.fixture
def monthly(committee, police, border_guard):
    return ReportingObligationFactory(
        committee=committee, name="Báo cáo tháng", frequency="month", starts_on=dt.date(2026, 1, 1)
    )


def test_a_periodic_report_speaks_vietnamese_and_shows_money_in_dong(
    client,
    committee,
    monthly,
    police,
    border_guard,
    officer,
    support_officer,
    head,
    secretariat,
    django_capture_on_commit_callbacks,
):
    with time_machine.travel(at(dt.date(2026, 12, 15)), tick=False):
        reporting.create_due_submissions()
    submission = ReportSubmission.objects.get(agency=police, period__year=2026, period__index=12)
    with time_machine.travel(at(dt.date(2026, 12, 16)), tick=False):
        reporting.submit_periodic_report(
            submission,
            by=officer,
            figures=FIGURES,
        )
        # The return is told once it commits (chasing/notices.py).
        with django_capture_on_commit_callbacks(execute=True):
            reporting.return_periodic_report(submission, by=secretariat, reason="Thiếu phụ lục")
    # The returned notice: Vietnamese for the officer, English for the head who chose it.
    [(title, body)] = titles(officer, "report_returned")
    assert title == "Báo cáo định kỳ bị trả lại: Báo cáo tháng – Tháng 12/2026"
    assert body == "Cơ quan Thường trực đã trả lại báo cáo của đơn vị. Lý do: Thiếu phụ lục"
    [(title, _body)] = titles(head, "report_returned")
    assert title == "Periodic report returned: Báo cáo tháng – Month 12/2026"

    client.force_login(officer)
    page = client.get(reverse("reporting:submission", args=[submission.pk])).content.decode()
    assert "Tháng 12/2026" in page and "Month 12/2026" not in page
    # The history in words, not the states' codes.
    assert "Chờ gửi → Đã gửi" in page and "Đã gửi → Bị trả lại" in page
    assert "due → submitted" not in page

    other = ReportSubmission.objects.get(agency=border_guard, period=submission.period)
    with time_machine.travel(at(dt.date(2026, 12, 16)), tick=False):
        reporting.submit_periodic_report(
            other, by=support_officer, figures={**FIGURES, "goods_value": 1_250_000_000}
        )
        reporting.accept_periodic_report(other, by=secretariat)
    client.force_login(secretariat)
    page = client.get(reverse("reporting:submission", args=[other.pk])).content.decode()
    assert "1.250.000.000" in page and "76.443.000.000" in page and "1.027" in page
    assert "1,250" not in page
    page = client.get(reverse("reporting:consolidation", args=[submission.period_id]))
    text = page.content.decode()
    assert "1.250.000.000" in text and "1,250" not in text
    assert "Số tiền tính bằng đồng" in text
