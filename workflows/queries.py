"""What the pages ask the flows: which steps may this person take now on this directive or task.

Reads the few process rows of one object (no viewflow queue: it scans the user's permission
rows in Python), and asks each step's permission through agencies.permissions.
"""

from __future__ import annotations

from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.models import Task as FlowTask

from documents.models import Directive
from tasks import permissions as task_perms
from tasks.models import ExtensionState, Task

from .flows import ExtensionFlow
from .models import DirectiveProcess, ExtensionProcess
from .nodes import ACTIVE, ensure_urls_loaded, step_url

ASK_FOR_EXTENSION = _("Ask for an extension")


def _open_steps(processes: list) -> list[tuple[Any, Any]]:
    by_pk = {process.pk: process for process in processes}
    steps = FlowTask.objects.filter(
        process_id__in=by_pk, flow_task_type="HUMAN", status__in=ACTIVE
    ).order_by("pk")
    return [(step, by_pk[step.process_id]) for step in steps]


def actions_for(user: Any, obj: Directive | Task) -> list[tuple[str, str]]:
    """(label, url) of every flow step `user` may act on now for a directive or a task."""
    if isinstance(obj, Directive):
        processes = list(DirectiveProcess.objects.filter(directive=obj).select_related("directive"))
    elif isinstance(obj, Task):
        processes = list(
            ExtensionProcess.objects.filter(extension__task=obj).select_related(
                "extension__task__directive"
            )
        )
    else:
        raise TypeError(f"actions_for() takes a Directive or a Task, not {type(obj).__name__}")
    actions = []
    for step, process in _open_steps(processes):
        if step.flow_task.allows(user, process):
            actions.append((str(step.flow_task.task_title), step_url(step)))
    if isinstance(obj, Task) and _may_ask_for_extension(user, obj):
        actions.append((str(ASK_FOR_EXTENSION), extension_request_url(obj)))
    return actions


def _may_ask_for_extension(user: Any, task: Task) -> bool:
    """The person's agency leads this task, its part is open and has no request pending (after
    its deadline the request page says why it cannot be asked for)."""
    assignment = task_perms.own_assignment(task, user)
    return (
        assignment is not None
        and assignment.is_open
        and assignment.deadline is not None
        and task_perms.can_request_extension(assignment, user)
        and not assignment.extensions.filter(state=ExtensionState.REQUESTED).exists()
    )


def register_url() -> str:
    """Where the standing office registers a new directive; registering starts its flow."""
    return reverse("directives:create")


def extension_request_url(task: Task) -> str:
    ensure_urls_loaded()
    try:
        return ExtensionFlow.request.reverse("execute") + "?" + urlencode({"task": task.pk})
    except NoReverseMatch:
        return ""
