"""Task pages: the inbox, the task page with one panel per lead agency, the actions on each
agency's part, the review and approval queues, the overdue list, the agency head's page and the
dashboard.

Views stay thin: every object comes from `Task.objects.visible_to(user)` (so another agency's
task or part is a 404), timeliness from `with_timeliness()` / `overdue()` /
`timeliness_summary()` (per assignment, and per task derived from its leads), rights from
tasks/permissions.py, and every change from an action in tasks/actions.py. Extensions are asked
for and decided on the extension flow's pages (workflows/), which the pages here link to.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
    prefetch_related_objects,
)
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from django.views.generic import ListView, TemplateView
from viewflow.workflow.models import Task as FlowTask

from agencies import permissions as roles
from agencies.http import AuthenticatedRequest, signed_in
from agencies.models import Agency, Committee
from documents.models import Directive, DirectiveState
from project import keyset
from project.db import AnyOf
from project.downloads import send_stored_file
from project.errors import ActionConflict, ActionError, ActionForbidden
from reporting.models import ReportingPeriod
from workflows.flows import ExtensionFlow
from workflows.models import ExtensionProcess
from workflows.nodes import ACTIVE, step_url
from workflows.queries import extension_request_url

from . import actions
from . import permissions as perms
from .filters import FIGURE_CHOICES, PART_FILTERS, ROLE_ALIASES, STATUS_TABS, TaskFilter
from .forms import (
    CommentForm,
    ContributionForm,
    OfficerForm,
    ReviewForm,
    SignOffForm,
    TaskReportForm,
    UrgeForm,
)
from .models import (
    WORKING_STATES,
    AssignmentRole,
    AssignmentState,
    DirectiveTally,
    Extension,
    ExtensionState,
    LeadTally,
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
from .querysets import AssignmentQuerySet, Timeliness, TimelinessFigures

PAGE_SIZE = 25
RANKING_PAGE_SIZE = 50  # a committee's agencies on one page; the administrator's all, paged
# Long texts a list never shows: left out of the rows (and of any sort the database does).
LIST_DEFERRED = (
    "task__content",
    "task__directive__text",
    "task__directive__search_text",
    "task__directive__summary",
)

# Overdue first, then due soon, then the rest by deadline: what an officer must do next.
URGENCY = Case(
    When(timeliness=Timeliness.OPEN_OVERDUE, then=Value(0)),
    When(timeliness=Timeliness.DUE_SOON, then=Value(1)),
    When(timeliness=Timeliness.OPEN_ON_TIME, then=Value(2)),
    When(timeliness=Timeliness.NO_DEADLINE, then=Value(3)),
    default=Value(4),
    output_field=IntegerField(),
)

LEAD = AssignmentRole.LEAD
COORDINATING = AssignmentRole.COORDINATING
# A result still inside the agency: with its head, or sent back by its head.
INTERNAL_OUTCOMES = (ReportOutcome.AWAITING_HEAD, ReportOutcome.SENT_BACK)

ROLE_TABS = [
    ("", _("Lead and co-ordinating")),
    ("lead", _("As lead")),
    ("coordinating", _("As co-ordinator")),
]


# ---- small helpers every page shares


def visible_task(request: HttpRequest, pk: int) -> Task:
    """The task if this user may see it; otherwise 404, whoever owns it."""
    queryset = Task.objects.visible_to(request.user).select_related("directive__committee")
    return get_object_or_404(queryset, pk=pk)


def visible_part(request: HttpRequest, pk: int) -> TaskAssignment:
    """An agency's part, loaded fresh for this request, if its task is visible; otherwise 404."""
    queryset = (
        Task.objects.visible_to(request.user)
        .parts()
        .select_related("task__directive__committee", "agency", "officer")
    )
    return get_object_or_404(queryset, pk=pk)


def _task_url(task_id: int, part_id: int | None = None) -> str:
    url = reverse("work:task", args=[task_id])
    return f"{url}#part-{part_id}" if part_id else url


def safe_next(request: HttpRequest) -> str | None:
    """The page to go back to after a POST, only if it is one of ours."""
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None


def _back(request: HttpRequest, part: TaskAssignment) -> str:
    return safe_next(request) or _task_url(part.task_id, part.pk)


def _check_seen(request: HttpRequest, part: TaskAssignment) -> None:
    """The state the person saw when the page was drawn (posted as `state`): if the part has
    moved since, someone else acted first, and nothing is done."""
    seen = request.POST.get("state")
    if seen and seen != part.state:
        raise ActionConflict()


def _fail(request: HttpRequest, exc: ActionError, back: str) -> HttpResponse:
    """An action refused: say why, change nothing. Forbidden is a 403 page, the rest a message
    on the page the person came from."""
    if isinstance(exc, ActionForbidden):
        return _forbidden(request, exc.message)
    if isinstance(exc, ActionConflict):
        messages.warning(request, exc.message)
    else:
        messages.error(request, exc.message)
    return redirect(back)


