"""Task pages: the inbox, the task page and its actions, the review and approval queues, the
overdue list and the chair's dashboard.

Views stay thin: every object comes from `Task.objects.visible_to(user)` (so another agency's
task is a 404), timeliness from `with_timeliness()` / `overdue()` / `timeliness_summary()`, and
every change from an action in tasks/actions.py.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    When,
)
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.decorators.http import require_POST
from django.views.generic import ListView, TemplateView
from django_fsm import can_proceed, has_transition_perm

from agencies import permissions as perms
from agencies.models import Agency
from documents.models import Directive, DirectiveState
from project.errors import ActionError, ActionForbidden
from workflows.models import DirectiveProcess, ExtensionProcess
from workflows.queries import actions_for

from . import actions
from .forms import (
    CommentForm,
    ExtensionDecisionForm,
    ExtensionRequestForm,
    ReportForm,
    ReviewForm,
    UrgeForm,
)
from .models import (
    Extension,
    ExtensionState,
    ReportKind,
    Task,
    TaskAssignment,
    TaskAttachment,
    TaskEvent,
    TaskEventKind,
    TaskReport,
    TaskState,
)
from .querysets import FIGURE_FILTERS, Timeliness, TimelinessFigures

PAGE_SIZE = 25

# Overdue first, then due soon, then the rest by deadline: what an officer must do next.
URGENCY = Case(
    When(timeliness=Timeliness.OPEN_OVERDUE, then=Value(0)),
    When(timeliness=Timeliness.DUE_SOON, then=Value(1)),
    When(timeliness=Timeliness.OPEN_ON_TIME, then=Value(2)),
    When(timeliness=Timeliness.NO_DEADLINE, then=Value(3)),
    default=Value(4),
    output_field=IntegerField(),
)


def _assignments() -> Prefetch:
    return Prefetch("assignments", queryset=TaskAssignment.objects.select_related("agency"))


def visible_task(request: HttpRequest, pk: int) -> Task:
    """The task if this user may see it; otherwise 404, whoever owns it."""
    queryset = Task.objects.visible_to(request.user).select_related("directive__committee")
    return get_object_or_404(queryset, pk=pk)


def _fail(request: HttpRequest, exc: ActionError, back: str) -> HttpResponse:
    """An action refused: say why, change nothing. Forbidden is a 403 page, the rest a message."""
    if isinstance(exc, ActionForbidden):
        return render(
            request,
            "tasks/forbidden.html",
            {"page_title": _("Not allowed"), "message": exc.message},
            status=403,
        )
    messages.error(request, exc.message)
    return redirect(back)


# ---- lists


class TaskListView(LoginRequiredMixin, ListView):
    """An agency's inbox (as lead and as co-ordinator), or all the committee's tasks."""

    template_name = "tasks/task_list.html"
    paginate_by = PAGE_SIZE
    context_object_name = "tasks"

    STATUS_FILTERS = {
        "open": Q(state__in=["assigned", "in_progress", "reported", "returned"]),
        "overdue": Q(timeliness=Timeliness.OPEN_OVERDUE),
        "due_soon": Q(timeliness=Timeliness.DUE_SOON),
        "done": Q(state="completed"),
        "all": ~Q(state__in=["draft", "cancelled"]),
    }

    def get_queryset(self):  # noqa: ANN201
        user = self.request.user
        queryset = (
            Task.objects.visible_to(user)
            .with_timeliness()
            .select_related("directive", "officer")
            .prefetch_related(_assignments())
        )
        if user.is_agency_staff and user.agency_id:
            my_role = TaskAssignment.objects.filter(task=OuterRef("pk"), agency=user.agency_id)
            queryset = queryset.annotate(my_role=Subquery(my_role.values("role")[:1]))
            role = self.request.GET.get("role", "")
            if role in ("lead", "support"):
                queryset = queryset.filter(my_role=role)
        status = self.request.GET.get("status", "open")
        # The dashboard's four figures link here with their own key (?status=done_late, ...).
        condition = self.STATUS_FILTERS.get(status) or FIGURE_FILTERS.get(status)
        queryset = queryset.filter(condition or self.STATUS_FILTERS["open"])
        agency = self.request.GET.get("agency", "")
        if agency.isdigit() and not (user.is_agency_staff and user.agency_id):
            # One agency's tasks: as lead by default, ?role=support or ?role=any otherwise
            # (the spreadsheet export reads the same query string).
            role = self.request.GET.get("role", "lead")
            condition = Q(assignments__agency=int(agency))
            if role != "any":
                condition &= Q(assignments__role="support" if role == "support" else "lead")
            queryset = queryset.filter(condition)  # one assignment per task and agency
        directive = self.request.GET.get("directive", "")
        if directive.isdigit():
            queryset = queryset.filter(directive=int(directive))
        return queryset.annotate(urgency=URGENCY).order_by(
            "urgency", F("due_at").asc(nulls_last=True), "directive_id", "position", "id"
        )

    def get_context_data(self, **kwargs):  # noqa: ANN003, ANN201
        context = super().get_context_data(**kwargs)
        user = self.request.user
        # Say which narrower list the user followed a link to (a dashboard figure, an agency,
        # a directive), so the page does not look like the whole list.
        params = self.request.GET
        active_filters = [label for key, label, _c in FIGURES if params.get("status") == key]
        if params.get("agency", "").isdigit() and not user.is_agency_staff:
            active_filters += [str(a) for a in Agency.objects.filter(pk=params["agency"])]
        if params.get("directive", "").isdigit():
            active_filters += [
                d.number_symbol or d.get_doc_type_display()
                for d in Directive.objects.filter(pk=params["directive"])
            ]
        context.update(
            active_filters=active_filters,
            page_title=_("My agency's tasks") if user.is_agency_staff else _("All tasks"),
            status=self.request.GET.get("status", "open"),
            role=self.request.GET.get("role", ""),
            is_agency=user.is_agency_staff,
            status_tabs=[
                ("open", _("Open")),
                ("overdue", _("Overdue")),
                ("due_soon", _("Due soon")),
                ("done", _("Completed")),
                ("all", _("All")),
            ],
            role_tabs=[
                ("", _("Lead and co-ordinating")),
                ("lead", _("As lead")),
                ("support", _("As co-ordinator")),
            ],
        )
        return context


class ReviewQueueView(LoginRequiredMixin, ListView):
    """Reports the standing office has to accept or return, oldest first."""

    template_name = "tasks/review_queue.html"
    paginate_by = PAGE_SIZE
    context_object_name = "tasks"

    def get_queryset(self):  # noqa: ANN201
        user = self.request.user
        if not (user.is_secretariat or perms.is_admin(user)):
            raise PermissionDenied
        pending = (
            TaskReport.objects.filter(kind=ReportKind.RESULT, outcome="pending")
            .select_related("submitted_by", "agency")
            .prefetch_related("attachments")
        )
        return (
            Task.objects.visible_to(user)
            .with_timeliness()
            .filter(state=TaskState.REPORTED)
            .select_related("directive")
            .prefetch_related(_assignments(), Prefetch("reports", pending, to_attr="pending"))
            .order_by("reported_at", "id")
        )

    def get_context_data(self, **kwargs):  # noqa: ANN003, ANN201
        return super().get_context_data(page_title=_("Reports to review"), **kwargs)


class OverdueView(LoginRequiredMixin, ListView):
    """Open tasks past their deadline, most days overdue first, with an "urge" action."""

    template_name = "tasks/overdue.html"
    paginate_by = PAGE_SIZE
    context_object_name = "tasks"

    def get_queryset(self):  # noqa: ANN201
        user = self.request.user
        if not (user.is_secretariat or user.is_chair or perms.is_admin(user)):
            raise PermissionDenied
        queryset = (
            Task.objects.visible_to(user)
            .overdue()
            .select_related("directive", "officer")
            .prefetch_related(_assignments())
        )
        agency = self.request.GET.get("agency", "")
        if agency.isdigit():
            queryset = queryset.filter(assignments__agency=int(agency), assignments__role="lead")
        return queryset

    def get_context_data(self, **kwargs):  # noqa: ANN003, ANN201
        user = self.request.user
        agencies = (
            Agency.objects.filter(
                assignments__role="lead",
                assignments__task__in=Task.objects.visible_to(user).overdue().values("pk"),
            )
            .distinct()
            .order_by("name")
        )
        selected = self.request.GET.get("agency", "")
        return super().get_context_data(
            page_title=_("Overdue tasks"),
            agencies=agencies,
            selected_agency=next((a for a in agencies if str(a.pk) == selected), None),
            agency=self.request.GET.get("agency", ""),
            can_urge=user.is_secretariat or perms.is_admin(user),
            **kwargs,
        )


class ApprovalQueueView(LoginRequiredMixin, TemplateView):
    """What waits for the chair: task lists to approve and extension requests to decide."""

    template_name = "tasks/approvals.html"

    def get_context_data(self, **kwargs):  # noqa: ANN003, ANN201
        user = self.request.user
        if not (user.is_secretariat or user.is_chair or perms.is_admin(user)):
            raise PermissionDenied
        directives = (
            Directive.objects.visible_to(user)
            .filter(state=DirectiveState.AWAITING_APPROVAL)
            .annotate(task_count=Count("tasks", filter=~Q(tasks__state="cancelled")))
            .order_by("updated_at")
        )
        extensions = (
            Extension.objects.filter(
                state=ExtensionState.REQUESTED,
                task__in=Task.objects.visible_to(user).values("pk"),
            )
            .select_related("task__directive__committee", "agency", "requested_by")
            .order_by("requested_at")
        )
        extension_rows = [
            (extension, perms.can_decide_extension(extension, user)) for extension in extensions
        ]
        return super().get_context_data(
            page_title=_("Awaiting approval"),
            directives=directives,
            can_approve=user.is_chair or perms.is_admin(user),
            extension_rows=extension_rows,
            **kwargs,
        )


# ---- the dashboard

FIGURES = [
    ("done_on_time", _("Done on time"), "#2e7d32"),
    ("done_late", _("Done late"), "#ef6c00"),
    ("open_on_time", _("Open, within deadline"), "#1565c0"),
    ("open_overdue", _("Open, overdue"), "#c62828"),
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


class DashboardView(LoginRequiredMixin, TemplateView):
    """The four figures, on-time rates per agency and per directive, a ranking, the worst
    overdue tasks and what awaits approval."""

    template_name = "tasks/dashboard.html"

    def get_context_data(self, **kwargs):  # noqa: ANN003, ANN201
        user = self.request.user
        if not (user.is_secretariat or user.is_chair or perms.is_admin(user)):
            raise PermissionDenied
        tasks = Task.objects.visible_to(user)
        total = tasks.timeliness_summary()
        by_agency = tasks.timeliness_summary(by="agency")
        by_directive = tasks.timeliness_summary(by="directive")
        agency_names = Agency.objects.in_bulk(list(by_agency))
        directives = Directive.objects.in_bulk(list(by_directive))

        scale = max((f.total for f in by_agency.values()), default=0)
        agency_rows = [
            {
                "agency": agency_names[pk],
                "figures": figures,
                "segments": _bar_segments(figures, scale),
            }
            for pk, figures in by_agency.items()
            if pk in agency_names
        ]
        # Ranking: best on-time rate first; agencies with nothing due yet go last.
        ranking = sorted(
            agency_rows,
            key=lambda row: (
                row["figures"].on_time_rate is None,
                -(row["figures"].on_time_rate or 0),
                row["figures"].open_overdue,
                str(row["agency"]),
            ),
        )
        directive_rows = sorted(
            (
                {"directive": directives[pk], "figures": figures}
                for pk, figures in by_directive.items()
                if pk in directives and figures.total
            ),
            key=lambda row: (-row["figures"].open_overdue, -row["figures"].total),
        )
        overdue = list(
            tasks.overdue().select_related("directive").prefetch_related(_assignments())[:10]
        )
        total_count = total.total
        figure_cards = [
            {
                "key": key,
                "label": label,
                "value": getattr(total, key),
                "pct": round(100 * getattr(total, key) / total_count, 1) if total_count else None,
            }
            for key, label, _colour in FIGURES
        ]
        return super().get_context_data(
            page_title=_("Dashboard"),
            total=total,
            figure_cards=figure_cards,
            legend=FIGURES,
            ranking=ranking,
            chart_rows=sorted(agency_rows, key=lambda row: -row["figures"].total)[:15],
            directive_rows=directive_rows[:15],
            overdue=overdue,
            awaiting_directives=Directive.objects.visible_to(user)
            .filter(state=DirectiveState.AWAITING_APPROVAL)
            .count(),
            awaiting_extensions=Extension.objects.filter(
                state=ExtensionState.REQUESTED, task__in=tasks.values("pk")
            ).count(),
            **kwargs,
        )


# ---- the task page


def allowed_actions(task: Task, user) -> dict[str, bool]:  # noqa: ANN001
    """What this user may do to this task now, as the permission layer and the state say."""
    reportable = task.state in (TaskState.IN_PROGRESS, TaskState.RETURNED)
    can_report = perms.can_report_task(task, user)
    pending_extension = any(e.state == ExtensionState.REQUESTED for e in task.extensions.all())
    return {
        "acknowledge": can_proceed(task.acknowledge)
        and has_transition_perm(task.acknowledge, user),
        "report": reportable and can_report,
        "extension": task.is_open
        and not pending_extension
        and perms.can_request_extension(task, user),
        "review": task.state == TaskState.REPORTED and perms.can_manage_task(task, user),
        "comment": task.state != TaskState.DRAFT and perms.can_comment_task(task, user),
        "urge": task.is_open and perms.can_manage_task(task, user),
    }


def flow_actions(obj, user) -> list[tuple[str, str]]:  # noqa: ANN001
    """The flow steps (label, url) this user may take now on a task or directive."""
    return list(actions_for(user, obj))


def flow_managed(obj) -> bool:  # noqa: ANN001
    """Whether a viewflow process routes this task, directive or extension. Its steps are then
    taken on the flow's pages (linked from ours), so the plain buttons are not offered too."""
    if isinstance(obj, Task):
        return TaskProcess.objects.filter(tracked_task=obj).exists()
    if isinstance(obj, Extension):
        return ExtensionProcess.objects.filter(extension=obj).exists()
    return DirectiveProcess.objects.filter(directive=obj).exists()


