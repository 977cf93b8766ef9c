"""Reminders, daily overdue notices and escalation fire once, on the right working day.

The calendar used: a task due Monday 19/02/2024, just after Tết Giáp Thìn (days off Thursday
08/02 to Wednesday 14/02). Working days before it: 07/02 (3 left), 15/02 (2), 16/02 (1).
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from agencies import calendar as workdays
from agencies.models import CalendarDay
from chasing.models import Notification
from chasing.reminders import (
    WorkdayIndex,
    record_new_overdue,
    reminder_stage,
    send_escalations,
    send_reminders,
)
from tasks import actions
from tasks.models import TaskAssignment, TaskEvent
from tests.factories import UserFactory
from workflows import services as flows

VN = ZoneInfo("Asia/Ho_Chi_Minh")
DEADLINE = dt.date(2024, 2, 19)


def at(day, hour=8, minute=0):
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=VN)


def days(first, last):
    day = first
    while day <= last:
        yield day
        day += dt.timedelta(days=1)


def chase(day, hour=8):
    with time_machine.travel(at(day, hour), tick=False):
        return send_reminders(), send_escalations()


def sent(**filters):
    """(date sent, kind, period, recipient username) for every notification, in order."""
    return [
        (n.created_at.astimezone(VN).date(), n.kind, n.period, n.recipient.username)
        for n in Notification.objects.filter(**filters)
        .select_related("recipient")
        .order_by("created_at", "kind", "recipient__username")
    ]


@pytest.fixture
def head(committee, police):
    return UserFactory(
        username="lanhdao.ca",
        role="agency_head",
        committee=committee,
        agency=police,
        email="lanhdao.ca@example.vn",
    )


@pytest.fixture
def people(officer, head, chair, secretariat):
    return {"officer": officer, "head": head, "chair": chair, "secretariat": secretariat}


def part(task, agency):
    return TaskAssignment.objects.get(task=task, agency=agency)


@pytest.fixture
def task(make_task, people):
    with time_machine.travel(at(dt.date(2024, 2, 1)), tick=False):
        return make_task(deadline=DEADLINE, title="Kiểm tra hàng nhập lậu dịp Tết")


def test_each_reminder_fires_once_on_its_working_day_across_tet_and_weekends(task):
    event_days = {dt.date(2024, 2, d) for d in (7, 16, 19, 20, 26)}
    for day in days(dt.date(2024, 2, 1), dt.date(2024, 2, 29)):
        chase(day)
        if day in event_days:
            assert chase(day, 15) == (0, 0)  # ticking again the same day changes nothing
    deadline = DEADLINE.isoformat()
    overdue_days = [dt.date(2024, 2, d) for d in (20, 21, 22, 23, 26, 27, 28, 29)]
    assert sent() == [
        (dt.date(2024, 2, 7), "reminder", f"{deadline}/3", "canbo.ca"),
        (dt.date(2024, 2, 7), "reminder", f"{deadline}/3", "lanhdao.ca"),
        (dt.date(2024, 2, 16), "reminder", f"{deadline}/1", "canbo.ca"),
        (dt.date(2024, 2, 16), "reminder", f"{deadline}/1", "lanhdao.ca"),
        (dt.date(2024, 2, 19), "due_today", deadline, "canbo.ca"),
        (dt.date(2024, 2, 19), "due_today", deadline, "lanhdao.ca"),
        *[(day, "overdue", day.isoformat(), "lanhdao.ca") for day in overdue_days[:4]],
        # five working days overdue on Monday 26/02: the chair and the standing office, once
        (dt.date(2024, 2, 26), "escalation", deadline, "truongban"),
        (dt.date(2024, 2, 26), "escalation", deadline, "vanphong"),
        (dt.date(2024, 2, 26), "overdue", "2024-02-26", "lanhdao.ca"),
        *[(day, "overdue", day.isoformat(), "lanhdao.ca") for day in overdue_days[5:]],
    ]


def test_nothing_is_sent_on_a_day_off_or_before_the_morning(task):
    assert chase(dt.date(2024, 2, 10)) == (0, 0)  # Tết, Saturday
    assert chase(dt.date(2024, 2, 7), hour=6) == (0, 0)  # before REMINDER_HOUR
    assert Notification.objects.count() == 0
    assert chase(dt.date(2024, 2, 7), hour=7)[0] == 2


def test_catch_up_sends_only_the_reminder_due_now(task):
    chase(dt.date(2024, 2, 5))  # 5 working days left: nothing yet
    # the machine is off from 06/02 to 15/02; on Friday 16/02 only the 1-day reminder goes
    assert chase(dt.date(2024, 2, 16)) == (2, 0)
    assert {n.period for n in Notification.objects.all()} == {f"{DEADLINE}/1"}


def test_a_missed_first_reminder_is_sent_late_rather_than_never(task):
    # off on 07/02 (3 days left); on 15/02 (2 left) the 3-day reminder is the one due now
    assert chase(dt.date(2024, 2, 15)) == (2, 0)
    assert chase(dt.date(2024, 2, 15), hour=16) == (0, 0)
    assert set(Notification.objects.values_list("period", flat=True)) == {f"{DEADLINE}/3"}


def test_three_days_off_while_overdue_sends_one_notice_and_one_escalation(task):
    chase(dt.date(2024, 2, 20))  # one day overdue
    # off Wednesday to Monday; on Tuesday 27/02 the task is six working days overdue
    assert chase(dt.date(2024, 2, 27)) == (1, 2)
    assert sent(kind="overdue") == [
        (dt.date(2024, 2, 20), "overdue", "2024-02-20", "lanhdao.ca"),
        (dt.date(2024, 2, 27), "overdue", "2024-02-27", "lanhdao.ca"),
    ]
    assert Notification.objects.filter(kind="escalation").count() == 2


def test_reminders_go_to_the_officer_in_charge_and_the_head(task, officer, head, committee, police):
    other_officer = UserFactory(
        username="canbo2.ca", role="agency_officer", committee=committee, agency=police
    )
    with time_machine.travel(at(dt.date(2024, 2, 2)), tick=False):
        actions.acknowledge(part(task, police), by=officer)
    chase(dt.date(2024, 2, 7))
    recipients = set(Notification.objects.values_list("recipient__username", flat=True))
    assert recipients == {officer.username, head.username}
    assert other_officer.username not in recipients


def test_co_ordinating_agencies_are_not_chased(task, support_officer):
    chase(dt.date(2024, 2, 7))
    assert not Notification.objects.filter(recipient=support_officer).exists()


def test_a_part_awaiting_the_heads_sign_off_is_still_chased(task, officer, police, head):
    with time_machine.travel(at(dt.date(2024, 2, 2)), tick=False):
        mine = actions.acknowledge(part(task, police), by=officer)
        actions.submit_report(mine, by=officer, text="Đã kiểm tra 12 vụ")
    assert part(task, police).state == "awaiting_head"
    chase(dt.date(2024, 2, 7))  # the head has still to send it on
    assert set(Notification.objects.values_list("recipient__username", flat=True)) == {
        "canbo.ca",
        "lanhdao.ca",
    }


def test_a_reported_or_accepted_part_is_not_chased(task, officer, police, head, secretariat):
    with time_machine.travel(at(dt.date(2024, 2, 2)), tick=False):
        mine = actions.acknowledge(part(task, police), by=officer)
        mine = actions.submit_report(mine, by=officer, text="Đã kiểm tra 12 vụ").assignment
        actions.sign_off_report(mine, by=head)
    for day in days(dt.date(2024, 2, 5), dt.date(2024, 2, 28)):
        chase(day)  # reported on time, awaiting review: the standing office's move
    assert Notification.objects.count() == 0
    with time_machine.travel(at(dt.date(2024, 3, 1)), tick=False):
        actions.accept_report(part(task, police), by=secretariat)
    chase(dt.date(2024, 3, 4))
    assert Notification.objects.count() == 0


def test_an_extension_restarts_the_reminders_for_the_new_deadline(task, officer, chair, police):
    chase(dt.date(2024, 2, 16))  # 1 day left
    with time_machine.travel(at(dt.date(2024, 2, 16), 9), tick=False):
        extension = flows.request_extension(
            part(task, police),
            by=officer,
            new_deadline=dt.date(2024, 2, 23),
            reason="Chờ kết quả giám định",
        )
        flows.decide_extension(extension, by=chair, approve=True)
    chase(dt.date(2024, 2, 19))  # was due today; now 4 working days left: nothing
    assert not Notification.objects.filter(kind="due_today").exists()
    chase(dt.date(2024, 2, 22))
    assert Notification.objects.filter(kind="reminder", period="2024-02-23/1").count() == 2


def test_committee_settings_change_the_thresholds(task, committee):
    committee.reminder_working_days = "5"
    committee.escalate_after_working_days = 2
    committee.save()
    chase(dt.date(2024, 2, 5))  # 5 working days left
    assert set(Notification.objects.values_list("period", flat=True)) == {f"{DEADLINE}/5"}
    chase(dt.date(2024, 2, 21))  # 2 working days overdue
    assert Notification.objects.filter(kind="escalation").count() == 2


def test_an_administrators_day_off_moves_the_reminder(task):
    CalendarDay.objects.create(date=dt.date(2024, 2, 16), kind="day_off", note="Nghỉ bù")
    workdays.clear_cache()
    try:
        # 16/02 is now off: the deadline's last working day before is 15/02 (1 left)
        assert chase(dt.date(2024, 2, 16)) == (0, 0)
        assert chase(dt.date(2024, 2, 15)) == (2, 0)
        assert set(Notification.objects.values_list("period", flat=True)) == {f"{DEADLINE}/1"}
    finally:
        CalendarDay.objects.all().delete()
        workdays.clear_cache()


def test_reminder_text_names_the_task_the_deadline_and_the_lead_agency(task):
    chase(dt.date(2024, 2, 7))
    notification = Notification.objects.filter(recipient__username="canbo.ca").get()
    assert "Kiểm tra hàng nhập lậu dịp Tết" in notification.title
    assert "19/02/2024" in notification.body
    assert "Công an tỉnh" in notification.body
    assert notification.task == task
    assert notification.object_key == f"assignment:{part(task, notification.recipient.agency).pk}"
    assert notification.url == f"/work/tasks/{task.pk}/"  # the web UI's task page


def test_reminder_queries_are_bounded(make_task, people, django_assert_max_num_queries):
    with time_machine.travel(at(dt.date(2024, 2, 1)), tick=False):
        for n in range(12):
            make_task(deadline=DEADLINE - dt.timedelta(days=n * 3))
    # about a dozen queries a job, however many tasks are due
    with django_assert_max_num_queries(26):
        reminders, escalations = chase(dt.date(2024, 2, 16))
    assert reminders > 10 and escalations > 0


@pytest.mark.parametrize(
    "left, expected",
    [(5, None), (4, None), (3, 3), (2, 3), (1, 1), (0, None)],
)
def test_reminder_stage_is_the_latest_threshold_passed(left, expected):
    assert reminder_stage(left, [3, 1]) == expected


def test_workday_index_agrees_with_the_calendar():
    index = WorkdayIndex()
    pairs = [
        (dt.date(2024, 2, 7), dt.date(2024, 2, 19)),
        (dt.date(2023, 12, 29), dt.date(2024, 1, 2)),
        (dt.date(2024, 2, 19), dt.date(2024, 2, 7)),
        (dt.date(2024, 4, 26), dt.date(2024, 5, 6)),
    ]
    for start, end in pairs:
        assert index.between(start, end) == workdays.working_days_between(start, end)


@pytest.fixture
def two_leads(make_task, people, committee, border_guard, support_officer):
    """A task led by the police and the border guard, both due 19/02/2024."""
    UserFactory(
        username="lanhdao.bdbp", role="agency_head", committee=committee, agency=border_guard
    )
    with time_machine.travel(at(dt.date(2024, 2, 1)), tick=False):
        return make_task(
            deadline=DEADLINE, lead=[people["officer"].agency, border_guard], coordinating=[]
        )


def test_each_lead_is_chased_against_its_own_deadline(
    two_leads, police, border_guard, support_officer, chair
):
    # the border guard's own extension, before its deadline, to Monday 04/03
    with time_machine.travel(at(dt.date(2024, 2, 15), 9), tick=False):
        extension = flows.request_extension(
            part(two_leads, border_guard),
            by=support_officer,
            new_deadline=dt.date(2024, 3, 4),
            reason="Chờ phối hợp với Hải quan",
        )
        flows.decide_extension(extension, by=chair, approve=True)
    assert part(two_leads, police).deadline == DEADLINE  # the other lead's is unchanged
    for day in days(dt.date(2024, 2, 16), dt.date(2024, 2, 26)):
        chase(day)
    police_key = f"assignment:{part(two_leads, police).pk}"
    guard_key = f"assignment:{part(two_leads, border_guard).pk}"
    mine = sent(object_key=police_key)
    # the police are still reminded, due today, overdue and escalated on their own deadline
    assert (dt.date(2024, 2, 16), "reminder", f"{DEADLINE}/1", "canbo.ca") in mine
    assert (dt.date(2024, 2, 19), "due_today", DEADLINE.isoformat(), "lanhdao.ca") in mine
    assert (dt.date(2024, 2, 20), "overdue", "2024-02-20", "lanhdao.ca") in mine
    assert (dt.date(2024, 2, 26), "escalation", DEADLINE.isoformat(), "truongban") in mine
    # the border guard's part is due 04/03: nothing before its 3-day reminder on 28/02
    assert sent(object_key=guard_key) == []
    chase(dt.date(2024, 2, 28))
    assert {n[1:3] for n in sent(object_key=guard_key)} == {("reminder", "2024-03-04/3")}
    escalation = Notification.objects.get(kind="escalation", recipient=chair)
    assert escalation.title.endswith("– Công an tỉnh")  # whose part is long overdue


def test_one_lead_reporting_does_not_stop_the_others_reminders(
    two_leads, police, border_guard, officer, head
):
    with time_machine.travel(at(dt.date(2024, 2, 2)), tick=False):
        mine = actions.acknowledge(part(two_leads, police), by=officer)
        mine = actions.submit_report(mine, by=officer, text="Đã hoàn thành").assignment
        actions.sign_off_report(mine, by=head)
    chase(dt.date(2024, 2, 20))
    assert set(Notification.objects.values_list("recipient__username", flat=True)) == {
        "lanhdao.bdbp"
    }


def test_a_part_first_seen_overdue_is_logged_once_per_deadline(two_leads, police, border_guard):
    with time_machine.travel(at(dt.date(2024, 2, 19), 23), tick=False):
        assert record_new_overdue() == 0  # the deadline ends at 23:59:59
    # Tuesday 20/02 at 01:00, before any reminder goes out: both leads are recorded, once
    with time_machine.travel(at(dt.date(2024, 2, 20), 1), tick=False):
        assert record_new_overdue() == 2
        assert record_new_overdue() == 0
    with time_machine.travel(at(dt.date(2024, 2, 24), 10), tick=False):  # Saturday
        assert record_new_overdue() == 0
    entries = TaskEvent.objects.filter(task=two_leads, kind="overdue").order_by("agency__code")
    assert [(e.agency, e.to_value, e.actor) for e in entries] == [
        (border_guard, "19/02/2024", None),
        (police, "19/02/2024", None),
    ]
