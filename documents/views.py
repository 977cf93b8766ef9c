"""Directive pages: the register (search and filters), registration, the directive page and
the breakdown editor.

Objects come from `Directive.objects.visible_to(user)` (another committee's draft is a 404);
changes go through documents/actions.py, tasks/actions.py and agencies/actions.py. Registering
starts the directive's flow (workflows/), and from then on the flow's steps are the directive's
actions: the directive page links to them, and the flow's breakdown step is this editor.
"""

from __future__ import annotations

import hashlib
import re
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.decorators.http import require_POST
from django.views.generic import ListView, TemplateView

from agencies import actions as agency_actions
from agencies import calendar as workdays
from agencies.directory import directory_for_committee
from agencies.http import AuthenticatedRequest, signed_in
from agencies.models import Agency
from breakdown import engine
from project.downloads import send_stored_file
from project.errors import ActionError, ActionForbidden
from tasks import actions as task_actions
from tasks.deadlines import DeadlineKind, today_in_vietnam, vn_date
from tasks.models import Task, TaskAssignment, TaskState
from workflows import services as workflow_services
from workflows.queries import actions_for

from . import actions, duplicates, extraction
from . import permissions as directive_perms
from .forms import (
    COMPUTED_KINDS,
    MAX_WORKING_DAYS,
    AliasForm,
    DirectiveFilterForm,
    DirectiveForm,
    DraftTaskForm,
    ProposalForm,
    SubmitBreakdownForm,
    recurrence_initial,
    rule_deadline,
    rule_initial,
)
from .models import Directive, DirectiveAttachment, DirectiveEvent, DirectiveState
from .search import search_terms

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

    from agencies.permissions import AnyUser

PAGE_SIZE = 25
# The list can change only while it is a draft: it is frozen while the chair reviews it.
EDITABLE_STATES = (DirectiveState.DRAFT,)
MAX_PROPOSALS = 1000  # cards read from one confirmation, whatever the posted count says
NO_PROPOSAL_SAVED = _("Nothing was added: correct the ticked cards marked below, or untick them.")


def visible_directive(request: HttpRequest, pk: int) -> Directive:
    queryset = Directive.objects.visible_to(request.user).select_related("committee")
    return get_object_or_404(queryset, pk=pk)


def managed_directive(request: HttpRequest, pk: int) -> Directive:
    """404 if the user cannot see it; 403 if they see it but may not manage it."""
    directive = visible_directive(request, pk)
    if not directive_perms.can_manage_directive(directive, request.user):
        raise PermissionDenied
    return directive


def _forbidden(request: HttpRequest, message: str | StrPromise) -> HttpResponse:
    return render(
        request,
        "tasks/forbidden.html",
        {"page_title": _("Not allowed"), "message": message},
        status=403,
    )


def filter_directives(queryset: QuerySet[Directive], data: dict[str, Any]) -> QuerySet[Directive]:
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
    request: AuthenticatedRequest

    def get_queryset(self) -> QuerySet[Directive]:
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

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        user = self.request.user
        return super().get_context_data(
            page_title=_("Directive register"),
            filter_form=self.filter_form,
            can_register=user.is_secretariat and user.committee_id is not None,
            **kwargs,
        )


REGISTERED_TWICE = _(
    "%(number)s of %(year)s is already in the register. Open it instead of registering it again."
)
TEXT_STILL_MISSING = _(
    "The directive has no text yet: paste it, or attach a file it can be read from (.docx, .doc, "
    "PDF or a scan), so that tasks can be proposed from it."
)


def _directive_fields(data: dict[str, Any]) -> dict[str, Any]:
    """The form's values as the register and update actions take them."""
    return {
        "number": data["number"],
        "doc_type": data["doc_type"],
        "subject": data["subject"],
        "issued_on": data["issued_on"],
        "issuer_name": data["issuer_name"],
        "signer_name": data["signer_name"],
        "signer_title": data["signer_title"],
        "text": data["text"],
        "files": data["files"],
    }


def _existing_link(directive: Directive, user: AnyUser) -> str:
    """Where to send someone who registers a directive again: its edit page while it is a
    draft they may change (e.g. to add the text a file did not give), else its page."""
    if directive.state == DirectiveState.DRAFT and directive_perms.can_manage_directive(
        directive, user
    ):
        return reverse("directives:edit", args=[directive.pk])
    return reverse("directives:detail", args=[directive.pk])


