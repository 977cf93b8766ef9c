"""Tasks and each agency's assignment: state machines, deadlines, extensions, reports, history.

The unit of work is one agency's assignment. Every lead agency of a task (every member, on an
all-members task) acknowledges, reports and is reviewed on its own, against its own deadline.
A task's own state only says whether it is still a draft, under way, completed or cancelled;
it is completed by the same action, in the same transaction, that accepts its last lead.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from agencies.models import Agency, Committee
from project.attachments import Attachment
from project.audit import AppendOnlyModel

from .deadlines import DeadlineKind, deadline_end, vn_date
from .querysets import (
    LIVE_INDEX,
    AssignmentQuerySet,
    DirectiveTallyQuerySet,
    LeadStatus,
    LeadTallyQuerySet,
    TaskQuerySet,
)


class TaskState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ASSIGNED = "assigned", pgettext_lazy("task state", "Under way")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class AssignmentState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ASSIGNED = "assigned", _("Assigned")
    IN_PROGRESS = "in_progress", _("In progress")
    AWAITING_HEAD = "awaiting_head", _("Awaiting the head's sign-off")
    REPORTED = "reported", _("Reported")
    RETURNED = "returned", _("Returned")
    ACCEPTED = "accepted", _("Accepted")
    CANCELLED = "cancelled", _("Cancelled")


# The states in which a lead agency still owes its result.
OPEN_ASSIGNMENT_STATES = (
    AssignmentState.ASSIGNED,
    AssignmentState.IN_PROGRESS,
    AssignmentState.AWAITING_HEAD,
    AssignmentState.REPORTED,
    AssignmentState.RETURNED,
)
# The states in which the agency itself can work on its part.
WORKING_STATES = (AssignmentState.IN_PROGRESS, AssignmentState.RETURNED)
# The states in which the agency still has to act (a reported part waits for the office):
# what urging chases.
OWING_STATES = (
    AssignmentState.ASSIGNED,
    AssignmentState.IN_PROGRESS,
    AssignmentState.AWAITING_HEAD,
    AssignmentState.RETURNED,
)


class Recurrence(models.TextChoices):
    WEEKLY = "weekly", _("Weekly")
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    YEARLY = "yearly", _("Yearly")


def validate_recurrence(value: dict | None) -> None:
    """{"freq": "weekly", "weekday": 0-6} | {"freq": "monthly"|"quarterly", "day": 1-31}
    | {"freq": "yearly", "month": 1-12, "day": 1-31}."""
    if value in (None, {}):
        return
    if not isinstance(value, dict) or value.get("freq") not in Recurrence.values:
        raise ValidationError(_("Recurrence must be weekly, monthly, quarterly or yearly."))
    if value["freq"] == Recurrence.YEARLY and value.get("month") not in range(1, 13):
        raise ValidationError(_("A yearly recurrence needs a month from 1 to 12."))
    if value["freq"] == Recurrence.WEEKLY:
        if value.get("weekday") not in range(7):
            raise ValidationError(_("A weekly recurrence needs a weekday from 0 (Monday) to 6."))
    elif value.get("day") not in range(1, 32):
        raise ValidationError(_("A monthly or quarterly recurrence needs a day from 1 to 31."))


# Transition conditions. django-fsm types a condition as taking any model; it calls it with the
# object whose transition it guards.


def _all_leads_accepted(instance: models.Model) -> bool:
    assert isinstance(instance, Task)  # Task.complete's
    return instance.all_leads_accepted()


def _is_lead(instance: models.Model) -> bool:
    assert isinstance(instance, TaskAssignment)  # the assignment's transitions'
    return instance.is_lead


class Task(ConcurrentTransitionMixin, models.Model):
    directive = models.ForeignKey(
        "documents.Directive",
        verbose_name=_("directive"),
        on_delete=models.PROTECT,
        related_name="tasks",
    )
    ref = models.CharField(_("reference"), max_length=30, blank=True, help_text=_("e.g. II.6.a"))
    position = models.PositiveIntegerField(_("order"), default=0)
    title = models.CharField(_("title"), max_length=500)
    content = models.TextField(_("content"), blank=True)
    agencies = models.ManyToManyField(
        Agency, through="TaskAssignment", related_name="tasks", verbose_name=_("agencies")
    )

    # The deadline the directive sets; each lead's assignment starts from it and may be
    # extended on its own.
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    deadline_kind = models.CharField(
        _("deadline rule"), max_length=20, choices=DeadlineKind.choices, default=DeadlineKind.NONE
    )
    deadline_text = models.CharField(
        _("deadline as written"), max_length=255, blank=True, help_text=_("e.g. 3 tháng cuối năm")
    )
    # The instant the deadline ends: 23:59:59 Asia/Ho_Chi_Minh of the deadline day, moved to the
    # next working day when the deadline falls on a day off (Điều 148).
    due_at = models.DateTimeField(_("deadline ends"), null=True, blank=True, editable=False)
    recurrence = models.JSONField(
        _("recurrence"), null=True, blank=True, validators=[validate_recurrence]
    )

    state = FSMField(
        _("state"),
        max_length=20,
        choices=TaskState.choices,
        default=TaskState.DRAFT,
        protected=True,
        db_index=True,
    )
    assigned_at = models.DateTimeField(_("dispatched at"), null=True, blank=True, editable=False)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True, editable=False)
    cancelled_reason = models.TextField(_("reason for cancelling"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # What the leads' parts say about the task, stored so lists and dashboards read each task
    # once instead of asking its parts (querysets.lead_summary). Written only by
    # TaskQuerySet.refresh_lead_summary, which every action in tasks/actions.py calls in its
    # own transaction; TaskQuerySet.with_timeliness turns it into the timeliness of any moment.
    lead_status = models.CharField(
        _("leads' status"),
        max_length=16,
        choices=LeadStatus.choices,
        default=LeadStatus.NOT_STARTED,
        blank=True,
        editable=False,
    )
    # The earliest deadline an open lead can still miss (none once every open lead reported in
    # time): the task is overdue from that instant.
    lead_due_at = models.DateTimeField(
        _("earliest open lead deadline"), null=True, blank=True, editable=False
    )
    lead_days_late = models.IntegerField(_("days late (completed)"), default=0, editable=False)

    objects = TaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["directive_id", "position", "id"]
        indexes = [
            models.Index(fields=["state", "due_at"], name="task_state_due"),
            models.Index(fields=["lead_status", "lead_due_at"], name="task_lead_due"),
            # The committee's task list pages along this (project/keyset.py).
            models.Index(fields=["due_at", "id"], name="task_due_id"),
            # A committee's dashboard counts its tasks from this index alone (an index-only
            # scan per directive), never reading the tasks' long rows.
            models.Index(
                fields=["directive", "lead_status", "lead_due_at", "id"], name="task_directive_lead"
            ),
        ]
        permissions = [
            ("report_task", _("Can acknowledge and report on a task")),
            ("comment_task", _("Can comment on a task")),
        ]

    def __str__(self) -> str:
        prefix = f"{self.ref}. " if self.ref else ""
        return f"{prefix}{self.title[:100]}"

    def clean(self) -> None:
        super().clean()
        validate_recurrence(self.recurrence)
        if self.deadline_kind != DeadlineKind.NONE and self.deadline is None:
            raise ValidationError({"deadline": _("This deadline rule needs a date.")})

    def set_deadline(
        self, deadline: dt.date | None, kind: str | None = None, text: str | None = None
    ) -> None:
        """Set the deadline and the instant it ends (draft tasks, and dispatch)."""
        self.deadline = deadline
        if kind is not None:
            self.deadline_kind = kind
        elif deadline is None:
            self.deadline_kind = DeadlineKind.NONE
        elif self.deadline_kind == DeadlineKind.NONE:
            self.deadline_kind = DeadlineKind.DATE
        if text is not None:
            self.deadline_text = text
        self.due_at = deadline_end(deadline) if deadline else None

    @property
    def is_open(self) -> bool:
        return self.state == TaskState.ASSIGNED

    def _current(self, role: str) -> list[TaskAssignment]:
        """The parts of this role, without those taken away (all of them on a cancelled task),
        from the prefetched assignments when there are some."""
        return [
            a
            for a in self.assignments.all()
            if a.role == role
            and (a.state != AssignmentState.CANCELLED or self.state == TaskState.CANCELLED)
        ]

    def lead_assignments(self) -> list[TaskAssignment]:
        return self._current(AssignmentRole.LEAD)

    def lead_agencies(self) -> list[Agency]:
        return [a.agency for a in self.lead_assignments()]

    def coordinating_agencies(self) -> list[Agency]:
        return [a.agency for a in self._current(AssignmentRole.COORDINATING)]

    def all_leads_accepted(self) -> bool:
        leads = self.assignments.filter(role=AssignmentRole.LEAD).exclude(
            state=AssignmentState.CANCELLED
        )
        return leads.exists() and not leads.exclude(state=AssignmentState.ACCEPTED).exists()

    # ---- the task's own state machine. Actions in tasks/actions.py call these; nothing else.

    @transition(field=state, source=TaskState.DRAFT, target=TaskState.ASSIGNED)
    def dispatch(self) -> None:
        pass

    @transition(
        field=state,
        source=TaskState.ASSIGNED,
        target=TaskState.COMPLETED,
        conditions=[_all_leads_accepted],
    )
    def complete(self) -> None:
        pass

    @transition(
        field=state, source=[TaskState.DRAFT, TaskState.ASSIGNED], target=TaskState.CANCELLED
    )
    def cancel(self) -> None:
        pass


class AssignmentRole(models.TextChoices):
    LEAD = "lead", _("Lead (chủ trì)")
    COORDINATING = "coordinating", _("Co-ordinating (phối hợp)")


class TaskAssignment(ConcurrentTransitionMixin, models.Model):
    """One agency's part in a task. A lead's part has its own state, officer, deadline,
    reports and timeliness; a co-ordinating agency's part only gives it sight of the task and a
    place to post its contributions (its state follows the task: draft, assigned, cancelled)."""

    task = models.ForeignKey(
        Task, verbose_name=_("task"), on_delete=models.CASCADE, related_name="assignments"
    )
    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="assignments"
    )
    # The committee whose task this is: its directive's, which never changes; copied when the
    # part is made so a committee's parts are one index range (the dashboards' live counts)
    # instead of a join through every task and directive.
    committee = models.ForeignKey(
        Committee,
        verbose_name=_("committee"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        db_index=False,
    )
    role = models.CharField(_("role"), max_length=12, choices=AssignmentRole.choices)
    state = FSMField(
        _("state"),
        max_length=20,
        choices=AssignmentState.choices,
        default=AssignmentState.DRAFT,
        protected=True,
        db_index=True,
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("officer in charge"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assignments_in_charge",
    )
    # This agency's deadline: the task's, or its own extended one.
    deadline = models.DateField(_("deadline"), null=True, blank=True, editable=False)
    due_at = models.DateTimeField(_("deadline ends"), null=True, blank=True, editable=False)
    # The deadline the agency was first given, kept however often it is extended.
    original_deadline = models.DateField(
        _("original deadline"), null=True, blank=True, editable=False
    )
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True, editable=False)
    acknowledged_at = models.DateTimeField(
        _("acknowledged at"), null=True, blank=True, editable=False
    )
    # When the agency's latest result reached the standing office.
    reported_at = models.DateTimeField(_("reported at"), null=True, blank=True, editable=False)
    # When the report that was finally accepted came in: what "done on time" is measured by,
    # so a slow review never makes an agency late.
    result_reported_at = models.DateTimeField(
        _("result reported at"), null=True, blank=True, editable=False
    )
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True, editable=False)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["task_id", "role", "id"]
        constraints = [models.UniqueConstraint(fields=["task", "agency"], name="assignment_unique")]
        indexes = [
            models.Index(fields=["agency", "role"], name="assignment_agency_role"),
            models.Index(fields=["state", "due_at"], name="assignment_state_due"),
            # An agency's inbox pages along this (project/keyset.py).
            models.Index(fields=["agency", "due_at", "id"], name="assignment_agency_due"),
            # The most overdue parts (AssignmentQuerySet.overdue), read in this order and
            # stopped after the first few, however many parts are overdue.
            models.Index(
                fields=["due_at", "id"],
                condition=models.Q(role="lead", state__in=OWING_STATES),
                name="assignment_owing_due",
            ),
            # The lead parts whose timeliness depends on the moment (querysets.LIVE, and those
            # reported in time): the dashboards count these live, beside the LeadTally.
            models.Index(
                fields=["task"],
                include=["agency", "state", "due_at", "reported_at", "result_reported_at"],
                condition=LIVE_INDEX,
                name="assignment_live_lead",
            ),
            # The same parts by committee and agency, read whole by the dashboards.
            models.Index(
                fields=["committee", "agency"],
                include=["state", "due_at", "reported_at", "result_reported_at"],
                condition=LIVE_INDEX,
                name="assignment_live_committee",
            ),
            # Every lead part by committee and agency: LeadTally's one writer recounts an
            # agency's settled parts along it in every action, without reading the table
            # (at 1M tasks, 200 → 15 ms for the agency with 57,000 parts).
            models.Index(
                fields=["committee", "agency"],
                include=["state", "due_at", "reported_at", "result_reported_at"],
                condition=models.Q(role="lead"),
                name="assignment_lead_committee",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency} ({self.get_role_display()})"

    @classmethod
    def for_task(cls, task: Task, **fields: Any) -> TaskAssignment:
        """A new, unsaved part of `task`, with the task's committee copied into it: the one
        place that rule lives. Every creator, one part or a bulk_create, makes parts with this
        (save() fills nothing; a part without its committee fails on the NOT NULL column), but
        the bench's COPY loader (bench/world.py), which writes rows, not models."""
        if "committee" in fields or "committee_id" in fields:
            raise TypeError("a part's committee is its task's: for_task copies it")
        return cls(task=task, committee_id=task.directive.committee_id, **fields)

    @property
    def is_lead(self) -> bool:
        return self.role == AssignmentRole.LEAD

    @property
    def is_open(self) -> bool:
        return self.is_lead and self.state in OPEN_ASSIGNMENT_STATES

    @property
    def is_owing(self) -> bool:
        """The agency still has to act on its part (not yet reported, or returned)."""
        return self.is_lead and self.state in OWING_STATES

    def set_deadline(self, deadline: dt.date | None) -> None:
        self.deadline = deadline
        self.due_at = deadline_end(deadline) if deadline else None

    def deadline_passed(self, now: dt.datetime) -> bool:
        return self.due_at is not None and self.due_at < now

    # ---- the assignment's state machine. Actions in tasks/actions.py call these; nothing else.

    @transition(field=state, source=AssignmentState.DRAFT, target=AssignmentState.ASSIGNED)
    def dispatch(self) -> None:
        pass

    @transition(
        field=state,
        source=AssignmentState.ASSIGNED,
        target=AssignmentState.IN_PROGRESS,
        conditions=[_is_lead],
    )
    def acknowledge(self) -> None:
        pass

    @transition(
        field=state,
        source=list(WORKING_STATES),
        target=AssignmentState.AWAITING_HEAD,
        conditions=[_is_lead],
    )
    def submit_to_head(self) -> None:
        pass

    @transition(
        field=state, source=AssignmentState.AWAITING_HEAD, target=AssignmentState.IN_PROGRESS
    )
    def send_back(self) -> None:
        pass

    @transition(
        field=state,
        source=[*WORKING_STATES, AssignmentState.AWAITING_HEAD],
        target=AssignmentState.REPORTED,
        conditions=[_is_lead],
    )
    def report(self) -> None:
        pass

    @transition(field=state, source=AssignmentState.REPORTED, target=AssignmentState.ACCEPTED)
    def accept(self) -> None:
        pass

    @transition(field=state, source=AssignmentState.REPORTED, target=AssignmentState.RETURNED)
    def return_report(self) -> None:
        pass

    @transition(
        field=state,
        source=[AssignmentState.DRAFT, *OPEN_ASSIGNMENT_STATES],
        target=AssignmentState.CANCELLED,
    )
    def cancel(self) -> None:
        pass


