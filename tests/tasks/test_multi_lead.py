import datetime as dt
import pytest
import time_machine
from tasks import actions
from tasks.models import TaskAssignment, Task
from tasks.deadlines import VIETNAM
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

def test_multi_lead(make_task, police, border_guard, secretariat, officer, committee):
    bg_officer = UserFactory(username="bg", role="agency_officer", committee=committee, agency=border_guard)
    committee.reports_need_head_approval = False
    committee.save()
    with time_machine.travel(dt.datetime(2020, 11, 1, 9, tzinfo=VIETNAM)):
        task = make_task(lead=[police, border_guard], coordinating=[])
        ca = TaskAssignment.objects.get(task=task, agency=police)
        assert ca.state == "assigned" and ca.deadline == dt.date(2020, 12, 31)
        ca = actions.acknowledge(ca, by=officer)
        ca = actions.submit_report(ca, by=officer, text="xong").assignment
        actions.accept_report(ca, by=secretariat)
        task.refresh_from_db()
        assert task.state == "assigned"
        figures = TaskAssignment.objects.filter(task=task).timeliness_summary(by="agency")
        assert figures[police.pk].done_on_time == 1
        assert figures[border_guard.pk].done_on_time == 0
        assert Task.objects.filter(pk=task.pk).with_timeliness().get().timeliness == "open_on_time"
    with time_machine.travel(dt.datetime(2021, 1, 5, 9, tzinfo=VIETNAM)):
        assert Task.objects.filter(pk=task.pk).with_timeliness().get().timeliness == "open_overdue"
        bg = TaskAssignment.objects.get(task=task, agency=border_guard)
        bg = actions.acknowledge(bg, by=bg_officer)
        bg = actions.submit_report(bg, by=bg_officer, text="xong").assignment
        actions.accept_report(bg, by=secretariat)
        task.refresh_from_db()
        assert task.state == "completed"
        t = Task.objects.filter(pk=task.pk).with_timeliness().get()
        assert t.timeliness == "done_late"