class TaskDetailView(LoginRequiredMixin, TemplateView):
    template_name = "tasks/task_detail.html"

    def get_context_data(self, **kwargs):  # noqa: ANN003, ANN201
        user = self.request.user
        queryset = (
            Task.objects.visible_to(user)
            .with_timeliness()
            .select_related("directive__committee", "officer")
            .prefetch_related(
                _assignments(),
                Prefetch(
                    "events",
                    TaskEvent.objects.select_related("actor", "actor_agency").prefetch_related(
                        "attachments"
                    ),
                ),
                Prefetch(
                    "reports",
                    TaskReport.objects.select_related(
                        "submitted_by", "agency", "reviewed_by"
                    ).prefetch_related("attachments"),
                ),
                Prefetch("extensions", Extension.objects.select_related("requested_by", "agency")),
            )
        )
        task = get_object_or_404(queryset, pk=kwargs["pk"])
        can = allowed_actions(task, user)
        if flow_managed(task):
            can.update(acknowledge=False, report=False, extension=False, review=False)
        pending_extension = next(
            (e for e in task.extensions.all() if e.state == ExtensionState.REQUESTED), None
        )
        my_role = None
        if user.is_agency_staff:
            my_role = next(
                (a.role for a in task.assignments.all() if a.agency_id == user.agency_id), None
            )
        return super().get_context_data(
            page_title=str(task)[:80],
            task=task,
            directive=task.directive,
            can=can,
            my_role=my_role,
            review_form=ReviewForm(),
            comment_form=CommentForm(),
            urge_form=UrgeForm(),
            pending_extension=pending_extension,
            can_decide=pending_extension is not None
            and perms.can_decide_extension(pending_extension, user)
            and not flow_managed(pending_extension),
            decision_form=ExtensionDecisionForm(),
            flow_links=flow_actions(task, user),
            agency_names=_agency_names_in_history(task),
            implementation=_implementation(task),
            **kwargs,
        )