class DirectiveCreateView(LoginRequiredMixin, View):
    """Register a directive. The same number in the same year is refused with a link to the
    one registered; the same number in another year, or a near-identical text, is a warning
    the person confirms (documents/duplicates.py)."""

    template_name = "documents/directive_form.html"
    request: AuthenticatedRequest

    def _check(self, request: AuthenticatedRequest) -> None:
        if not (request.user.is_secretariat and request.user.committee_id):
            raise PermissionDenied

    def _render(self, request: HttpRequest, form: DirectiveForm, **context: Any) -> HttpResponse:
        return render(
            request,
            self.template_name,
            {
                "form": form,
                "page_title": _("Register a directive"),
                "cannot_read_here": extraction.cannot_read_here(),
                **context,
            },
        )

    def get(self, request: AuthenticatedRequest) -> HttpResponse:
        self._check(request)
        return self._render(request, DirectiveForm(initial={"doc_type": "TB"}))

    def post(self, request: AuthenticatedRequest) -> HttpResponse:
        self._check(request)
        committee = request.user.committee
        assert committee is not None  # _check: a standing office with its committee
        form = DirectiveForm(request.POST, request.FILES)
        if not form.is_valid():
            return self._render(request, form)
        data = form.cleaned_data
        existing = duplicates.same_number_same_year(committee, data["number"], data["issued_on"])
        if existing is not None:
            return self._render(
                request,
                form,
                registered=existing,
                registered_message=REGISTERED_TWICE
                % {"number": existing.number_symbol, "year": existing.year},
                registered_url=_existing_link(existing, request.user),
            )
        if not data["not_a_duplicate"]:
            alike = duplicates.possible_duplicates(
                committee, number=data["number"], issued_on=data["issued_on"], text=data["text"]
            )
            if alike:
                # Ask once; the text read from a file is kept in the form, the files are not.
                bound = request.POST.copy()
                bound["text"] = data["text"]
                form = DirectiveForm(bound)
                form.is_valid()
                for item in alike:
                    item.url = _existing_link(item.directive, request.user)
                return self._render(
                    request, form, duplicates=alike, files_dropped=bool(data["files"])
                )
        try:
            with transaction.atomic():
                directive = actions.register_directive(
                    committee, by=request.user, **_directive_fields(data)
                )
                # A directive has its flow from birth: its steps are its actions from now on.
                workflow_services.start_directive_flow(directive)
        except ActionForbidden as exc:
            return _forbidden(request, exc.message)
        except ActionError as exc:
            form.add_error(None, exc.message)
            return self._render(request, form)
        for notice in form.extracted.notices:
            messages.warning(request, notice)
        if not directive.text.strip():
            messages.warning(request, TEXT_STILL_MISSING)
            return redirect("directives:edit", directive.pk)
        messages.success(request, _("Directive registered. Now break it down into tasks."))
        return redirect("directives:breakdown", directive.pk)


class DirectiveEditView(LoginRequiredMixin, View):
    """A draft directive's details and text: correct them, or add the text a file did not
    give. Attaching a file while the text is empty reads the text from it."""

    template_name = "documents/directive_form.html"
    request: AuthenticatedRequest

    def _directive(self, request: AuthenticatedRequest, pk: int) -> Directive:
        directive = managed_directive(request, pk)
        if directive.state not in EDITABLE_STATES:
            raise PermissionDenied
        return directive

    def _render(
        self, request: AuthenticatedRequest, directive: Directive, form: DirectiveForm
    ) -> HttpResponse:
        return render(
            request,
            self.template_name,
            {
                "form": form,
                "directive": directive,
                "editing": True,
                "page_title": _("Edit the directive"),
                "cannot_read_here": extraction.cannot_read_here(),
            },
        )

    def get(self, request: AuthenticatedRequest, pk: int) -> HttpResponse:
        directive = self._directive(request, pk)
        form = DirectiveForm(
            initial={
                "number": directive.number_symbol,
                "doc_type": directive.doc_type,
                "subject": directive.subject,
                "issued_on": directive.issued_on,
                "issuer_name": directive.issuer_name,
                "signer_name": directive.signer_name,
                "signer_title": directive.signer_title,
                "text": directive.text,
            }
        )
        return self._render(request, directive, form)

    def post(self, request: AuthenticatedRequest, pk: int) -> HttpResponse:
        directive = self._directive(request, pk)
        form = DirectiveForm(request.POST, request.FILES)
        if not form.is_valid():
            return self._render(request, directive, form)
        try:
            directive = actions.update_directive(
                directive, by=request.user, **_directive_fields(form.cleaned_data)
            )
        except ActionForbidden as exc:
            return _forbidden(request, exc.message)
        except ActionError as exc:
            form.add_error(None, exc.message)
            return self._render(request, directive, form)
        for notice in form.extracted.notices:
            messages.warning(request, notice)
        if not directive.text.strip():
            messages.warning(request, TEXT_STILL_MISSING)
            return redirect("directives:edit", directive.pk)
        messages.success(request, _("Directive saved."))
        return redirect("directives:breakdown", directive.pk)


