"""One notice a day per person: what they owe (overdue, due today, due soon) and, for the chair
and the standing office, what has become long overdue; each stage once, on the right working day.

The calendar used: a task due Monday 19/02/2024, just after Tết Giáp Thìn (days off Thursday
08/02 to Wednesday 14/02). Working days before it: 07/02 (3 left), 15/02 (2), 16/02 (1).
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from agencies import calendar as workdays
from agencies.models import CalendarDay
from chasing import tick
from chasing.models import Notification, OutboxEmail
from chasing.reminders import (
    LIST_LIMIT,
    WorkdayIndex,
    record_new_overdue,
    reminder_stage,
    send_reminders,
)
from ops.models import Heartbeat
from tasks import actions
from tasks.models import TaskAssignment, TaskEvent
from tests.factories import UserFactory
from tests.ui_helpers import make_bulk_tasks
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
    """The tick's two chasing jobs at that moment: (reminder notices, escalation notices)."""
    with time_machine.travel(at(day, hour), tick=False):
        now = at(day, hour)
        return tuple(int(job(now).split()[0]) for job in (tick.reminders, tick.escalations))


def sent(**filters):
    """(date, kind, recipient, {group: (count, [part keys listed])}) for every notice."""
    return [
        (
            n.created_at.astimezone(VN).date(),
            n.kind,
            n.recipient.username,
            {s["group"]: (s["count"], [item["key"] for item in s["items"]]) for s in n.sections},
        )
        for n in Notification.objects.filter(kind__in=["reminder", "escalation"], **filters)
        .select_related("recipient")
        .order_by("created_at", "kind", "recipient__username")
    ]


def groups(**filters):
    """(date, kind, recipient, {group: count})."""
    return [(d, k, who, {g: c for g, (c, _keys) in s.items()}) for d, k, who, s in sent(**filters)]


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
    event_days = {dt.date(2024, 2, d) for d in (7, 15, 16, 19, 20, 26)}
    for day in days(dt.date(2024, 2, 1), dt.date(2024, 2, 29)):
        chase(day)
        if day in event_days:
            assert chase(day, 15) == (0, 0)  # ticking again the same day changes nothing
    soon, today, late = {"due_soon": 1}, {"due_today": 1}, {"overdue": 1}
    overdue_days = [dt.date(2024, 2, d) for d in (20, 21, 22, 23, 26, 27, 28, 29)]
    assert (
        groups()
        == [
            (dt.date(2024, 2, 7), "reminder", "canbo.ca", soon),  # 3 working days left
            (dt.date(2024, 2, 7), "reminder", "lanhdao.ca", soon),
            # 15/02, 2 left: still the 3-day stage, already sent
            (dt.date(2024, 2, 16), "reminder", "canbo.ca", soon),  # 1 left
            (dt.date(2024, 2, 16), "reminder", "lanhdao.ca", soon),
            (dt.date(2024, 2, 19), "reminder", "canbo.ca", today),
            (dt.date(2024, 2, 19), "reminder", "lanhdao.ca", today),
            *[(day, "reminder", "lanhdao.ca", late) for day in overdue_days[:4]],
            # five working days overdue on Monday 26/02: the chair and the standing office, once
            (dt.date(2024, 2, 26), "escalation", "truongban", {"long_overdue": 1}),
            (dt.date(2024, 2, 26), "escalation", "vanphong", {"long_overdue": 1}),
            (dt.date(2024, 2, 26), "reminder", "lanhdao.ca", late),
            *[(day, "reminder", "lanhdao.ca", late) for day in overdue_days[5:]],
        ]
    )


def test_nothing_is_sent_on_a_day_off_or_before_the_morning(task):
    assert chase(dt.date(2024, 2, 10)) == (0, 0)  # Tết, Saturday
    assert chase(dt.date(2024, 2, 7), hour=6) == (0, 0)  # before REMINDER_HOUR
    assert Notification.objects.filter(kind="reminder").count() == 0
    assert chase(dt.date(2024, 2, 7), hour=7)[0] == 2


def test_catch_up_sends_only_the_reminder_due_now(task):
    chase(dt.date(2024, 2, 5))  # 5 working days left: nothing yet
    # the machine is off from 06/02 to 15/02; on Friday 16/02 only the 1-day reminder goes
    assert chase(dt.date(2024, 2, 16)) == (2, 0)
    notice = Notification.objects.get(kind="reminder", recipient__username="canbo.ca")
    assert notice.sections[0]["items"][0]["days"] == 1


