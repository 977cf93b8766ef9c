"""Keep the flows level with the domain when work was done outside them.

The task page may call an action directly (tasks.actions.acknowledge_task…) instead of the
flow step; the domain state is then ahead of the flow. `sync_flows()` (run by the periodic job,
beside viewflow's timer sweep) and `sync_object(obj)` (after a direct action) complete the steps
whose work is done (HumanStep.DoneWhen), end the flows of cancelled tasks, give requests made
outside a flow their decision step, move timers to moved deadlines, and let directives stop
waiting for finished tasks. Each step is completed under its flow lock; nothing here calls an
action or writes a domain state.
"""

from __future__ import annotations

from django.db.models import F, Q
from viewflow.workflow.models import Task as FlowTask
from viewflow.workflow.status import PROCESS, STATUS

from documents.models import Directive, DirectiveState
from project.errors import ActionConflict
from tasks.models import Extension, ExtensionState, Task, TaskState

from . import services
from .models import DirectiveProcess, ExtensionProcess, TaskProcess
from .nodes import ACTIVE, HumanStep

MAX_PASSES = 10  # a chain of steps done outside the flow moves one step per pass


def _flows() -> tuple:
    from .flows import DirectiveFlow, ExtensionFlow, TaskFlow

    return DirectiveFlow, TaskFlow, ExtensionFlow


def sync_flows(process_ids: list[int] | None = None, task_ids: list[int] | None = None) -> int:
    """Bring flows (all, or those of `process_ids` and the tasks `task_ids`) level with their
    domain objects; returns how many things moved."""
    directive_flow, task_flow, extension_flow = _flows()
    scope = Q() if process_ids is None else Q(pk__in=process_ids)
    moved = 0

    # Directives registered outside the flow (the register page, the demo data) are adopted;
    # the passes below then move the new flow up to where the directive stands.
    unadopted = Directive.objects.filter(
        process__isnull=True,
        state__in=[DirectiveState.DRAFT, DirectiveState.AWAITING_APPROVAL, DirectiveState.ISSUED],
    )
    if task_ids is not None:
        unadopted = unadopted.filter(tasks__in=task_ids).distinct()
    for directive in unadopted:
        process = directive_flow.adopt.run(directive=directive)
        if process_ids is not None:
            process_ids.append(process.pk)
        moved += 1

    # Requests for an extension made outside the flow get their decision step.
    requested = Extension.objects.filter(state=ExtensionState.REQUESTED, process__isnull=True)
    if task_ids is not None:
        requested = requested.filter(task_id__in=task_ids)
    for extension in requested:
        extension_flow.start.run(extension=extension)
        moved += 1

    # Tasks cancelled outside the flow: their flow ends, their directive stops waiting.
    for process in TaskProcess.objects.filter(
        scope, status=PROCESS.NEW, tracked_task__state=TaskState.CANCELLED
    ):
        task_flow.instance.cancel(process)
        services.notify_directive(process.tracked_task_id)
        moved += 1

    step_scope = Q() if process_ids is None else Q(process_id__in=process_ids)
    for _ in range(MAX_PASSES):
        moved_now = 0
        for flow_class in (directive_flow, task_flow, extension_flow):
            for node in flow_class.instance.nodes():
                if not isinstance(node, HumanStep) or node._done_when is None:
                    continue
                stale = FlowTask.objects.filter(
                    step_scope, node._done_when, flow_task=node, status__in=ACTIVE
                )
                for step in stale:
                    try:
                        services.complete_step(step, by=None, check_permission=False)
                    except ActionConflict:
                        continue  # someone completed it meanwhile
                    moved_now += 1
        moved += moved_now
        if not moved_now:
            break

    # Timers follow deadlines moved by an extension decided outside the flow.
    due = "process__taskprocess__tracked_task__due_at"
    timers = FlowTask.objects.filter(
        step_scope,
        Q(scheduled__isnull=True, **{f"{due}__isnull": False})
        | Q(scheduled__isnull=False, **{f"{due}__isnull": True})
        | (Q(scheduled__isnull=False) & ~Q(scheduled=F(due))),
        flow_task_type="TIMER",
        status=STATUS.SCHEDULED,
        process__flow_class=task_flow,
    )
    for task_pk in set(timers.values_list("process__taskprocess__tracked_task", flat=True)):
        services.reschedule_deadline(task_pk)
        moved += 1

    # Directives waiting for tasks that are finished (e.g. cancelled outside the flow).
    waiting = FlowTask.objects.filter(
        step_scope, flow_task=directive_flow.wait_task, status=STATUS.NEW
    )
    task_pks = [step.data.get("task") for step in waiting]
    finished = Task.objects.filter(
        pk__in=task_pks, state__in=[TaskState.COMPLETED, TaskState.CANCELLED]
    ).values_list("pk", flat=True)
    for task_pk in finished:
        services.notify_directive(task_pk)
        moved += 1
    return moved


def process_ids_of(obj: Directive | Task) -> list[int]:
    if isinstance(obj, Directive):
        ids = list(DirectiveProcess.objects.filter(directive=obj).values_list("pk", flat=True))
        ids += TaskProcess.objects.filter(tracked_task__directive=obj).values_list("pk", flat=True)
        return ids
    ids = list(TaskProcess.objects.filter(tracked_task=obj).values_list("pk", flat=True))
    ids += ExtensionProcess.objects.filter(extension__task=obj).values_list("pk", flat=True)
    ids += DirectiveProcess.objects.filter(directive__tasks=obj).values_list("pk", flat=True)
    return ids


def sync_object(obj: Directive | Task) -> int:
    """Sync the flows of one directive or task, e.g. right after a direct action on it."""
    if isinstance(obj, Directive):
        task_ids = list(obj.tasks.values_list("pk", flat=True))
    else:
        task_ids = [obj.pk]
    total = 0
    for _ in range(MAX_PASSES):  # each pass may start flows the next one moves on
        moved = sync_flows(process_ids_of(obj), task_ids=task_ids)
        total += moved
        if not moved:
            break
    return total
