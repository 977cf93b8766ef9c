"""Directive pages: the register (search and filters), registration, the directive page with
its lifecycle actions, and the breakdown editor.

Objects come from `Directive.objects.visible_to(user)` (another committee's draft is a 404);
changes go through documents/actions.py and tasks/actions.py.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.decorators.http import require_POST
from django.views.generic import ListView, TemplateView

from agencies import permissions as perms
from agencies.models import Agency
from project.errors import ActionError, ActionForbidden
from tasks import actions as task_actions
from tasks.deadlines import DeadlineKind, today_in_vietnam
from tasks.models import Task, TaskAssignment, TaskState
from tasks.views import flow_actions, flow_managed

from . import actions
from .forms import DecisionForm, DirectiveFilterForm, DirectiveForm, DraftTaskForm
from .models import Directive, DirectiveAttachment, DirectiveEvent, DirectiveState
from .search import search_terms

PAGE_SIZE = 25
EDITABLE_STATES = (DirectiveState.DRAFT, DirectiveState.AWAITING_APPROVAL)
NO_LEAD_PICKED = _("Item %(ref)s names no member agency: choose its lead agency, or untick it.")


def visible_directive(request: HttpRequest, pk: int) -> Directive:
    queryset = Directive.objects.visible_to(request.user).select_related("committee")
    return get_object_or_404(queryset, pk=pk)


def managed_directive(request: HttpRequest, pk: int) -> Directive:
    """404 if the user cannot see it; 403 if they see it but may not manage it."""
    directive = visible_directive(request, pk)
    if not perms.can_manage_directive(directive, request.user):
        raise PermissionDenied
    return directive


def _forbidden(request: HttpRequest, message: str) -> HttpResponse:
    return render(
        request,
        "tasks/forbidden.html",
        {"page_title": _("Not allowed"), "message": message},
        status=403,
    )


def filter_directives(queryset: QuerySet, data: dict) -> QuerySet:
    """The register's search (accent-insensitive, every word must match) and filters."""
    for term in search_terms(data.get("q") or ""):
        queryset = queryset.filter(search_text__contains=term)
    if data.get("doc_type"):
        queryset = queryset.filter(doc_type=data["doc_type"])
    if data.get("year"):
        queryset = queryset.filter(year=data["year"])
    if data.get("issuer"):
        queryset = queryset.filter(issuer_name=data["issuer"])
    if data.get("state"):
        queryset = queryset.filter(state=data["state"])
    return queryset


# ---- the register


class DirectiveListView(LoginRequiredMixin, ListView):
    template_name = "documents/directive_list.html"
    paginate_by = PAGE_SIZE
    context_object_name = "directives"

    def get_queryset(self):  # noqa: ANN201
        visible = Directive.objects.visible_to(self.request.user)
        self.filter_form = DirectiveFilterForm(
            self.request.GET or None,
            years=visible.exclude(year=None)
            .order_by("-year")
            .values_list("year", flat=True)
            .distinct(),
            issuers=visible.exclude(issuer_name="")
            .order_by("issuer_name")
            .values_list("issuer_name", flat=True)
            .distinct(),
        )
        data = self.filter_form.cleaned_data if self.filter_form.is_valid() else {}
        if self.filter_form.is_bound and not self.filter_form.is_valid():
            # A value that is not in a list (an old bookmark): keep the valid ones.
            data = {k: v for k, v in self.filter_form.cleaned_data.items() if v}
            data["q"] = self.request.GET.get("q", "")
        return (
            filter_directives(visible, data)
            .annotate(task_count=Count("tasks", filter=~Q(tasks__state=TaskState.CANCELLED)))
            .order_by("-issued_on", "-id")
        )

    def get_context_data(self, **kwargs):  # noqa: ANN003, ANN201
        user = self.request.user
        return super().get_context_data(
            page_title=_("Directive register"),
            filter_form=self.filter_form,
            can_register=user.is_secretariat and user.committee_id is not None,
            **kwargs,
        )


