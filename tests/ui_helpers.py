"""Fast bulk data for the UI tests' query-count checks (10 and 200 rows)."""

import datetime as dt

from agencies import permissions as perms
from documents.models import Directive, DirectiveGroupObjectPermission
from tasks.models import (
    Extension,
    Task,
    TaskAssignment,
    TaskGroupObjectPermission,
    TaskReport,
)

from .factories import DirectiveFactory

STATES = ["assigned", "in_progress", "reported", "returned", "completed"]


def make_bulk_tasks(
    committee, *, lead, support, officer, rows: int, directives: int = 5
) -> list[Task]:
    """`rows` dispatched tasks over a few issued directives, in every state, some overdue,
    with reports, extension requests and the agencies' permission rows."""
    docs = [
        DirectiveFactory(
            committee=committee, state="issued", number=9000 + i + Directive.objects.count()
        )
        for i in range(directives)
    ]
    now = dt.datetime(2021, 1, 1, tzinfo=dt.UTC)
    tasks = []
    for i in range(rows):
        state = STATES[i % len(STATES)]
        task = Task(
            directive=docs[i % directives],
            ref=f"{i + 1}",
            position=i,
            title=f"Nhiệm vụ kiểm tra số {i + 1}",
            state=state,
            assigned_at=now,
            officer=officer if state != "assigned" else None,
        )
        task.set_deadline(dt.date(2020, 11, 1) + dt.timedelta(days=i % 150))
        if state in ("reported", "completed"):
            task.reported_at = now
        if state == "completed":
            task.result_reported_at = now
            task.completed_at = now
        tasks.append(task)
    tasks = Task.objects.bulk_create(tasks)
    TaskAssignment.objects.bulk_create(
        [TaskAssignment(task=t, agency=lead, role="lead") for t in tasks]
        + [TaskAssignment(task=t, agency=support, role="support") for t in tasks]
    )
    lead_perms = perms._permissions("tasks.task", perms.LEAD_PERMISSIONS)
    support_perms = perms._permissions("tasks.task", perms.SUPPORT_PERMISSIONS)
    TaskGroupObjectPermission.objects.bulk_create(
        [
            TaskGroupObjectPermission(group_id=lead.group_id, permission=p, content_object=t)
            for t in tasks
            for p in lead_perms
        ]
        + [
            TaskGroupObjectPermission(group_id=support.group_id, permission=p, content_object=t)
            for t in tasks
            for p in support_perms
        ]
    )
    view_directive = perms._permissions("documents.directive", ("view_directive",))
    DirectiveGroupObjectPermission.objects.bulk_create(
        [
            DirectiveGroupObjectPermission(group_id=agency.group_id, permission=p, content_object=d)
            for d in docs
            for agency in (lead, support)
            for p in view_directive
        ]
    )
    TaskReport.objects.bulk_create(
        [
            TaskReport(
                task=t, kind="result", agency=lead, text="Báo cáo kết quả", submitted_by=officer
            )
            for t in tasks
            if t.state == "reported"
        ]
    )
    Extension.objects.bulk_create(
        [
            Extension(
                task=t,
                agency=lead,
                requested_by=officer,
                current_deadline=t.deadline,
                requested_deadline=t.deadline + dt.timedelta(days=30),
                reason="Chờ số liệu",
            )
            for t in tasks
            if t.state == "in_progress"
        ][: max(1, rows // 10)]
    )
    return tasks
