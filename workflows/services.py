"""Doing a flow's step from outside its own page (the API, commands, the demo data, the
directive pages' buttons): find the open step, check the right, run the action and complete the
step, under the flow lock, in one transaction. The flow stays the one writer of what it routes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.exceptions import FlowLockFailed

from documents import actions as directive_actions
from project.errors import ActionConflict, ActionForbidden
from project.steps import flow_step
from tasks import actions as task_actions
from tasks.models import Extension, TaskAssignment

from .flows import DirectiveFlow, ExtensionFlow
from .models import DirectiveProcess, ExtensionProcess
from .nodes import ACTIVE, ALREADY_DONE, BUSY

if TYPE_CHECKING:
    from agencies.models import User
    from documents.models import Directive


STEP_NOT_PERMITTED = _("You do not have the right to do “%(step)s”.")
NOT_AT_STEP = _("This directive is not at the step “%(step)s” now.")


def complete_step(
    step: Any,
    *,
    by: Any,
    perform: Callable[[], Any] | None = None,
    check_permission: bool = True,
) -> Any:
    """Do a human step outside its page: check the right, run `perform` (one action) and
    complete the step, under the flow lock, in one transaction.

    Someone who comes second gets ActionConflict with a message saying the step is done."""
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
            with flow_step(node.name):
                result = perform() if perform is not None else None
            activation.execute()
            return result
    except FlowLockFailed as exc:
        raise ActionConflict(BUSY) from exc


def start_directive_flow(directive: Directive) -> DirectiveProcess:
    """Give a newly registered directive its flow (once): it starts at the breakdown."""
    existing = DirectiveProcess.objects.filter(directive=directive).first()
    if existing is not None:
        return existing
    return DirectiveFlow.adopt.run(directive=directive)


def _directive_step(directive: Directive, node: Any) -> Any:
    process = DirectiveProcess.objects.filter(directive=directive).first()
    step = None
    if process is not None:
        step = process.task_set.filter(flow_task=node, status__in=ACTIVE).first()
    if step is None:
        raise ActionConflict(NOT_AT_STEP % {"step": node.task_title})
    return step


def submit_breakdown(directive: Directive, *, by: User, note: str = "") -> Directive:
    """The breakdown step: submit the task list for the chair's approval."""
    complete_step(
        _directive_step(directive, DirectiveFlow.break_down),
        by=by,
        perform=lambda: directive_actions.submit_directive_for_approval(
            directive, by=by, note=note
        ),
    )
    directive.refresh_from_db()
    return directive


def decide_task_list(directive: Directive, *, by: User, approve: bool, note: str = "") -> Directive:
    """The chair's step: approve the task list, or return it for revision with a reason."""

    def perform() -> Any:
        if approve:
            return directive_actions.approve_directive(directive, by=by, note=note)
        return directive_actions.return_directive(directive, by=by, reason=note)

    complete_step(_directive_step(directive, DirectiveFlow.approve), by=by, perform=perform)
    directive.refresh_from_db()
    return directive


def dispatch(
    directive: Directive,
    *,
    by: User,
    new_deadlines: dict[int, dt.date] | None = None,
    reason: str = "",
) -> Directive:
    """The dispatch step: every task goes to its agencies (past deadlines moved, with the
    reason, in the same step)."""
    complete_step(
        _directive_step(directive, DirectiveFlow.dispatch),
        by=by,
        perform=lambda: task_actions.dispatch_directive(
            directive, by=by, new_deadlines=new_deadlines, reason=reason
        ),
    )
    directive.refresh_from_db()
    return directive


def close(directive: Directive, *, by: User, summary: str) -> Directive:
    complete_step(
        _directive_step(directive, DirectiveFlow.close),
        by=by,
        perform=lambda: directive_actions.close_directive(directive, by=by, summary=summary),
    )
    directive.refresh_from_db()
    return directive


def request_extension(
    assignment: TaskAssignment, *, by: User, new_deadline: dt.date, reason: str
) -> Extension:
    """An agency asks for a later deadline of its own: the request and its flow (waiting for
    the decision) are made together, or not at all."""
    with transaction.atomic(), flow_step(ExtensionFlow.start.name):
        extension = task_actions.request_extension(
            assignment, by=by, new_deadline=new_deadline, reason=reason
        )
        ExtensionFlow.start.run(extension=extension)
    return extension


def decide_extension(extension: Extension, *, by: User, approve: bool, note: str = "") -> Extension:
    """The decision step of an extension request."""
    process = ExtensionProcess.objects.filter(extension=extension).first()
    step = None
    if process is not None:
        step = process.task_set.filter(flow_task=ExtensionFlow.decide, status__in=ACTIVE).first()
    if step is None:
        raise ActionConflict(task_actions.EXTENSION_DECIDED)

    def perform() -> Extension:
        if approve:
            return task_actions.approve_extension(extension, by=by, note=note)
        return task_actions.reject_extension(extension, by=by, note=note)

    return complete_step(step, by=by, perform=perform)
