"""The things people do to tasks. Views, flows, the API and commands call these; nothing else
changes a task's state, deadline or agencies.

Each action checks permission, runs the model transition in one transaction, appends the
history entry in that same transaction, and returns the changed object. A concurrent change by
someone else surfaces as ActionConflict.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Sequence
from functools import partial

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django_fsm import can_proceed, has_transition_perm

from agencies import permissions as perms
from agencies.models import Agency, User
from project.errors import ActionError, ActionForbidden, atomic_action

from .deadlines import DeadlineKind
from .models import (
    AssignmentRole,
    Extension,
    NotificationKind,
    ReportKind,
    ReportOutcome,
    Task,
    TaskAssignment,
    TaskAttachment,
    TaskEvent,
    TaskEventKind,
    TaskReport,
    TaskState,
)

NOT_ALLOWED_NOW = _("This task is “%(state)s”: “%(action)s” is not possible now.")
NOT_PERMITTED = _("You do not have the right to do “%(action)s” on this task.")
REASON_REQUIRED = _("Please give a reason.")
REPORT_TEXT_REQUIRED = _("Please write the report.")
LEAD_REQUIRED = _("A task needs at least one lead agency.")
SAME_AGENCY_TWICE = _("An agency cannot be both lead and co-ordinating on the same task.")
EXTENSION_NOT_LATER = _("The new deadline must be later than the current one (%(current)s).")
EXTENSION_PENDING = _("This task already has an extension request awaiting a decision.")
EXTENSION_DECIDED = _("This extension request has already been decided.")
TASK_NOT_OPEN = _("Only a task that is under way can have its deadline extended.")
DIRECTIVE_NOT_EDITABLE = _("Tasks can only be added while the directive is a draft.")

ACTION_NAMES = {
    "assign": _("dispatch"),
    "acknowledge": _("acknowledge"),
    "report": _("submit the report"),
    "accept": _("accept the report"),
    "return_report": _("return the report"),
    "resume": _("resume work"),
    "cancel": _("cancel"),
}


def _fmt(day: dt.date | None) -> str:
    return date_format(day, "d/m/Y") if day else ""


def _log(
    task: Task,
    kind: str,
    by: User | None,
    *,
    from_value: str = "",
    to_value: str = "",
    note: str = "",
    files: Iterable[UploadedFile] = (),
    report: TaskReport | None = None,
) -> TaskEvent:
    event = TaskEvent.objects.create(
        task=task,
        actor=by,
        actor_agency=getattr(by, "agency", None) if by is not None else None,
        kind=kind,
        from_value=from_value,
        to_value=to_value,
        note=note,
    )
    for upload in files:
        TaskAttachment.objects.create(
            task=task, report=report, event=event, file=upload, name=upload.name, uploaded_by=by
        )
    return event


def _transition(
    task: Task,
    name: str,
    by: User | None,
    *,
    note: str = "",
    files: Iterable[UploadedFile] = (),
    before_save: Callable[[Task], None] | None = None,
    check_permission: bool = True,
) -> TaskEvent:
    """Run the transition `name` on `task` (inside the caller's transaction) and log it."""
    method = getattr(task, name)
    action = ACTION_NAMES[name]
    if not can_proceed(method):
        raise ActionError(NOT_ALLOWED_NOW % {"state": task.get_state_display(), "action": action})
    if check_permission and not has_transition_perm(method, by):
        raise ActionForbidden(NOT_PERMITTED % {"action": action})
    from_state = task.state
    method()
    if before_save:
        before_save(task)
    task.save()
    return _log(
        task,
        TaskEventKind.TRANSITION,
        by,
        from_value=from_state,
        to_value=task.state,
        note=note,
        files=files,
    )


# ---- creating and assigning


@atomic_action
def create_task(
    directive,  # noqa: ANN001
    *,
    by: User | None,
    title: str,
    lead: Sequence[Agency],
    support: Sequence[Agency] = (),
    ref: str = "",
    content: str = "",
    deadline: dt.date | None = None,
    deadline_kind: str | None = None,
    deadline_text: str = "",
    recurrence: dict | None = None,
    position: int | None = None,
    check_permission: bool = True,
) -> Task:
    """Add a draft task to a directive that is still being broken down."""
    if check_permission and not perms.can_manage_directive(directive, by):
        raise ActionForbidden(NOT_PERMITTED % {"action": _("add a task")})
    if directive.state not in ("draft", "awaiting_approval"):
        raise ActionError(DIRECTIVE_NOT_EDITABLE)
    _check_agencies(lead, support)
    if position is None:
        position = directive.tasks.count() + 1
    task = Task(
        directive=directive,
        ref=ref,
        title=title,
        content=content,
        recurrence=recurrence,
        position=position,
    )
    task.set_deadline(
        deadline, deadline_kind or (DeadlineKind.DATE if deadline else None), deadline_text
    )
    task.full_clean(exclude=["directive", "state"])
    task.save()
    _log(task, TaskEventKind.CREATED, by, to_value=task.title[:255])
    _replace_assignments(task, lead, support, by)
    return task


def _check_agencies(lead: Sequence[Agency], support: Sequence[Agency]) -> None:
    if not lead:
        raise ActionError(LEAD_REQUIRED)
    if {a.pk for a in lead} & {a.pk for a in support}:
        raise ActionError(SAME_AGENCY_TWICE)


def _replace_assignments(
    task: Task, lead: Sequence[Agency], support: Sequence[Agency], by: User | None
) -> None:
    wanted = {a.pk: (a, AssignmentRole.LEAD) for a in lead}
    wanted.update({a.pk: (a, AssignmentRole.SUPPORT) for a in support})
    current = {a.agency_id: a for a in task.assignments.select_related("agency")}
    granted = task.state != TaskState.DRAFT
    for agency_id, assignment in current.items():
        if agency_id not in wanted or wanted[agency_id][1] != assignment.role:
            assignment.delete()
            if granted:
                perms.revoke_task_from_agency(task, assignment.agency)
            _log(
                task,
                TaskEventKind.UNASSIGNED,
                by,
                from_value=f"{assignment.agency.code} ({assignment.role})",
            )
    for agency_id, (agency, role) in wanted.items():
        existing = current.get(agency_id)
        if existing and existing.role == role:
            continue
        TaskAssignment.objects.create(task=task, agency=agency, role=role)
        if granted:
            perms.grant_task_to_agency(task, agency, role)
        _log(task, TaskEventKind.ASSIGNED, by, to_value=f"{agency.code} ({role})")


@atomic_action
def set_assignments(
    task: Task,
    *,
    by: User,
    lead: Sequence[Agency],
    support: Sequence[Agency] = (),
    note: str = "",
) -> Task:
    """Change a task's lead and co-ordinating agencies; rights follow at once."""
    if not perms.can_manage_task(task, by):
        raise ActionForbidden(NOT_PERMITTED % {"action": _("change the agencies")})
    if task.state in (TaskState.COMPLETED, TaskState.CANCELLED):
        raise ActionError(
            NOT_ALLOWED_NOW
            % {"state": task.get_state_display(), "action": _("change the agencies")}
        )
    _check_agencies(lead, support)
    _replace_assignments(task, lead, support, by)
    if note:
        _log(task, TaskEventKind.COMMENT, by, note=note)
    return task


def hand_over_to_successors(task: Task, *, by: User) -> Task:
    """Give an open task of a body that no longer exists to the body that took over."""
    assignments = list(task.assignments.select_related("agency"))
    lead = [a.agency.current_successor() for a in assignments if a.role == AssignmentRole.LEAD]
    support = [
        a.agency.current_successor() for a in assignments if a.role == AssignmentRole.SUPPORT
    ]
    support = [a for a in support if a.pk not in {x.pk for x in lead}]
    return set_assignments(
        task, by=by, lead=lead, support=support, note=str(_("Handed over to the successor body."))
    )


# ---- the state machine


@atomic_action
def dispatch_task(task: Task, *, by: User) -> Task:
    """Assign a draft task: its agencies get their rights and it starts to count."""

    def stamp(t: Task) -> None:
        t.assigned_at = timezone.now()
        if t.original_deadline is None:
            t.original_deadline = t.deadline

    _transition(task, "assign", by, before_save=stamp)
    for assignment in task.assignments.select_related("agency"):
        perms.grant_task_to_agency(task, assignment.agency, assignment.role)
    return task


@atomic_action
def acknowledge_task(task: Task, *, by: User, officer: User | None = None, note: str = "") -> Task:
    """The lead agency confirms receipt and names the officer in charge."""
    officer = officer or by

    def stamp(t: Task) -> None:
        t.acknowledged_at = timezone.now()
        t.officer = officer

    _transition(task, "acknowledge", by, note=note, before_save=stamp)
    _log(task, TaskEventKind.OFFICER, by, to_value=str(officer)[:255])
    return task


@atomic_action
def post_progress(
    task: Task, *, by: User, text: str, files: Iterable[UploadedFile] = ()
) -> TaskReport:
    """A progress update: recorded and shown, the state does not change."""
    if not perms.can_report_task(task, by):
        raise ActionForbidden(NOT_PERMITTED % {"action": _("post progress")})
    if task.state not in (TaskState.IN_PROGRESS, TaskState.RETURNED):
        raise ActionError(
            NOT_ALLOWED_NOW % {"state": task.get_state_display(), "action": _("post progress")}
        )
    if not text.strip():
        raise ActionError(REPORT_TEXT_REQUIRED)
    report = TaskReport.objects.create(
        task=task,
        kind=ReportKind.PROGRESS,
        agency=by.agency,
        text=text,
        submitted_by=by,
        outcome=ReportOutcome.NOTED,
    )
    _log(task, TaskEventKind.PROGRESS, by, note=text, files=files, report=report)
    return report


@atomic_action
def submit_report(
    task: Task, *, by: User, text: str, files: Iterable[UploadedFile] = ()
) -> TaskReport:
    """The lead agency reports its result; a returned task is resumed first."""
    if not text.strip():
        raise ActionError(REPORT_TEXT_REQUIRED)
    if task.state == TaskState.RETURNED:
        _transition(task, "resume", by)
    now = timezone.now()

    def stamp(t: Task) -> None:
        t.reported_at = now

    event = _transition(task, "report", by, note=text, before_save=stamp)
    report = TaskReport.objects.create(
        task=task, kind=ReportKind.RESULT, agency=by.agency, text=text, submitted_by=by
    )
    for upload in files:
        TaskAttachment.objects.create(
            task=task, report=report, event=event, file=upload, name=upload.name, uploaded_by=by
        )
    return report


def _pending_report(task: Task) -> TaskReport | None:
    return (
        task.reports.filter(kind=ReportKind.RESULT, outcome=ReportOutcome.PENDING)
        .order_by("-submitted_at", "-id")
        .first()
    )


@atomic_action
def accept_report(task: Task, *, by: User, note: str = "") -> Task:
    """The standing office accepts the result: the task is completed."""
    now = timezone.now()

    def stamp(t: Task) -> None:
        t.completed_at = now
        t.result_reported_at = t.reported_at

    _transition(task, "accept", by, note=note, before_save=stamp)
    report = _pending_report(task)
    if report:
        report.outcome = ReportOutcome.ACCEPTED
        report.reviewed_by, report.reviewed_at, report.review_note = by, now, note
        report.save()
    return task


@atomic_action
def return_report(task: Task, *, by: User, reason: str) -> Task:
    """The standing office sends the report back with a reason."""
    if not reason.strip():
        raise ActionError(REASON_REQUIRED)
    _transition(task, "return_report", by, note=reason)
    report = _pending_report(task)
    if report:
        report.outcome = ReportOutcome.RETURNED
        report.reviewed_by, report.reviewed_at, report.review_note = by, timezone.now(), reason
        report.save()
    return task


@atomic_action
def cancel_task(task: Task, *, by: User, reason: str) -> Task:
    if not reason.strip():
        raise ActionError(REASON_REQUIRED)

    def stamp(t: Task) -> None:
        t.cancelled_reason = reason

    _transition(task, "cancel", by, note=reason, before_save=stamp)
    return task


@atomic_action
def comment_on_task(
    task: Task, *, by: User, text: str, files: Iterable[UploadedFile] = ()
) -> TaskEvent:
    if not perms.can_comment_task(task, by):
        raise ActionForbidden(NOT_PERMITTED % {"action": _("comment")})
    if not text.strip():
        raise ActionError(REPORT_TEXT_REQUIRED)
    return _log(task, TaskEventKind.COMMENT, by, note=text, files=files)


# ---- deadlines: changed only through an extension


@atomic_action
def request_extension(task: Task, *, by: User, new_deadline: dt.date, reason: str) -> Extension:
    if not perms.can_request_extension(task, by):
        raise ActionForbidden(NOT_PERMITTED % {"action": _("ask for an extension")})
    if not task.is_open:
        raise ActionError(TASK_NOT_OPEN)
    if not reason.strip():
        raise ActionError(REASON_REQUIRED)
    if task.deadline and new_deadline <= task.deadline:
        raise ActionError(EXTENSION_NOT_LATER % {"current": _fmt(task.deadline)})
    if task.extensions.filter(state="requested").exists():
        raise ActionError(EXTENSION_PENDING)
    extension = Extension.objects.create(
        task=task,
        agency=by.agency,
        requested_by=by,
        current_deadline=task.deadline,
        requested_deadline=new_deadline,
        reason=reason,
    )
    _log(
        task,
        TaskEventKind.EXTENSION_REQUESTED,
        by,
        from_value=_fmt(task.deadline),
        to_value=_fmt(new_deadline),
        note=reason,
    )
    return extension


def _decide(extension: Extension, name: str, by: User) -> None:
    method = getattr(extension, name)
    if not can_proceed(method):
        raise ActionError(EXTENSION_DECIDED)
    if not has_transition_perm(method, by):
        raise ActionForbidden(NOT_PERMITTED % {"action": _("decide on the extension")})
    method()
    extension.decided_by = by
    extension.decided_at = timezone.now()


@atomic_action
def approve_extension(extension: Extension, *, by: User, note: str = "") -> Extension:
    """Move the task's deadline; the original stays on record."""
    _decide(extension, "approve", by)
    extension.decision_note = note
    extension.save()
    task = Task.objects.select_for_update().get(pk=extension.task_id)
    old = task.deadline
    if task.original_deadline is None:
        task.original_deadline = old
    task.set_deadline(
        extension.requested_deadline,
        DeadlineKind.DATE,
        str(_("extended to %(date)s") % {"date": _fmt(extension.requested_deadline)}),
    )
    task.save()
    _log(task, TaskEventKind.EXTENSION_APPROVED, by, note=note)
    _log(
        task,
        TaskEventKind.DEADLINE_CHANGED,
        by,
        from_value=_fmt(old),
        to_value=_fmt(task.deadline),
        note=extension.reason,
    )
    return extension


@atomic_action
def reject_extension(extension: Extension, *, by: User, note: str) -> Extension:
    if not note.strip():
        raise ActionError(REASON_REQUIRED)
    _decide(extension, "reject", by)
    extension.decision_note = note
    extension.save()
    _log(extension.task, TaskEventKind.EXTENSION_REJECTED, by, note=note)
    return extension


# ---- the breakdown editor and chasing (added for the web UI)

UNCHANGED = object()  # an optional argument the caller did not give
TASK_NOT_DRAFT = _("Only a task that has not been dispatched yet can be edited or removed.")
TASK_NOT_OVERDUE = _("Only an open task can be chased.")


@atomic_action
def update_draft_task(
    task: Task,
    *,
    by: User,
    title: str,
    lead: Sequence[Agency],
    support: Sequence[Agency] = (),
    ref: str = "",
    content: str = "",
    deadline: dt.date | None = None,
    deadline_kind: str | None = None,
    deadline_text: str = "",
    recurrence: dict | None | object = UNCHANGED,
) -> Task:
    """Edit a task of a directive still being broken down; what changed goes in the log."""
    if not perms.can_manage_directive(task.directive, by):
        raise ActionForbidden(NOT_PERMITTED % {"action": _("edit the task")})
    if task.state != TaskState.DRAFT or task.directive.state not in ("draft", "awaiting_approval"):
        raise ActionError(TASK_NOT_DRAFT)
    _check_agencies(lead, support)
    before = {
        "ref": task.ref,
        "title": task.title,
        "content": task.content,
        "recurrence": task.recurrence,
    }
    old_deadline = task.deadline
    task.ref, task.title, task.content = ref, title, content
    if recurrence is not UNCHANGED:
        task.recurrence = recurrence or None
    task.set_deadline(
        deadline, deadline_kind or (DeadlineKind.DATE if deadline else None), deadline_text
    )
    task.full_clean(exclude=["directive", "state"])
    task.save()
    changed = [name for name, value in before.items() if getattr(task, name) != value]
    if changed:
        _log(
            task,
            TaskEventKind.COMMENT,
            by,
            note=str(_("Edited: %(fields)s")) % {"fields": ", ".join(changed)},
        )
    if old_deadline != task.deadline:
        _log(
            task,
            TaskEventKind.DEADLINE_CHANGED,
            by,
            from_value=_fmt(old_deadline),
            to_value=_fmt(task.deadline),
        )
    _replace_assignments(task, lead, support, by)
    return task


@atomic_action
def delete_draft_task(task: Task, *, by: User, reason: str = "") -> Task:
    """Take a task out of a draft breakdown. The history is append-only, so the task is
    cancelled (and no longer listed or counted) rather than erased."""
    if not perms.can_manage_directive(task.directive, by):
        raise ActionForbidden(NOT_PERMITTED % {"action": _("remove the task")})
    if task.state != TaskState.DRAFT:
        raise ActionError(TASK_NOT_DRAFT)
    reason = reason.strip() or str(_("Removed from the breakdown."))

    def stamp(t: Task) -> None:
        t.cancelled_reason = reason

    _transition(task, "cancel", by, note=reason, before_save=stamp)
    return task


MERGE_NEEDS_TWO = _("Choose at least two tasks to merge.")
MERGE_OTHER_DIRECTIVE = _("Only tasks of the same directive can be merged.")
MERGED_INTO = _("Merged into “%(task)s”.")
MERGED_WITH = _("Merged with: %(tasks)s")
SPLIT_BAD_POINT = _("Choose where to split the text: between two sentences or paragraphs.")
SPLIT_FROM = _("Split from “%(task)s”.")
SPLIT_INTO = _("Split: the rest became “%(task)s”.")
URGED_TITLE = _("Urged: %(task)s")

# Where a task's text may be cut in two: after a paragraph, or after a sentence or a clause
# ("…; ") as Vietnamese directives list duties.
_BOUNDARY = re.compile(r"(?:\n+|(?<=[.;!?:])[ \t]+)(?=\S)")


def title_of(text: str, limit: int = 300) -> str:
    """The first sentence of a task's text, short enough for its title."""
    first = text.strip().split("\n")[0]
    for stop in (". ", "; "):
        if stop in first[:limit]:
            first = first.split(stop)[0]
            break
    return first if len(first) <= limit else first[: limit - 1].rstrip() + "…"


def split_points(text: str) -> list[int]:
    """Offsets in `text` where a second task could start (after a sentence or a paragraph)."""
    return [m.end() for m in _BOUNDARY.finditer(text) if text[: m.start()].strip()]


def _check_draft(task: Task, by: User, action: str) -> None:
    if not perms.can_manage_directive(task.directive, by):
        raise ActionForbidden(NOT_PERMITTED % {"action": action})
    if task.state != TaskState.DRAFT or task.directive.state not in ("draft", "awaiting_approval"):
        raise ActionError(TASK_NOT_DRAFT)


def _agencies_of(task: Task, role: str) -> list[Agency]:
    return [
        a.agency for a in task.assignments.select_related("agency").order_by("id") if a.role == role
    ]


@atomic_action
def merge_draft_tasks(tasks: Sequence[Task], *, by: User) -> Task:
    """Merge draft tasks into the first of them (in the list's order): texts joined, agencies
    united (lead anywhere stays lead), the earliest deadline. The others are cancelled with a
    note saying where they went; every change is logged."""
    tasks = sorted({t.pk: t for t in tasks}.values(), key=lambda t: (t.position, t.pk))
    if len(tasks) < 2:
        raise ActionError(MERGE_NEEDS_TWO)
    if len({t.directive_id for t in tasks}) > 1:
        raise ActionError(MERGE_OTHER_DIRECTIVE)
    tasks = list(Task.objects.select_for_update().filter(pk__in=[t.pk for t in tasks]))
    tasks.sort(key=lambda t: (t.position, t.pk))
    for task in tasks:
        _check_draft(task, by, str(_("merge tasks")))
    keep, others = tasks[0], tasks[1:]
    lead: dict[int, Agency] = {}
    support: dict[int, Agency] = {}
    for task in tasks:
        lead.update({a.pk: a for a in _agencies_of(task, AssignmentRole.LEAD)})
        support.update({a.pk: a for a in _agencies_of(task, AssignmentRole.SUPPORT)})
    for pk in lead:
        support.pop(pk, None)
    dated = [t for t in tasks if t.deadline is not None]
    earliest = min(dated, key=lambda t: t.deadline) if dated else keep
    old_deadline = keep.deadline
    texts = [(t.content or t.title).strip() for t in tasks]
    keep.title = "; ".join(t.title for t in tasks)[:500]
    keep.content = "\n\n".join(texts)
    keep.recurrence = next((t.recurrence for t in tasks if t.recurrence), None)
    keep.set_deadline(earliest.deadline, earliest.deadline_kind, earliest.deadline_text)
    keep.full_clean(exclude=["directive", "state"])
    keep.save()
    _log(
        keep,
        TaskEventKind.COMMENT,
        by,
        note=str(MERGED_WITH % {"tasks": "; ".join(str(t) for t in others)}),
    )
    if old_deadline != keep.deadline:
        _log(
            keep,
            TaskEventKind.DEADLINE_CHANGED,
            by,
            from_value=_fmt(old_deadline),
            to_value=_fmt(keep.deadline),
        )
    _replace_assignments(keep, list(lead.values()), list(support.values()), by)
    reason = str(MERGED_INTO % {"task": keep})

    def stamp(t: Task) -> None:
        t.cancelled_reason = reason

    for task in others:
        _transition(task, "cancel", by, note=reason, before_save=stamp)
    return keep


@atomic_action
def split_draft_task(task: Task, *, by: User, at: int) -> Task:
    """Cut a draft task's text in two at `at` (one of split_points(text)): the task keeps the
    first part, a new task right after it gets the rest, with the same agencies and deadline.
    Returns the new task."""
    task = Task.objects.select_for_update().select_related("directive").get(pk=task.pk)
    _check_draft(task, by, str(_("split the task")))
    text = task.content or task.title
    if at not in split_points(text):
        raise ActionError(SPLIT_BAD_POINT)
    first, rest = text[:at].strip(), text[at:].strip()
    lead = _agencies_of(task, AssignmentRole.LEAD)
    support = _agencies_of(task, AssignmentRole.SUPPORT)
    # Make room right after the task, so the new one keeps the directive's order.
    Task.objects.filter(directive_id=task.directive_id, position__gt=task.position).update(
        position=F("position") + 1
    )
    before = str(task)
    task.title, task.content = title_of(first), first
    task.full_clean(exclude=["directive", "state"])
    task.save()
    new = create_task(
        task.directive,
        by=by,
        title=title_of(rest),
        content=rest,
        ref=f"{task.ref}b"[:30] if task.ref else "",
        lead=lead,
        support=support,
        deadline=task.deadline,
        deadline_kind=task.deadline_kind,
        deadline_text=task.deadline_text,
        recurrence=task.recurrence,
        position=task.position + 1,
    )
    _log(new, TaskEventKind.COMMENT, by, note=str(SPLIT_FROM % {"task": before}))
    _log(task, TaskEventKind.COMMENT, by, note=str(SPLIT_INTO % {"task": new}))
    return new


@atomic_action
def urge_task(task: Task, *, by: User, note: str = "") -> TaskEvent:
    """The standing office chases the lead agency of an open task (đôn đốc); logged, and the
    lead agency's people are notified in the app once the urge is committed."""
    if not perms.can_manage_task(task, by):
        raise ActionForbidden(NOT_PERMITTED % {"action": _("urge")})
    if not task.is_open:
        raise ActionError(TASK_NOT_OVERDUE)
    text = note.strip() or str(_("Urged: please report on this task."))
    event = _log(task, TaskEventKind.COMMENT, by, note=text)
    transaction.on_commit(partial(_notify_urged, task.pk, event.pk, text))
    return event


URGED = NotificationKind.URGED  # one notification per urge: its period is the log entry


def _notify_urged(task_pk: int, event_pk: int, text: str) -> None:
    from .notifications import Message, in_site_language, notify
    from .reminders import task_url

    task = Task.objects.get(pk=task_pk)
    recipients = User.objects.filter(
        is_active=True,
        agency__in=task.assignments.filter(role=AssignmentRole.LEAD).values("agency"),
    ).values_list("pk", flat=True)
    with in_site_language():
        title = str(URGED_TITLE % {"task": task})
    notify(
        Message(
            recipient_id=pk,
            kind=URGED,
            object_key=f"task:{task_pk}",
            period=f"event:{event_pk}",
            title=title,
            body=text,
            url=task_url(task_pk),
            task_id=task_pk,
            due_at=task.due_at,
        )
        for pk in recipients
    )


# ---- the task flow's deadline timer (workflows/): it records, reminders.py sends the messages

OVERDUE_STEP = _("Deadline passed while the step “%(step)s” was still open; escalated.")


@atomic_action
def record_overdue_step(task: Task, *, step: str) -> TaskEvent:
    """The deadline timer of a task's flow fired: log it once (no actor: the system did it)."""
    return _log(task, TaskEventKind.COMMENT, None, note=str(OVERDUE_STEP % {"step": step}))