# ---- the directive page: its flow's steps are its actions


class DirectiveDetailView(LoginRequiredMixin, TemplateView):
    template_name = "documents/directive_detail.html"
    request: AuthenticatedRequest

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
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
            .prefetch_related(
                Prefetch("assignments", TaskAssignment.objects.select_related("agency", "officer"))
            )
            .order_by("position", "id")
        )
        # What may be done now is what the directive's flow offers this person (approve,
        # dispatch, close… each on its step's page). The editor stays reachable while the list
        # may still change and no step links to it (e.g. while the chair is deciding).
        flow_links = actions_for(user, directive)
        can_edit = (
            not flow_links
            and directive.state in EDITABLE_STATES
            and directive_perms.can_manage_directive(directive, user)
        )
        return super().get_context_data(
            page_title=directive.number_symbol or directive.get_doc_type_display(),
            directive=directive,
            tasks=tasks,
            can_edit=can_edit,
            can_edit_details=directive.state in EDITABLE_STATES
            and directive_perms.can_manage_directive(directive, user),
            flow_links=flow_links,
            summary=Task.objects.visible_to(user).filter(directive=directive).timeliness_summary(),
            **kwargs,
        )


def directive_file(request: HttpRequest, pk: int) -> HttpResponseBase:
    if not request.user.is_authenticated:
        return redirect(f"{reverse('login')}?next={request.path}")
    attachment = get_object_or_404(
        DirectiveAttachment.objects.filter(
            directive__in=Directive.objects.visible_to(request.user).values("pk")
        ),
        pk=pk,
    )
    return send_stored_file(attachment.file, filename=attachment.name)


# ---- the breakdown editor: the one place a directive is broken into tasks


def member_agencies(directive: Directive) -> QuerySet[Agency]:
    day = directive.issued_on or today_in_vietnam()
    return (
        Agency.objects.filter(memberships__committee=directive.committee_id)
        .valid_on(day)
        .order_by("name")
    )


def proposal_key(ref: str, text: str) -> str:
    """Which proposal a card is, whatever its position, across the reload after a mapping."""
    return f"{ref}|{hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()[:12]}"


def proposals_for(directive: Directive) -> tuple[list[dict], list[str], str]:
    """The engine's proposed tasks, with agency codes turned into this committee's agencies,
    the names in the text that match no member agency, and why the engine stopped early
    (too long, out of time) if it did."""
    directory = directory_for_committee(directive.committee, on=directive.issued_on)
    breakdown = engine.propose_tasks(
        directive.text, directory, today=directive.issued_on, calendar=workdays
    )
    members = list(member_agencies(directive))
    by_code = {agency.code: agency for agency in members}
    rows = []
    for index, proposed in enumerate(breakdown.tasks):
        lead = [by_code[c] for c in proposed.lead if c in by_code]
        if proposed.all_members and not lead:
            lead = members
        coordinating = [
            by_code[c] for c in proposed.support if c in by_code and by_code[c] not in lead
        ]
        rows.append(
            {
                "index": index,
                "key": proposal_key(proposed.ref, proposed.text),
                "ref": proposed.ref,
                "title": task_actions.title_of(proposed.text),
                "content": proposed.text,
                "lead": lead,
                "coordinating": coordinating,
                "all_members": proposed.all_members,
                "deadline": proposed.deadline,
                "deadline_text": task_actions.clip_words(proposed.deadline_rule or "", 255),
                "recurrence": proposed.recurrence,
            }
        )
    return rows, list(breakdown.unmatched), breakdown.stopped


