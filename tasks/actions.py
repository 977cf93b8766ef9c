"""The things people do to tasks and to each agency's part of them. Views, flows, the API and
commands call these; nothing else changes a task's or an assignment's state, deadline or agencies.

Each action checks permission, runs the model transition in one transaction, appends the
history entry (with the agency it concerns) in that same transaction, and returns the changed
object. A concurrent change by someone else surfaces as ActionConflict.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Iterable, Sequence
from contextvars import ContextVar
from typing import ParamSpec, TypeVar

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django_fsm import can_proceed

from agencies.models import Agency, User
from documents import actions as directive_actions
from documents import permissions as directive_perms
from documents.models import Directive
from project.errors import ActionConflict, ActionError, ActionForbidden
from project.errors import atomic_action as _atomic_action
from project.steps import require_flow_step

from . import permissions as perms
from . import signals
from .deadlines import DeadlineKind, deadline_end, vn_date
from .models import (
    AssignmentRole,
    AssignmentState,
    Extension,
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
from .signals import ReportMove

NOT_ALLOWED_NOW = _("This task is “%(state)s”: “%(action)s” is not possible now.")
PART_NOT_ALLOWED_NOW = _("The part of %(agency)s is “%(state)s”: “%(action)s” is not possible now.")
NOT_PERMITTED = _("You do not have the right to do “%(action)s” on this task.")
REASON_REQUIRED = _("Please give a reason.")
REPORT_TEXT_REQUIRED = _("Please write the report.")
LEAD_REQUIRED = _("A task needs at least one lead agency.")
SAME_AGENCY_TWICE = _("An agency cannot be both lead and co-ordinating on the same task.")
ROLE_FIXED = _("%(agency)s already has a part in this task under way: its role cannot change now.")
REMOVED_AGENCY = _("%(agency)s was removed from this task and cannot be added back.")
EXTENSION_NOT_LATER = _("The new deadline must be later than the current one (%(current)s).")
EXTENSION_PENDING = _("Your agency already has an extension request awaiting a decision.")
EXTENSION_DECIDED = _("This extension request has already been decided.")
EXTENSION_TOO_LATE = _(
    "Your deadline (%(deadline)s) has passed: an extension can only be asked for before it. "
    "Report the result now (it will count as late), or explain the delay in a progress update."
)
EXTENSION_NO_DEADLINE = _("This task has no deadline to extend.")
TASK_NOT_OPEN = _("Only a part that is under way can have its deadline extended.")
LIST_FROZEN = _(
    "The task list can only be changed while the directive is a draft: it is frozen while the "
    "chair reviews it (a returned list can be changed again)."
)
DEADLINE_PASSED = _(
    "The deadline of “%(task)s” (%(deadline)s) has already passed: set a new deadline and "
    "give the reason before dispatching."
)
NEW_DEADLINE_PAST = _("The new deadline of “%(task)s” must be today or later.")
OFFICER_NOT_OF_AGENCY = _("The officer must belong to %(agency)s.")
NOT_AWAITING_HEAD = _("This report is not waiting for the head's sign-off.")
CONTRIBUTION_FOREIGN = _("Only contributions posted on this task can be attached.")
AWAITING_HEAD_FIRST = _(
    "An officer's report awaits the head's sign-off: send it on or back before reporting again."
)
PART_NOT_OWING = _("The part of %(agency)s is “%(state)s”: its deadline can no longer be moved.")
PART_CLOSED = _("The part of %(agency)s is closed: its officer cannot change now.")

ACTION_NAMES = {
    "dispatch": _("dispatch"),
    "acknowledge": _("acknowledge"),
    "submit_to_head": _("send the report to the head"),
    "send_back": _("send the report back"),
    "report": _("submit the report"),
    "accept": _("accept the report"),
    "return_report": _("return the report"),
    "cancel": _("cancel"),
    "complete": _("complete"),
}


# History entries that never come with a change of state, deadline or agencies.
NO_STATE_CHANGE = {
    TaskEventKind.COMMENT,
    TaskEventKind.URGED,
    TaskEventKind.URGING_LETTER,
    TaskEventKind.OVERDUE,
    TaskEventKind.PROGRESS,
    TaskEventKind.CONTRIBUTION,
    TaskEventKind.OFFICER,
}
# The tasks the running action changed (every change writes a history entry through _log):
# their stored summary of the leads is refreshed before the action's transaction commits.
_touched: ContextVar[set[int] | None] = ContextVar("touched_tasks", default=None)

P = ParamSpec("P")
R = TypeVar("R")


def atomic_action(func: Callable[P, R]) -> Callable[P, R]:
    """project.errors.atomic_action (one transaction, a lost race is ActionConflict), and, in
    that transaction, the stored summary of the leads of every task the action touched
    (Task.lead_status …, querysets.lead_summary): the one place it is written."""

    @functools.wraps(func)
    def tracked(*args: P.args, **kwargs: P.kwargs) -> R:
        if _touched.get() is not None:  # an action inside another: the outer one refreshes
            return func(*args, **kwargs)
        token = _touched.set(set())
        try:
            result = func(*args, **kwargs)
            touched = _touched.get()
            if touched:
                Task.objects.filter(pk__in=touched).refresh_lead_summary()
            return result
        finally:
            _touched.reset(token)

    return _atomic_action(tracked)


def _log(
    task: Task,
    kind: str,
    by: User | None,
    *,
    agency: Agency | None = None,
    from_value: str = "",
    to_value: str = "",
    note: str = "",
    files: Iterable[UploadedFile] = (),
    report: TaskReport | None = None,
) -> TaskEvent:
    touched = _touched.get()
    if touched is not None and kind not in NO_STATE_CHANGE:
        touched.add(task.pk)
    event = TaskEvent.objects.create(
        task=task,
        actor=by,
        actor_agency=getattr(by, "agency", None) if by is not None else None,
        agency=agency,
        kind=kind,
        from_value=from_value,
        to_value=to_value,
        note=note,
    )
    for upload in files:
        TaskAttachment.objects.create(
            task=task,
            report=report,
            event=event,
            file=upload,
            name=upload.name or "",
            uploaded_by=by,
        )
    return event


def _move(
    obj: Task | TaskAssignment,
    name: str,
    by: User | None,
    *,
    note: str = "",
    files: Iterable[UploadedFile] = (),
) -> TaskEvent:
    """Run the transition `name` on a task or an assignment (inside the caller's transaction),
    save it and log it. Permission is the caller's to check."""
    method = getattr(obj, name)
    if not can_proceed(method):
        template = NOT_ALLOWED_NOW if isinstance(obj, Task) else PART_NOT_ALLOWED_NOW
        agency = getattr(obj, "agency", "")  # a part names its agency, a task has none
        raise ActionError(
            template
            % {"state": obj.get_state_display(), "action": ACTION_NAMES[name], "agency": agency}
        )
    from_state = obj.state
    method()
    obj.save()
    # A part's move is logged on its task, naming its agency; a task's names none. (The part is
    # asked about first: mypy cannot narrow isinstance on django-fsm's models to the other.)
    if isinstance(obj, TaskAssignment):
        task, agency = obj.task, obj.agency
    else:
        task, agency = obj, None
    return _log(
        task,
        TaskEventKind.TRANSITION,
        by,
        agency=agency,
        from_value=from_state,
        to_value=obj.state,
        note=note,
        files=files,
    )


def _locked(assignment: TaskAssignment) -> TaskAssignment:
    """The assignment as it is now, locked for this transaction: a second person acting on the
    same part waits, then finds the state already moved."""
    fresh = (
        TaskAssignment.objects.select_for_update()
        .select_related("task__directive__committee", "agency")
        .get(pk=assignment.pk)
    )
    if fresh.state != assignment.state:
        raise ActionConflict()
    return fresh


# ---- creating and assigning (while the directive is a draft)


def _check_list_editable(directive: Directive, by: User | None, action: str) -> None:
    if by is not None and not directive_perms.can_manage_directive(directive, by):
        raise ActionForbidden(NOT_PERMITTED % {"action": action})
    if directive.state != "draft":
        raise ActionError(LIST_FROZEN)


@atomic_action
def create_task(
    directive: Directive,
    *,
    by: User | None,
    title: str,
    lead: Sequence[Agency],
    coordinating: Sequence[Agency] = (),
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
    _check_list_editable(directive, by if check_permission else None, str(_("add a task")))
    _check_agencies(lead, coordinating)
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
    _replace_assignments(task, lead, coordinating, by)
    return task


def _check_agencies(lead: Sequence[Agency], coordinating: Sequence[Agency]) -> None:
    if not lead:
        raise ActionError(LEAD_REQUIRED)
    if {a.pk for a in lead} & {a.pk for a in coordinating}:
        raise ActionError(SAME_AGENCY_TWICE)


# For a part handed over: the deadline and original deadline it takes over (agency id → both).
Carried = dict[int, tuple[dt.date | None, dt.date | None]]


def _start_assignment(
    assignment: TaskAssignment,
    task: Task,
    now: dt.datetime,
    by: User | None,
    carried: Carried | None = None,
    parts: list[TaskAssignment] | None = None,
) -> None:
    """A dispatched task's agency gets its part (saved and logged): a lead its own deadline,
    from the task's, or the one of the part it takes over. Added to `parts`, the parts whose
    people the caller announces (signals.parts_dispatched)."""
    if assignment.is_lead:
        deadline, original = (carried or {}).get(
            assignment.agency_id, (task.deadline, task.deadline)
        )
        assignment.set_deadline(deadline)
        assignment.original_deadline = original
        assignment.assigned_at = now
    _move(assignment, "dispatch", by)
    if parts is not None:
        parts.append(assignment)


def _replace_assignments(
    task: Task,
    lead: Sequence[Agency],
    coordinating: Sequence[Agency],
    by: User | None,
    carried: Carried | None = None,
    parts: list[TaskAssignment] | None = None,
) -> TaskEvent | None:
    """Make the task's agencies the wanted ones; returns the last "assigned" entry logged."""
    logged = None
    wanted = {a.pk: (a, AssignmentRole.LEAD) for a in lead}
    wanted.update({a.pk: (a, AssignmentRole.COORDINATING) for a in coordinating})
    current = {a.agency_id: a for a in task.assignments.select_related("agency")}
    dispatched = task.state != TaskState.DRAFT
    now = timezone.now()
    for agency_id, assignment in current.items():
        if agency_id in wanted and wanted[agency_id][1] == assignment.role:
            continue
        if not dispatched:
            assignment.delete()  # a draft part has no history of its own yet
        elif agency_id in wanted:
            raise ActionError(ROLE_FIXED % {"agency": assignment.agency})
        elif assignment.state != AssignmentState.CANCELLED:
            _move(assignment, "cancel", by)
        else:
            continue
        _log(
            task,
            TaskEventKind.UNASSIGNED,
            by,
            agency=assignment.agency,
            from_value=str(assignment.get_role_display()),
        )
    for agency_id, (agency, role) in wanted.items():
        existing = current.get(agency_id)
        if existing and existing.role == role:
            if existing.state == AssignmentState.CANCELLED:
                raise ActionError(REMOVED_AGENCY % {"agency": agency})
            continue
        if existing and dispatched:
            continue  # refused above
        assignment = TaskAssignment.for_task(task, agency=agency, role=role)
        if dispatched:
            _start_assignment(assignment, task, now, by, carried, parts)
        else:
            assignment.save()
        logged = _log(
            task,
            TaskEventKind.ASSIGNED,
            by,
            agency=agency,
            to_value=str(assignment.get_role_display()),
        )
    return logged


@atomic_action
def set_assignments(
    task: Task,
    *,
    by: User,
    lead: Sequence[Agency],
    coordinating: Sequence[Agency] = (),
    note: str = "",
    carried: Carried | None = None,
) -> Task:
    """Change a task's lead and co-ordinating agencies; sight and rights follow at once (they
    come from the assignments). A removed lead's part is cancelled, its history kept; a new
    lead gets the task's deadline, or the one in `carried` (a hand-over)."""
    if not perms.can_manage_task(task, by):
        raise ActionForbidden(NOT_PERMITTED % {"action": _("change the agencies")})
    if task.state in (TaskState.COMPLETED, TaskState.CANCELLED):
        raise ActionError(
            NOT_ALLOWED_NOW
            % {"state": task.get_state_display(), "action": _("change the agencies")}
        )
    if task.state == TaskState.DRAFT and task.directive.state != "draft":
        raise ActionError(LIST_FROZEN)
    _check_agencies(lead, coordinating)
    parts: list[TaskAssignment] = []
    added = _replace_assignments(task, lead, coordinating, by, carried, parts)
    if added is not None and parts:
        _announce_dispatched(parts, by, f"event:{added.pk}")
    if note:
        _log(task, TaskEventKind.COMMENT, by, note=note)
    _complete_if_done(task, by)
    return task


def hand_over_to_successors(task: Task, *, by: User) -> Task:
    """Give an open task of a body that no longer exists to the body that took over."""
    assignments = [a for a in task.assignments.select_related("agency") if a.state != "cancelled"]

    def holder(part: TaskAssignment) -> Agency:
        # A part already accepted stays with the body that did it; open parts move on.
        return part.agency if part.state == "accepted" else part.agency.current_successor()

    lead = [holder(a) for a in assignments if a.is_lead]
    coordinating = [a.agency.current_successor() for a in assignments if not a.is_lead]
    coordinating = [a for a in coordinating if a.pk not in {x.pk for x in lead}]
    # The successor takes over the part as it stands: its own (perhaps extended) deadline.
    carried: Carried = {
        holder(a).pk: (a.deadline, a.original_deadline)
        for a in assignments
        if a.is_lead and holder(a).pk != a.agency_id
    }
    return set_assignments(
        task,
        by=by,
        lead=lead,
        coordinating=coordinating,
        note=str(_("Handed over to the successor body.")),
        carried=carried,
    )


# ---- dispatch and the task's own end


def _announce_dispatched(parts: list[TaskAssignment], by: User | None, occurrence: str) -> None:
    """Whoever tells the agencies' people listens (chasing: one notice per person and
    directive, however many tasks)."""
    signals.parts_dispatched.send(sender=Task, parts=parts, by=by, occurrence=occurrence)


@atomic_action
def dispatch_task(
    task: Task, *, by: User, new_deadline: dt.date | None = None, reason: str = ""
) -> Task:
    """Assign a draft task: each agency gets its part, each lead its own deadline, and its
    people are told.

    A task whose deadline has already passed is refused unless the standing office moves it
    (`new_deadline`, with a reason) in the same step; the move is logged."""
    parts: list[TaskAssignment] = []
    event = _dispatch(task, by, new_deadline, reason, parts)
    _announce_dispatched(parts, by, f"event:{event.pk}")
    return task


@atomic_action
def dispatch_directive(
    directive: Directive,
    *,
    by: User,
    new_deadlines: dict[int, dt.date] | None = None,
    reason: str = "",
) -> list[Task]:
    """Assign every draft task of an issued directive to its agencies. A task whose deadline
    has passed is refused unless `new_deadlines` moves it (with `reason`), in the same step.
    Each agency's people get one notice listing their new tasks, not one per task."""
    require_flow_step(str(_("dispatch")))
    new_deadlines = new_deadlines or {}
    directive_actions.check_dispatchable(directive, by=by)
    parts: list[TaskAssignment] = []
    dispatched = []
    for task in (
        directive.tasks.filter(state=TaskState.DRAFT)
        .select_related("directive")
        .order_by("position", "id")
    ):
        _dispatch(task, by, new_deadlines.get(task.pk), reason, parts)
        dispatched.append(task)
    event = directive_actions.record_dispatch(directive, by=by, count=len(dispatched))
    _announce_dispatched(parts, by, f"directive:{event.pk}")
    return dispatched


def _dispatch(
    task: Task,
    by: User,
    new_deadline: dt.date | None,
    reason: str,
    parts: list[TaskAssignment],
) -> TaskEvent:
    """dispatch_task's work, for one task or each of a directive's; returns the entry logged."""
    if not perms.can_manage_task(task, by):
        raise ActionForbidden(NOT_PERMITTED % {"action": _("dispatch")})
    now = timezone.now()
    if new_deadline is not None:
        if deadline_end(new_deadline) < now:
            raise ActionError(NEW_DEADLINE_PAST % {"task": task})
        if not reason.strip():
            raise ActionError(REASON_REQUIRED)
        old = task.deadline
        task.set_deadline(new_deadline, DeadlineKind.DATE)
        _log(
            task,
            TaskEventKind.DEADLINE_CHANGED,
            by,
            from_value=vn_date(old),
            to_value=vn_date(new_deadline),
            note=reason,
        )
    elif task.due_at is not None and task.due_at < now:
        raise ActionError(DEADLINE_PASSED % {"task": task, "deadline": vn_date(task.deadline)})
    task.assigned_at = now
    event = _move(task, "dispatch", by)
    for assignment in task.assignments.select_related("agency"):
        _start_assignment(assignment, task, now, by, parts=parts)
    return event


def _complete_if_done(task: Task, by: User | None) -> None:
    """Every lead's part accepted: the task is completed, in the same transaction."""
    if task.state == TaskState.ASSIGNED and task.all_leads_accepted():
        task.completed_at = timezone.now()
        _move(task, "complete", by)


@atomic_action
def cancel_task(task: Task, *, by: User, reason: str) -> Task:
    if not perms.can_manage_task(task, by):
        raise ActionForbidden(NOT_PERMITTED % {"action": _("cancel")})
    if not reason.strip():
        raise ActionError(REASON_REQUIRED)
    task.cancelled_reason = reason
    _move(task, "cancel", by, note=reason)
    for assignment in task.assignments.exclude(state__in=["cancelled", "accepted"]):
        _move(assignment, "cancel", by, note=reason)
    return task


# ---- each lead agency's part


def _check_worker(assignment: TaskAssignment, by: User, action: str) -> None:
    if not perms.can_work_on(assignment, by):
        raise ActionForbidden(NOT_PERMITTED % {"action": action})


@atomic_action
def acknowledge(
    assignment: TaskAssignment, *, by: User, officer: User | None = None, note: str = ""
) -> TaskAssignment:
    """The lead agency confirms receipt and names its officer in charge."""
    _check_worker(assignment, by, str(ACTION_NAMES["acknowledge"]))
    assignment = _locked(assignment)
    officer = officer or by
    if officer.agency_id != assignment.agency_id:
        raise ActionError(OFFICER_NOT_OF_AGENCY % {"agency": assignment.agency})
    assignment.acknowledged_at = timezone.now()
    assignment.officer = officer
    _move(assignment, "acknowledge", by, note=note)
    _log(
        assignment.task,
        TaskEventKind.OFFICER,
        by,
        agency=assignment.agency,
        to_value=str(officer)[:255],
    )
    return assignment


@atomic_action
def reassign_officer(assignment: TaskAssignment, *, by: User, officer: User) -> TaskAssignment:
    """The agency's head hands its part to another of its officers."""
    if not perms.can_sign_off(assignment, by):
        raise ActionForbidden(NOT_PERMITTED % {"action": _("name another officer")})
    if officer.agency_id != assignment.agency_id:
        raise ActionError(OFFICER_NOT_OF_AGENCY % {"agency": assignment.agency})
    assignment = _locked(assignment)
    if not assignment.is_open:
        raise ActionError(PART_CLOSED % {"agency": assignment.agency})
    before = str(assignment.officer or "")
    assignment.officer = officer
    assignment.save(update_fields=["officer"])
    _log(
        assignment.task,
        TaskEventKind.OFFICER,
        by,
        agency=assignment.agency,
        from_value=before[:255],
        to_value=str(officer)[:255],
    )
    return assignment


@atomic_action
def post_progress(
    assignment: TaskAssignment, *, by: User, text: str, files: Iterable[UploadedFile] = ()
) -> TaskReport:
    """A progress update on the agency's part: recorded and shown, the state does not change."""
    _check_worker(assignment, by, str(_("post progress")))
    if assignment.state not in (AssignmentState.IN_PROGRESS, AssignmentState.RETURNED):
        raise ActionError(
            PART_NOT_ALLOWED_NOW
            % {
                "state": assignment.get_state_display(),
                "action": _("post progress"),
                "agency": assignment.agency,
            }
        )
    return _post_note(assignment, by, text, files, ReportKind.PROGRESS, TaskEventKind.PROGRESS)


@atomic_action
def post_contribution(
    assignment: TaskAssignment, *, by: User, text: str, files: Iterable[UploadedFile] = ()
) -> TaskReport:
    """A co-ordinating agency's contribution: the leads see it and can attach it to their
    reports; the standing office sees who contributed."""
    if not perms.can_contribute(assignment, by):
        raise ActionForbidden(NOT_PERMITTED % {"action": _("post a contribution")})
    if assignment.task.state != TaskState.ASSIGNED:
        raise ActionError(
            NOT_ALLOWED_NOW
            % {"state": assignment.task.get_state_display(), "action": _("post a contribution")}
        )
    return _post_note(
        assignment, by, text, files, ReportKind.CONTRIBUTION, TaskEventKind.CONTRIBUTION
    )


def _post_note(
    assignment: TaskAssignment,
    by: User,
    text: str,
    files: Iterable[UploadedFile],
    kind: str,
    event_kind: str,
) -> TaskReport:
    """A progress update or a contribution: recorded on the part and in the history; no state
    changes."""
    if not text.strip():
        raise ActionError(REPORT_TEXT_REQUIRED)
    report = TaskReport.objects.create(
        task=assignment.task,
        assignment=assignment,
        kind=kind,
        agency=assignment.agency,
        text=text,
        submitted_by=by,
        outcome=ReportOutcome.NOTED,
    )
    _log(
        assignment.task,
        event_kind,
        by,
        agency=assignment.agency,
        note=text,
        files=files,
        report=report,
    )
    return report


def _announce_report(
    assignment: TaskAssignment,
    move: ReportMove,
    by: User,
    event: TaskEvent,
    *,
    note: str = "",
    report: TaskReport | None = None,
) -> None:
    """Whoever acts next is told (chasing listens); `event` is the move's history entry."""
    signals.report_moved.send(
        sender=TaskAssignment,
        assignment=assignment,
        move=move,
        by=by,
        occurrence=f"event:{event.pk}",
        note=note,
        author=report.submitted_by if report else None,
    )


def needs_head_sign_off(assignment: TaskAssignment, by: User) -> bool:
    """Whether a report by `by` goes to the agency's head first (the committee's setting;
    the head's own report goes straight on)."""
    committee = assignment.task.directive.committee
    return committee.reports_need_head_approval and not perms.can_sign_off(assignment, by)


@atomic_action
def submit_report(
    assignment: TaskAssignment,
    *,
    by: User,
    text: str,
    files: Iterable[UploadedFile] = (),
    contributions: Sequence[TaskReport] = (),
) -> TaskReport:
    """The lead agency reports the result of its part: to its head first where the committee
    asks for the head's sign-off, otherwise (or when the head reports) to the standing office."""
    _check_worker(assignment, by, str(ACTION_NAMES["report"]))
    if not text.strip():
        raise ActionError(REPORT_TEXT_REQUIRED)
    assignment = _locked(assignment)
    if assignment.state == AssignmentState.AWAITING_HEAD:
        raise ActionError(AWAITING_HEAD_FIRST)
    to_head = needs_head_sign_off(assignment, by)
    now = timezone.now()
    if not to_head:
        assignment.reported_at = now
    # A draft for the head stays inside the agency: its text is on the report, not the history.
    event = _move(
        assignment, "submit_to_head" if to_head else "report", by, note="" if to_head else text
    )
    report = TaskReport.objects.create(
        task=assignment.task,
        assignment=assignment,
        kind=ReportKind.RESULT,
        agency=assignment.agency,
        text=text,
        submitted_by=by,
        outcome=ReportOutcome.AWAITING_HEAD if to_head else ReportOutcome.PENDING,
        signed_off_by=None
        if to_head or not assignment.task.directive.committee.reports_need_head_approval
        else by,
        signed_off_at=None if to_head else now,
    )
    _announce_report(
        assignment, ReportMove.TO_SIGN_OFF if to_head else ReportMove.TO_REVIEW, by, event
    )
    if contributions:
        if any(
            c.task_id != assignment.task_id or c.kind != ReportKind.CONTRIBUTION
            for c in contributions
        ):
            raise ActionError(CONTRIBUTION_FOREIGN)
        report.contributions.set(contributions)
    for upload in files:
        TaskAttachment.objects.create(
            task=assignment.task,
            report=report,
            event=event,
            file=upload,
            name=upload.name or "",
            uploaded_by=by,
        )
    return report


def _latest_result(assignment: TaskAssignment, outcome: str) -> TaskReport | None:
    return (
        assignment.reports.filter(kind=ReportKind.RESULT, outcome=outcome)
        .order_by("-submitted_at", "-id")
        .first()
    )


@atomic_action
def sign_off_report(assignment: TaskAssignment, *, by: User, note: str = "") -> TaskAssignment:
    """The agency's head sends the officer's report on to the standing office."""
    if not perms.can_sign_off(assignment, by):
        raise ActionForbidden(NOT_PERMITTED % {"action": _("sign the report off")})
    assignment = _locked(assignment)
    if assignment.state != AssignmentState.AWAITING_HEAD:
        raise ActionError(NOT_AWAITING_HEAD)
    now = timezone.now()
    assignment.reported_at = now
    _move(assignment, "report", by, note=note)
    report = _latest_result(assignment, ReportOutcome.AWAITING_HEAD)
    if report:
        report.outcome = ReportOutcome.PENDING
        report.signed_off_by, report.signed_off_at = by, now
        report.save()
    event = _log(
        assignment.task, TaskEventKind.HEAD_APPROVED, by, agency=assignment.agency, note=note
    )
    _announce_report(assignment, ReportMove.TO_REVIEW, by, event)
    return assignment


@atomic_action
def send_back_report(assignment: TaskAssignment, *, by: User, reason: str) -> TaskAssignment:
    """The agency's head sends the officer's report back with a note."""
    if not perms.can_sign_off(assignment, by):
        raise ActionForbidden(NOT_PERMITTED % {"action": _("send the report back")})
    if not reason.strip():
        raise ActionError(REASON_REQUIRED)
    assignment = _locked(assignment)
    if assignment.state != AssignmentState.AWAITING_HEAD:
        raise ActionError(NOT_AWAITING_HEAD)
    # The note stays inside the agency: it is on the head's entry, not the shared transition.
    _move(assignment, "send_back", by)
    report = _latest_result(assignment, ReportOutcome.AWAITING_HEAD)
    if report:
        report.outcome = ReportOutcome.SENT_BACK
        report.reviewed_by, report.reviewed_at, report.review_note = by, timezone.now(), reason
        report.save()
    event = _log(
        assignment.task, TaskEventKind.HEAD_SENT_BACK, by, agency=assignment.agency, note=reason
    )
    _announce_report(assignment, ReportMove.SENT_BACK, by, event, note=reason, report=report)
    return assignment


@atomic_action
def accept_report(assignment: TaskAssignment, *, by: User, note: str = "") -> TaskAssignment:
    """The standing office accepts this agency's result; the task is completed when every
    lead's part is accepted."""
    if not perms.can_manage_task(assignment.task, by):
        raise ActionForbidden(NOT_PERMITTED % {"action": ACTION_NAMES["accept"]})
    assignment = _locked(assignment)
    now = timezone.now()
    assignment.accepted_at = now
    assignment.result_reported_at = assignment.reported_at
    event = _move(assignment, "accept", by, note=note)
    report = _latest_result(assignment, ReportOutcome.PENDING)
    if report:
        report.outcome = ReportOutcome.ACCEPTED
        report.reviewed_by, report.reviewed_at, report.review_note = by, now, note
        report.save()
    _announce_report(assignment, ReportMove.ACCEPTED, by, event, note=note, report=report)
    task = Task.objects.select_for_update().get(pk=assignment.task_id)
    _complete_if_done(task, by)
    return assignment


@atomic_action
def return_report(assignment: TaskAssignment, *, by: User, reason: str) -> TaskAssignment:
    """The standing office sends this agency's report back with a reason."""
    if not perms.can_manage_task(assignment.task, by):
        raise ActionForbidden(NOT_PERMITTED % {"action": ACTION_NAMES["return_report"]})
    if not reason.strip():
        raise ActionError(REASON_REQUIRED)
    assignment = _locked(assignment)
    event = _move(assignment, "return_report", by, note=reason)
    report = _latest_result(assignment, ReportOutcome.PENDING)
    if report:
        report.outcome = ReportOutcome.RETURNED
        report.reviewed_by, report.reviewed_at, report.review_note = by, timezone.now(), reason
        report.save()
    _announce_report(assignment, ReportMove.RETURNED, by, event, note=reason, report=report)
    return assignment


@atomic_action
def comment_on_task(
    task: Task, *, by: User, text: str, files: Iterable[UploadedFile] = ()
) -> TaskEvent:
    if not perms.can_comment_task(task, by):
        raise ActionForbidden(NOT_PERMITTED % {"action": _("comment")})
    if not text.strip():
        raise ActionError(REPORT_TEXT_REQUIRED)
    return _log(task, TaskEventKind.COMMENT, by, note=text, files=files)


# ---- deadlines: an agency's own, moved only through its extension (a workflow step)


@atomic_action
def request_extension(
    assignment: TaskAssignment, *, by: User, new_deadline: dt.date, reason: str
) -> Extension:
    """A lead agency asks for a later deadline of its own, before its deadline has passed."""
    require_flow_step(str(_("ask for an extension")))
    if not perms.can_request_extension(assignment, by):
        raise ActionForbidden(NOT_PERMITTED % {"action": _("ask for an extension")})
    assignment = _locked(assignment)
    if not assignment.is_owing:
        raise ActionError(TASK_NOT_OPEN)
    if assignment.deadline is None:
        raise ActionError(EXTENSION_NO_DEADLINE)
    if assignment.deadline_passed(timezone.now()):
        raise ActionError(EXTENSION_TOO_LATE % {"deadline": vn_date(assignment.deadline)})
    if not reason.strip():
        raise ActionError(REASON_REQUIRED)
    if new_deadline <= assignment.deadline:
        raise ActionError(EXTENSION_NOT_LATER % {"current": vn_date(assignment.deadline)})
    if assignment.extensions.filter(state="requested").exists():
        raise ActionError(EXTENSION_PENDING)
    try:
        with transaction.atomic():
            extension = Extension.objects.create(
                task=assignment.task,
                assignment=assignment,
                agency=assignment.agency,
                requested_by=by,
                current_deadline=assignment.deadline,
                requested_deadline=new_deadline,
                reason=reason,
            )
    except IntegrityError as exc:  # a second request for the same part won the race
        raise ActionError(EXTENSION_PENDING) from exc
    _log(
        assignment.task,
        TaskEventKind.EXTENSION_REQUESTED,
        by,
        agency=assignment.agency,
        from_value=vn_date(assignment.deadline),
        to_value=vn_date(new_deadline),
        note=reason,
    )
    signals.extension_requested.send(
        sender=Extension, extension=extension, by=by, occurrence=f"extension:{extension.pk}"
    )
    return extension


def _decide(extension: Extension, name: str, by: User) -> Extension:
    require_flow_step(str(_("decide on the extension")))
    if not perms.can_decide_extension(extension, by):
        raise ActionForbidden(NOT_PERMITTED % {"action": _("decide on the extension")})
    extension = Extension.objects.select_for_update().get(pk=extension.pk)
    method = getattr(extension, name)
    if not can_proceed(method):
        raise ActionConflict(EXTENSION_DECIDED)
    method()
    extension.decided_by = by
    extension.decided_at = timezone.now()
    return extension


@atomic_action
def approve_extension(extension: Extension, *, by: User, note: str = "") -> Extension:
    """Move this agency's deadline only; the original stays on record, the other leads'
    deadlines do not change."""
    extension = _decide(extension, "approve", by)
    extension.decision_note = note
    extension.save()
    assignment = TaskAssignment.objects.select_for_update().get(pk=extension.assignment_id)
    if not assignment.is_owing:
        # Reported, accepted or taken off the task meanwhile: a new deadline would rewrite
        # how on time the agency was.
        raise ActionError(
            PART_NOT_OWING % {"agency": assignment.agency, "state": assignment.get_state_display()}
        )
    old = assignment.deadline
    if assignment.original_deadline is None:
        assignment.original_deadline = old
    assignment.set_deadline(extension.requested_deadline)
    assignment.save(update_fields=["deadline", "due_at", "original_deadline"])
    _log(extension.task, TaskEventKind.EXTENSION_APPROVED, by, agency=assignment.agency, note=note)
    _log(
        extension.task,
        TaskEventKind.DEADLINE_CHANGED,
        by,
        agency=assignment.agency,
        from_value=vn_date(old),
        to_value=vn_date(assignment.deadline),
        note=extension.reason,
    )
    signals.extension_decided.send(
        sender=Extension, extension=extension, by=by, occurrence=f"extension:{extension.pk}"
    )
    return extension


@atomic_action
def reject_extension(extension: Extension, *, by: User, note: str) -> Extension:
    if not note.strip():
        raise ActionError(REASON_REQUIRED)
    extension = _decide(extension, "reject", by)
    extension.decision_note = note
    extension.save()
    _log(extension.task, TaskEventKind.EXTENSION_REJECTED, by, agency=extension.agency, note=note)
    signals.extension_decided.send(
        sender=Extension, extension=extension, by=by, occurrence=f"extension:{extension.pk}"
    )
    return extension


# ---- the breakdown editor (draft tasks of a draft directive)

UNCHANGED = object()  # an optional argument the caller did not give
TASK_NOT_DRAFT = _("Only a task that has not been dispatched yet can be edited or removed.")
TASK_NOT_OVERDUE = _("Only an open task can be chased.")
# What an urge says when the standing office wrote nothing: the history keeps it in the site's
# language, each person told reads it in their own (chasing/notices.py).
URGE_DEFAULT = _("Urged: please report on this task.")


def _check_draft(task: Task, by: User, action: str) -> None:
    _check_list_editable(task.directive, by, action)
    if task.state != TaskState.DRAFT:
        raise ActionError(TASK_NOT_DRAFT)


@atomic_action
def update_draft_task(
    task: Task,
    *,
    by: User,
    title: str,
    lead: Sequence[Agency],
    coordinating: Sequence[Agency] = (),
    ref: str = "",
    content: str = "",
    deadline: dt.date | None = None,
    deadline_kind: str | None = None,
    deadline_text: str = "",
    recurrence: dict | None | object = UNCHANGED,
) -> Task:
    """Edit a task of a directive still being broken down; what changed goes in the log."""
    _check_draft(task, by, str(_("edit the task")))
    _check_agencies(lead, coordinating)
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
        _log(task, TaskEventKind.EDITED, by, note=", ".join(changed))
    if old_deadline != task.deadline:
        _log(
            task,
            TaskEventKind.DEADLINE_CHANGED,
            by,
            from_value=vn_date(old_deadline),
            to_value=vn_date(task.deadline),
        )
    _replace_assignments(task, lead, coordinating, by)
    return task


@atomic_action
def delete_draft_task(task: Task, *, by: User, reason: str = "") -> Task:
    """Take a task out of a draft breakdown. The history is append-only, so the task is
    cancelled (and no longer listed or counted) rather than erased."""
    _check_draft(task, by, str(_("remove the task")))
    reason = reason.strip() or str(_("Removed from the breakdown."))
    task.cancelled_reason = reason
    _move(task, "cancel", by, note=reason)
    return task


MERGE_NEEDS_TWO = _("Choose at least two tasks to merge.")
MERGE_OTHER_DIRECTIVE = _("Only tasks of the same directive can be merged.")
MERGED_INTO = _("Merged into “%(task)s”.")
MERGED_WITH = _("Merged with: %(tasks)s")
SPLIT_BAD_POINT = _("Choose where to split the text: between two sentences or paragraphs.")
SPLIT_FROM = _("Split from “%(task)s”.")
SPLIT_INTO = _("Split: the rest became “%(task)s”.")

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
    return clip_words(first, limit)


def clip_words(text: str, limit: int) -> str:
    """`text` in at most `limit` characters, never a word cut in two: past the limit it ends
    at the last space that fits, with "…"."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:–-") + "…"


def split_points(text: str) -> list[int]:
    """Offsets in `text` where a second task could start (after a sentence or a paragraph)."""
    return [m.end() for m in _BOUNDARY.finditer(text) if text[: m.start()].strip()]


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
    coordinating: dict[int, Agency] = {}
    for task in tasks:
        lead.update({a.pk: a for a in _agencies_of(task, AssignmentRole.LEAD)})
        coordinating.update({a.pk: a for a in _agencies_of(task, AssignmentRole.COORDINATING)})
    for pk in lead:
        coordinating.pop(pk, None)
    dated = [t for t in tasks if t.deadline is not None]
    earliest = min(dated, key=lambda t: t.deadline or dt.date.max) if dated else keep  # all dated
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
        TaskEventKind.MERGED,
        by,
        note=str(MERGED_WITH % {"tasks": "; ".join(str(t) for t in others)}),
    )
    if old_deadline != keep.deadline:
        _log(
            keep,
            TaskEventKind.DEADLINE_CHANGED,
            by,
            from_value=vn_date(old_deadline),
            to_value=vn_date(keep.deadline),
        )
    _replace_assignments(keep, list(lead.values()), list(coordinating.values()), by)
    reason = str(MERGED_INTO % {"task": keep})
    for task in others:
        task.cancelled_reason = reason
        _move(task, "cancel", by, note=reason)
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
    coordinating = _agencies_of(task, AssignmentRole.COORDINATING)
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
        coordinating=coordinating,
        deadline=task.deadline,
        deadline_kind=task.deadline_kind,
        deadline_text=task.deadline_text,
        recurrence=task.recurrence,
        position=task.position + 1,
    )
    _log(new, TaskEventKind.SPLIT, by, note=str(SPLIT_FROM % {"task": before}))
    _log(task, TaskEventKind.SPLIT, by, note=str(SPLIT_INTO % {"task": new}))
    return new


# ---- chasing


@atomic_action
def urge_task(
    task: Task, *, by: User, note: str = "", agency: Agency | None = None
) -> list[TaskEvent]:
    """The standing office chases the lead agencies that still owe their part (or one of them,
    `agency`) — đôn đốc; one history entry per agency, and its people are notified in the app
    once the urge is committed."""
    if not perms.can_manage_task(task, by):
        raise ActionForbidden(NOT_PERMITTED % {"action": _("urge")})
    owing = TaskAssignment.objects.filter(task=task).owing().select_related("agency")
    if agency is not None:
        owing = owing.filter(agency=agency)
    owing = list(owing)
    if task.state != TaskState.ASSIGNED or not owing:
        raise ActionError(TASK_NOT_OVERDUE)
    # The history keeps the words in the site's language; each recipient reads the default
    # words in their own.
    with translation.override(settings.LANGUAGE_CODE):
        text = note.strip() or str(URGE_DEFAULT)
    events = [_log(task, TaskEventKind.URGED, by, agency=a.agency, note=text) for a in owing]
    # One notification per urge: its occurrence is the first log entry.
    signals.task_urged.send(
        sender=Task,
        task=task,
        owing=owing,
        by=by,
        note=note.strip(),
        occurrence=f"event:{events[0].pk}",
    )
    return events


def record_urging_letter(
    entries: Iterable[tuple[Task, str]], *, by: User, agency: Agency, number_symbol: str
) -> list[TaskEvent]:
    """An urging letter to `agency` was issued: one typed history entry per task it lists,
    written in the caller's transaction (the letter's), with the note each task gets."""
    return TaskEvent.objects.bulk_create(
        TaskEvent(
            task=task,
            actor=by,
            actor_agency=by.agency,
            agency=agency,
            kind=TaskEventKind.URGING_LETTER,
            to_value=number_symbol[:255],
            note=note,
        )
        for task, note in entries
    )


@atomic_action
def record_overdue(assignment: TaskAssignment) -> TaskEvent | None:
    """An agency's deadline passed with its part still owed: logged once per deadline (no
    actor: the system noticed). The messages are reminders.py's."""
    events = record_overdue_parts([assignment])
    return events[0] if events else None


@atomic_action
def record_overdue_parts(assignments: Sequence[TaskAssignment]) -> list[TaskEvent]:
    """record_overdue for a batch of parts (the tick's newly overdue ones) in a constant number
    of queries: one read of the entries already written for these tasks, one insert (SQLite
    splits it every 99 rows, its limit of 999 parameters). The same rows as one record_overdue
    per part, in the same order; a part whose deadline is already logged is skipped."""
    if not assignments:
        return []
    already = set(
        TaskEvent.objects.filter(
            task_id__in={a.task_id for a in assignments}, kind=TaskEventKind.OVERDUE
        ).values_list("task_id", "agency_id", "to_value")
    )
    events = []
    for assignment in assignments:
        key = (assignment.task_id, assignment.agency_id, vn_date(assignment.deadline))
        if key in already:
            continue
        already.add(key)
        events.append(
            TaskEvent(
                task_id=assignment.task_id,
                actor=None,
                actor_agency=None,
                agency_id=assignment.agency_id,
                kind=TaskEventKind.OVERDUE,
                to_value=key[2],
            )
        )
    # OVERDUE changes no state (NO_STATE_CHANGE): no lead summary to refresh.
    return TaskEvent.objects.bulk_create(events)