class DirectiveTally(models.Model):
    """How many of a directive's tasks have each settled timeliness (querysets.SETTLED_TASKS:
    done on time, done late, no deadline), so the dashboards add them to the open tasks counted
    when asked instead of reading every task. A stored copy, recounted from the tasks' stored
    summaries only by querysets.refresh_directive_tallies, in the transaction of the action
    that changes a part."""

    directive = models.ForeignKey("documents.Directive", on_delete=models.CASCADE, related_name="+")
    timeliness = models.CharField(max_length=16)
    tasks = models.PositiveIntegerField()

    objects = DirectiveTallyQuerySet.as_manager()

    class Meta:
        verbose_name = _("settled tasks count")
        verbose_name_plural = _("settled tasks counts")
        constraints = [
            models.UniqueConstraint(
                fields=["directive", "timeliness"], name="directivetally_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.directive_id}: {self.timeliness} {self.tasks}"


class LeadTally(models.Model):
    """How many of a lead agency's parts in a committee's tasks have each settled timeliness
    (querysets.SETTLED: done on time, done late, no deadline, reported in time): values the
    moment of asking cannot change, so the dashboards add them to the live parts counted when
    asked instead of reading every part. A stored copy, recounted from the parts only by
    querysets.refresh_lead_tallies, in the transaction of the action that changes a part."""

    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="+")
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    timeliness = models.CharField(max_length=16)
    parts = models.PositiveIntegerField()

    objects = LeadTallyQuerySet.as_manager()

    class Meta:
        verbose_name = _("settled parts count")
        verbose_name_plural = _("settled parts counts")
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "agency", "timeliness"], name="leadtally_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.agency} – {self.committee}: {self.timeliness} {self.parts}"