class DirectiveCreateView(LoginRequiredMixin, View):
    template_name = "documents/directive_form.html"

    def _check(self, request: HttpRequest) -> None:
        if not (request.user.is_secretariat and request.user.committee_id):
            raise PermissionDenied

    def _render(self, request: HttpRequest, form: DirectiveForm) -> HttpResponse:
        return render(
            request, self.template_name, {"form": form, "page_title": _("Register a directive")}
        )

    def get(self, request: HttpRequest) -> HttpResponse:
        self._check(request)
        return self._render(request, DirectiveForm(initial={"doc_type": "TB"}))

    def post(self, request: HttpRequest) -> HttpResponse:
        self._check(request)
        form = DirectiveForm(request.POST, request.FILES)
        if not form.is_valid():
            return self._render(request, form)
        data = form.cleaned_data
        try:
            directive = actions.register_directive(
                request.user.committee,
                by=request.user,
                number=data["number"],
                doc_type=data["doc_type"],
                subject=data["subject"],
                issued_on=data["issued_on"],
                issuer_name=data["issuer_name"],
                signer_name=data["signer_name"],
                signer_title=data["signer_title"],
                text=data["text"],
                files=data["files"],
            )
        except ActionForbidden as exc:
            return _forbidden(request, exc.message)
        except ActionError as exc:
            form.add_error(None, exc.message)
            return self._render(request, form)
        messages.success(request, _("Directive registered. Now break it down into tasks."))
        return redirect("directives:breakdown", directive.pk)


# ---- the directive page and its lifecycle


def directive_actions(directive: Directive, user, has_tasks: bool, has_draft_tasks: bool) -> dict:  # noqa: ANN001
    manage = perms.can_manage_directive(directive, user)
    approve = perms.can_approve_directive(directive, user)
    state = directive.state
    return {
        "breakdown": manage and state in EDITABLE_STATES,
        "submit": manage and state == DirectiveState.DRAFT and has_tasks,
        "approve": approve and state == DirectiveState.AWAITING_APPROVAL,
        "dispatch": manage and state == DirectiveState.ISSUED and has_draft_tasks,
        "close": manage and state == DirectiveState.ISSUED and not has_draft_tasks,
    }


class DirectiveDetailView(LoginRequiredMixin, TemplateView):
    template_name = "documents/directive_detail.html"

    def get_context_data(self, **kwargs):  # noqa: ANN003, ANN201
        user = self.request.user
        directive = get_object_or_404(
            Directive.objects.visible_to(user)
            .select_related("committee", "created_by", "implements_task", "superseded_by")
            .prefetch_related(
                "attachments",
                Prefetch("events", DirectiveEvent.objects.select_related("actor")),
            ),
            pk=kwargs["pk"],
        )
        tasks = list(
            Task.objects.visible_to(user)
            .filter(directive=directive)
            .exclude(state=TaskState.CANCELLED)
            .with_timeliness()
            .select_related("officer")
            .prefetch_related(
                Prefetch("assignments", TaskAssignment.objects.select_related("agency"))
            )
            .order_by("position", "id")
        )
        has_draft = any(t.state == TaskState.DRAFT for t in tasks)
        can = directive_actions(directive, user, bool(tasks), has_draft)
        if flow_managed(directive):
            # The directive flow routes it: its steps are taken on the flow's pages.
            can.update(submit=False, approve=False, dispatch=False, close=False)
        return super().get_context_data(
            page_title=directive.number_symbol or directive.get_doc_type_display(),
            directive=directive,
            tasks=tasks,
            can=can,
            flow_links=flow_actions(directive, user),
            summary=Task.objects.visible_to(user).filter(directive=directive).timeliness_summary(),
            decision_form=DecisionForm(),
            **kwargs,
        )


TRANSITIONS = {
    "submit": (
        actions.submit_directive_for_approval,
        _("Task list sent to the chair for approval."),
    ),
    "approve": (actions.approve_directive, _("Task list approved.")),
    "return": (actions.return_directive, _("Task list returned for revision.")),
    "dispatch": (actions.dispatch_directive, _("Tasks dispatched to the agencies.")),
    "close": (actions.close_directive, _("Directive closed.")),
}


