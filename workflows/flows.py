"""The flows that route the work that passes between people: a directive's registration,
breakdown, approval, dispatch and close; an extension's decision. Each reads like the process it
routes; the steps call the named actions of documents/actions.py and tasks/actions.py, which
refuse to run outside a step (project/steps.py), so the flow is the one writer of what it routes
and nothing ever has to catch it up. An agency's part of a task is not routed here: it is the
assignment's own state machine, driven by the tasks' actions.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow, lock
from viewflow.workflow.activation import Activation

from agencies import permissions as perms
from documents import permissions as directive_perms
from documents.models import Directive, DirectiveState
from tasks import permissions as task_perms

from . import views
from .models import DirectiveProcess, ExtensionProcess
from .nodes import HumanStep


def _state(model: type[models.Model], pk: int) -> str:
    """A gate reads the state from the database: the action that just ran may have changed
    another copy of the object than the one the process holds."""
    return str(model._default_manager.values_list("state", flat=True).get(pk=pk))


def may_ask_for_extensions(user: Any) -> bool:
    """Coarse gate of the extension start page; the agency's part itself is checked with
    tasks.permissions.can_request_extension on every request."""
    return bool(user.is_authenticated and user.is_active and getattr(user, "is_agency_staff", 0))


def _directive(process: DirectiveProcess) -> Any:
    return process.directive


def _extension(process: ExtensionProcess) -> Any:
    return process.extension


class DomainFlow:
    """What every flow here shares: the row lock, and sight of processes through the
    permission layer (viewflow's generic process lists are an administrator's tool)."""

    lock_impl = lock.select_for_update_lock
    # (obj, user) -> bool, from the subject's app's permissions
    subject_view_check: Callable[[Any, Any], bool] | None = None

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
    the chair approves the list or returns it; the office dispatches it (each agency's part of
    each task then runs on its own); when every task is completed or cancelled, the office
    closes the directive with a summary."""

    process_class = DirectiveProcess
    process_title = _("Directive")
    subject_view_check = staticmethod(directive_perms.can_view_directive)

    # The register page (documents/views.py) registers the directive and starts its flow here
    # (services.start_directive_flow); so do the demo data and imports.
    adopt = (
        flow.StartHandle(this.adopt_directive)
        .Annotation(title=_("Register a directive"))
        .Next(this.break_down)
    )

    break_down = (
        HumanStep(views.BreakDownView.as_view())
        .Annotation(title=_("Break down into tasks"))
        .Permission(directive_perms.can_manage_directive, obj=_directive)
        .Next(this.approve)
    )
    approve = (
        HumanStep(views.ApproveDirectiveView.as_view())
        .Annotation(title=_("Approve the task list"))
        .Permission(directive_perms.can_approve_directive, obj=_directive)
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
        .Permission(directive_perms.can_manage_directive, obj=_directive)
        .Next(this.close)
    )
    # Each agency's part of each task is its own state machine (tasks/), driven by the tasks'
    # actions; the directive waits here until the standing office closes it (the action
    # refuses while a task is open).
    close = (
        HumanStep(views.CloseDirectiveView.as_view())
        .Annotation(title=_("Close the directive"))
        .Permission(directive_perms.can_manage_directive, obj=_directive)
        .Next(this.end)
    )
    end = flow.End()

    def subject(self, process: DirectiveProcess) -> Any:
        return process.directive

    def adopt_directive(self, activation: Activation, directive: Any) -> DirectiveProcess:
        activation.process.directive = directive
        return activation.process


class ExtensionFlow(DomainFlow, flow.Flow):
    """Extension

    A lead agency asks for a later deadline of its own, with a reason, before its deadline has
    passed; whoever the committee names (the chair by default) approves or rejects it; on
    approval that agency's deadline moves, the original is kept."""

    process_class = ExtensionProcess
    process_title = _("Extension request")
    subject_view_check = staticmethod(
        lambda extension, user: task_perms.can_view_task(extension.task, user)
    )

    request = (
        flow.Start(views.RequestExtensionView.as_view())
        .Annotation(title=_("Ask for an extension"))
        .Available(may_ask_for_extensions)
        .Next(this.decide)
    )
    # For a request made through the API: services.request_extension.
    start = flow.StartHandle(this.begin).Next(this.decide)
    decide = (
        HumanStep(views.DecideExtensionView.as_view())
        .Annotation(title=_("Decide on the extension"))
        .Permission(task_perms.can_decide_extension, obj=_extension)
        .Next(this.end)
    )
    end = flow.End()

    def subject(self, process: ExtensionProcess) -> Any:
        return process.extension

    def begin(self, activation: Activation, extension: Any) -> ExtensionProcess:
        activation.process.extension = extension
        return activation.process