class ExtensionState(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class Extension(ConcurrentTransitionMixin, models.Model):
    """One lead agency's request for a later deadline of its own (gia hạn). Approval moves that
    agency's deadline only; the deadline it replaces stays in the history."""

    task = models.ForeignKey(
        Task, verbose_name=_("task"), on_delete=models.PROTECT, related_name="extensions"
    )
    assignment = models.ForeignKey(
        TaskAssignment,
        verbose_name=_("assignment"),
        on_delete=models.PROTECT,
        related_name="extensions",
    )
    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    current_deadline = models.DateField(_("current deadline"), null=True, blank=True)
    requested_deadline = models.DateField(_("requested deadline"))
    reason = models.TextField(_("reason"))
    state = FSMField(
        _("state"),
        max_length=20,
        choices=ExtensionState.choices,
        default=ExtensionState.REQUESTED,
        protected=True,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)

    class Meta:
        verbose_name = _("extension")
        verbose_name_plural = _("extensions")
        ordering = ["-requested_at"]
        constraints = [
            # One open request per agency's assignment at a time.
            models.UniqueConstraint(
                fields=["assignment"],
                condition=models.Q(state="requested"),
                name="one_open_extension_per_assignment",
            )
        ]

    def __str__(self) -> str:
        return f"{self.task} → {vn_date(self.requested_deadline)}"

    @transition(field=state, source=ExtensionState.REQUESTED, target=ExtensionState.APPROVED)
    def approve(self) -> None:
        pass

    @transition(field=state, source=ExtensionState.REQUESTED, target=ExtensionState.REJECTED)
    def reject(self) -> None:
        pass


class ReportKind(models.TextChoices):
    PROGRESS = "progress", _("Progress update")
    RESULT = "result", _("Result report")
    CONTRIBUTION = "contribution", _("Contribution")


class ReportOutcome(models.TextChoices):
    AWAITING_HEAD = "awaiting_head", _("Awaiting the head's sign-off")
    SENT_BACK = "sent_back", _("Sent back by the head")
    PENDING = "pending", _("Awaiting review")
    ACCEPTED = "accepted", _("Accepted")
    RETURNED = "returned", _("Returned")
    NOTED = "noted", _("Noted")


class TaskReport(models.Model):
    task = models.ForeignKey(
        Task, verbose_name=_("task"), on_delete=models.PROTECT, related_name="reports"
    )
    # Whose part this is: a lead's result or progress, or a co-ordinator's contribution.
    assignment = models.ForeignKey(
        TaskAssignment,
        verbose_name=_("assignment"),
        null=True,
        on_delete=models.PROTECT,
        related_name="reports",
    )
    kind = models.CharField(_("kind"), max_length=12, choices=ReportKind.choices)
    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("report"))
    # Co-ordinators' contributions the lead attached to its result report.
    contributions = models.ManyToManyField(
        "self",
        verbose_name=_("contributions attached"),
        symmetrical=False,
        blank=True,
        related_name="used_in",
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed off by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    signed_off_at = models.DateTimeField(_("signed off at"), null=True, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=15, choices=ReportOutcome.choices, default=ReportOutcome.PENDING
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_note = models.TextField(_("review note"), blank=True)

    class Meta:
        verbose_name = _("task report")
        verbose_name_plural = _("task reports")
        ordering = ["-submitted_at", "-id"]

    def __str__(self) -> str:
        return f"{self.task} – {self.get_kind_display()}"


class TaskEventKind(models.TextChoices):
    CREATED = "created", _("Created")
    EDITED = "edited", _("Edited")
    MERGED = "merged", _("Merged")
    SPLIT = "split", _("Split")
    TRANSITION = "transition", _("State changed")
    DEADLINE_CHANGED = "deadline_changed", _("Deadline changed")
    ASSIGNED = "assigned", _("Agency assigned")
    UNASSIGNED = "unassigned", _("Agency removed")
    EXTENSION_REQUESTED = "extension_requested", _("Extension requested")
    EXTENSION_APPROVED = "extension_approved", _("Extension approved")
    EXTENSION_REJECTED = "extension_rejected", _("Extension rejected")
    PROGRESS = "progress", _("Progress update")
    CONTRIBUTION = "contribution", _("Contribution")
    HEAD_APPROVED = "head_approved", _("Signed off by the head")
    HEAD_SENT_BACK = "head_sent_back", _("Sent back by the head")
    COMMENT = "comment", _("Comment")
    OFFICER = "officer", _("Officer named")
    URGED = "urged", _("Urged")
    URGING_LETTER = "urging_letter", _("Urging letter issued")
    OVERDUE = "overdue", _("Deadline passed")


class TaskEvent(AppendOnlyModel):
    """The task's append-only history: every transition, deadline and assignment change, with
    the agency it concerns as a foreign key."""

    task = models.ForeignKey(
        Task, verbose_name=_("task"), on_delete=models.PROTECT, related_name="events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_agency = models.ForeignKey(
        Agency,
        verbose_name=_("on behalf of"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The agency whose part of the task this entry is about (none: the task as a whole).
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("concerns agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="task_events",
    )
    kind = models.CharField(_("event"), max_length=30, choices=TaskEventKind.choices)
    from_value = models.CharField(_("from"), max_length=255, blank=True)
    to_value = models.CharField(_("to"), max_length=255, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("task history entry")
        verbose_name_plural = _("task history")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["agency", "kind"], name="taskevent_agency_kind"),
            # The tick's "deadline passed already logged?" probe, once per overdue part: a small
            # index of those entries alone (at 1M tasks the day's scan fell from 7.4 s to 3.4 s).
            models.Index(
                fields=["task", "agency", "created_at"],
                name="taskevent_overdue",
                condition=models.Q(kind="overdue"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.task_id}: {self.get_kind_display()}"


def task_upload_to(instance: TaskAttachment, filename: str) -> str:
    return f"tasks/{instance.task_id}/{filename}"


class TaskAttachment(Attachment):
    """A file attached to a task's report or history entry; never replaced, only added."""

    task = models.ForeignKey(
        Task, verbose_name=_("task"), on_delete=models.PROTECT, related_name="attachments"
    )
    report = models.ForeignKey(
        TaskReport,
        verbose_name=_("report"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="attachments",
    )
    event = models.ForeignKey(
        TaskEvent,
        verbose_name=_("history entry"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="attachments",
    )
    file = models.FileField(_("file"), upload_to=task_upload_to)


class TaskUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Task, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("user permission on a task")
        verbose_name_plural = _("user permissions on tasks")


class TaskGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Task, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        verbose_name = _("group permission on a task")
        verbose_name_plural = _("group permissions on tasks")