def _implementation(task: Task) -> list[tuple[Directive, TimelinessFigures]]:
    """The published child-committee directives that carry the task out, with their figures:
    how its progress rolls up (two queries; none of their drafts)."""
    figures = Task.objects.implementing(task).timeliness_summary(by="directive")
    if not figures:
        return []
    children = Directive.objects.filter(pk__in=figures).select_related("committee")
    return [(child, figures[child.pk]) for child in children]


def _agency_names_in_history(task: Task) -> dict[str, str]:
    """Names of the agencies the task's history mentions by code (one query)."""
    codes = {
        (e.to_value or e.from_value).partition(" (")[0]
        for e in task.events.all()
        if e.kind in (TaskEventKind.ASSIGNED, TaskEventKind.UNASSIGNED)
    }
    return {a.code: str(a) for a in Agency.objects.filter(code__in=codes)} if codes else {}


def _task_url(task: Task) -> str:
    return reverse("work:task", args=[task.pk])


@require_POST
def acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    task = visible_task(request, pk)
    try:
        actions.acknowledge_task(task, by=request.user)
    except ActionError as exc:
        return _fail(request, exc, _task_url(task))
    messages.success(request, _("Receipt acknowledged; you are the officer in charge."))
    return redirect(_task_url(task))


class ReportView(LoginRequiredMixin, View):
    """The report form: a result for review, or a progress update, with attachments."""

    template_name = "tasks/report_form.html"

    def _setup(self, request: HttpRequest, pk: int) -> Task:
        task = visible_task(request, pk)
        if not perms.can_report_task(task, request.user):
            raise PermissionDenied
        return task

    def _form(self, task: Task, data=None, files=None) -> ReportForm:  # noqa: ANN001
        return ReportForm(data, files)

    def _render(self, request: HttpRequest, task: Task, form: ReportForm, status: int = 200):  # noqa: ANN202
        return render(
            request,
            self.template_name,
            {"task": task, "form": form, "page_title": _("Report on the task")},
            status=status,
        )

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        task = self._setup(request, pk)
        return self._render(request, task, self._form(task))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        task = self._setup(request, pk)
        form = self._form(task, request.POST, request.FILES)
        if not form.is_valid():
            return self._render(request, task, form)
        data = form.cleaned_data
        try:
            if data["kind"] == ReportKind.PROGRESS:
                actions.post_progress(task, by=request.user, text=data["text"], files=data["files"])
                messages.success(request, _("Progress update recorded."))
            else:
                actions.submit_report(task, by=request.user, text=data["text"], files=data["files"])
                messages.success(request, _("Report sent to the standing office for review."))
        except ActionForbidden as exc:
            return _fail(request, exc, _task_url(task))
        except ActionError as exc:
            form.add_error(None, exc.message)
            return self._render(request, task, form)
        return redirect(_task_url(task))