def _forbidden(request: HttpRequest, message: Any) -> HttpResponse:
    return render(
        request,
        "tasks/forbidden.html",
        {"page_title": _("Not allowed"), "message": message},
        status=403,
    )


def _form_errors(request: HttpRequest, form: Any, back: str) -> HttpResponse:
    """A small inline form (sign-off, review, urge) was incomplete: say what is missing."""
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)
    return redirect(back)


def _officers(agency_id: int) -> QuerySet:
    """The people who can be put in charge of an agency's part."""
    return (
        get_user_model()
        .objects.filter(
            is_active=True, agency_id=agency_id, role__in=("agency_officer", "agency_head")
        )
        .order_by("full_name", "username")
    )


def decision_links(extensions: list[Extension], user: Any) -> dict[int, str]:
    """For each pending extension this person may decide, the page of its flow's decision step
    (three queries, whatever the number of requests)."""
    ids = [e.pk for e in extensions if e.state == ExtensionState.REQUESTED]
    if not ids:
        return {}
    processes = {
        p.pk: p
        for p in ExtensionProcess.objects.filter(extension_id__in=ids).select_related(
            "extension__task__directive__committee"
        )
    }
    steps = FlowTask.objects.filter(
        process_id__in=list(processes), flow_task=ExtensionFlow.decide, status__in=ACTIVE
    )
    links = {}
    for step in steps:
        process = processes[step.process_id]
        if step.flow_task.allows(user, process):
            links[process.extension_id] = step_url(step)
    return links


# ---- the inbox