def test_a_missed_first_reminder_is_sent_late_rather_than_never(task):
    # off on 07/02 (3 days left); on 15/02 (2 left) the 3-day reminder is the one due now
    assert chase(dt.date(2024, 2, 15)) == (2, 0)
    assert chase(dt.date(2024, 2, 15), hour=16) == (0, 0)
    assert chase(dt.date(2024, 2, 16)) == (2, 0)  # and the 1-day one on its day


def test_a_task_dispatched_after_its_first_stage_is_reminded_the_next_morning(make_task, people):
    chase(dt.date(2024, 2, 7))  # nothing owed yet
    with time_machine.travel(at(dt.date(2024, 2, 7), 10), tick=False):
        make_task(deadline=DEADLINE, title="Giao muộn")  # 3 working days left
    assert chase(dt.date(2024, 2, 15)) == (2, 0)  # 2 left: its 3-day stage, late


def test_three_days_off_while_overdue_sends_one_notice_and_one_escalation(task):
    chase(dt.date(2024, 2, 20))  # one day overdue
    # off Wednesday to Monday; on Tuesday 27/02 the task is six working days overdue
    assert chase(dt.date(2024, 2, 27)) == (1, 2)
    assert groups(kind="reminder") == [
        (dt.date(2024, 2, 20), "reminder", "lanhdao.ca", {"overdue": 1}),
        (dt.date(2024, 2, 27), "reminder", "lanhdao.ca", {"overdue": 1}),
    ]
    assert Notification.objects.filter(kind="escalation").count() == 2
    assert chase(dt.date(2024, 2, 28)) == (1, 0)  # escalated once per deadline


def test_reminders_go_to_the_officer_in_charge_and_the_head(task, officer, head, committee, police):
    other_officer = UserFactory(
        username="canbo2.ca", role="agency_officer", committee=committee, agency=police
    )
    with time_machine.travel(at(dt.date(2024, 2, 2)), tick=False):
        actions.acknowledge(part(task, police), by=officer)
    chase(dt.date(2024, 2, 7))
    recipients = set(
        Notification.objects.filter(kind="reminder").values_list("recipient__username", flat=True)
    )
    assert recipients == {officer.username, head.username}
    assert other_officer.username not in recipients


def test_co_ordinating_agencies_are_not_chased(task, support_officer):
    chase(dt.date(2024, 2, 7))
    assert not Notification.objects.filter(recipient=support_officer, kind="reminder").exists()


def test_a_part_awaiting_the_heads_sign_off_is_still_chased(task, officer, police, head):
    with time_machine.travel(at(dt.date(2024, 2, 2)), tick=False):
        mine = actions.acknowledge(part(task, police), by=officer)
        actions.submit_report(mine, by=officer, text="Đã kiểm tra 12 vụ")
    assert part(task, police).state == "awaiting_head"
    chase(dt.date(2024, 2, 7))  # the head has still to send it on
    assert set(
        Notification.objects.filter(kind="reminder").values_list("recipient__username", flat=True)
    ) == {"canbo.ca", "lanhdao.ca"}


def test_a_reported_or_accepted_part_is_not_chased(task, officer, police, head, secretariat):
    with time_machine.travel(at(dt.date(2024, 2, 2)), tick=False):
        mine = actions.acknowledge(part(task, police), by=officer)
        mine = actions.submit_report(mine, by=officer, text="Đã kiểm tra 12 vụ").assignment
        actions.sign_off_report(mine, by=head)
    chased = Notification.objects.filter(kind__in=["reminder", "escalation"])
    for day in days(dt.date(2024, 2, 5), dt.date(2024, 2, 28)):
        chase(day)  # reported on time, awaiting review: the standing office's move
    assert chased.count() == 0
    with time_machine.travel(at(dt.date(2024, 3, 1)), tick=False):
        actions.accept_report(part(task, police), by=secretariat)
    chase(dt.date(2024, 3, 4))
    assert chased.count() == 0


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
    assert chase(dt.date(2024, 2, 19)) == (0, 0)  # was due today; now 4 working days left
    assert chase(dt.date(2024, 2, 20)) == (2, 0)  # 3 left on the new deadline
    assert chase(dt.date(2024, 2, 22)) == (2, 0)  # 1 left
    assert [s["items"][0]["due"] for s in Notification.objects.latest("pk").sections] == [
        "2024-02-23"
    ]


def extend(task, officer, chair, police, *, on, to):
    with time_machine.travel(on, tick=False):
        extension = flows.request_extension(
            part(task, police), by=officer, new_deadline=to, reason="Chờ kết quả giám định"
        )
        flows.decide_extension(extension, by=chair, approve=True)