class ExtensionRequestView(LoginRequiredMixin, View):
    template_name = "tasks/extension_form.html"

    def _setup(self, request: HttpRequest, pk: int) -> Task:
        task = visible_task(request, pk)
        if not perms.can_request_extension(task, request.user):
            raise PermissionDenied
        return task

    def _render(self, request: HttpRequest, task: Task, form: ExtensionRequestForm):  # noqa: ANN202
        return render(
            request,
            self.template_name,
            {"task": task, "form": form, "page_title": _("Ask for an extension")},
        )

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        task = self._setup(request, pk)
        return self._render(request, task, ExtensionRequestForm(current_deadline=task.deadline))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        task = self._setup(request, pk)
        form = ExtensionRequestForm(request.POST, current_deadline=task.deadline)
        if not form.is_valid():
            return self._render(request, task, form)
        try:
            actions.request_extension(
                task,
                by=request.user,
                new_deadline=form.cleaned_data["new_deadline"],
                reason=form.cleaned_data["reason"],
            )
        except ActionForbidden as exc:
            return _fail(request, exc, _task_url(task))
        except ActionError as exc:
            form.add_error(None, exc.message)
            return self._render(request, task, form)
        messages.success(request, _("Extension requested; you will see the decision here."))
        return redirect(_task_url(task))