class TaskListView(LoginRequiredMixin, ListView):
    """An agency's inbox: its own parts (as lead and as co-ordinator), each with its own
    deadline, state and timeliness. The committee's staff see the tasks, with each task's
    timeliness derived from its leads'; filtered to one agency (?agency=), they see that
    agency's parts, as the dashboard counts them."""

    request: AuthenticatedRequest
    object_list: QuerySet  # get_queryset's rows, paged by keyset.paginate
    template_name = "tasks/task_list.html"
    context_object_name = "rows"

    def setup(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        super().setup(request, *args, **kwargs)
        params = request.GET.copy()
        if params.get("status") not in dict(STATUS_TABS + FIGURE_CHOICES):
            params["status"] = "open"  # the page's first tab; the downloads name it
        # The one reading of the list's query string, shared with the xlsx and the PDFs.
        self.filterset = TaskFilter(params, user=request.user)
        criteria = self.filterset.criteria
        self.is_agency = criteria.own_agency
        self.by_part = criteria.agency is not None
        self.status = criteria.status
        # The checked role (an old link's "support" reads as co-ordinating), so the tab shown
        # is the filter applied.
        self.role = ROLE_ALIASES.get(criteria.role, criteria.role)
        self.download_query = params.copy()
        for name in ("page", "after", "before"):
            self.download_query.pop(name, None)

    # The lead agencies of the page's tasks, fetched for those 25 only.
    _leads = Prefetch(
        "assignments",
        TaskAssignment.objects.filter(role=LEAD)
        .exclude(state=AssignmentState.CANCELLED)
        .select_related("agency"),
        to_attr="lead_parts",
    )

    def get_queryset(self) -> QuerySet:
        if self.by_part:
            # An agency's own parts: sight of a task comes from the part itself (the same rule
            # as Task.objects.visible_to, without asking every visible task).
            parts = TaskAssignment.objects.all() if self.is_agency else None
            return (
                self.filterset.parts(parts)
                .select_related("task__directive", "agency", "officer")
                .defer(*LIST_DEFERRED)
            )  # ordered by keyset.paginate: deadline first, the overdue on top
        return self.filterset.qs.select_related("directive").defer(
            *(name.removeprefix("task__") for name in LIST_DEFERRED)
        )  # ordered by keyset.paginate: deadline first, the overdue on top

    def get_context_data(self, **kwargs: Any) -> dict:
        # A page is the next rows after a cursor along an index, never an offset, and nothing
        # counts the whole list (an agency may have 50,000 parts).
        page = keyset.paginate(self.object_list, self.request.GET)
        if page.rows and not self.by_part:
            prefetch_related_objects(page.rows, self._leads)
        context = super().get_context_data(object_list=page.rows, **kwargs)
        context.update(page_obj=page, is_paginated=page.has_other_pages)
        criteria = self.filterset.criteria
        for message in self.filterset.error_messages():
            messages.warning(self.request, message)  # that value is left out of the filtering
        # Say which narrower list the user followed a link to (a dashboard figure, an agency,
        # a directive), so the page does not look like the whole list.
        active_filters = [str(label) for key, label, _c in FIGURES if self.status == key]
        if self.by_part and not self.is_agency:
            active_filters.append(str(criteria.agency))
        if criteria.directive is not None:
            directive = criteria.directive
            active_filters.append(directive.number_symbol or str(directive.get_doc_type_display()))
        context.update(
            download_query=self.download_query.urlencode(),
            active_filters=active_filters,
            page_title=_("My agency's tasks") if self.is_agency else _("All tasks"),
            status=self.status,
            role=self.role,
            is_agency=self.is_agency,
            by_part=self.by_part,
            status_tabs=STATUS_TABS,
            role_tabs=ROLE_TABS,
        )
        return context


# ---- queues


class ReviewQueueView(LoginRequiredMixin, ListView):
    """Each agency's result awaiting the standing office's review, oldest first."""

    request: AuthenticatedRequest
    template_name = "tasks/review_queue.html"
    paginate_by = PAGE_SIZE
    context_object_name = "parts"

    def get_queryset(self) -> QuerySet:
        user = self.request.user
        if not (user.is_secretariat or roles.is_admin(user)):
            raise PermissionDenied
        pending = (
            TaskReport.objects.filter(kind=ReportKind.RESULT, outcome=ReportOutcome.PENDING)
            .select_related("submitted_by", "signed_off_by")
            .prefetch_related("attachments")
        )
        return (
            Task.objects.visible_to(user)
            .parts()
            .filter(role=LEAD, state=AssignmentState.REPORTED)
            .with_timeliness()
            .select_related("task__directive", "agency", "officer")
            .prefetch_related(Prefetch("reports", pending, to_attr="pending"))
            .order_by("reported_at", "id")
        )

    def get_context_data(self, **kwargs: Any) -> dict:
        return super().get_context_data(page_title=_("Reports to review"), **kwargs)


class OverdueView(LoginRequiredMixin, ListView):
    """Each lead agency's part past its own deadline, most days overdue first, with "urge"."""

    request: AuthenticatedRequest
    template_name = "tasks/overdue.html"
    paginate_by = PAGE_SIZE
    context_object_name = "parts"

    def get_queryset(self) -> QuerySet:
        user = self.request.user
        if not (user.is_secretariat or user.is_chair or roles.is_admin(user)):
            raise PermissionDenied
        queryset = (
            Task.objects.visible_to(user)
            .parts()
            .overdue()
            .select_related("task__directive", "agency", "officer")
        )
        agency = self.request.GET.get("agency", "")
        if agency.isdigit():
            queryset = queryset.filter(agency=int(agency))
        return queryset

    def get_context_data(self, **kwargs: Any) -> dict:
        user = self.request.user
        owing = Task.objects.visible_to(user).parts().overdue().values("agency")
        agencies = Agency.objects.filter(pk__in=owing).order_by("name")
        selected = self.request.GET.get("agency", "")
        return super().get_context_data(
            page_title=_("Overdue tasks"),
            agencies=agencies,
            selected_agency=next((a for a in agencies if str(a.pk) == selected), None),
            agency=selected,
            can_urge=user.is_secretariat or roles.is_admin(user),
            **kwargs,
        )


class ApprovalQueueView(LoginRequiredMixin, TemplateView):
    """What waits for a decision: task lists to approve and agencies' extension requests (each
    decided on its flow step's page)."""

    request: AuthenticatedRequest
    template_name = "tasks/approvals.html"

    def get_context_data(self, **kwargs: Any) -> dict:
        user = self.request.user
        if not (user.is_secretariat or user.is_chair or roles.is_admin(user)):
            raise PermissionDenied
        directives = (
            Directive.objects.visible_to(user)
            .filter(state=DirectiveState.AWAITING_APPROVAL)
            .annotate(task_count=Count("tasks", filter=~Q(tasks__state="cancelled")))
            .order_by("updated_at")
        )
        extensions = list(
            Extension.objects.filter(
                state=ExtensionState.REQUESTED,
                task__in=Task.objects.visible_to(user).values("pk"),
            )
            .select_related("task__directive", "agency", "requested_by")
            .order_by("requested_at")[:200]
        )
        links = decision_links(extensions, user)
        return super().get_context_data(
            page_title=_("Awaiting approval"),
            directives=directives,
            can_approve=user.is_chair or roles.is_admin(user),
            extension_rows=[(e, links.get(e.pk)) for e in extensions],
            **kwargs,
        )


# ---- the agency head's page


class AgencyView(LoginRequiredMixin, ListView):
    """The agency head's view of the agency: its four figures, reports awaiting the head's
    sign-off, what is overdue, its officers with their open parts, and every part with the
    officer in charge (who can be changed here)."""

    request: AuthenticatedRequest
    template_name = "tasks/agency.html"
    paginate_by = PAGE_SIZE
    context_object_name = "parts"

    def setup(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        super().setup(request, *args, **kwargs)
        self.status = request.GET.get("status", "open")
        if self.status not in PART_FILTERS:
            self.status = "open"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        user = request.user
        if user.is_authenticated and not (
            roles.is_agency_staff(user) and user.role == "agency_head"
        ):
            return _forbidden(request, _("This page is for the agency's head."))
        return super().dispatch(request, *args, **kwargs)

    def parts(self) -> AssignmentQuerySet:
        return (
            Task.objects.visible_to(self.request.user)
            .parts()
            .filter(agency_id=self.request.user.agency_id, role=LEAD)
        )

    def get_queryset(self) -> QuerySet:
        return (
            self.parts()
            .with_timeliness()
            .filter(PART_FILTERS[self.status])
            .select_related("task__directive", "officer")
            .annotate(urgency=URGENCY)
            .order_by("urgency", F("due_at").asc(nulls_last=True), "task_id", "id")
        )

    def get_context_data(self, **kwargs: Any) -> dict:
        user = self.request.user
        parts = self.parts()
        figures = parts.timeliness_summary()
        awaiting_reports = TaskReport.objects.filter(
            kind=ReportKind.RESULT, outcome=ReportOutcome.AWAITING_HEAD
        ).select_related("submitted_by")
        awaiting = list(
            parts.filter(state=AssignmentState.AWAITING_HEAD)
            .with_timeliness()
            .select_related("task__directive", "officer")
            .prefetch_related(
                Prefetch("reports", awaiting_reports.prefetch_related("attachments"), "pending")
            )
            .order_by("due_at", "id")[:50]
        )
        overdue = list(parts.overdue().select_related("task__directive", "officer")[:20])
        assert user.agency_id is not None  # dispatch lets only an agency's head in
        officers = list(_officers(user.agency_id))
        load = {
            row["officer"]: row
            for row in parts.open()
            .with_timeliness()
            .values("officer")
            .annotate(
                open=Count("pk"),
                overdue=Count("pk", filter=Q(timeliness=Timeliness.OPEN_OVERDUE)),
            )
            .order_by()
        }
        officer_rows = [
            {
                "officer": o,
                "open": load.get(o.pk, {}).get("open", 0),
                "overdue": load.get(o.pk, {}).get("overdue", 0),
            }
            for o in officers
        ]
        unassigned = load.get(None, {}).get("open", 0)
        return super().get_context_data(
            page_title=str(user.agency),
            agency=user.agency,
            figures=figures,
            figure_cards=_figure_cards(figures),
            awaiting=awaiting,
            overdue=overdue,
            officer_rows=officer_rows,
            unassigned=unassigned,
            officers=officers,
            status=self.status,
            status_tabs=STATUS_TABS,
            **kwargs,
        )


# ---- the dashboard

FIGURES = [
    ("done_on_time", _("Done on time"), "#2e7d32"),
    ("done_late", _("Done late"), "#ef6c00"),
    ("open_on_time", _("Open, within deadline"), "#1565c0"),
    ("open_overdue", _("Open, overdue"), "#c62828"),
]


def _figure_cards(figures: TimelinessFigures) -> list[dict]:
    total = figures.total
    return [
        {
            "key": key,
            "label": label,
            "value": getattr(figures, key),
            "pct": round(100 * getattr(figures, key) / total, 1) if total else None,
        }
        for key, label, _colour in FIGURES
    ]


def _bar_segments(figures: TimelinessFigures, scale: int) -> list[dict]:
    """Widths (in % of the widest bar) of the four figures, for an inline SVG bar."""
    segments, offset = [], 0.0
    for key, label, colour in FIGURES:
        value = getattr(figures, key)
        width = 100 * value / scale if scale else 0
        segments.append(
            {
                "key": key,
                "label": label,
                "colour": colour,
                "value": value,
                "x": offset,
                "width": width,
            }
        )
        offset += width
    return segments


def _agency_ranking(
    by_agency: dict[int, TimelinessFigures], page_number: str | None
) -> tuple[list[dict], Page, list[dict]]:
    """The ranking's page asked for (best on-time rate first, agencies with nothing due yet
    last) and the chart's 15 agencies with most parts. Sorted on figures and names alone
    (every agency of every committee, for the administrator); an agency is built only for a
    row drawn."""
    names = Agency.objects.filter(AnyOf(F("pk"), by_agency)).labels()  # a province's 100, not all
    counted = {pk: f for pk, f in by_agency.items() if pk in names and f.total}
    rates = {pk: f.on_time_rate for pk, f in counted.items()}
    order = sorted(
        counted,
        key=lambda pk: (rates[pk] is None, -(rates[pk] or 0), counted[pk].open_overdue, names[pk]),
    )
    page = Paginator(order, RANKING_PAGE_SIZE).get_page(page_number)
    charted = heapq.nsmallest(15, counted, key=lambda pk: -counted[pk].total)
    agencies = Agency.objects.in_bulk([*page.object_list, *charted])
    scale = max((f.total for f in by_agency.values()), default=0)
    ranking = [{"agency": agencies[pk], "figures": counted[pk]} for pk in page.object_list]
    chart = [
        {
            "agency": agencies[pk],
            "figures": counted[pk],
            "segments": _bar_segments(counted[pk], scale),
        }
        for pk in charted
    ]
    return ranking, page, chart


class DashboardView(LoginRequiredMixin, TemplateView):
    """The four figures of the committee's tasks (a task is done on time only when every lead
    finished on time), each lead agency's figures over its own parts (a task with two leads
    credits only the lead that finished), a ranking, the most overdue parts and what awaits
    approval."""

    request: AuthenticatedRequest
    template_name = "tasks/dashboard.html"

    def get_context_data(self, **kwargs: Any) -> dict:
        user = self.request.user
        if not (user.is_secretariat or user.is_chair or roles.is_admin(user)):
            raise PermissionDenied
        tasks = Task.objects.visible_to(user)
        parts = tasks.parts()
        # The tasks' figures per directive and each lead's over its parts: the settled ones
        # counted ahead, the rest now; the committee's are its directives' added up. The
        # administrator, over every committee, sees each committee's figures instead of the
        # directives'.
        if roles.is_admin(user):
            by_directive = {}
            by_committee = DirectiveTally.objects.summary_for(user, by="directive__committee")
            total = TimelinessFigures.sum(by_committee.values())
        else:
            by_directive = DirectiveTally.objects.summary_for(user)
            by_committee = {}
            total = TimelinessFigures.sum(by_directive.values())
        by_agency = LeadTally.objects.summary_for(user)
        ranking, ranking_page, chart_rows = _agency_ranking(by_agency, self.request.GET.get("page"))
        shown = heapq.nsmallest(
            15,
            ((pk, figures) for pk, figures in by_directive.items() if figures.total),
            key=lambda item: (-item[1].open_overdue, -item[1].total),
        )
        # Only the directives shown, without their texts.
        directives = Directive.objects.only_with_state(
            "doc_type", "number", "symbol", "subject"
        ).in_bulk([pk for pk, _figures in shown])
        directive_rows = [{"directive": directives[pk], "figures": f} for pk, f in shown]
        # The administrator's table: every committee with a task, most overdue first.
        committees = Committee.objects.in_bulk(list(by_committee))
        committee_rows = [
            {"committee": committee, "figures": figures}
            for committee, figures in sorted(
                (
                    (committees[pk], figures)
                    for pk, figures in by_committee.items()
                    if pk in committees and figures.total
                ),
                key=lambda row: (-row[1].open_overdue, -row[1].total, row[0].name),
            )
        ]
        overdue = list(
            parts.overdue().select_related("task__directive", "agency").defer(*LIST_DEFERRED)[:10]
        )
        return super().get_context_data(
            page_title=_("Dashboard"),
            total=total,
            figure_cards=_figure_cards(total),
            legend=FIGURES,
            ranking=ranking,
            page_obj=ranking_page,
            paginator=ranking_page.paginator,
            chart_rows=chart_rows,
            directive_rows=directive_rows,
            by_committee=roles.is_admin(user),
            committee_rows=committee_rows,
            overdue=overdue,
            awaiting_directives=Directive.objects.visible_to(user)
            .filter(state=DirectiveState.AWAITING_APPROVAL)
            .count(),
            awaiting_extensions=Extension.objects.filter(
                state=ExtensionState.REQUESTED, task__in=tasks.values("pk")
            ).count(),
            # The summary report needs a period: until one exists the page says so, rather
            # than offer a PDF with nothing in it.
            periodic_reports=ReportingPeriod.objects.filter(
                **({"obligation__committee_id": user.committee_id} if user.committee_id else {})
            ).exists(),
            **kwargs,
        )


# ---- the task page


@dataclass
class LeadPanel:
    """One lead agency's part as the page shows it, with what this person may do to it now."""

    part: TaskAssignment
    reports: list[TaskReport] = field(default_factory=list)
    extensions: list[Extension] = field(default_factory=list)
    pending_extension: Extension | None = None
    decide_url: str | None = None
    mine: bool = False
    can: dict[str, bool] = field(default_factory=dict)
    extension_url: str = ""
    extension_too_late: bool = False


@dataclass
class CoordinatorPanel:
    part: TaskAssignment
    contributions: list[TaskReport] = field(default_factory=list)
    mine: bool = False
    can_contribute: bool = False


def _lead_rights(task: Task, part: TaskAssignment, user: Any, pending: bool) -> dict[str, bool]:
    """What `user` may do to this lead's part now: the permission layer and the state say."""
    works = perms.can_work_on(part, user)
    manages = perms.can_manage_task(task, user)
    head = perms.can_sign_off(part, user)
    under_way = task.state == TaskState.ASSIGNED
    return {
        "acknowledge": works and part.state == AssignmentState.ASSIGNED,
        "report": works and part.state in WORKING_STATES,
        "extension": works
        and under_way
        and part.is_open
        and part.deadline is not None
        and not pending
        and perms.can_request_extension(part, user),
        "sign_off": head and part.state == AssignmentState.AWAITING_HEAD,
        "reassign": head and part.is_open and part.state != AssignmentState.ASSIGNED,
        "review": manages and part.state == AssignmentState.REPORTED,
        "urge": manages and under_way and part.is_owing,
    }


def task_page_context(request: HttpRequest, pk: int) -> dict:
    """Everything the task page shows, in a fixed number of queries."""
    user = request.user
    reports = TaskReport.objects.select_related(
        "submitted_by", "signed_off_by", "reviewed_by", "agency"
    ).prefetch_related("attachments", Prefetch("contributions", TaskReport.objects.all()))
    queryset = (
        Task.objects.visible_to(user)
        .with_timeliness()
        .select_related("directive__committee")
        .prefetch_related(
            Prefetch(
                "assignments",
                TaskAssignment.objects.with_timeliness().select_related("agency", "officer"),
            ),
            Prefetch("reports", reports),
            Prefetch(
                "events",
                TaskEvent.objects.select_related(
                    "actor", "actor_agency", "agency"
                ).prefetch_related("attachments"),
            ),
            Prefetch("extensions", Extension.objects.select_related("requested_by", "decided_by")),
        )
    )
    task = get_object_or_404(queryset, pk=pk)
    now = timezone.now()
    own = perms.own_assignment(task, user)
    parts = list(task.assignments.all())
    contributions = [r for r in task.reports.all() if r.kind == ReportKind.CONTRIBUTION]
    agency_names = {p.agency_id: p.agency for p in parts}
    for report in task.reports.all():
        for contribution in report.contributions.all():
            contribution.agency_label = agency_names.get(contribution.agency_id, "")
    links = decision_links(list(task.extensions.all()), user)
    # A report waiting for the head's sign-off, or sent back by the head, stays inside the
    # agency until the head sends it on.
    viewer_agency = user.agency_id if roles.is_agency_staff(user) else None
    for event in task.events.all():
        event.private = (
            event.agency_id is not None
            and event.agency_id != viewer_agency
            and (
                (
                    event.kind == TaskEventKind.TRANSITION
                    and event.to_value == AssignmentState.AWAITING_HEAD
                )
                or event.kind == TaskEventKind.HEAD_SENT_BACK
            )
        )

    leads, coordinators = [], []
    for part in parts:
        if part.state == AssignmentState.CANCELLED and part.role != LEAD:
            continue
        if part.role == LEAD:
            extensions = [e for e in task.extensions.all() if e.assignment_id == part.pk]
            pending = next((e for e in extensions if e.state == ExtensionState.REQUESTED), None)
            panel = LeadPanel(
                part=part,
                reports=[
                    r
                    for r in task.reports.all()
                    if r.assignment_id == part.pk
                    and r.kind != ReportKind.CONTRIBUTION
                    and (part.agency_id == viewer_agency or r.outcome not in INTERNAL_OUTCOMES)
                ],
                extensions=extensions,
                pending_extension=pending,
                decide_url=links.get(pending.pk) if pending else None,
                mine=own is not None and own.pk == part.pk,
                can=_lead_rights(task, part, user, pending is not None),
            )
            if panel.can["extension"]:
                panel.extension_url = extension_request_url(task)
                panel.extension_too_late = part.deadline_passed(now)
            leads.append(panel)
        else:
            coordinators.append(
                CoordinatorPanel(
                    part=part,
                    contributions=[r for r in contributions if r.assignment_id == part.pk],
                    mine=own is not None and own.pk == part.pk,
                    can_contribute=perms.can_contribute(part, user)
                    and task.state == TaskState.ASSIGNED,
                )
            )
    mine = next((p for p in leads if p.mine), None)
    officers = []
    if mine and (mine.can["acknowledge"] or mine.can["reassign"]):
        officers = list(_officers(mine.part.agency_id))
    manages = perms.can_manage_task(task, user)
    return {
        "page_title": str(task)[:80],
        "task": task,
        "directive": task.directive,
        "leads": leads,
        "coordinators": coordinators,
        "my_part": own,
        "my_lead": mine,
        "officers": officers,
        "contribution_form": ContributionForm(),
        "review_form": ReviewForm(),
        "sign_off_form": SignOffForm(),
        "comment_form": CommentForm(),
        "can_comment": task.state != TaskState.DRAFT and perms.can_comment_task(task, user),
        "can_urge_all": manages
        and task.state == TaskState.ASSIGNED
        and sum(1 for p in leads if p.part.is_owing) > 1,
        "is_manager": manages,
        "implementation": _implementation(task),
    }


class TaskDetailView(LoginRequiredMixin, TemplateView):
    request: AuthenticatedRequest
    template_name = "tasks/task_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict:
        context = super().get_context_data(**kwargs)
        context.update(task_page_context(self.request, kwargs["pk"]))
        return context


def _implementation(task: Task) -> list[tuple[Directive, TimelinessFigures]]:
    """The published child-committee directives that carry the task out, with their figures:
    how its progress rolls up (two queries; none of their drafts)."""
    figures = Task.objects.implementing(task).timeliness_summary(by="directive")
    if not figures:
        return []
    children = Directive.objects.filter(pk__in=figures).select_related("committee")
    return [(child, figures[child.pk]) for child in children]


# ---- what an agency does to its own part


@require_POST
def acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    """The lead agency confirms receipt and names its officer in charge."""
    part = visible_part(request, pk)
    back = _back(request, part)
    if not perms.can_work_on(part, request.user):
        return _forbidden(request, _("Only the lead agency's staff acknowledge its part."))
    form = OfficerForm(request.POST, officers=_officers(part.agency_id))
    if request.POST.get("officer") and not form.is_valid():
        return _form_errors(request, form, back)
    officer = form.cleaned_data["officer"] if request.POST.get("officer") else signed_in(request)
    try:
        _check_seen(request, part)
        actions.acknowledge(part, by=signed_in(request), officer=officer)
    except ActionError as exc:
        return _fail(request, exc, back)
    messages.success(
        request,
        _("Receipt acknowledged; %(officer)s is the officer in charge.") % {"officer": officer},
    )
    return redirect(back)


@require_POST
def reassign_officer(request: HttpRequest, pk: int) -> HttpResponse:
    """The agency head hands the part to another of its officers."""
    part = visible_part(request, pk)
    back = _back(request, part)
    if not perms.can_sign_off(part, request.user):
        return _forbidden(request, _("Only the agency's head names another officer."))
    form = OfficerForm(request.POST, officers=_officers(part.agency_id))
    if not form.is_valid():
        return _form_errors(request, form, back)
    officer = form.cleaned_data["officer"]
    try:
        _check_seen(request, part)
        actions.reassign_officer(part, by=signed_in(request), officer=officer)
    except ActionError as exc:
        return _fail(request, exc, back)
    messages.success(
        request,
        _("%(officer)s is now in charge of %(task)s.") % {"officer": officer, "task": part.task},
    )
    return redirect(back)


class ReportView(LoginRequiredMixin, TemplateView):
    """A lead agency's report on its own part: a result (to its head first where the committee
    asks for it, then to the standing office) or a progress update, with files, and the
    co-ordinators' contributions it builds on."""

    request: AuthenticatedRequest
    template_name = "tasks/report_form.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.part = visible_part(request, kwargs["pk"])
        if not perms.can_work_on(self.part, request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def _form(self, data: Any = None, files: Any = None) -> TaskReportForm:
        contributions = (
            TaskReport.objects.filter(task_id=self.part.task_id, kind=ReportKind.CONTRIBUTION)
            .select_related("agency")
            .order_by("submitted_at", "id")
        )
        return TaskReportForm(data, files, contributions=contributions)

    def get_context_data(self, **kwargs: Any) -> dict:
        part = self.part
        context = super().get_context_data(**kwargs)
        context.update(
            page_title=_("Report on your part"),
            part=part,
            task=part.task,
            open_for_reports=part.state in WORKING_STATES,
            to_head=actions.needs_head_sign_off(part, self.request.user),
            returned=part.reports.filter(kind=ReportKind.RESULT, outcome=ReportOutcome.RETURNED)
            .order_by("-submitted_at", "-id")
            .first()
            if part.state == AssignmentState.RETURNED
            else None,
        )
        context.setdefault("form", self._form())
        return context

    def post(self, request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        part = self.part
        form = self._form(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        data = form.cleaned_data
        try:
            _check_seen(request, part)
            if data["kind"] == ReportKind.PROGRESS:
                actions.post_progress(part, by=request.user, text=data["text"], files=data["files"])
                messages.success(request, _("Progress update recorded."))
            else:
                report = actions.submit_report(
                    part,
                    by=request.user,
                    text=data["text"],
                    files=data["files"],
                    contributions=list(data.get("contributions") or []),
                )
                if report.outcome == ReportOutcome.AWAITING_HEAD:
                    messages.success(request, _("Report sent to your agency's head for sign-off."))
                else:
                    messages.success(request, _("Report sent to the standing office for review."))
        except (ActionForbidden, ActionConflict) as exc:
            return _fail(request, exc, _task_url(part.task_id, part.pk))
        except ActionError as exc:
            form.add_error(None, exc.message)
            return self.render_to_response(self.get_context_data(form=form))
        return redirect(_task_url(part.task_id, part.pk))


@require_POST
def contribute(request: HttpRequest, pk: int) -> HttpResponse:
    """A co-ordinating agency posts its contribution for the leads."""
    part = visible_part(request, pk)
    back = _back(request, part)
    form = ContributionForm(request.POST, request.FILES)
    if not perms.can_contribute(part, request.user):
        return _forbidden(request, _("Only a co-ordinating agency's staff post contributions."))
    if not form.is_valid():
        return _form_errors(request, form, back)
    try:
        actions.post_contribution(
            part,
            by=signed_in(request),
            text=form.cleaned_data["text"],
            files=form.cleaned_data["files"],
        )
    except ActionError as exc:
        return _fail(request, exc, back)
    messages.success(request, _("Contribution posted: the lead agencies can use it."))
    return redirect(back)


@require_POST
def sign_off(request: HttpRequest, pk: int) -> HttpResponse:
    """The agency head sends the officer's report on to the standing office, or back."""
    part = visible_part(request, pk)
    back = _back(request, part)
    if not perms.can_sign_off(part, request.user):
        return _forbidden(request, _("Only the agency's head signs reports off."))
    form = SignOffForm(request.POST)
    if not form.is_valid():
        return _form_errors(request, form, back)
    note = form.cleaned_data["note"]
    try:
        _check_seen(request, part)
        if form.cleaned_data["decision"] == "send_on":
            actions.sign_off_report(part, by=signed_in(request), note=note)
            messages.success(request, _("Report signed off and sent to the standing office."))
        else:
            actions.send_back_report(part, by=signed_in(request), reason=note)
            messages.success(request, _("Report sent back to the officer."))
    except ActionError as exc:
        return _fail(request, exc, back)
    return redirect(back)


# ---- what the standing office does


@require_POST
def review(request: HttpRequest, pk: int) -> HttpResponse:
    """Accept one lead agency's result, or return it with a reason."""
    part = visible_part(request, pk)
    back = _back(request, part)
    if not perms.can_manage_task(part.task, request.user):
        return _forbidden(request, _("Only the standing office reviews reports."))
    form = ReviewForm(request.POST)
    if not form.is_valid():
        return _form_errors(request, form, back)
    note = form.cleaned_data["note"]
    try:
        _check_seen(request, part)
        if form.cleaned_data["decision"] == "accept":
            part = actions.accept_report(part, by=signed_in(request), note=note)
            part.task.refresh_from_db(fields=["state"])
            if part.task.state == TaskState.COMPLETED:
                messages.success(
                    request, _("Report accepted: every lead is done, the task is completed.")
                )
            else:
                messages.success(
                    request,
                    _("%(agency)s's report accepted; the other leads' parts are still open.")
                    % {"agency": part.agency},
                )
        else:
            actions.return_report(part, by=signed_in(request), reason=note)
            messages.success(request, _("Report returned to %(agency)s.") % {"agency": part.agency})
    except ActionError as exc:
        return _fail(request, exc, back)
    return redirect(back)


@require_POST
def urge(request: HttpRequest, pk: int) -> HttpResponse:
    """Chase one lead agency (?agency=) or every lead that still owes its part."""
    task = visible_task(request, pk)
    back = safe_next(request) or _task_url(task.pk)
    form = UrgeForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    agency_id = form.cleaned_data.get("agency") if form.is_valid() else None
    agency = None
    if agency_id:
        agency = next(
            (
                a.agency
                for a in task.assignments.select_related("agency")
                if a.agency_id == agency_id
            ),
            None,
        )
        if agency is None:
            raise Http404
    try:
        events = actions.urge_task(task, by=signed_in(request), note=note, agency=agency)
    except ActionError as exc:
        return _fail(request, exc, back)
    names = ", ".join(str(e.agency) for e in events)
    messages.success(request, _("Urged: %(agencies)s") % {"agencies": names})
    return redirect(back)


@require_POST
def comment(request: HttpRequest, pk: int) -> HttpResponse:
    task = visible_task(request, pk)
    form = CommentForm(request.POST, request.FILES)
    if not form.is_valid():
        return _form_errors(request, form, _task_url(task.pk) + "#history")
    try:
        actions.comment_on_task(
            task,
            by=signed_in(request),
            text=form.cleaned_data["text"],
            files=form.cleaned_data["files"],
        )
    except ActionError as exc:
        return _fail(request, exc, _task_url(task.pk))
    messages.success(request, _("Comment added."))
    return redirect(_task_url(task.pk) + "#history")


def task_file(request: HttpRequest, pk: int) -> HttpResponseBase:
    """A file attached to a task: only for those who may see the task, and, while its report
    waits for the agency head's sign-off, only for the agency (404 for the rest)."""
    if not request.user.is_authenticated:
        return redirect(f"{reverse('login')}?next={request.path}")
    attachment = get_object_or_404(
        TaskAttachment.objects.filter(
            task__in=Task.objects.visible_to(request.user).values("pk")
        ).select_related("report"),
        pk=pk,
    )
    report = attachment.report
    if (
        report is not None
        and report.outcome in INTERNAL_OUTCOMES
        and not roles.is_staff_of_agency(request.user, report.agency_id)
    ):
        raise Http404  # still inside the agency: its head has not sent it on
    return send_stored_file(attachment.file, filename=attachment.name)