def test_a_deadline_extended_into_a_stage_under_way_gets_that_reminder_next_morning(
    task, officer, chair, police
):
    assert chase(dt.date(2024, 2, 16)) == (2, 0)  # 1 day left on 19/02
    # extended after that run to Wednesday 21/02: 3 working days left on 16/02, 2 on 19/02 —
    # the 3-day stage was under way at the last run, but this part never had it
    extend(task, officer, chair, police, on=at(dt.date(2024, 2, 16), 9), to=dt.date(2024, 2, 21))
    assert chase(dt.date(2024, 2, 19)) == (2, 0)
    [notice] = Notification.objects.filter(recipient=officer, kind="reminder", period="2024-02-19")
    [item] = notice.sections[0]["items"]
    assert (notice.sections[0]["group"], item["due"], item["days"]) == ("due_soon", "2024-02-21", 2)
    assert chase(dt.date(2024, 2, 20)) == (2, 0)  # and the 1-day stage on its day


def test_a_deadline_extended_into_a_stage_under_way_is_reminded_of_it_once(
    task, officer, chair, police, committee
):
    committee.reminder_working_days = "5,1"  # a stage five working days long
    committee.save()
    chase(dt.date(2024, 2, 16))  # 1 day left on 19/02
    # to Friday 23/02: 5 working days left on 16/02, 4 on 19/02, 3 on 20/02, 2 on 21/02
    extend(task, officer, chair, police, on=at(dt.date(2024, 2, 16), 9), to=dt.date(2024, 2, 23))
    for day in days(dt.date(2024, 2, 19), dt.date(2024, 2, 23)):
        chase(day)
    assert groups(recipient=officer) == [
        (dt.date(2024, 2, 16), "reminder", "canbo.ca", {"due_soon": 1}),
        (dt.date(2024, 2, 19), "reminder", "canbo.ca", {"due_soon": 1}),  # the 5-day stage
        (dt.date(2024, 2, 22), "reminder", "canbo.ca", {"due_soon": 1}),  # the 1-day stage
        (dt.date(2024, 2, 23), "reminder", "canbo.ca", {"due_today": 1}),
    ]


def test_committee_settings_change_the_thresholds(task, committee):
    committee.reminder_working_days = "5"
    committee.escalate_after_working_days = 2
    committee.save()
    assert chase(dt.date(2024, 2, 5)) == (2, 0)  # 5 working days left
    assert chase(dt.date(2024, 2, 7)) == (0, 0)  # 3 left: no such stage here
    assert chase(dt.date(2024, 2, 21)) == (1, 2)  # 2 working days overdue: escalated


def test_an_administrators_day_off_moves_the_reminder(task):
    CalendarDay.objects.create(date=dt.date(2024, 2, 16), kind="day_off", note="Nghỉ bù")
    workdays.clear_cache()
    try:
        # 16/02 is now off: the deadline's last working day before is 15/02 (1 left)
        assert chase(dt.date(2024, 2, 16)) == (0, 0)
        assert chase(dt.date(2024, 2, 15)) == (2, 0)
        [notice] = Notification.objects.filter(recipient__username="canbo.ca", kind="reminder")
        assert notice.sections[0]["items"][0]["days"] == 1
    finally:
        CalendarDay.objects.all().delete()
        workdays.clear_cache()


@pytest.fixture
def owed(make_task, people, police):
    """The police owe three parts on Monday 19/02/2024: one 3 working days late, one due
    today, one due in 3 working days."""
    with time_machine.travel(at(dt.date(2024, 2, 1)), tick=False):
        return [
            make_task(deadline=dt.date(2024, 2, 6), title="Báo cáo tháng 1"),
            make_task(deadline=DEADLINE, title="Kiểm tra chợ biên giới"),
            make_task(deadline=dt.date(2024, 2, 22), title="Tuần tra tuyến biển"),
        ]


