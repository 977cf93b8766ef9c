"""Timeliness at its edges: the last minute of the deadline day in Vietnam, holidays, Tết."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tasks import actions
from tasks.deadlines import deadline_end, is_moved
from tasks.models import Task, TaskAssignment
from tasks.querysets import Timeliness

VN = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture(autouse=True)
def _reports_go_straight_to_the_office(committee):
    """These tests are about time, not the head's sign-off (tested in test_transitions)."""
    committee.reports_need_head_approval = False
    committee.save()


def part(task, agency_code="KG-CA"):
    return TaskAssignment.objects.get(task=task, agency__code=agency_code)


def report(task, officer, text="Đã hoàn thành", agency_code="KG-CA"):
    """Acknowledge (if needed) and report the agency's part; returns the fresh part."""
    assignment = part(task, agency_code)
    if assignment.state == "assigned":
        assignment = actions.acknowledge(assignment, by=officer)
    return actions.submit_report(assignment, by=officer, text=text).assignment


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
        actions.acknowledge(part(late), by=officer)
        reported = report(on_time, officer)
    with time_machine.travel(at(2021, 4, 3, 9, 0), tick=False):
        # Reviewed after the deadline: the agency reported in time, so it is still on time.
        actions.accept_report(reported, by=secretariat)
        actions.accept_report(report(late, officer, "Hoàn thành muộn"), by=secretariat)
    now = at(2021, 5, 1)
    assert timeliness(on_time, now) == (Timeliness.DONE_ON_TIME, 0)
    assert timeliness(late, now) == (Timeliness.DONE_LATE, 3)


def test_report_awaiting_review_is_not_overdue_if_it_came_in_on_time(make_task, officer):
    task = make_task(deadline=dt.date(2021, 3, 31))
    with time_machine.travel(at(2021, 3, 30, 10, 0), tick=False):
        report(task, officer, "Báo cáo kết quả")
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
    make_task(deadline=dt.date(2021, 1, 15), lead=[border_guard], coordinating=[police])
    with time_machine.travel(at(2021, 2, 1, 9, 0), tick=False):
        actions.accept_report(report(done_on_time, officer, "Xong"), by=secretariat)
    now = at(2021, 3, 1)
    total = Task.objects.timeliness_summary(now=now)
    assert (total.done_on_time, total.done_late, total.open_on_time, total.open_overdue) == (
        1,
        0,
        1,
        2,
    )
    assert total.on_time_rate == pytest.approx(33.3)
    by_agency = TaskAssignment.objects.timeliness_summary(by="agency", now=now)
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


# ---- shared tasks: each lead agency is measured on its own part


@pytest.fixture
def shared(make_task, police, border_guard, committee):
    """III.3 of the Kiên Giang notice: Công an tỉnh and BĐBP tỉnh both lead."""
    from tests.factories import UserFactory

    bg_officer = UserFactory(
        username="canbo.bdbp2", role="agency_officer", committee=committee, agency=border_guard
    )
    task = make_task(deadline=dt.date(2021, 3, 31), lead=[police, border_guard], coordinating=[])
    return task, bg_officer


def test_one_leads_accepted_report_credits_only_that_lead(shared, officer, secretariat):
    task, bg_officer = shared
    with time_machine.travel(at(2021, 3, 20, 9, 0), tick=False):
        actions.accept_report(report(task, officer), by=secretariat)
    now = at(2021, 3, 25)
    figures = TaskAssignment.objects.filter(task=task).timeliness_summary(by="agency", now=now)
    assert figures[part(task).agency_id].done_on_time == 1
    bdbp = figures[part(task, "KG-BDBP").agency_id]
    assert (bdbp.done_on_time, bdbp.open_on_time) == (0, 1)
    task.refresh_from_db()
    assert task.state == "assigned"  # still open: BĐBP has not finished
    assert timeliness(task, now)[0] in (Timeliness.OPEN_ON_TIME, Timeliness.DUE_SOON)
    # After the deadline the task is overdue because BĐBP is.
    assert timeliness(task, at(2021, 4, 2)) == (Timeliness.OPEN_OVERDUE, 2)

    with time_machine.travel(at(2021, 4, 2, 9, 0), tick=False):
        actions.accept_report(report(task, bg_officer, agency_code="KG-BDBP"), by=secretariat)
    task.refresh_from_db()
    assert task.state == "completed"
    # Done late: a task is done on time only when every lead finished on time.
    assert timeliness(task, at(2021, 5, 1)) == (Timeliness.DONE_LATE, 2)
    figures = TaskAssignment.objects.filter(task=task).timeliness_summary(
        by="agency", now=at(2021, 5, 1)
    )
    assert figures[part(task).agency_id].done_on_time == 1  # Công an stays on time
    assert figures[part(task, "KG-BDBP").agency_id].done_late == 1


