"""The flows that route people's work. Each reads like the process it routes; the steps call the
named actions of documents/actions.py and tasks/actions.py, and the gates read the state those
actions left on the domain object. No flow writes a domain state itself.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow, lock
from viewflow.workflow.activation import Activation

from agencies import permissions as perms
from documents.models import Directive, DirectiveState
from tasks.models import Extension, ExtensionState, Task, TaskState

from . import services, views
from .models import DirectiveProcess, ExtensionProcess, TaskProcess
from .nodes import DeadlineTimer, HumanStep, SplitEach


def _state(model: type, pk: int) -> str:
    """A gate reads the state from the database: the action that just ran may have changed
    another copy of the object than the one the process holds."""
    return model.objects.values_list("state", flat=True).get(pk=pk)


# "The step's work is done", as filters on viewflow's Task rows (see HumanStep.DoneWhen).
_DIRECTIVE_STATE = "process__directiveprocess__directive__state"
_TASK_STATE = "process__taskprocess__tracked_task__state"
_EXTENSION_STATE = "process__extensionprocess__extension__state"
_DRAFT_TASKS = Exists(
    Task.objects.filter(directive=OuterRef("process__directiveprocess__directive"), state="draft")
)


def _directive(process: DirectiveProcess) -> Any:
    return process.directive


def _task(process: TaskProcess) -> Any:
    return process.tracked_task


def _extension(process: ExtensionProcess) -> Any:
    return process.extension


class DomainFlow:
    """What every flow here shares: the row lock, and sight of processes through the
    permission layer (viewflow's generic process lists are an administrator's tool)."""

    lock_impl = lock.select_for_update_lock
    subject_view_check = None  # (obj, user) -> bool, from agencies.permissions

    def has_view_permission(self, user: Any, obj: Any = None) -> bool:
        if obj is None or self.subject_view_check is None:
            return perms.is_admin(user)
        return perms.is_admin(user) or self.subject_view_check(self.subject(obj), user)

    def has_manage_permission(self, user: Any, obj: Any = None) -> bool:
        return perms.is_admin(user)

    def subject(self, process: Any) -> Any:
        raise NotImplementedError


class DirectiveFlow(DomainFlow, flow.Flow):
    """Directive

    The standing office registers a directive and breaks it into tasks in the breakdown editor;
    the chair approves the list or returns it; the office dispatches it, one task flow per
    task; when every task is completed or cancelled, the office closes the directive with a
    summary."""

    process_class = DirectiveProcess
    process_title = _("Directive")
    subject_view_check = staticmethod(perms.can_view_directive)

    # The register page (documents/views.py) registers the directive and starts its flow here
    # (services.start_directive_flow); so does the periodic sync for directives registered
    # otherwise (the demo data, an import).
    adopt = (
        flow.StartHandle(this.adopt_directive)
        .Annotation(title=_("Register a directive"))
        .Next(this.break_down)
    )

    break_down = (
        HumanStep(views.BreakDownView.as_view())
        .Annotation(title=_("Break down into tasks"))
        .Permission(perms.can_manage_directive, obj=_directive)
        .DoneWhen(~Q(**{_DIRECTIVE_STATE: DirectiveState.DRAFT}))
        .Next(this.approve)
    )
    approve = (
        HumanStep(views.ApproveDirectiveView.as_view())
        .Annotation(title=_("Approve the task list"))
        .Permission(perms.can_approve_directive, obj=_directive)
        .DoneWhen(~Q(**{_DIRECTIVE_STATE: DirectiveState.AWAITING_APPROVAL}))
        .Next(this.check_approval)
    )
    check_approval = (
        flow.If(
            lambda activation: (
                _state(Directive, activation.process.directive_id) == DirectiveState.ISSUED
            )
        )
        .Annotation(title=_("Approved?"))
        .Then(this.dispatch)
        .Else(this.break_down)
    )
    dispatch = (
        HumanStep(views.DispatchView.as_view())
        .Annotation(title=_("Dispatch the tasks"))
        .Permission(perms.can_manage_directive, obj=_directive)
        .DoneWhen(Q(**{_DIRECTIVE_STATE: DirectiveState.ISSUED}) & ~Q(_DRAFT_TASKS))
        .Next(this.split_tasks)
    )
    split_tasks = (
        SplitEach()
        .Annotation(title=_("One flow per task"))
        .Each(this.start_task, this.dispatched_tasks)
    )
    start_task = (
        flow.Function(this.start_task_flow)
        .Annotation(title=_("Start the task's flow"))
        .Next(this.wait_task, task_data=lambda activation: activation.task.data)
    )
    # Run by the task flow's end (services.notify_directive) when its task is completed or
    # cancelled.
    wait_task = flow.Handle().Annotation(title=_("Wait for the task")).Next(this.join_tasks)
    join_tasks = flow.Join().Annotation(title=_("All tasks done")).Next(this.close)
    close = (
        HumanStep(views.CloseDirectiveView.as_view())
        .Annotation(title=_("Close the directive"))
        .Permission(perms.can_manage_directive, obj=_directive)
        .DoneWhen(~Q(**{_DIRECTIVE_STATE: DirectiveState.ISSUED}))
        .Next(this.end)
    )
    end = flow.End()

    def subject(self, process: DirectiveProcess) -> Any:
        return process.directive

    def adopt_directive(self, activation: Activation, directive: Any) -> DirectiveProcess:
        activation.process.directive = directive
        return activation.process

    def dispatched_tasks(self, activation: Activation) -> list[dict]:
        # Every dispatched task, finished ones too: a directive adopted after its tasks were
        # done outside the flow must still split (their flows end at once) and reach the join.
        tasks = Task.objects.filter(directive_id=activation.process.directive_id).exclude(
            state=TaskState.DRAFT
        )
        return [
            {"task": pk} for pk in tasks.order_by("position", "id").values_list("pk", flat=True)
        ]

    def start_task_flow(self, activation: Activation) -> None:
        services.start_task_flow(activation.task.data["task"])


class TaskFlow(DomainFlow, flow.Flow):
    """Task

    The lead agency acknowledges and names its officer, posts progress, reports its result; the
    standing office accepts the report or returns it with a reason. At the deadline a timer
    records the escalation beside the open step."""

    process_class = TaskProcess
    process_title = _("Task")
    subject_view_check = staticmethod(perms.can_view_task)

    start = flow.StartHandle(this.begin).Next(this.acknowledge)
    acknowledge = (
        HumanStep(views.AcknowledgeView.as_view())
        .Annotation(title=_("Acknowledge and name the officer"))
        .Permission(perms.can_report_task, obj=_task)
        .DoneWhen(~Q(**{_TASK_STATE: TaskState.ASSIGNED}))
        .Next(this.report)
    )
    acknowledge_deadline = (
        DeadlineTimer(this.acknowledge, delay=this.deadline)
        .Annotation(title=_("Deadline"))
        .Next(this.escalate)
    )
    report = (
        HumanStep(views.ReportView.as_view())
        .Annotation(title=_("Report the result"))
        .Permission(perms.can_report_task, obj=_task)
        .DoneWhen(~Q(**{_TASK_STATE + "__in": [TaskState.IN_PROGRESS, TaskState.RETURNED]}))
        .Next(this.review)
    )
    report_deadline = (
        DeadlineTimer(this.report, delay=this.deadline)
        .Annotation(title=_("Deadline"))
        .Next(this.escalate)
    )
    review = (
        HumanStep(views.ReviewView.as_view())
        .Annotation(title=_("Review the report"))
        .Permission(perms.can_manage_task, obj=_task)
        .DoneWhen(~Q(**{_TASK_STATE: TaskState.REPORTED}))
        .Next(this.check_review)
    )
    check_review = (
        flow.If(
            lambda activation: (
                _state(Task, activation.process.tracked_task_id) == TaskState.COMPLETED
            )
        )
        .Annotation(title=_("Accepted?"))
        .Then(this.finish)
        .Else(this.report)
    )
    finish = (
        flow.Function(this.notify_directive)
        .Annotation(title=_("Tell the directive"))
        .Next(this.end)
    )
    end = flow.End()

    escalate = (
        flow.Function(this.escalate_overdue)
        .Annotation(title=_("Record the overdue step"))
        .Next(this.escalated)
    )
    escalated = flow.End()

    def subject(self, process: TaskProcess) -> Any:
        return process.tracked_task

    def begin(self, activation: Activation, task: Any) -> TaskProcess:
        activation.process.tracked_task = task
        return activation.process

    def deadline(self, activation: Activation) -> Any:
        return Task.objects.values_list("due_at", flat=True).get(
            pk=activation.process.tracked_task_id
        )

    def notify_directive(self, activation: Activation) -> None:
        services.notify_directive(activation.process.tracked_task_id)

    def escalate_overdue(self, activation: Activation) -> None:
        services.escalate_overdue(activation.process)


class ExtensionFlow(DomainFlow, flow.Flow):
    """Extension

    The lead agency asks for a later deadline with a reason; whoever the committee names (the
    chair by default) approves or rejects it; on approval the deadline moves, the original is
    kept and the task's timers follow."""

    process_class = ExtensionProcess
    process_title = _("Extension request")
    subject_view_check = staticmethod(
        lambda extension, user: perms.can_view_task(extension.task, user)
    )

    request = (
        flow.Start(views.RequestExtensionView.as_view())
        .Annotation(title=_("Ask for an extension"))
        .Available(services.may_ask_for_extensions)
        .Next(this.decide)
    )
    # For a request made elsewhere: ExtensionFlow.start.run(extension=...).
    start = flow.StartHandle(this.begin).Next(this.decide)
    decide = (
        HumanStep(views.DecideExtensionView.as_view())
        .Annotation(title=_("Decide on the extension"))
        .Permission(perms.can_decide_extension, obj=_extension)
        .DoneWhen(~Q(**{_EXTENSION_STATE: ExtensionState.REQUESTED}))
        .Next(this.check_decision)
    )
    check_decision = (
        flow.If(
            lambda activation: (
                _state(Extension, activation.process.extension_id) == ExtensionState.APPROVED
            )
        )
        .Annotation(title=_("Approved?"))
        .Then(this.move_timers)
        .Else(this.end)
    )
    move_timers = (
        flow.Function(this.reschedule)
        .Annotation(title=_("Move the deadline timers"))
        .Next(this.end)
    )
    end = flow.End()

    def subject(self, process: ExtensionProcess) -> Any:
        return process.extension

    def begin(self, activation: Activation, extension: Any) -> ExtensionProcess:
        activation.process.extension = extension
        return activation.process

    def reschedule(self, activation: Activation) -> None:
        services.reschedule_deadline(activation.process.extension.task_id)