def _passage_pattern(passage: str) -> re.Pattern | None:
    """The passage's words, whatever the spacing between them in the original text."""
    words = passage.split()[:200]
    if not words:
        return None
    return re.compile(r"\s+".join(re.escape(word) for word in words))


def highlighted_text(text: str, passages: list[str], names: list[str]) -> SafeString:
    """The directive's text, escaped, with each proposal's source passage marked (anchor
    #src-<n>) and every name the breakdown could not resolve marked for mapping."""
    owner = [-1] * len(text)
    cursor = 0
    for index, passage in enumerate(passages):
        pattern = _passage_pattern(passage)
        match = pattern and (pattern.search(text, cursor) or pattern.search(text))
        if match:
            owner[match.start() : match.end()] = [index] * (match.end() - match.start())
            cursor = match.end()
    unmatched = [False] * len(text)
    for name in sorted(set(names), key=len, reverse=True):
        for match in re.finditer(re.escape(name), text):
            unmatched[match.start() : match.end()] = [True] * (match.end() - match.start())
    parts: list[str] = []
    anchored: set[int] = set()
    start = 0
    for i in range(1, len(text) + 1):
        if i < len(text) and (owner[i], unmatched[i]) == (owner[start], unmatched[start]):
            continue
        chunk = escape(text[start:i])
        if unmatched[start]:
            chunk = format_html('<mark class="dd-unmatched">{}</mark>', chunk)
        index = owner[start]
        if index >= 0:
            anchor = "" if index in anchored else format_html(' id="src-{}"', index)
            anchored.add(index)
            chunk = format_html(
                '<mark class="dd-src"{} data-proposal="{}">{}</mark>', anchor, index, chunk
            )
        parts.append(str(chunk))
        start = i
    return mark_safe("".join(parts))


# As Vietnamese names weekdays: Monday is "thứ Hai", Sunday "Chủ nhật" (not "thứ 8").
WEEKDAYS = [
    _("Monday"),
    _("Tuesday"),
    _("Wednesday"),
    _("Thursday"),
    _("Friday"),
    _("Saturday"),
    _("Sunday"),
]


def recurrence_label(recurrence: dict | None) -> str:
    if not recurrence:
        return ""
    if recurrence.get("freq") == "weekly":
        weekday = recurrence.get("weekday", 0)
        return str(_("weekly, on %(day)s") % {"day": WEEKDAYS[weekday % 7]})
    if recurrence.get("freq") == "yearly":
        return str(
            _("yearly, by %(day)02d/%(month)02d")
            % {"day": recurrence.get("day") or 0, "month": recurrence.get("month") or 0}
        )
    label = _("monthly") if recurrence.get("freq") == "monthly" else _("quarterly")
    return str(_("%(freq)s, by day %(day)s") % {"freq": label, "day": recurrence.get("day")})


def _proposal_forms(
    directive: Directive, rows: list[dict[str, Any]], existing: set[str]
) -> list[ProposalForm]:
    agencies = member_agencies(directive)
    forms = []
    for row in rows:
        initial = {
            "take": bool(row["lead"]) and row["content"].strip() not in existing,
            "source": row["index"],
            "ref": row["ref"],
            "title": row["title"],
            "content": row["content"],
            "lead": [a.pk for a in row["lead"]],
            "coordinating": [a.pk for a in row["coordinating"]],
            "deadline": row["deadline"],
            "deadline_kind": DeadlineKind.DATE if row["deadline"] else DeadlineKind.NONE,
            "deadline_text": row["deadline_text"],
            **recurrence_initial(row["recurrence"]),
        }
        form = ProposalForm(
            prefix=f"p{row['index']}",
            initial=initial,
            agencies=agencies,
            signed_on=directive.issued_on,
        )
        form.row = row
        forms.append(form)
    return forms


