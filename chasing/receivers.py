"""chasing's answers to what the apps below it announce: each event that hands the next move
to someone becomes their notices (chasing/notices.py, the table of who is told). Connected in
ChasingConfig.ready; each runs inside the announcing action's transaction."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from agencies.models import User
from documents import signals as directive_signals
from documents.models import Directive
from exports import signals as export_signals
from exports.models import Export
from reporting import signals as report_signals
from reporting.models import ReportSubmission
from tasks import signals as task_signals
from tasks.models import Extension, Task, TaskAssignment

from . import notices


@receiver(task_signals.parts_dispatched, dispatch_uid="chasing.parts_dispatched")
def tell_parts_dispatched(
    sender: Any, *, parts: list[TaskAssignment], by: User, occurrence: str, **_: Any
) -> None:
    notices.parts_dispatched(parts, by=by, occurrence=occurrence)


@receiver(task_signals.report_moved, dispatch_uid="chasing.report_moved")
def tell_report_moved(
    sender: Any,
    *,
    assignment: TaskAssignment,
    move: task_signals.ReportMove,
    by: User,
    occurrence: str,
    note: str = "",
    author: User | None = None,
    **_: Any,
) -> None:
    notices.report_moved(
        assignment, move=move, by=by, occurrence=occurrence, note=note, author=author
    )


@receiver(task_signals.extension_requested, dispatch_uid="chasing.extension_requested")
def tell_extension_requested(
    sender: Any, *, extension: Extension, by: User, occurrence: str, **_: Any
) -> None:
    notices.extension_requested(extension, by=by, occurrence=occurrence)


@receiver(task_signals.extension_decided, dispatch_uid="chasing.extension_decided")
def tell_extension_decided(
    sender: Any, *, extension: Extension, by: User, occurrence: str, **_: Any
) -> None:
    notices.extension_decided(extension, by=by, occurrence=occurrence)


@receiver(task_signals.task_urged, dispatch_uid="chasing.task_urged")
def tell_task_urged(
    sender: Any,
    *,
    task: Task,
    owing: list[TaskAssignment],
    by: User,
    note: str,
    occurrence: str,
    **_: Any,
) -> None:
    notices.task_urged(task, owing, by=by, note=note, occurrence=occurrence)


@receiver(directive_signals.task_list_submitted, dispatch_uid="chasing.task_list_submitted")
def tell_task_list_submitted(
    sender: Any, *, directive: Directive, by: User, note: str, occurrence: str, **_: Any
) -> None:
    notices.task_list_submitted(directive, by=by, note=note, occurrence=occurrence)


@receiver(directive_signals.task_list_returned, dispatch_uid="chasing.task_list_returned")
def tell_task_list_returned(
    sender: Any, *, directive: Directive, by: User, reason: str, occurrence: str, **_: Any
) -> None:
    notices.task_list_returned(directive, by=by, reason=reason, occurrence=occurrence)


@receiver(report_signals.periodic_report_returned, dispatch_uid="chasing.periodic_returned")
def tell_periodic_report_returned(
    sender: Any, *, submission: ReportSubmission, by: User, reason: str, **_: Any
) -> None:
    notices.periodic_report_returned(submission, by=by, reason=reason)


@receiver(export_signals.export_finished, dispatch_uid="chasing.export_finished")
def tell_export_finished(sender: Any, *, export: Export, **_: Any) -> None:
    notices.export_finished(export)
