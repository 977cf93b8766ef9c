"""The deadline timer: fired by the periodic job (viewflow's workflow_timers), it marks the open
step overdue and logs it once per deadline; it sends nothing (tasks/reminders.py does)."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from viewflow.workflow.status import STATUS
from viewflow.workflow.timers import fire_due_timers

from documents.actions import register_directive
from tasks import actions as task_actions
from tasks.actions import create_task
from tasks.deadlines import VIETNAM
from tasks.models import TaskEvent
from workflows.flows import TaskFlow
from workflows.services import complete_step

from .conftest import dispatch_flow, open_step

pytestmark = pytest.mark.django_db

BEFORE = dt.datetime(2020, 11, 2, 9, 0, tzinfo=VIETNAM)
AFTER = dt.datetime(2021, 1, 4, 9, 0, tzinfo=VIETNAM)


def overdue_notes(task):
    return list(
        TaskEvent.objects.filter(
            task=task, kind="comment", note__startswith="Deadline passed"
        ).values_list("note", flat=True)
    )


def test_timer_marks_the_open_step_overdue_once(draft_directive, secretariat, chair, officer):
    with time_machine.travel(BEFORE, tick=False):
        dispatch_flow(draft_directive, secretariat, chair)
        task = draft_directive.tasks.get(ref="II.2")
        assert fire_due_timers() == 0
        assert overdue_notes(task) == []

    with time_machine.travel(AFTER, tick=False):
        assert fire_due_timers() == 2  # one per task of the directive
        notes = overdue_notes(task)
        assert notes == [
            "Deadline passed while the step “Acknowledge and name the officer” was still open; "
            "escalated."
        ]
        step = open_step(task.process, TaskFlow.acknowledge)
        assert step.data["overdue"] is True
        assert mail.outbox == []

        # The agency acts late: the next step is armed with the same (past) deadline, but the
        # escalation is not recorded twice.
        complete_step(
            step, by=officer, perform=lambda: task_actions.acknowledge_task(task, by=officer)
        )
        fire_due_timers()
        assert len(overdue_notes(task)) == 1


def test_report_in_on_time_is_not_escalated(draft_directive, secretariat, chair, officer):
    with time_machine.travel(BEFORE, tick=False):
        dispatch_flow(draft_directive, secretariat, chair)
        task = draft_directive.tasks.get(ref="II.2")
        process = task.process
        complete_step(
            open_step(process, TaskFlow.acknowledge),
            by=officer,
            perform=lambda: task_actions.acknowledge_task(task, by=officer),
        )
        complete_step(
            open_step(process, TaskFlow.report),
            by=officer,
            perform=lambda: task_actions.submit_report(task, by=officer, text="Xong"),
        )
    with time_machine.travel(AFTER, tick=False):
        fire_due_timers()
        assert overdue_notes(task) == []  # the review step has no deadline timer


def test_task_without_deadline_keeps_its_timer_unscheduled(committee, secretariat, chair, police):
    directive = register_directive(
        committee,
        by=secretariat,
        number="27/KH-BCĐ389",
        doc_type="KH",
        subject="Kế hoạch cao điểm đấu tranh chống buôn lậu",
        issued_on=dt.date(2020, 10, 7),
    )
    task = create_task(
        directive,
        by=secretariat,
        title="Tuần tra thường xuyên trên biển",
        lead=[police],
        deadline=None,
        deadline_text="thường xuyên",
    )
    with time_machine.travel(BEFORE, tick=False):
        dispatch_flow(directive, secretariat, chair)
    timer = task.process.task_set.get(flow_task=TaskFlow.acknowledge_deadline)
    assert timer.status == STATUS.SCHEDULED and timer.scheduled is None
    with time_machine.travel(AFTER, tick=False):
        assert fire_due_timers() == 0
