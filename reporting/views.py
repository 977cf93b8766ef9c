"""Periodic report pages: a member's list and submission form, the standing office's review,
and the consolidation of a period. Thin: forms parse, reporting/services.py decides."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.core.paginator import Paginator
from django.db.models import Exists, Max, OuterRef, Prefetch
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from agencies import permissions as perms
from agencies.http import AuthenticatedRequest
from agencies.models import Agency, Committee, User
from project.downloads import send_stored_file
from project.errors import ActionError, ActionForbidden
from project.uploads import validate_document
from tasks.deadlines import today_in_vietnam
from tasks.forms import FileInput

from . import permissions as report_perms
from . import services as reporting
from .forms import ObligationForm
from .models import (
    FIGURE_FIELDS,
    FORCE_CHOICES,
    DataForm,
    ReportAttachment,
    ReportingObligation,
    ReportingPeriod,
    ReportSubmission,
    SubmissionState,
)

PAGE_SIZE = 50
FIGURE_LABELS = {
    name: ReportSubmission._meta.get_field(name).verbose_name for name in FIGURE_FIELDS
}
MONEY_FIELDS = ("goods_value", "budget_collected")


def show(name: str, value: int | None) -> str:
    """A figure as a Vietnamese page prints it: grouped with dots, money in đồng as its
    column says ("1.250.000.000", not "1,250" under "(đồng)")."""
    if value is None:
        return "—"
    return reporting.format_vnd(value) if name in MONEY_FIELDS else reporting.format_count(value)


def show_change(pct: float | None) -> str:
    if pct is None:
        return "—"
    return f"{pct:+.1f}%".replace(".", ",")


def _figure_fields() -> dict[str, forms.Field]:
    # Not required at field level and no min_value: reporting.validate_figures is the one rule,
    # and its messages land next to the fields.
    return {
        name: forms.IntegerField(label=FIGURE_LABELS[name], required=False)
        for name in FIGURE_FIELDS
    }


def _validate_document(upload: UploadedFile) -> None:
    """The file field's validator: validate_document, whose file type is not needed here."""
    validate_document(upload)


