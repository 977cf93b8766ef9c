"""Each lead agency's part takes the state its task had (on a shared task that was reported,
only the lead that reported takes "reported"; the others are still working); the task keeps only its own
lifecycle (draft, under way, completed, cancelled). Extensions and reports point at the part
they belong to. Visibility now follows from the assignments, so the per-task and per-directive
group grants that copied them are removed."""

from django.db import migrations

TASK_TO_PART = {
    "draft": "draft",
    "assigned": "assigned",
    "in_progress": "in_progress",
    "reported": "reported",
    "returned": "returned",
    "completed": "accepted",
    "cancelled": "cancelled",
}
OPEN_ON_TASK = ("in_progress", "reported", "returned")


def forwards(apps, schema_editor):
    Task = apps.get_model("tasks", "Task")
    TaskAssignment = apps.get_model("tasks", "TaskAssignment")
    Extension = apps.get_model("tasks", "Extension")
    TaskReport = apps.get_model("tasks", "TaskReport")
    TaskAssignment.objects.filter(role="support").update(role="coordinating")
    for task in Task.objects.all().iterator(chunk_size=2000):
        officer_agency = None
        if task.officer_id:
            officer_agency = (
                apps.get_model("agencies", "User")
                .objects.filter(pk=task.officer_id)
                .values_list("agency_id", flat=True)
                .first()
            )
        leads = list(TaskAssignment.objects.filter(task=task, role="lead").order_by("id"))
        officer_part = next((a for a in leads if a.agency_id == officer_agency), None)
        if officer_part is None and leads:
            officer_part = leads[0]
        part_state = TASK_TO_PART[task.state]
        # A shared task "reported" or "returned" was reported by one lead, not all of them:
        # only a lead with a result report of its own takes that state; the others are still
        # working (they must not be credited with another agency's report).
        reporters = set(
            TaskReport.objects.filter(task=task, kind="result").values_list("agency_id", flat=True)
        )
        for part in leads:
            own_state, reported_at = part_state, task.reported_at
            if task.state in ("reported", "returned") and len(leads) > 1:
                if part.agency_id not in reporters:
                    own_state, reported_at = "in_progress", None
            # update(), not save(): the state fields are protected even on historical models.
            TaskAssignment.objects.filter(pk=part.pk).update(
                state=own_state,
                deadline=task.deadline,
                due_at=task.due_at,
                original_deadline=task.original_deadline or task.deadline,
                assigned_at=task.assigned_at,
                acknowledged_at=task.acknowledged_at,
                reported_at=reported_at,
                result_reported_at=task.result_reported_at,
                accepted_at=task.completed_at if task.state == "completed" else None,
                officer_id=task.officer_id if part is officer_part else None,
            )
        other_state = {"draft": "draft", "cancelled": "cancelled"}.get(task.state, "assigned")
        TaskAssignment.objects.filter(task=task, role="coordinating").update(state=other_state)
        if task.state in OPEN_ON_TASK:
            Task.objects.filter(pk=task.pk).update(state="assigned")
        for model in (Extension, TaskReport):
            rows = model.objects.filter(task=task, assignment__isnull=True)
            for pk, agency_id in rows.values_list("pk", "agency_id"):
                part = next((a for a in leads if a.agency_id == agency_id), None)
                if part is None:
                    part = TaskAssignment.objects.filter(task=task, agency_id=agency_id).first()
                part = part or (leads[0] if leads else None)
                if part is None:  # a task whose leads were all removed: any part of it
                    part = TaskAssignment.objects.filter(task=task).first()
                model.objects.filter(pk=pk).update(assignment=part)
    apps.get_model("tasks", "TaskGroupObjectPermission").objects.all().delete()
    apps.get_model("documents", "DirectiveGroupObjectPermission").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("tasks", "0007_assignment_state"),
        ("agencies", "0002_committee_reports_need_head_approval"),
        ("documents", "0005_permission_names"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