# ---- the figures add up, whatever the agencies do (property test)

OUTCOMES = ["untouched", "acknowledged", "reported", "accepted", "returned"]
DEADLINE = dt.date(2021, 3, 31)


@settings(max_examples=12, suppress_health_check=list(HealthCheck))
@given(
    plans=st.lists(
        st.lists(
            st.tuples(st.sampled_from(OUTCOMES), st.integers(min_value=-20, max_value=20)),
            min_size=1,
            max_size=2,
        ),
        min_size=1,
        max_size=3,
    ),
    look_at=st.integers(min_value=-10, max_value=40),
)
def test_per_agency_and_per_task_figures_agree(
    make_task, police, border_guard, officer, secretariat, committee, plans, look_at
):
    from tests.factories import UserFactory

    bg_officer = UserFactory(role="agency_officer", committee=committee, agency=border_guard)
    staff = {"KG-CA": officer, "KG-BDBP": bg_officer}
    tasks = []
    for plan in plans:
        leads = [police, border_guard][: len(plan)]
        task = make_task(deadline=DEADLINE, lead=leads, coordinating=[])
        tasks.append(task)
        for agency, (outcome, offset) in zip(leads, plan, strict=True):
            when = dt.datetime.combine(DEADLINE, dt.time(10), tzinfo=VN) + dt.timedelta(days=offset)
            with time_machine.travel(when, tick=False):
                if outcome == "untouched":
                    continue
                assignment = actions.acknowledge(part(task, agency.code), by=staff[agency.code])
                if outcome == "acknowledged":
                    continue
                assignment = actions.submit_report(
                    assignment, by=staff[agency.code], text="Báo cáo"
                ).assignment
                if outcome == "accepted":
                    actions.accept_report(assignment, by=secretariat)
                elif outcome == "returned":
                    actions.return_report(assignment, by=secretariat, reason="Bổ sung")
    now = dt.datetime.combine(DEADLINE, dt.time(12), tzinfo=VN) + dt.timedelta(days=look_at)
    ids = [t.pk for t in tasks]
    parts = TaskAssignment.objects.filter(task__in=ids, role="lead").with_timeliness(now)
    by_task: dict[int, list[str]] = {}
    for task_id, value in parts.values_list("task_id", "timeliness"):
        by_task.setdefault(task_id, []).append(value)
    derived = dict(
        Task.objects.filter(pk__in=ids).with_timeliness(now).values_list("pk", "timeliness")
    )
    for task_id, values in by_task.items():
        task_value = derived[task_id]
        if all(v in (Timeliness.DONE_ON_TIME, Timeliness.DONE_LATE) for v in values):
            expected = (
                Timeliness.DONE_LATE if Timeliness.DONE_LATE in values else Timeliness.DONE_ON_TIME
            )
            assert task_value == expected
        else:
            assert task_value not in (Timeliness.DONE_ON_TIME, Timeliness.DONE_LATE)
            assert (task_value == Timeliness.OPEN_OVERDUE) == (Timeliness.OPEN_OVERDUE in values)
    # Per agency, every lead part is counted exactly once; the totals match the tasks'.
    per_agency = TaskAssignment.objects.filter(task__in=ids).timeliness_summary(
        by="agency", now=now
    )
    assert sum(f.total for f in per_agency.values()) == len(parts)
    overall = TaskAssignment.objects.filter(task__in=ids).timeliness_summary(now=now)
    assert overall.done_on_time == sum(f.done_on_time for f in per_agency.values())
    tasks_total = Task.objects.filter(pk__in=ids).timeliness_summary(now=now)
    assert tasks_total.total == len(ids)
    assert tasks_total.done_on_time <= min(
        overall.done_on_time, sum(1 for v in by_task.values() if v)
    )
