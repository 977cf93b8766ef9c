"""A small node type on top of viewflow's open-source ones.

- `HumanStep`: a person's step whose rights come from agencies.permissions (the one permission
  layer) rather than from viewflow's permission strings, and which whoever may act can act on at
  once (no "assign to me first" click). Its view runs under the flow lock; a step someone else has
  just done, or the lock held by someone else, reaches the user as a message, never a 403 or a
  traceback.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import get_resolver, path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.timezone import now
from django.utils.translation import gettext_lazy as _
from viewflow.workflow import flow
from viewflow.workflow.activation import Activation
from viewflow.workflow.exceptions import FlowLockFailed
from viewflow.workflow.nodes.view import ViewActivation
from viewflow.workflow.signals import task_started
from viewflow.workflow.status import STATUS

from agencies.http import AuthenticatedRequest
from documents.models import Directive
from project.errors import ActionConflict
from project.steps import flow_step
from tasks.models import Extension, Task

ACTIVE = (STATUS.NEW, STATUS.ASSIGNED)
ALREADY_DONE = _("This step has already been completed by someone else.")
BUSY = _("Someone else is completing this step right now. Reload the page in a moment.")


class HumanStepActivation(ViewActivation):
    @Activation.status.transition(
        source=[STATUS.NEW, STATUS.ASSIGNED],
        target=STATUS.STARTED,
        permission=lambda activation, user: activation.flow_task.can_execute(user, activation.task),
    )
    def start(self, request: HttpRequest | None = None, user: Any = None) -> None:
        # Whoever acts owns the step, for the record; agencies share their steps.
        self.task.owner = user if user is not None else getattr(request, "user", None)
        self.task.started = now()
        task_started.send(sender=self.flow_class, process=self.process, task=self.task)


class StepRequest(AuthenticatedRequest):
    """A step's request: step_view puts the step's activation on it for the step's view."""

    activation: HumanStepActivation


def safe_next(request: HttpRequest) -> str | None:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return None


def step_view(node: HumanStep, origin_view: Callable) -> Callable:
    """Run a step's view: 404 for a wrong step, 403 for a person without the right, a message
    when the step is already done or locked; POSTs run under the flow lock in one transaction."""

    def view(request: StepRequest, process_pk: int, task_pk: int, **kwargs: Any) -> HttpResponse:
        task_class = node.flow_class.task_class
        task = task_class._default_manager.filter(pk=task_pk, process_id=process_pk).first()
        if task is None or task.flow_task != node:
            raise Http404
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        process = task.process.coerced
        if not node.allows(request.user, process):
            # 403 for someone who may see the subject but not do this step; 404 for the rest,
            # as for a step that does not exist (another committee's directive).
            if node.flow_class.instance.has_view_permission(request.user, process):
                raise PermissionDenied
            raise Http404
        if task.status not in ACTIVE:
            messages.info(request, ALREADY_DONE)
            return redirect(node.done_url(request, process))
        if request.method != "POST":
            request.activation = node.activation_class(task)
            return origin_view(request, **kwargs)
        try:
            with node.flow_class.lock(process_pk), transaction.atomic():
                task.refresh_from_db()
                if task.status not in ACTIVE:
                    raise ActionConflict(ALREADY_DONE)
                request.activation = node.activation_class(task)
                request.activation.start(user=request.user)
                with flow_step(node.name):
                    return origin_view(request, **kwargs)
        except FlowLockFailed:
            messages.warning(request, BUSY)
        except ActionConflict as exc:
            messages.warning(request, exc.message)
        return redirect(node.done_url(request, process))

    view.__name__ = getattr(origin_view, "__name__", "step_view")
    return view


def ensure_urls_loaded() -> None:
    """viewflow builds a node's URL name from where its flow is mounted, which it learns when
    the URLconf is loaded; load it before the first reverse (e.g. outside a request)."""
    get_resolver().url_patterns  # noqa: B018


def step_url(task: Any) -> str:
    """The page of a flow's step (a viewflow task)."""
    ensure_urls_loaded()
    return task.flow_task.reverse("execute", args=[task.process_id, task.pk])


def subject_url(subject: Any) -> str:
    """The product's page of a step's subject: a directive's or a task's page (an extension's
    is its task's), where the person sees what their step changed."""
    if hasattr(subject, "get_absolute_url"):
        return subject.get_absolute_url()
    if isinstance(subject, Directive):
        return reverse("directives:detail", args=[subject.pk])
    if isinstance(subject, Extension):
        subject = subject.task
    if isinstance(subject, Task):
        return reverse("work:task", args=[subject.pk])
    return "/"


class HumanStep(flow.View):
    """A person's step; `.Permission(predicate, obj=...)` names who may act through
    agencies.permissions: `predicate(obj(process), user) -> bool`."""

    activation_class = HumanStepActivation
    # viewflow's generic inbox/queue/assign screens are not used (agency inboxes ask the domain
    # Task model), so they are switched off rather than left half-working.
    assign_view_class = None
    unassign_view_class = None

    def __init__(self, view: Any, **kwargs: Any) -> None:
        super().__init__(view, **kwargs)
        self._predicate: Callable | None = None
        self._subject: Callable = lambda process: process

    def Permission(self, predicate: Callable, obj: Callable | None = None) -> HumanStep:
        self._predicate = predicate
        if obj is not None:
            self._subject = obj
        return self

    def allows(self, user: Any, process: Any) -> bool:
        if self._predicate is None or not (user and user.is_authenticated):
            return False
        return bool(self._predicate(self._subject(process), user))

    # viewflow's permission hooks, answered by the permission layer.
    def calc_owner_permission(self, activation: Activation) -> str:
        # A permission nobody is granted: viewflow's generic queue never lists these steps.
        return f"workflows.step_{self.flow_class.instance.app_name or 'flow'}_{self.name}"

    def calc_owner_permission_obj(self, activation: Activation) -> None:
        return None

    def calc_owner(self, activation: Activation) -> None:
        return None

    def can_execute(self, user: Any, task: Any) -> bool:
        return task.status in (*ACTIVE, STATUS.STARTED) and self.allows(user, task.process.coerced)

    def can_assign(self, user: Any, task: Any) -> bool:
        return False

    def done_url(self, request: HttpRequest, process: Any) -> str:
        target = safe_next(request)
        if target:
            return target
        return subject_url(self._subject(process))

    @property
    def view_path(self) -> Any:
        return path(
            f"<int:process_pk>/{self.name}/<int:task_pk>/execute/",
            step_view(self, self.view),
            name="execute",
        )
