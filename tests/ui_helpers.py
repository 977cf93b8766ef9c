"""Fast bulk data for the UI tests' query-count checks (10 and 200 rows)."""

import datetime as dt

from django.db.models import Max

from documents.models import Directive
from tasks.deadlines import deadline_end
from tasks.models import Extension, Task, TaskAssignment, TaskReport

from .factories import DirectiveFactory

# Each lead agency's part goes through every state it can be in; the task follows its leads.
PART_STATES = [
    "assigned",
    "in_progress",
    "awaiting_head",
    "reported",
    "returned",
    "accepted",
]


def make_bulk_tasks(
    committee,
    *,
    lead,
    coordinating,
    officer,
    rows: int,
    directives: int = 5,
    second_lead=None,
) -> list[Task]:
    """`rows` dispatched tasks over a few issued directives: each lead's part in every state,
    some overdue, some extended, with result reports (pending, awaiting the head), a
    co-ordinator's contributions and extension requests. Sight comes from the assignments
    alone: no permission rows."""
    start = Directive.objects.aggregate(n=Max("number"))["n"] or 0
    docs = [
        DirectiveFactory(committee=committee, state="issued", number=9000 + start + i)
        for i in range(directives)
    ]
    now = dt.datetime(2021, 1, 1, tzinfo=dt.UTC)
    tasks = []
    for i in range(rows):
        done = PART_STATES[i % len(PART_STATES)] == "accepted" and second_lead is None
        task = Task(
            directive=docs[i % directives],
            ref=f"{i + 1}",
            position=i,
            title=f"Nhiệm vụ kiểm tra số {i + 1}",
            state="completed" if done else "assigned",
            assigned_at=now,
            completed_at=now if done else None,
        )
        task.set_deadline(dt.date(2020, 11, 1) + dt.timedelta(days=i % 150))
        tasks.append(task)
    tasks = Task.objects.bulk_create(tasks)
    parts = []
    for i, task in enumerate(tasks):
        state = PART_STATES[i % len(PART_STATES)]
        leads = [lead] if second_lead is None else [lead, second_lead]
        for agency in leads:
            part = TaskAssignment.for_task(
                task,
                agency=agency,
                role="lead",
                state=state,
                officer=officer if state != "assigned" and agency == lead else None,
                assigned_at=now,
                original_deadline=task.deadline,
            )
            deadline = task.deadline
            if i % 7 == 3:  # an extended deadline
                deadline = task.deadline + dt.timedelta(days=30)
            part.deadline, part.due_at = deadline, deadline_end(deadline)
            if state in ("reported", "accepted"):
                part.reported_at = now
            if state == "accepted":
                part.result_reported_at = now
                part.accepted_at = now
            parts.append(part)
        parts.append(
            TaskAssignment.for_task(
                task,
                agency=coordinating,
                role="coordinating",
                state="assigned",
            )
        )
    parts = TaskAssignment.objects.bulk_create(parts)
    by_task = {p.task_id: p for p in parts if p.role == "lead" and p.agency_id == lead.pk}
    contributors = {p.task_id: p for p in parts if p.role == "coordinating"}
    outcomes = {"reported": "pending", "awaiting_head": "awaiting_head", "accepted": "accepted"}
    TaskReport.objects.bulk_create(
        [
            TaskReport(
                task_id=task_id,
                assignment=part,
                kind="result",
                agency=lead,
                text="Báo cáo kết quả",
                submitted_by=officer,
                outcome=outcomes[part.state],
            )
            for task_id, part in by_task.items()
            if part.state in outcomes
        ]
        + [
            TaskReport(
                task_id=task_id,
                assignment=part,
                kind="contribution",
                agency=coordinating,
                text="Số liệu phối hợp",
                submitted_by=officer,
                outcome="noted",
            )
            for task_id, part in list(contributors.items())[::3]
        ]
    )
    Extension.objects.bulk_create(
        [
            Extension(
                task_id=task_id,
                assignment=part,
                agency=lead,
                requested_by=officer,
                current_deadline=part.deadline,
                requested_deadline=part.deadline + dt.timedelta(days=30),
                reason="Chờ số liệu",
            )
            for task_id, part in by_task.items()
            if part.state == "in_progress"
        ][: max(1, rows // 10)]
    )
    # Written behind the actions' back: bring the tasks' stored summary of their leads up to date.
    Task.objects.filter(pk__in=[t.pk for t in tasks]).refresh_lead_summary()
    return tasks
