"""What the flows do beside their human steps: start a task's flow, tell a directive that one of
its tasks is finished, record an overdue step, move the deadline timers, cancel a task's flow.

Cross-flow calls (a task flow telling its directive's flow) run after the calling flow's lock is
released (viewflow's `after_lock_released`), so locks are always taken one at a time.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from viewflow.fsm import TransitionNotAllowed
from viewflow.workflow import lock
from viewflow.workflow.exceptions import FlowLockFailed
from viewflow.workflow.status import PROCESS, STATUS

from project.errors import ActionConflict, ActionForbidden
from tasks import actions as task_actions
from tasks.models import Task

from .models import DirectiveProcess, TaskProcess

if TYPE_CHECKING:
    from documents.models import Directive


def may_ask_for_extensions(user: Any) -> bool:
    """Coarse gate of the extension start page; the task itself is checked with
    perms.can_request_extension on every request."""
    return bool(user.is_authenticated and user.is_active and getattr(user, "is_agency_staff", 0))


STEP_NOT_PERMITTED = _("You do not have the right to do “%(step)s”.")
NOT_AT_BREAKDOWN = _("This directive's task list is not being broken down now.")


def complete_step(
    step: Any,
    *,
    by: Any,
    perform: Callable[[], Any] | None = None,
    check_permission: bool = True,
) -> Any:
    """Do a human step outside HTTP (API, commands, tests): check the right, run `perform` (one
    action) and complete the step, under the flow lock, in one transaction.

    Someone who comes second gets ActionConflict with a message saying the step is done."""
    from .nodes import ACTIVE, ALREADY_DONE, BUSY

    node = step.flow_task
    try:
        with node.flow_class.lock(step.process_id), transaction.atomic():
            step.refresh_from_db()
            if step.status not in ACTIVE:
                raise ActionConflict(ALREADY_DONE)
            if check_permission and not node.allows(by, step.process.coerced):
                raise ActionForbidden(STEP_NOT_PERMITTED % {"step": node.task_title})
            activation = node.activation_class(step)
            activation.start(user=by)
            result = perform() if perform is not None else None
            activation.execute()
            return result
    except FlowLockFailed as exc:
        raise ActionConflict(BUSY) from exc


def start_directive_flow(directive: Directive) -> DirectiveProcess:
    """Give a directive its flow (once), level with where the directive stands: a directive has
    its process from the moment it is registered."""
    from .flows import DirectiveFlow
    from .sync import sync_object

    existing = DirectiveProcess.objects.filter(directive=directive).first()
    if existing is not None:
        return existing
    process = DirectiveFlow.adopt.run(directive=directive)
    sync_object(directive)
    return process


@transaction.atomic
def submit_breakdown(directive: Directive, *, by: Any, note: str = "") -> Directive:
    """Finish the breakdown step: submit the task list for approval (the action), and complete
    the flow's step, in one transaction (a refusal leaves nothing behind)."""
    from documents import actions as directive_actions

    from .flows import DirectiveFlow
    from .nodes import ACTIVE

    process = start_directive_flow(directive)
    step = process.task_set.filter(flow_task=DirectiveFlow.break_down, status__in=ACTIVE).first()
    if step is None:
        raise ActionConflict(NOT_AT_BREAKDOWN)
    complete_step(
        step,
        by=by,
        perform=lambda: directive_actions.submit_directive_for_approval(
            directive, by=by, note=note
        ),
    )
    directive.refresh_from_db()
    return directive


def start_task_flow(task_pk: int) -> TaskProcess:
    """Start the flow of a dispatched task (once)."""
    from .flows import TaskFlow

    existing = TaskProcess.objects.filter(tracked_task_id=task_pk).first()
    if existing is not None:
        return existing
    return TaskFlow.start.run(task=Task.objects.get(pk=task_pk))


def notify_directive(task_pk: int) -> None:
    """The task is completed or cancelled: finish its branch in the directive's flow."""
    lock.after_lock_released(lambda: _finish_branch(task_pk))


def _finish_branch(task_pk: int) -> None:
    from .flows import DirectiveFlow

    process = DirectiveProcess.objects.filter(directive__tasks__pk=task_pk).first()
    if process is None:
        return
    waiting = process.task_set.filter(
        flow_task=DirectiveFlow.wait_task, status=STATUS.NEW, data__task=task_pk
    ).first()
    if waiting is None:
        return
    try:
        DirectiveFlow.wait_task.run(waiting)
    except TransitionNotAllowed:
        pass  # another request finished this branch first


def escalate_overdue(process: TaskProcess) -> None:
    """The deadline timer fired: mark the open steps overdue and log it, once per deadline.

    Messages to the agency and the chair are sent by tasks/reminders.py, not here."""
    task = Task.objects.get(pk=process.tracked_task_id)
    if task.due_at is None or process.escalated_due_at == task.due_at:
        return
    if not Task.objects.filter(pk=task.pk).overdue().exists():
        return  # reported on time, or the deadline has moved since the timer was set
    steps = list(process.task_set.filter(flow_task_type="HUMAN", finished__isnull=True))
    for step in steps:
        step.data = {
            **(step.data or {}),
            "overdue": True,
            "overdue_since": timezone.now().isoformat(),
        }
        step.save(update_fields=["data"])
    names = ", ".join(str(step.flow_task.task_title) for step in steps)
    task_actions.record_overdue_step(task, step=names)
    process.escalated_due_at = task.due_at
    process.save(update_fields=["escalated_due_at"])


def reschedule_deadline(task_pk: int) -> None:
    """The task's deadline moved: its armed timers follow; a step whose timer already fired
    gets a new one for the new deadline."""
    lock.after_lock_released(lambda: _reschedule(task_pk))


def _reschedule(task_pk: int) -> None:
    from .flows import TaskFlow

    process = TaskProcess.objects.filter(tracked_task_id=task_pk, status=PROCESS.NEW).first()
    if process is None:
        return
    with TaskFlow.lock(process.pk):
        due_at = Task.objects.values_list("due_at", flat=True).get(pk=task_pk)
        timers = process.task_set.filter(flow_task_type="TIMER")
        timers.filter(status=STATUS.SCHEDULED).update(scheduled=due_at)
        for step in process.task_set.filter(flow_task_type="HUMAN", finished__isnull=True):
            for boundary in step.flow_task._boundary_events:
                armed = timers.filter(flow_task=boundary, previous=step, status=STATUS.SCHEDULED)
                if not armed.exists():
                    boundary._arm(step.flow_task.activation_class(step))


@transaction.atomic
def cancel_task(task: Task, *, by: Any, reason: str) -> Task:
    """Cancel a task (tasks.actions.cancel_task) and end its flow; the directive stops
    waiting for it."""
    from .flows import TaskFlow

    task = task_actions.cancel_task(task, by=by, reason=reason)
    process = TaskProcess.objects.filter(tracked_task=task, status=PROCESS.NEW).first()
    if process is not None:
        TaskFlow.instance.cancel(process)
    notify_directive(task.pk)
    return task