class BreakdownView(LoginRequiredMixin, View):
    """The directive's text on the left (the proposals' passages and the unresolved names
    marked), its tasks on the right as cards: draft tasks to edit, merge, split or remove, and,
    on request, the tasks proposed from the text, to correct and confirm."""

    template_name = "documents/breakdown.html"
    show_proposals = False
    request: AuthenticatedRequest

    def get(self, request: AuthenticatedRequest, pk: int) -> HttpResponse:
        return self.render_editor(request, managed_directive(request, pk))

    def render_editor(
        self,
        request: AuthenticatedRequest,
        directive: Directive,
        *,
        proposal_forms: list[ProposalForm] | None = None,
        status: int = 200,
    ) -> HttpResponse:
        tasks = list(
            directive.tasks.exclude(state=TaskState.CANCELLED)
            .prefetch_related(
                Prefetch("assignments", TaskAssignment.objects.select_related("agency"))
            )
            .order_by("position", "id")
        )
        editable = directive.state in EDITABLE_STATES
        can_propose = editable and bool(directive.text.strip())
        show = can_propose and (self.show_proposals or proposal_forms is not None)
        rows, unmatched, stopped = proposals_for(directive) if show else ([], [], "")
        if show and proposal_forms is None:
            existing = {t.content.strip() for t in tasks}
            proposal_forms = _proposal_forms(directive, rows, existing)
        for task in tasks:
            # for the template only, not a field of Task
            task.recurrence_label = recurrence_label(task.recurrence)  # type: ignore[attr-defined]
        for form in proposal_forms or []:
            form.recurrence_label = recurrence_label(form.row["recurrence"])
        agencies = member_agencies(directive)
        context = {
            "page_title": _("Breakdown: %(directive)s")
            % {"directive": directive.number_symbol or directive.subject[:40]},
            "directive": directive,
            "tasks": tasks,
            "editable": editable,
            "frozen_for_review": directive.state == DirectiveState.AWAITING_APPROVAL,
            "breakdown_stopped": stopped,
            "can_propose": can_propose,
            "show_proposals": show,
            "proposal_forms": proposal_forms or [],
            "text_html": highlighted_text(
                directive.text, [row["content"] for row in rows], unmatched
            ),
            "unmatched": [
                AliasForm(initial={"name": name}, agencies=agencies, prefix=f"a{i}")
                for i, name in enumerate(unmatched)
            ],
            "can_submit": directive.state == DirectiveState.DRAFT and bool(tasks),
            "submit_form": SubmitBreakdownForm(),
        }
        return render(request, self.template_name, context, status=status)


class ProposeView(BreakdownView):
    """The editor with the proposals from the text; POST confirms the ticked cards."""

    show_proposals = True

    def _setup(self, request: AuthenticatedRequest, pk: int) -> Directive:
        return managed_directive(request, pk)

    def get(self, request: AuthenticatedRequest, pk: int) -> HttpResponse:
        return self.render_editor(request, self._setup(request, pk))

    def post(self, request: AuthenticatedRequest, pk: int) -> HttpResponse:
        directive = self._setup(request, pk)
        agencies = member_agencies(directive)
        count = request.POST.get("count", "")
        forms = []
        for index in range(min(int(count), MAX_PROPOSALS) if count.isdigit() else 0):
            form = ProposalForm(
                request.POST, prefix=f"p{index}", agencies=agencies, signed_on=directive.issued_on
            )
            form.row = {"index": index, "recurrence": None}
            forms.append(form)
        taken = [f for f in forms if f.data.get(f"{f.prefix}-take")]
        if not taken:
            messages.error(request, _("Tick at least one proposed task."))
            return redirect("directives:propose", directive.pk)
        if not all(form.is_valid() for form in taken):
            messages.error(request, NO_PROPOSAL_SAVED)
            return self.render_editor(request, directive, proposal_forms=forms, status=400)
        try:
            with transaction.atomic():
                for form in taken:
                    data = form.cleaned_data
                    task_actions.create_task(
                        directive,
                        by=request.user,
                        title=data["title"],
                        content=data["content"],
                        ref=data["ref"],
                        lead=list(data["lead"]),
                        coordinating=list(data["coordinating"]),
                        deadline=data["deadline"],
                        deadline_kind=data["deadline_kind"],
                        deadline_text=data["deadline_text"],
                        recurrence=data["recurrence"],
                    )
        except ActionForbidden as exc:
            return _forbidden(request, exc.message)
        except ActionError as exc:
            messages.error(request, exc.message)
            return self.render_editor(request, directive, proposal_forms=forms, status=400)
        messages.success(
            request, _("%(count)s task(s) added from the text.") % {"count": len(taken)}
        )
        return redirect("directives:breakdown", directive.pk)