def _render_task_with_form(request: HttpRequest, task: Task, **forms) -> HttpResponse:  # noqa: ANN003
    """Re-show the task page with a form's errors next to its fields (nothing was changed)."""
    view = TaskDetailView()
    view.setup(request, pk=task.pk)
    context = view.get_context_data(pk=task.pk)
    context.update(forms)
    return render(request, TaskDetailView.template_name, context)


@require_POST
def review(request: HttpRequest, pk: int) -> HttpResponse:
    task = visible_task(request, pk)
    if not perms.can_manage_task(task, request.user):
        return _fail(request, ActionForbidden(_("Only the standing office reviews reports.")), "")
    form = ReviewForm(request.POST)
    if not form.is_valid():
        return _render_task_with_form(request, task, review_form=form)
    try:
        if form.cleaned_data["decision"] == "accept":
            actions.accept_report(task, by=request.user, note=form.cleaned_data["note"])
            messages.success(request, _("Report accepted: the task is completed."))
        else:
            actions.return_report(task, by=request.user, reason=form.cleaned_data["note"])
            messages.success(request, _("Report returned to the agency."))
    except ActionError as exc:
        return _fail(request, exc, _task_url(task))
    return redirect(request.POST.get("next") or _task_url(task))


@require_POST
def comment(request: HttpRequest, pk: int) -> HttpResponse:
    task = visible_task(request, pk)
    form = CommentForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_task_with_form(request, task, comment_form=form)
    try:
        actions.comment_on_task(
            task, by=request.user, text=form.cleaned_data["text"], files=form.cleaned_data["files"]
        )
    except ActionError as exc:
        return _fail(request, exc, _task_url(task))
    messages.success(request, _("Comment added."))
    return redirect(_task_url(task))


