"""`manage.py tick`: every periodic job once, safe to repeat, to race, and after downtime."""

import datetime as dt
import io
import threading
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection

from chasing import tick as tick_module
from chasing.models import Notification
from chasing.runner import tick_forever
from reporting.models import ReportingObligation, ReportSubmission
from tests.factories import UserFactory

VN = ZoneInfo("Asia/Ho_Chi_Minh")
DEADLINE = dt.date(2024, 2, 19)


def at(day, hour=8):
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=VN)


def run_tick_command():
    out = io.StringIO()
    call_command("tick", stdout=out)
    return out.getvalue().splitlines()


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
def overdue_and_due_tasks(make_task, officer, head, chair, secretariat):
    officer.email = "canbo.ca@example.vn"
    officer.save()
    chair.email = "truongban@example.vn"
    chair.save()
    with time_machine.travel(at(dt.date(2024, 2, 1)), tick=False):
        return [
            make_task(deadline=DEADLINE, title="Kiểm tra chợ biên giới"),
            make_task(deadline=dt.date(2024, 1, 31), title="Báo cáo kết quả tháng 1"),
        ]


def test_tick_prints_one_line_per_job_and_a_second_run_sends_nothing(
    overdue_and_due_tasks, django_capture_on_commit_callbacks
):
    with time_machine.travel(at(dt.date(2024, 2, 16)), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            first = run_tick_command()
        with django_capture_on_commit_callbacks(execute=True):
            second = run_tick_command()
    # No job moves a workflow: each flow is the one writer of what it routes.
    assert [line.split(":")[0] for line in first] == [
        "obligations",
        "overdue",
        "reminders",
        "escalations",
        "digests",
        "outbox",
        "access_log",
        "notification_archive",
        "exports",
    ]
    # the second task's part is past its deadline: recorded in its history once
    assert "overdue: 1 lead parts newly overdue" in first
    assert "overdue: 0 lead parts newly overdue" in second
    # one notice each to the officer (1 day left on the first task) and the head (that, and the
    # second, 12 working days overdue)
    assert "reminders: 2 sent" in first
    # chair and standing office, once
    assert "escalations: 2 sent" in first
    assert "reminders: 0 sent" in second
    assert "escalations: 0 sent" in second
    chased = Notification.objects.filter(kind__in=["reminder", "escalation"])
    assert chased.count() == 4
    # e-mailed once each, one message per person, to those who have an address (the
    # standing office has none here); the head's one notice lists both tasks
    assert sorted(m.to[0] for m in mail.outbox) == [
        "canbo.ca@example.vn",
        "lanhdao.ca@example.vn",
        "truongban@example.vn",
    ]
    head_mail = next(m for m in mail.outbox if m.to == ["lanhdao.ca@example.vn"])
    assert head_mail.subject == "Deadlines on 16/02/2024: 1 overdue, 1 due soon"
    assert "Kiểm tra chợ biên giới" in head_mail.body
    assert "Báo cáo kết quả tháng 1" in head_mail.body
    assert chased.filter(emailed_at__isnull=False).count() == 3


def test_email_is_sent_only_after_the_claim_commits(
    overdue_and_due_tasks, django_capture_on_commit_callbacks, monkeypatch
):
    # The tick runs in autocommit in production; here the test's transaction never commits,
    # so the outbox job (which sends committed rows: tests/chasing) would see uncommitted ones.
    monkeypatch.setattr(tick_module, "JOBS", [j for j in tick_module.JOBS if j[0] != "outbox"])
    with time_machine.travel(at(dt.date(2024, 2, 16)), tick=False):
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            run_tick_command()
        assert mail.outbox == []  # nothing has committed yet
        for callback in callbacks:
            callback()
    assert len(mail.outbox) == 3


def test_three_days_off_catch_up_without_a_flood(overdue_and_due_tasks, committee, police):
    obligation = ReportingObligation.objects.create(
        committee=committee,
        name="Báo cáo tháng",
        frequency="month",
        starts_on=dt.date(2024, 2, 1),
    )
    obligation.members.add(police)
    with time_machine.travel(at(dt.date(2024, 2, 12)), tick=False):  # Tết: only periods
        run_tick_command()
    # the server is off from Tuesday 13/02 to Thursday 15/02 (and Tết anyway)
    with time_machine.travel(at(dt.date(2024, 2, 16)), tick=False):
        lines = run_tick_command()
    # one notice each: the officer's lists the task's and the monthly report's 1-day reminders,
    # the head's those and the overdue task
    assert "reminders: 2 sent" in lines
    assert "escalations: 2 sent" in lines
    notices = {
        n.recipient.username: {
            s["group"]: [i["key"].split(":")[0] for i in s["items"]] for s in n.sections
        }
        for n in Notification.objects.filter(kind="reminder")
    }
    assert notices == {
        "canbo.ca": {"due_soon": ["assignment", "submission"]},
        "lanhdao.ca": {"overdue": ["assignment"], "due_soon": ["assignment", "submission"]},
    }
    # today's notices only, none for the days missed
    assert not Notification.objects.filter(period__in=["2024-02-13", "2024-02-14", "2024-02-15"])
    # the monthly report for 15/01–14/02 was created on the first tick, on 12/02, with its
    # deadline three working days after the cut-off (Tết skipped): Monday 19/02
    submission = ReportSubmission.objects.select_related("period").get(period__index=2)
    assert submission.period.due_on == dt.date(2024, 2, 19)


def test_one_failing_job_does_not_stop_the_others(overdue_and_due_tasks, monkeypatch):
    def broken(now):
        raise RuntimeError("the reporting tables are locked")

    monkeypatch.setattr(
        tick_module,
        "JOBS",
        [(name, broken if name == "obligations" else job) for name, job in tick_module.JOBS],
    )
    with time_machine.travel(at(dt.date(2024, 2, 16)), tick=False):
        out = io.StringIO()
        with pytest.raises(CommandError):
            call_command("tick", stdout=out)
    lines = out.getvalue().splitlines()
    assert "obligations: failed: RuntimeError: the reporting tables are locked" in lines
    assert "reminders: 2 sent" in lines


def test_the_embedded_ticker_survives_errors_and_stops_cleanly(monkeypatch):
    calls = []

    def flaky_tick():
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("database is locked")
        return True

    monkeypatch.setattr("chasing.runner.run_tick_once", flaky_tick)
    monkeypatch.setattr(connection, "close", lambda: None)
    stop = threading.Event()
    thread = threading.Thread(target=tick_forever, args=(stop, 0.01, 0.0))
    thread.start()
    for _ in range(200):
        if len(calls) >= 3:
            break
        threading.Event().wait(0.01)
    stop.set()
    thread.join(timeout=2)
    assert len(calls) >= 3
    assert not thread.is_alive()


def test_celery_task_runs_the_same_tick(overdue_and_due_tasks):
    from chasing.celery_tasks import tick

    with time_machine.travel(at(dt.date(2024, 2, 16)), tick=False):
        lines = tick.apply().get()
    assert "reminders: 2 sent" in lines


def test_celery_beat_runs_the_tick_every_minute(db):
    from django_celery_beat.models import PeriodicTask

    beat = PeriodicTask.objects.get(task="tasks.tick")
    assert beat.enabled
    assert (beat.interval.every, beat.interval.period) == (1, "minutes")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("ticks", [2, 5])
def test_ticks_racing_send_each_message_once(
    make_task, committee, police, border_guard, officer, head, chair, secretariat, ticks
):
    officer.email = "canbo.ca@example.vn"
    officer.save()
    ReportingObligation.objects.create(
        committee=committee,
        name="Báo cáo tháng",
        frequency="month",
        starts_on=dt.date(2024, 3, 1),
    )
    with time_machine.travel(at(dt.date(2024, 2, 1)), tick=False):
        for n in range(5):
            make_task(deadline=DEADLINE, title=f"Nhiệm vụ {n}")
            make_task(deadline=dt.date(2024, 1, 31), title=f"Nhiệm vụ quá hạn {n}")
    barrier = threading.Barrier(ticks)
    results = []

    def run():
        try:
            barrier.wait()
            results.append(tick_module.run_tick())
        finally:
            connection.close()

    with time_machine.travel(at(dt.date(2024, 3, 1)), tick=False):  # obligations race too
        threads = [threading.Thread(target=run) for _ in range(ticks)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    # the March period (15/02–14/03) once, one report per member
    assert ReportSubmission.objects.count() == 2
    results.clear()
    mail.outbox.clear()
    Notification.objects.all().delete()
    with time_machine.travel(at(dt.date(2024, 2, 16)), tick=False):
        threads = [threading.Thread(target=run) for _ in range(ticks)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert all(result.ok for run_results in results for result in run_results), results
    sent = {
        name: sum(int(r.summary.split()[0]) for rs in results for r in rs if r.name == name)
        for name in ("reminders", "escalations")
    }
    # one notice to the officer and one to the head, listing the 5 tasks due and (the head's)
    # the 5 overdue; one each to the chair and the standing office
    assert sent == {"reminders": 2, "escalations": 2}
    assert Notification.objects.count() == 4
    head = Notification.objects.get(recipient__username="lanhdao.ca")
    assert [(s["group"], s["count"]) for s in head.sections] == [("overdue", 5), ("due_soon", 5)]
    # the officer's and the head's notifications, each e-mailed once
    assert Notification.objects.filter(emailed_at__isnull=False).count() == 2
    for notification in Notification.objects.filter(email_wanted=True).select_related("recipient"):
        mailed = "\n".join(
            m.subject + "\n" + m.body for m in mail.outbox if m.to == [notification.recipient.email]
        )
        assert mailed.count(notification.title) == 1, notification.title
