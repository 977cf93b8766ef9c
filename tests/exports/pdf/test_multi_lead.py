"""A task with two lead agencies: each document counts and lists each lead's own part."""

import datetime as dt
import re

import pytest
import time_machine

from exports.pdf.appendix import build_appendix
from exports.pdf.overdue import build_overdue_audit
from exports.pdf.scorecard import build_scorecard
from tasks import actions
from tasks.models import TaskAssignment
from workflows import services as flows

from .conftest import VN, one_line, pdf_text


@pytest.fixture
def shared(
    make_task, committee, police, border_guard, officer, support_officer, secretariat, chair
):
    """Due 31/12/2020, led by the police and the border guard. The border guard's own deadline
    moved to Friday 08/01/2021; the police reported on 20/12 and were accepted. Seen on 15/01/2021."""
    committee.reports_need_head_approval = False
    committee.save()
    task = make_task(
        title="Truy quét buôn lậu thuốc lá qua biên giới",
        ref="III.3",
        lead=[police, border_guard],
        coordinating=[],
        deadline=dt.date(2020, 12, 31),
    )
    with time_machine.travel(dt.datetime(2020, 12, 15, 9, tzinfo=VN), tick=False):
        extension = flows.request_extension(
            TaskAssignment.objects.get(task=task, agency=border_guard),
            by=support_officer,
            new_deadline=dt.date(2021, 1, 8),
            reason="Chờ kết quả phối hợp với Campuchia",
        )
        flows.decide_extension(extension, by=chair, approve=True)
    with time_machine.travel(dt.datetime(2020, 12, 20, 9, tzinfo=VN), tick=False):
        part = actions.acknowledge(TaskAssignment.objects.get(task=task, agency=police), by=officer)
        part = actions.submit_report(part, by=officer, text="Đã truy quét 3 đợt").assignment
        actions.accept_report(part, by=secretariat)
    task.refresh_from_db()
    assert task.state == "assigned"
    return task


def test_scorecard_credits_only_the_lead_that_finished(shared, filters, police, border_guard):
    police_card = one_line(pdf_text(build_scorecard(filters(agency=police))))
    assert re.search(r"Tổng số 1 Hoàn thành đúng hạn 1 Hoàn thành quá hạn 0", police_card)
    assert "Tỷ lệ đúng hạn (%) 100,0" in police_card
    guard_card = one_line(pdf_text(build_scorecard(filters(agency=border_guard))))
    assert re.search(r"Tổng số 1 Hoàn thành đúng hạn 0 Hoàn thành quá hạn 0", guard_card)
    assert re.search(r"Đang thực hiện trong hạn 0 Đang thực hiện quá hạn 1", guard_card)
    assert "Tổng số ngày chậm 7" in guard_card  # from its own deadline, not the task's
    assert "08/01/2021" in guard_card and "gia hạn từ 31/12/2020" in guard_card


def test_overdue_audit_lists_the_overdue_lead_with_its_own_deadline(shared, filters):
    flat = one_line(pdf_text(build_overdue_audit(filters())))
    assert re.search(r"Công an tỉnh Kiên Giang 1 1 0 0 0 100,0", flat)
    assert re.search(r"Bộ Chỉ huy Bộ đội Biên phòng tỉnh Kiên Giang 1 0 0 0 1 0,0", flat)
    assert re.search(r"Tổng cộng 1 0 0 0 1 0,0", flat)  # the task is open until both finish
    listing = flat.split("II. DANH SÁCH")[1]
    assert "1. Bộ Chỉ huy Bộ đội Biên phòng tỉnh Kiên Giang (1 nhiệm vụ quá hạn)" in listing
    assert "Công an tỉnh Kiên Giang (" not in listing
    assert "08/01/2021" in listing and "gia hạn từ 31/12/2020" in listing
    assert "Đã giao" in listing
    assert "Số ngày quá hạn" in listing  # the column, and the row's last cell: 7 days late
    assert re.search(r"Đã giao 7$", listing.strip())


def test_appendix_shows_the_tasks_timeliness_and_each_leads_state(shared, filters):
    flat = one_line(pdf_text(build_appendix(filters(directive=shared.directive))))
    assert "Công an tỉnh Kiên Giang: Đã chấp nhận" in flat
    assert "Bộ Chỉ huy Bộ đội Biên phòng tỉnh Kiên Giang: Đã giao" in flat
    assert "hạn riêng 08/01/2021" in flat
    assert "Đang thực hiện quá hạn (7 ngày)" in flat