@login_required
def computed_deadline(request: AuthenticatedRequest, pk: int) -> JsonResponse:
    """The date a deadline rule gives for this directive (the editor shows it as the rule is
    chosen): ?kind=working_days&days=N, or ?kind=lunar[&tet_year=Y]."""
    directive = managed_directive(request, pk)
    kind = request.GET.get("kind", "")
    days, year = request.GET.get("days", ""), request.GET.get("tet_year", "")
    if kind not in COMPUTED_KINDS or (kind == DeadlineKind.WORKING_DAYS and not days.isdigit()):
        return JsonResponse({"error": str(_("Give the number of working days."))}, status=400)
    if not (1 <= int(days or 1) <= MAX_WORKING_DAYS) or (year and not year.isdigit()):
        return JsonResponse({"error": str(_("Enter a whole number."))}, status=400)
    if year and not 2000 <= int(year) <= 2100:
        return JsonResponse({"error": str(_("Enter a whole number."))}, status=400)
    rule = rule_deadline(
        kind,
        directive.issued_on or today_in_vietnam(),
        days=int(days) if days else None,
        tet_year=int(year) if year else None,
    )
    return JsonResponse({"date": vn_date(rule.date), "text": rule.text})


@require_POST
def map_alias(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm what an unresolved name means; the proposals are read again with it."""
    directive = managed_directive(request, pk)
    form = AliasForm(request.POST, agencies=member_agencies(directive))
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("directives:propose", directive.pk)
    name, agency = form.cleaned_data["name"], form.cleaned_data["agency"]
    try:
        agency_actions.map_alias(directive.committee, name, agency, by=signed_in(request))
    except ActionForbidden as exc:
        return _forbidden(request, exc.message)
    except ActionError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("“%(name)s” now means %(agency)s.") % {"name": name, "agency": agency}
        )
    return redirect("directives:propose", directive.pk)


@require_POST
def merge_tasks(request: HttpRequest, pk: int) -> HttpResponse:
    directive = managed_directive(request, pk)
    ids = [int(i) for i in request.POST.getlist("merge") if i.isdigit()]
    tasks = list(directive.tasks.filter(pk__in=ids).select_related("directive"))
    try:
        merged = task_actions.merge_draft_tasks(tasks, by=signed_in(request))
    except ActionForbidden as exc:
        return _forbidden(request, exc.message)
    except ActionError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Tasks merged into “%(task)s”.") % {"task": merged})
    return redirect("directives:breakdown", directive.pk)


class SplitTaskView(LoginRequiredMixin, View):
    """Choose where a draft task's text is cut in two."""

    template_name = "documents/split.html"
    request: AuthenticatedRequest

    def _task(self, request: AuthenticatedRequest, pk: int) -> Task:
        task = get_object_or_404(
            Task.objects.visible_to(request.user).select_related("directive__committee"), pk=pk
        )
        if not directive_perms.can_manage_directive(task.directive, request.user):
            raise PermissionDenied
        return task

    def get(self, request: AuthenticatedRequest, pk: int) -> HttpResponse:
        task = self._task(request, pk)
        text = task.content or task.title
        cuts = [0, *task_actions.split_points(text), len(text)]
        pieces = [
            {"text": text[a:b].strip(), "at": b if b < len(text) else None}
            for a, b in zip(cuts, cuts[1:], strict=False)
        ]
        return render(
            request,
            self.template_name,
            {
                "task": task,
                "directive": task.directive,
                "pieces": pieces,
                "page_title": _("Split the task"),
            },
        )

    def post(self, request: AuthenticatedRequest, pk: int) -> HttpResponse:
        task = self._task(request, pk)
        raw = request.POST.get("at", "")
        try:
            new = task_actions.split_draft_task(
                task, by=request.user, at=int(raw) if raw.isdigit() else -1
            )
        except ActionForbidden as exc:
            return _forbidden(request, exc.message)
        except ActionError as exc:
            messages.error(request, exc.message)
            return redirect("directives:task_split", task.pk)
        messages.success(request, _("Task split: “%(task)s” added after it.") % {"task": new})
        return redirect("directives:breakdown", task.directive_id)


@require_POST
def submit_breakdown(request: HttpRequest, pk: int) -> HttpResponse:
    """Finish the breakdown: the list goes to the chair and the flow's step is completed."""
    directive = managed_directive(request, pk)
    form = SubmitBreakdownForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        workflow_services.submit_breakdown(directive, by=signed_in(request), note=note)
    except ActionForbidden as exc:
        return _forbidden(request, exc.message)
    except ActionError as exc:
        messages.error(request, exc.message)
        return redirect("directives:breakdown", directive.pk)
    messages.success(request, _("Task list sent to the chair for approval."))
    return redirect("directives:detail", directive.pk)


class DraftTaskCreateView(LoginRequiredMixin, View):
    template_name = "documents/task_form.html"
    request: AuthenticatedRequest

    def _render(
        self,
        request: AuthenticatedRequest,
        directive: Directive,
        form: DraftTaskForm,
        task: Task | None = None,
    ) -> HttpResponse:
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

    def get(self, request: AuthenticatedRequest, pk: int) -> HttpResponse:
        directive = managed_directive(request, pk)
        form = DraftTaskForm(
            agencies=member_agencies(directive),
            signed_on=directive.issued_on,
            initial={"ref": str(directive.tasks.exclude(state=TaskState.CANCELLED).count() + 1)},
        )
        return self._render(request, directive, form)

    def post(self, request: AuthenticatedRequest, pk: int) -> HttpResponse:
        directive = managed_directive(request, pk)
        form = DraftTaskForm(
            request.POST, agencies=member_agencies(directive), signed_on=directive.issued_on
        )
        if not form.is_valid():
            return self._render(request, directive, form)
        try:
            task_actions.create_task(directive, by=request.user, **draft_task_fields(form))
        except ActionForbidden as exc:
            return _forbidden(request, exc.message)
        except ActionError as exc:
            form.add_error(None, exc.message)
            return self._render(request, directive, form)
        messages.success(request, _("Task added."))
        return redirect("directives:breakdown", directive.pk)


def draft_task_fields(form: DraftTaskForm) -> dict[str, Any]:
    """The task's fields as the create and update actions take them."""
    data = form.cleaned_data
    return {
        "title": data["title"],
        "content": data["content"],
        "ref": data["ref"],
        "lead": list(data["lead"]),
        "coordinating": list(data["coordinating"]),
        "deadline": data["deadline"],
        "deadline_kind": data["deadline_kind"],
        "deadline_text": data["deadline_text"],
        "recurrence": data["recurrence"],
    }


class DraftTaskUpdateView(DraftTaskCreateView):
    def _task(self, request: AuthenticatedRequest, pk: int) -> Task:
        task = get_object_or_404(
            Task.objects.visible_to(request.user).select_related("directive__committee"), pk=pk
        )
        if not directive_perms.can_manage_directive(task.directive, request.user):
            raise PermissionDenied
        return task

    def get(self, request: AuthenticatedRequest, pk: int) -> HttpResponse:
        task = self._task(request, pk)
        assignments = list(task.assignments.all())
        form = DraftTaskForm(
            agencies=member_agencies(task.directive),
            signed_on=task.directive.issued_on,
            initial={
                "ref": task.ref,
                "title": task.title,
                "content": task.content,
                "lead": [a.agency_id for a in assignments if a.role == "lead"],
                "coordinating": [a.agency_id for a in assignments if a.role == "coordinating"],
                "deadline": task.deadline,
                "deadline_kind": task.deadline_kind,
                "deadline_text": task.deadline_text,
                **rule_initial(task.deadline_kind, task.deadline_text),
                **recurrence_initial(task.recurrence),
            },
        )
        return self._render(request, task.directive, form, task)

    def post(self, request: AuthenticatedRequest, pk: int) -> HttpResponse:
        task = self._task(request, pk)
        form = DraftTaskForm(
            request.POST,
            agencies=member_agencies(task.directive),
            signed_on=task.directive.issued_on,
        )
        if not form.is_valid():
            return self._render(request, task.directive, form, task)
        try:
            task_actions.update_draft_task(task, by=request.user, **draft_task_fields(form))
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
        task_actions.delete_draft_task(task, by=signed_in(request))
    except ActionForbidden as exc:
        return _forbidden(request, exc.message)
    except ActionError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Task removed from the breakdown."))
    return redirect("directives:breakdown", task.directive_id)
