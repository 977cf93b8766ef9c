"""Timeliness at its edges: the last minute of the deadline day in Vietnam, holidays, Tết."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from tasks import actions
from tasks.deadlines import deadline_end, is_moved
from tasks.models import Task
from tasks.querysets import Timeliness

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def at(*args):
    return dt.datetime(*args, tzinfo=VN)


def timeliness(task, now):
    return (
        Task.objects.with_timeliness(now).values_list("timeliness", "days_overdue").get(pk=task.pk)
    )


def test_deadline_ends_at_the_last_instant_of_the_day_in_vietnam(make_task):
    task = make_task(deadline=dt.date(2020, 12, 31))  # a Thursday, a working day
    assert timeliness(task, at(2020, 12, 31, 23, 59, 59)) == (Timeliness.DUE_SOON, 0)
    assert timeliness(task, at(2021, 1, 1, 0, 0, 0))[0] == Timeliness.OPEN_OVERDUE
    # 23:59 in Hà Nội is 16:59 UTC: a server in UTC must not call it overdue at 17:00 UTC - 1s.
    assert timeliness(task, dt.datetime(2020, 12, 31, 16, 59, 59, tzinfo=dt.UTC))[0] != (
        Timeliness.OPEN_OVERDUE
    )
    assert timeliness(task, dt.datetime(2020, 12, 31, 17, 0, 0, tzinfo=dt.UTC))[0] == (
        Timeliness.OPEN_OVERDUE
    )


def test_deadline_on_a_holiday_ends_on_the_next_working_day(make_task):
    # 30/4/2021 (Friday) and 1/5 are holidays, 2/5 is Sunday, 3/5 is the observed day off.
    task = make_task(deadline=dt.date(2021, 4, 30))
    assert is_moved(task.deadline)
    assert task.due_at == deadline_end(dt.date(2021, 5, 4))
    assert timeliness(task, at(2021, 5, 4, 23, 0))[0] == Timeliness.DUE_SOON
    assert timeliness(task, at(2021, 5, 5, 0, 0)) == (Timeliness.OPEN_OVERDUE, 1)


def test_deadline_in_tet_ends_after_the_holiday(make_task):
    # Tết Tân Sửu: 10–16/2/2021 are days off; the first working day after is Wed 17/2.
    task = make_task(deadline=dt.date(2021, 2, 12))
    assert task.due_at.astimezone(VN).date() == dt.date(2021, 2, 17)
    assert timeliness(task, at(2021, 2, 16, 12, 0))[0] == Timeliness.DUE_SOON
    assert timeliness(task, at(2021, 2, 18, 9, 0)) == (Timeliness.OPEN_OVERDUE, 1)


def test_due_soon_counts_working_days_across_tet(make_task, settings):
    settings.DUE_SOON_WORKING_DAYS = 3
    task = make_task(deadline=dt.date(2021, 2, 19))  # Friday after Tết
    # On Tue 9/2 only 17, 18, 19 are working days before the deadline: due soon.
    assert timeliness(task, at(2021, 2, 9, 10, 0))[0] == Timeliness.DUE_SOON
    # On Mon 8/2: 9, 17, 18 are the next three working days; 19 is the fourth: not yet.
    assert timeliness(task, at(2021, 2, 8, 10, 0))[0] == Timeliness.OPEN_ON_TIME


def test_done_on_time_and_done_late_are_measured_by_the_accepted_report(
    make_task, officer, secretariat
):
    on_time = make_task(deadline=dt.date(2021, 3, 31))
    late = make_task(deadline=dt.date(2021, 3, 31))
    with time_machine.travel(at(2021, 3, 31, 23, 0), tick=False):
        for task in (on_time, late):
            actions.acknowledge_task(task, by=officer)
        actions.submit_report(on_time, by=officer, text="Đã hoàn thành")
    with time_machine.travel(at(2021, 4, 3, 9, 0), tick=False):
        # Reviewed after the deadline: the agency reported in time, so it is still on time.
        actions.accept_report(on_time, by=secretariat)
        actions.submit_report(late, by=officer, text="Hoàn thành muộn")
        actions.accept_report(late, by=secretariat)
    now = at(2021, 5, 1)
    assert timeliness(on_time, now) == (Timeliness.DONE_ON_TIME, 0)
    assert timeliness(late, now) == (Timeliness.DONE_LATE, 3)


def test_report_awaiting_review_is_not_overdue_if_it_came_in_on_time(make_task, officer):
    task = make_task(deadline=dt.date(2021, 3, 31))
    with time_machine.travel(at(2021, 3, 30, 10, 0), tick=False):
        actions.acknowledge_task(task, by=officer)
        actions.submit_report(task, by=officer, text="Báo cáo kết quả")
    assert timeliness(task, at(2021, 4, 10)) == (Timeliness.OPEN_ON_TIME, 0)


def test_no_deadline_and_not_started_and_cancelled(make_task, secretariat):
    ongoing = make_task(deadline=None)
    draft = make_task(dispatch=False)
    cancelled = make_task()
    actions.cancel_task(cancelled, by=secretariat, reason="Trùng nhiệm vụ")
    now = at(2030, 1, 1)
    assert timeliness(ongoing, now)[0] == Timeliness.NO_DEADLINE
    assert timeliness(draft, now)[0] == Timeliness.NOT_STARTED
    assert timeliness(cancelled, now)[0] == Timeliness.CANCELLED


def test_the_four_figures_per_agency_and_in_total(
    make_task, officer, secretariat, police, border_guard
):
    done_on_time = make_task(deadline=dt.date(2021, 6, 30))
    make_task(deadline=dt.date(2021, 1, 15))  # open, overdue on 1/3
    make_task(deadline=dt.date(2021, 12, 31))  # open, on time
    make_task(deadline=dt.date(2021, 1, 15), lead=[border_guard], support=[police])  # overdue
    with time_machine.travel(at(2021, 2, 1, 9, 0), tick=False):
        actions.acknowledge_task(done_on_time, by=officer)
        actions.submit_report(done_on_time, by=officer, text="Xong")
        actions.accept_report(done_on_time, by=secretariat)
    now = at(2021, 3, 1)
    total = Task.objects.timeliness_summary(now=now)
    assert (total.done_on_time, total.done_late, total.open_on_time, total.open_overdue) == (
        1,
        0,
        1,
        2,
    )
    assert total.on_time_rate == pytest.approx(33.3)
    by_agency = Task.objects.timeliness_summary(by="agency", now=now)
    # Counted for the lead agency only: the co-ordinator is not answerable for the task.
    assert by_agency[police.pk].total == 3
    assert by_agency[police.pk].open_overdue == 1
    assert by_agency[border_guard.pk].open_overdue == 1
    assert by_agency[border_guard.pk].total == 1
    by_directive = Task.objects.timeliness_summary(by="directive", now=now)
    assert sum(f.total for f in by_directive.values()) == 4


def test_overdue_is_sorted_by_days_overdue(make_task):
    a = make_task(deadline=dt.date(2021, 2, 26))
    b = make_task(deadline=dt.date(2021, 1, 29))
    c = make_task(deadline=dt.date(2021, 12, 31))
    now = at(2021, 3, 10)
    overdue = list(Task.objects.overdue(now).values_list("pk", "days_overdue"))
    assert overdue == [(b.pk, 40), (a.pk, 12)]
    assert c.pk not in dict(overdue)