@pytest.mark.vietnamese
def test_the_head_gets_one_notice_in_vietnamese_listing_every_part(owed, head, police):
    late, today, soon = owed
    assert chase(dt.date(2024, 2, 19))[0] == 2  # the officer and the head, once each
    notice = Notification.objects.get(recipient=head, kind="reminder")
    assert notice.title == (
        "Nhắc hạn ngày 19/02/2024: 1 việc quá hạn, 1 việc đến hạn hôm nay, 1 việc sắp đến hạn"
    )
    assert notice.body.splitlines() == [
        "Quá hạn: 1 việc",
        f"- {late} (01/TB-VPUBND) – hạn 06/02/2024, quá hạn 4 ngày làm việc",
        f"  http://127.0.0.1:8000/work/tasks/{late.pk}/",
        "",
        "Đến hạn hôm nay: 1 việc",
        f"- {today} (02/TB-VPUBND) – đến hạn hôm nay, 19/02/2024",
        f"  http://127.0.0.1:8000/work/tasks/{today.pk}/",
        "",
        "Sắp đến hạn: 1 việc",
        f"- {soon} (03/TB-VPUBND) – hạn 22/02/2024, còn 3 ngày làm việc",
        f"  http://127.0.0.1:8000/work/tasks/{soon.pk}/",
    ]
    # the officer is not told of what is overdue: the head is
    officer_notice = Notification.objects.get(recipient__username="canbo.ca", kind="reminder")
    assert [s["group"] for s in officer_notice.sections] == ["due_today", "due_soon"]


def test_an_english_reader_gets_the_same_notice_in_english(owed, head):
    head.language = "en"
    head.save()
    chase(dt.date(2024, 2, 19))
    notice = Notification.objects.get(recipient=head, kind="reminder")
    assert notice.title == "Deadlines on 19/02/2024: 1 overdue, 1 due today, 1 due soon"
    assert "Overdue: 1 item" in notice.body
    assert "4 working days overdue" in notice.body
    assert "in 3 working days" in notice.body


@pytest.mark.vietnamese
def test_many_parts_are_counted_and_the_first_ones_listed(make_task, people, head, police):
    with time_machine.travel(at(dt.date(2024, 2, 1)), tick=False):
        tasks = [
            make_task(deadline=dt.date(2024, 2, 5) - dt.timedelta(days=n), title=f"Việc {n}")
            for n in range(LIST_LIMIT + 3)
        ]
    chase(dt.date(2024, 2, 19))
    notice = Notification.objects.get(recipient=head, kind="reminder")
    [section] = notice.sections
    assert section["count"] == LIST_LIMIT + 3
    # the most overdue first
    listed = [item["due"] for item in section["items"]]
    assert len(listed) == LIST_LIMIT and listed == sorted(listed)
    assert listed[0] == tasks[-1].deadline.isoformat()
    assert notice.title.endswith(f"{LIST_LIMIT + 3} việc quá hạn")
    assert "… và 3 việc khác http://127.0.0.1:8000/work/?status=overdue&role=lead" in notice.body


@pytest.mark.vietnamese
def test_the_notifications_page_shows_the_notice_grouped_with_links(owed, head, client):
    chase(dt.date(2024, 2, 19))
    late = owed[0]
    client.force_login(head)
    page = client.get("/notifications/").content.decode()
    assert "Quá hạn: 1 việc" in page
    assert "Sắp đến hạn: 1 việc" in page
    assert f'<a href="/work/tasks/{late.pk}/">{late} (01/TB-VPUBND) – hạn 06/02/2024' in page


def test_the_first_tick_costs_the_same_queries_for_10_or_60_tasks(
    db, committee, police, border_guard, officer, head, chair
):
    monday = at(dt.date(2021, 1, 4), 9)

    def first_tick(rows):
        make_bulk_tasks(
            committee, lead=police, coordinating=border_guard, officer=officer, rows=rows
        )
        Notification.objects.all().delete()
        OutboxEmail.objects.all().delete()
        Heartbeat.objects.all().delete()
        # The tick also writes each newly overdue part's "deadline passed" entry: 10, then 50.
        with time_machine.travel(monday, tick=False):
            with CaptureQueriesContext(connection) as captured:
                tick.run_tick()
        return len(captured.captured_queries)

    few = first_tick(10)
    overdue_before = Notification.objects.get(recipient=head, kind="reminder").sections[0]["count"]
    many = first_tick(50)  # 60 tasks in all
    overdue_after = Notification.objects.get(recipient=head, kind="reminder").sections[0]["count"]
    assert overdue_after > overdue_before + 30
    assert many == few


def test_reminder_queries_are_bounded(make_task, people, django_assert_max_num_queries):
    with time_machine.travel(at(dt.date(2024, 2, 1)), tick=False):
        for n in range(12):
            make_task(deadline=DEADLINE - dt.timedelta(days=n * 3))
    with django_assert_max_num_queries(40):  # the two jobs, their records and claims
        reminders, escalations = chase(dt.date(2024, 2, 16))
    assert reminders == 2 and escalations == 2


