"""An agency's part of a task is no longer routed by a flow: the per-task processes go, and a
directive flow that was waiting for its tasks (split, wait, join) now waits at its close step.
The routing rows go with them; the history of the work itself is the tasks' append-only log."""

from django.db import migrations
from django.utils import timezone

REMOVED_DIRECTIVE_NODES = ("split_tasks", "start_task", "wait_task", "join_tasks")
REMOVED_EXTENSION_NODES = ("check_decision", "move_timers")
ACTIVE = ("NEW", "ASSIGNED", "STARTED", "SCHEDULED")


def forwards(apps, schema_editor):
    Process = apps.get_model("viewflow", "Process")
    FlowTask = apps.get_model("viewflow", "Task")
    # Read the references as plain text: the nodes they name no longer exist.
    rows = list(FlowTask.objects.values_list("pk", "process_id", "flow_task", "status"))
    task_flow_processes = set(
        Process.objects.filter(flow_class__endswith=".TaskFlow").values_list("pk", flat=True)
    )

    def removed(ref: str) -> bool:
        flow, _, node = (ref or "").rpartition(".")
        return (
            flow.endswith(".TaskFlow")
            or (flow.endswith(".DirectiveFlow") and node in REMOVED_DIRECTIVE_NODES)
            or (flow.endswith(".ExtensionFlow") and node in REMOVED_EXTENSION_NODES)
        )

    doomed = [pk for pk, process_id, ref, _status in rows if removed(ref)]
    doomed += [pk for pk, process_id, _ref, _status in rows if process_id in task_flow_processes]
    waiting = {
        process_id: ref
        for pk, process_id, ref, status in rows
        if ref.rpartition(".")[2] in ("split_tasks", "wait_task", "join_tasks")
        and ref.rpartition(".")[0].endswith(".DirectiveFlow")
        and status in ACTIVE
    }
    Through = FlowTask.previous.through
    Through.objects.filter(from_task_id__in=doomed).delete()
    Through.objects.filter(to_task_id__in=doomed).delete()
    FlowTask.objects.filter(pk__in=doomed).delete()
    apps.get_model("workflows", "TaskProcess").objects.all().delete()
    Process.objects.filter(pk__in=task_flow_processes).delete()
    for process_id, ref in waiting.items():
        still_active = FlowTask.objects.filter(process_id=process_id, status__in=ACTIVE)
        if still_active.exists():
            continue
        FlowTask.objects.create(
            process_id=process_id,
            flow_task=ref.rpartition(".")[0] + ".close",
            flow_task_type="HUMAN",
            status="NEW",
            token="start",
            created=timezone.now(),
        )


class Migration(migrations.Migration):
    dependencies = [
        ("workflows", "0001_flows"),
        ("viewflow", "__latest__"),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.DeleteModel(name="TaskProcess"),
    ]
