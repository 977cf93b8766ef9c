"""A tick after the day's chasing is done reads the record of each daily job, not every open
part: the embedded server and Celery beat run it every minute, with a million tasks."""

import datetime as dt

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chasing.models import Notification
from chasing.tick import run_tick
from tasks.deadlines import VIETNAM
from tests.ui_helpers import make_bulk_tasks


def test_the_second_tick_of_a_day_scans_nothing_and_the_next_day_chases_again(
    db, committee, police, border_guard, officer
):
    make_bulk_tasks(committee, lead=police, coordinating=border_guard, officer=officer, rows=40)
    monday = dt.datetime(2021, 1, 4, 9, 0, tzinfo=VIETNAM)
    with time_machine.travel(monday, tick=False):
        run_tick()
    sent = Notification.objects.count()
    assert sent > 0
    with time_machine.travel(monday + dt.timedelta(minutes=1), tick=False):
        with CaptureQueriesContext(connection) as captured:
            lines = run_tick()
    assert all(line.ok for line in lines)
    assert not any("tasks_taskassignment" in q["sql"] for q in captured.captured_queries)
    assert len(captured.captured_queries) <= 15
    assert Notification.objects.count() == sent
    with time_machine.travel(monday + dt.timedelta(days=1), tick=False):
        run_tick()
    assert Notification.objects.count() > sent  # Tuesday's overdue notices