class SubmissionForm(forms.Form):
    narrative = forms.CharField(label=_("Narrative"), widget=forms.Textarea, required=False)
    # checked by content against the document allow-list, and its size (project/uploads.py)
    # The page's own file button: the browser's says "Choose File" in English on this page.
    file = forms.FileField(
        label=_("Attach a file"),
        required=False,
        validators=[_validate_document],
        widget=FileInput(),
    )

    def __init__(self, *args: Any, with_figures: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if with_figures:
            self.fields.update(_figure_fields())


class ForceLineForm(forms.Form):
    force = forms.ChoiceField(label=_("Force"), choices=[("", "—"), *FORCE_CHOICES], required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields.update(_figure_fields())
        # In the grid each box has no label of its own: a screen reader names it by its column
        # header (the figure) and its row header (the line), ids set in submission.html.
        for name, field in self.fields.items():
            field.widget.attrs["aria-labelledby"] = f"col-{name} {self.prefix}-row"

    def is_blank(self) -> bool:
        data = self.cleaned_data
        return not data.get("force") and all(data.get(name) in (None, "") for name in FIGURE_FIELDS)


ForceLineFormSet = forms.formset_factory(ForceLineForm, extra=len(FORCE_CHOICES), max_num=20)


def _submission_or_404(request: AuthenticatedRequest, pk: int) -> ReportSubmission:
    queryset = ReportSubmission.objects.visible_to(request.user).select_related(
        "agency", "period__obligation__committee"
    )
    return get_object_or_404(queryset, pk=pk)


@login_required
def submission_list(request: AuthenticatedRequest) -> HttpResponse:
    """The periodic reports the user can see, newest period first, with their timeliness."""
    queryset = (
        ReportSubmission.objects.visible_to(request.user)
        .with_timeliness()
        .select_related("agency", "period__obligation")
        .order_by("-period__ends_on", "period__obligation__name", "agency__code")
    )
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    periods: list[ReportingPeriod] = []
    user = request.user
    recent = ReportingPeriod.objects.select_related("obligation").order_by("-ends_on")
    if perms.is_admin(user):
        periods = list(recent[:24])
    elif user.role in ("secretariat", "chair") and user.committee_id is not None:
        periods = list(recent.filter(obligation__committee_id=user.committee_id)[:24])
    return render(
        request,
        "reporting/list.html",
        {"page": page, "periods": periods, "can_see_obligations": _may_see_obligations(user)},
    )


def _lines_from(formset: forms.BaseFormSet) -> tuple[list[dict], list[int]]:
    """The filled force lines, and each one's form index (for placing errors)."""
    lines, where = [], []
    for i, form in enumerate(formset.forms):
        if form.is_blank():
            continue
        lines.append(
            {"force": form.cleaned_data.get("force")}
            | {name: form.cleaned_data.get(name) for name in FIGURE_FIELDS}
        )
        where.append(i)
    return lines, where


def _place_errors(
    errors: dict[str, list[str]], form: forms.Form, formset: forms.BaseFormSet, where: list[int]
) -> None:
    for key, messages_ in errors.items():
        if key.startswith("lines-"):
            _prefix, index, name = key.split("-", 2)
            target = formset.forms[where[int(index)]]
        else:
            target, name = form, key
        for message in messages_:
            target.add_error(name if name in target.fields else None, message)


@login_required
def submission_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The report; its member fills it in here, the standing office reviews it here."""
    submission = _submission_or_404(request, pk)
    with_figures = submission.period.obligation.form == DataForm.FIGURES_389
    can_submit = report_perms.can_submit_periodic_report(submission, request.user) and (
        submission.state in (SubmissionState.DUE, SubmissionState.RETURNED)
    )
    can_review = report_perms.can_review_periodic_report(submission, request.user) and (
        submission.state in (SubmissionState.SUBMITTED, SubmissionState.RESUBMITTED)
    )
    initial = {"narrative": submission.narrative, **submission.figures()}
    lines_initial = [
        {"force": line.force, **line.figures()} for line in submission.force_lines.all()
    ]
    form = SubmissionForm(initial=initial, with_figures=with_figures)
    formset = ForceLineFormSet(initial=lines_initial, prefix="lines")
    if request.method == "POST":
        if not can_submit:
            messages.error(request, _("You cannot submit this report now."))
            return HttpResponseRedirect(request.path)
        form = SubmissionForm(request.POST, request.FILES, with_figures=with_figures)
        formset = ForceLineFormSet(request.POST, prefix="lines")
        if form.is_valid() and formset.is_valid():
            lines, where = _lines_from(formset) if with_figures else ([], [])
            figures = {name: form.cleaned_data.get(name) for name in FIGURE_FIELDS}
            files = [form.cleaned_data["file"]] if form.cleaned_data.get("file") else []
            try:
                reporting.submit_periodic_report(
                    submission,
                    by=request.user,
                    narrative=form.cleaned_data["narrative"],
                    figures=figures if with_figures else None,
                    lines=lines,
                    files=files,
                )
            except reporting.FiguresInvalid as exc:
                _place_errors(exc.errors, form, formset, where)
                messages.error(request, exc.message)
            except ActionError as exc:
                messages.error(request, exc.message)
                submission.refresh_from_db()
            else:
                messages.success(request, _("Your report has been submitted."))
                return HttpResponseRedirect(request.path)
    return render(
        request,
        "reporting/submission.html",
        {
            "submission": submission,
            "form": form,
            "formset": formset,
            "with_figures": with_figures,
            "can_submit": can_submit,
            "can_review": can_review,
            "figure_rows": [
                (FIGURE_LABELS[name], show(name, getattr(submission, name)))
                for name in FIGURE_FIELDS
            ],
            "events": submission.events.select_related("actor"),
            "attachments": submission.attachments.all(),
        },
    )


@login_required
@require_POST
def review_submission(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    submission = _submission_or_404(request, pk)
    decision = request.POST.get("decision")
    try:
        if decision == "accept":
            reporting.accept_periodic_report(
                submission, by=request.user, note=request.POST.get("note", "")
            )
            messages.success(request, _("The report has been accepted."))
        elif decision == "return":
            reporting.return_periodic_report(
                submission, by=request.user, reason=request.POST.get("reason", "")
            )
            messages.success(request, _("The report has been returned to the agency."))
        else:
            messages.error(request, _("Choose to accept or to return the report."))
    except ActionError as exc:
        messages.error(request, exc.message)
    return HttpResponseRedirect(reverse("reporting:submission", args=[submission.pk]))


@login_required
def consolidation(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The committee's figures for one period, year on year, by force and by agency."""
    period = get_object_or_404(
        ReportingPeriod.objects.select_related("obligation__committee"), pk=pk
    )
    if not report_perms.can_view_consolidation(period.obligation.committee_id, request.user):
        raise Http404
    result = reporting.consolidate(period)
    totals = [
        (
            FIGURE_LABELS[name],
            show(name, change.value),
            show(name, change.previous),
            show_change(change.change_pct),
        )
        for name, change in result.totals.items()
    ]
    force_labels = dict(FORCE_CHOICES) | {"other": _("Other agencies")}
    by_force = [
        (force_labels.get(force, force), [show(name, figures[name]) for name in FIGURE_FIELDS])
        for force, figures in sorted(result.by_force.items())
    ]
    rows = [
        (row, [show(name, row.figures[name]) if row.counted else "" for name in FIGURE_FIELDS])
        for row in result.rows
    ]
    return render(
        request,
        "reporting/consolidation.html",
        {
            "period": period,
            "result": result,
            "totals": totals,
            "by_force": by_force,
            "rows": rows,
            "figure_labels": [FIGURE_LABELS[name] for name in FIGURE_FIELDS],
        },
    )


# ---- obligations: the standing office defines them, the chair reads them


def _may_see_obligations(user: User) -> bool:
    return perms.is_admin(user) or (
        user.role in ("secretariat", "chair") and user.committee_id is not None
    )


def _obligation_or_404(request: AuthenticatedRequest, pk: int) -> ReportingObligation:
    obligation = get_object_or_404(ReportingObligation.objects.select_related("committee"), pk=pk)
    if not report_perms.can_view_consolidation(obligation.committee_id, request.user):
        raise Http404
    return obligation


@login_required
def obligation_list(request: AuthenticatedRequest) -> HttpResponse:
    """The committee's periodic reporting obligations (an administrator sees every committee's).
    A fixed number of queries however many: the obligations, their members (and, for an
    administrator, the committees to define one for)."""
    user = request.user
    if not _may_see_obligations(user):
        raise PermissionDenied
    queryset = (
        ReportingObligation.objects.select_related("committee")
        .prefetch_related(Prefetch("members", queryset=Agency.objects.order_by("code")))
        .annotate(
            has_submissions=Exists(
                ReportSubmission.objects.filter(period__obligation=OuterRef("pk"))
            ),
            last_due_on=Max("periods__due_on"),
        )
        .order_by("committee__name", "-active", "name")
    )
    committees: list[Committee] = []
    if perms.is_admin(user):
        committees = list(Committee.objects.order_by("name"))
    else:
        assert user.committee_id is not None  # _may_see_obligations
        queryset = queryset.filter(committee_id=user.committee_id)
    return render(
        request,
        "reporting/obligations.html",
        {
            "obligations": list(queryset),
            "committees": committees,
            "can_define": perms.is_admin(user) or user.role == "secretariat",
            "show_committee": perms.is_admin(user),
        },
    )


def _save_obligation(
    request: AuthenticatedRequest, form: ObligationForm, obligation: ReportingObligation | None
) -> HttpResponse | None:
    """Run the action; None (and the errors on the form) when it refused."""
    values = form.action_values()
    members = list(form.cleaned_data.get("members") or [])
    try:
        if obligation is None:
            values.pop("active", None)
            reporting.define_obligation(form.committee, by=request.user, members=members, **values)
            messages.success(
                request,
                _("The obligation has been defined; its current period opens within the hour."),
            )
        else:
            reporting.update_obligation(obligation, by=request.user, members=members, **values)
            messages.success(request, _("The obligation has been saved."))
    except reporting.ObligationInvalid as exc:
        for name, messages_ in exc.errors.items():
            form.add_error(name if name in form.fields else None, messages_[0])
        return None
    except ActionForbidden:
        raise PermissionDenied from None
    except ActionError as exc:
        form.add_error(None, exc.message)
        return None
    return HttpResponseRedirect(reverse("reporting:obligations"))


@login_required
def obligation_create(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    if perms.is_admin(user):
        # An administrator belongs to no committee: the list's per-committee links say which.
        committee_id = request.GET.get("committee") or request.POST.get("committee") or ""
        committee = (
            Committee.objects.filter(pk=committee_id).first() if committee_id.isdigit() else None
        )
        if committee is None:
            messages.info(request, _("Choose the committee for the new obligation."))
            return HttpResponseRedirect(reverse("reporting:obligations"))
    else:
        # A standing office account may have no committee: it has nothing to define for.
        committee = user.committee
        if committee is None or not report_perms.can_define_reporting_obligation(
            committee.pk, user
        ):
            raise PermissionDenied
    form = ObligationForm(committee=committee, initial={"starts_on": today_in_vietnam()})
    if request.method == "POST":
        form = ObligationForm(request.POST, committee=committee)
        if form.is_valid():
            done = _save_obligation(request, form, None)
            if done is not None:
                return done
    return render(
        request,
        "reporting/obligation_form.html",
        {"form": form, "committee": committee, "obligation": None},
    )


@login_required
def obligation_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    obligation = _obligation_or_404(request, pk)
    if not report_perms.can_define_reporting_obligation(obligation.committee_id, request.user):
        raise PermissionDenied
    form = ObligationForm(instance=obligation, committee=obligation.committee)
    if request.method == "POST":
        form = ObligationForm(request.POST, instance=obligation, committee=obligation.committee)
        if form.is_valid():
            done = _save_obligation(request, form, obligation)
            if done is not None:
                return done
        # ModelForm validation wrote the posted values onto the instance; show the saved ones.
        obligation.refresh_from_db()
    return render(
        request,
        "reporting/obligation_form.html",
        {"form": form, "committee": obligation.committee, "obligation": obligation},
    )


@login_required
@require_POST
def obligation_remove(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    obligation = _obligation_or_404(request, pk)
    try:
        deleted = reporting.remove_obligation(obligation, by=request.user)
    except ActionError as exc:
        messages.error(request, exc.message)
    else:
        if deleted:
            messages.success(request, _("The obligation has been deleted."))
        else:
            messages.success(
                request,
                _(
                    "Reports have already been owed under this obligation, so it has been "
                    "deactivated instead of deleted: no new periods will open."
                ),
            )
    return HttpResponseRedirect(reverse("reporting:obligations"))


@login_required
def submission_file(request: AuthenticatedRequest, pk: int) -> HttpResponseBase:
    """A file attached to a periodic report: only for those who may see the report (404 for
    the rest); never from a public media folder."""
    visible = ReportSubmission.objects.visible_to(request.user)
    attachment = get_object_or_404(
        ReportAttachment.objects.filter(submission__in=visible.values("pk")), pk=pk
    )
    return send_stored_file(attachment.file, filename=attachment.name)


app_name = "reporting"
urlpatterns = [
    path("", submission_list, name="list"),
    path("submissions/<int:pk>/", submission_detail, name="submission"),
    path("submissions/<int:pk>/review/", review_submission, name="review"),
    path("files/<int:pk>/", submission_file, name="file"),
    path("periods/<int:pk>/", consolidation, name="consolidation"),
    path("obligations/", obligation_list, name="obligations"),
    path("obligations/new/", obligation_create, name="obligation_create"),
    path("obligations/<int:pk>/", obligation_edit, name="obligation_edit"),
    path("obligations/<int:pk>/remove/", obligation_remove, name="obligation_remove"),
]