@require_POST
def directive_transition(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    directive = visible_directive(request, pk)
    if action not in TRANSITIONS:
        raise Http404
    func, done = TRANSITIONS[action]
    note = request.POST.get("note", "").strip()
    try:
        if action == "return":
            func(directive, by=request.user, reason=note)
        elif action == "close":
            func(directive, by=request.user, summary=note)
        elif action == "dispatch":
            func(directive, by=request.user)
        else:
            func(directive, by=request.user, note=note)
    except ActionForbidden as exc:
        return _forbidden(request, exc.message)
    except ActionError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect("directives:detail", directive.pk)


def directive_file(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect(f"{reverse('login')}?next={request.path}")
    attachment = get_object_or_404(
        DirectiveAttachment.objects.filter(
            directive__in=Directive.objects.visible_to(request.user).values("pk")
        ),
        pk=pk,
    )
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404(_("The file is missing from storage.")) from exc
    return FileResponse(handle, as_attachment=True, filename=attachment.name)


# ---- the breakdown editor


def member_agencies(directive: Directive) -> QuerySet:
    day = directive.issued_on or today_in_vietnam()
    return (
        Agency.objects.filter(memberships__committee=directive.committee_id)
        .valid_on(day)
        .order_by("name")
    )


def _propose_available() -> bool:
    try:
        from documents.breakdown.engine import propose_tasks  # noqa: F401
    except ImportError:
        return False
    return True


class BreakdownView(LoginRequiredMixin, TemplateView):
    template_name = "documents/breakdown.html"

    def get_context_data(self, **kwargs):  # noqa: ANN003, ANN201
        directive = managed_directive(self.request, kwargs["pk"])
        tasks = (
            directive.tasks.exclude(state=TaskState.CANCELLED)
            .prefetch_related(
                Prefetch("assignments", TaskAssignment.objects.select_related("agency"))
            )
            .order_by("position", "id")
        )
        return super().get_context_data(
            page_title=_("Breakdown: %(directive)s")
            % {"directive": directive.number_symbol or directive.subject[:40]},
            directive=directive,
            tasks=tasks,
            editable=directive.state in EDITABLE_STATES,
            can_propose=_propose_available() and bool(directive.text.strip()),
            can_submit=directive.state == DirectiveState.DRAFT,
            **kwargs,
        )


class DraftTaskCreateView(LoginRequiredMixin, View):
    template_name = "documents/task_form.html"

    def _render(self, request, directive, form, task=None):  # noqa: ANN001, ANN202
        return render(
            request,
            self.template_name,
            {
                "directive": directive,
                "form": form,
                "task": task,
                "page_title": _("Edit task") if task else _("Add a task"),
            },
        )

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        directive = managed_directive(request, pk)
        form = DraftTaskForm(
            agencies=member_agencies(directive),
            initial={"ref": str(directive.tasks.exclude(state=TaskState.CANCELLED).count() + 1)},
        )
        return self._render(request, directive, form)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        directive = managed_directive(request, pk)
        form = DraftTaskForm(request.POST, agencies=member_agencies(directive))
        if not form.is_valid():
            return self._render(request, directive, form)
        data = form.cleaned_data
        try:
            task_actions.create_task(
                directive,
                by=request.user,
                title=data["title"],
                content=data["content"],
                ref=data["ref"],
                lead=list(data["lead"]),
                support=list(data["support"]),
                deadline=data["deadline"],
                deadline_kind=data["deadline_kind"],
                deadline_text=data["deadline_text"],
            )
        except ActionForbidden as exc:
            return _forbidden(request, exc.message)
        except ActionError as exc:
            form.add_error(None, exc.message)
            return self._render(request, directive, form)
        messages.success(request, _("Task added."))
        return redirect("directives:breakdown", directive.pk)


class DraftTaskUpdateView(DraftTaskCreateView):
    def _task(self, request: HttpRequest, pk: int) -> Task:
        task = get_object_or_404(
            Task.objects.visible_to(request.user).select_related("directive__committee"), pk=pk
        )
        if not perms.can_manage_directive(task.directive, request.user):
            raise PermissionDenied
        return task

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        task = self._task(request, pk)
        assignments = list(task.assignments.all())
        form = DraftTaskForm(
            agencies=member_agencies(task.directive),
            initial={
                "ref": task.ref,
                "title": task.title,
                "content": task.content,
                "lead": [a.agency_id for a in assignments if a.role == "lead"],
                "support": [a.agency_id for a in assignments if a.role == "support"],
                "deadline": task.deadline,
                "deadline_kind": task.deadline_kind,
                "deadline_text": task.deadline_text,
            },
        )
        return self._render(request, task.directive, form, task)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        task = self._task(request, pk)
        form = DraftTaskForm(request.POST, agencies=member_agencies(task.directive))
        if not form.is_valid():
            return self._render(request, task.directive, form, task)
        data = form.cleaned_data
        try:
            task_actions.update_draft_task(
                task,
                by=request.user,
                title=data["title"],
                content=data["content"],
                ref=data["ref"],
                lead=list(data["lead"]),
                support=list(data["support"]),
                deadline=data["deadline"],
                deadline_kind=data["deadline_kind"],
                deadline_text=data["deadline_text"],
            )
        except ActionForbidden as exc:
            return _forbidden(request, exc.message)
        except ActionError as exc:
            form.add_error(None, exc.message)
            return self._render(request, task.directive, form, task)
        messages.success(request, _("Task saved."))
        return redirect("directives:breakdown", task.directive_id)


@require_POST
def delete_draft_task(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_object_or_404(
        Task.objects.visible_to(request.user).select_related("directive__committee"), pk=pk
    )
    try:
        task_actions.delete_draft_task(task, by=request.user)
    except ActionForbidden as exc:
        return _forbidden(request, exc.message)
    except ActionError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Task removed from the breakdown."))
    return redirect("directives:breakdown", task.directive_id)


# ---- proposals from the text


def _title_of(text: str, limit: int = 300) -> str:
    """The first sentence of a proposed task, short enough for a title."""
    first = text.strip().split("\n")[0]
    for stop in (". ", "; "):
        if stop in first[:limit]:
            first = first.split(stop)[0]
            break
    return first if len(first) <= limit else first[: limit - 1].rstrip() + "…"


def proposals_for(directive: Directive) -> list[dict]:
    """The engine's proposed tasks, with agency codes turned into this committee's agencies."""
    from documents.breakdown.django_directory import directory_for_committee
    from documents.breakdown.engine import propose_tasks

    directory = directory_for_committee(directive.committee, on=directive.issued_on)
    breakdown = propose_tasks(directive.text, directory, today=directive.issued_on)
    members = list(member_agencies(directive))
    by_code = {agency.code: agency for agency in members}
    rows = []
    for index, proposed in enumerate(breakdown.tasks):
        lead = [by_code[c] for c in proposed.lead if c in by_code]
        if proposed.all_members and not lead:
            lead = members
        support = [by_code[c] for c in proposed.support if c in by_code and by_code[c] not in lead]
        rows.append(
            {
                "index": index,
                "ref": proposed.ref,
                "title": _title_of(proposed.text),
                "content": proposed.text,
                "lead": lead,
                "support": support,
                "all_members": proposed.all_members,
                "deadline": proposed.deadline,
                "deadline_text": proposed.deadline_rule or "",
            }
        )
    return rows


class ProposeView(LoginRequiredMixin, View):
    template_name = "documents/propose.html"

    def _setup(self, request: HttpRequest, pk: int) -> Directive:
        directive = managed_directive(request, pk)
        if not _propose_available():
            raise Http404
        return directive

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        directive = self._setup(request, pk)
        rows = proposals_for(directive) if directive.text.strip() else []
        return render(
            request,
            self.template_name,
            {
                "directive": directive,
                "rows": rows,
                "members": member_agencies(directive),
                "page_title": _("Proposed tasks"),
            },
        )

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        directive = self._setup(request, pk)
        chosen = {int(i) for i in request.POST.getlist("take") if i.isdigit()}
        if not chosen:
            messages.error(request, _("Tick at least one proposed task."))
            return redirect("directives:propose", directive.pk)
        created = 0
        try:
            with transaction.atomic():
                members = {str(a.pk): a for a in member_agencies(directive)}
                for row in proposals_for(directive):
                    if row["index"] not in chosen:
                        continue
                    if not row["lead"]:
                        # The text names no member agency: the office picked one on the page.
                        picked = members.get(request.POST.get(f"lead-{row['index']}", ""))
                        if picked is None:
                            raise ActionError(NO_LEAD_PICKED % {"ref": row["ref"]})
                        row["lead"] = [picked]
                        row["support"] = [a for a in row["support"] if a != picked]
                    task_actions.create_task(
                        directive,
                        by=request.user,
                        title=row["title"],
                        content=row["content"],
                        ref=row["ref"],
                        lead=row["lead"],
                        support=row["support"],
                        deadline=row["deadline"],
                        deadline_kind=DeadlineKind.DATE if row["deadline"] else DeadlineKind.NONE,
                        deadline_text=row["deadline_text"][:255],
                    )
                    created += 1
        except ActionForbidden as exc:
            return _forbidden(request, exc.message)
        except ActionError as exc:
            messages.error(request, exc.message)
            return redirect("directives:propose", directive.pk)
        messages.success(request, _("%(count)s task(s) added from the text.") % {"count": created})
        return redirect("directives:breakdown", directive.pk)