@require_POST
def urge(request: HttpRequest, pk: int) -> HttpResponse:
    task = visible_task(request, pk)
    form = UrgeForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        actions.urge_task(task, by=request.user, note=note)
    except ActionError as exc:
        return _fail(request, exc, request.POST.get("next") or _task_url(task))
    messages.success(request, _("The lead agency has been urged: %(task)s") % {"task": task})
    return redirect(request.POST.get("next") or _task_url(task))


@require_POST
def decide_extension(request: HttpRequest, pk: int) -> HttpResponse:
    visible = Task.objects.visible_to(request.user).values("pk")
    extension = get_object_or_404(
        Extension.objects.select_related("task__directive__committee").filter(task__in=visible),
        pk=pk,
    )
    task = extension.task
    back = request.POST.get("next") or _task_url(task)
    form = ExtensionDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect(back)
    try:
        if form.cleaned_data["decision"] == "approve":
            actions.approve_extension(extension, by=request.user, note=form.cleaned_data["note"])
            messages.success(request, _("Extension approved: the deadline has moved."))
        else:
            actions.reject_extension(extension, by=request.user, note=form.cleaned_data["note"])
            messages.success(request, _("Extension rejected."))
    except ActionError as exc:
        return _fail(request, exc, back)
    return redirect(back)


def task_file(request: HttpRequest, pk: int) -> HttpResponse:
    """A file attached to a task: only for those who may see the task (404 for the rest)."""
    if not request.user.is_authenticated:
        return redirect(f"{reverse('login')}?next={request.path}")
    attachment = get_object_or_404(
        TaskAttachment.objects.filter(task__in=Task.objects.visible_to(request.user).values("pk")),
        pk=pk,
    )
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404(_("The file is missing from storage.")) from exc
    return FileResponse(handle, as_attachment=True, filename=attachment.name)