def test_reminding_extended_parts_costs_the_same_queries_for_2_or_10(
    make_task, people, officer, chair, police
):
    def reminded(count):
        with time_machine.travel(at(dt.date(2024, 2, 1)), tick=False):
            tasks = [make_task(deadline=DEADLINE, title=f"Tuần tra {n}") for n in range(count)]
        for task in tasks:
            extend(
                task,
                officer,
                chair,
                police,
                on=at(dt.date(2024, 2, 16), 9),
                to=dt.date(2024, 2, 21),
            )
        Notification.objects.all().delete()
        monday = at(dt.date(2024, 2, 19))
        with time_machine.travel(monday, tick=False), CaptureQueriesContext(connection) as captured:
            send_reminders(monday, since=at(dt.date(2024, 2, 16)))
        notice = Notification.objects.get(recipient=officer, kind="reminder")
        return len(captured.captured_queries), notice.sections[0]["count"]

    few, listed_few = reminded(2)
    many, listed_many = reminded(8)
    assert (listed_few, listed_many) == (2, 10)
    assert many == few


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
    mine = sent(recipient__agency=police) + sent(recipient=chair)
    # the police are still reminded, due today, overdue and escalated on their own deadline
    assert (dt.date(2024, 2, 16), "reminder", "canbo.ca", {"due_soon": (1, [police_key])}) in mine
    assert (
        dt.date(2024, 2, 19),
        "reminder",
        "lanhdao.ca",
        {"due_today": (1, [police_key])},
    ) in mine
    assert (dt.date(2024, 2, 20), "reminder", "lanhdao.ca", {"overdue": (1, [police_key])}) in mine
    assert (
        dt.date(2024, 2, 26),
        "escalation",
        "truongban",
        {"long_overdue": (1, [police_key])},
    ) in mine
    # the border guard's part is due 04/03: nothing before its 3-day reminder on 28/02
    assert sent(recipient__agency=border_guard) == []
    chase(dt.date(2024, 2, 28))
    [(_day, _kind, _who, guard)] = groups(recipient__agency=border_guard, kind="reminder")[:1]
    assert guard == {"due_soon": 1}
    escalation = Notification.objects.get(kind="escalation", recipient=chair)
    assert "Công an tỉnh" in escalation.body  # whose part is long overdue


def test_one_lead_reporting_does_not_stop_the_others_reminders(
    two_leads, police, border_guard, officer, head
):
    with time_machine.travel(at(dt.date(2024, 2, 2)), tick=False):
        mine = actions.acknowledge(part(two_leads, police), by=officer)
        mine = actions.submit_report(mine, by=officer, text="Đã hoàn thành").assignment
        actions.sign_off_report(mine, by=head)
    chase(dt.date(2024, 2, 20))
    assert set(
        Notification.objects.filter(kind="reminder").values_list("recipient__username", flat=True)
    ) == {"lanhdao.bdbp"}


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


@pytest.mark.vietnamese
def test_readers_of_two_languages_in_one_run_each_get_theirs_and_a_title_is_kept_verbatim(
    make_task, people, head
):
    head.language = "en"
    head.save()
    title = "Giảm 50% thủ tục (%(item)s)"
    with time_machine.travel(at(dt.date(2024, 2, 1)), tick=False):
        make_task(deadline=dt.date(2024, 2, 22), title=title)
    chase(dt.date(2024, 2, 19))  # 3 working days left: the officer and the head
    english = Notification.objects.get(recipient=head, kind="reminder")
    vietnamese = Notification.objects.get(recipient__username="canbo.ca", kind="reminder")
    assert title in english.body and "due 22/02/2024, in 3 working days" in english.body
    assert title in vietnamese.body and "hạn 22/02/2024, còn 3 ngày làm việc" in vietnamese.body


def test_a_backlog_bigger_than_a_run_is_logged_most_overdue_first_over_several_runs(make_task):
    with time_machine.travel(at(dt.date(2024, 2, 1)), tick=False):
        tasks = [
            make_task(deadline=dt.date(2024, 2, day), title=f"Việc {day}") for day in (7, 2, 6, 5)
        ]
    with time_machine.travel(at(dt.date(2024, 2, 20), 1), tick=False):
        assert [record_new_overdue(limit=3), record_new_overdue(limit=3)] == [3, 1]
        assert record_new_overdue(limit=3) == 0
    logged = TaskEvent.objects.filter(kind="overdue").order_by("pk").values_list("task", flat=True)
    assert list(logged) == [tasks[1].pk, tasks[3].pk, tasks[2].pk, tasks[0].pk]  # 2, 5, 6, 7/02
