"""Downloads of generated documents: the PDFs and the spreadsheets of every list.

Thin views: read the filters, ask the permission layer, call a builder. Objects the user cannot
see are a 404; bad filters are a 400 with a message in the user's language.
"""

from __future__ import annotations

import io
import tempfile
from collections.abc import Callable
from dataclasses import replace
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import (
    FileResponse,
    Http404,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseForbidden,
    JsonResponse,
    QueryDict,
)
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from agencies import permissions as perms
from agencies.http import AuthenticatedRequest
from chasing import urging
from documents import permissions as directive_perms
from documents.models import Directive, UrgingLetter
from project.downloads import send_stored_file
from project.errors import ActionError, ActionForbidden
from reporting import permissions as report_perms
from reporting.models import ReportingPeriod

from .background import is_background, start_export
from .kinds import (
    PDF,
    committee_of,
    content_type,
    filters_for,
    is_attachment,
    prepare,
    stamp,
    visible_agency,
)
from .models import Export, ExportState, scope_of
from .pdf.appendix import build_appendix
from .pdf.consolidated import build_consolidated
from .pdf.queries import parse_date, parse_filters


def document_view(func: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Log-in required; an ActionError becomes a 400 (403 if forbidden) with its message."""

    @login_required
    @wraps(func)
    def wrapper(request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            return func(request, *args, **kwargs)
        except ActionForbidden as exc:
            return HttpResponseForbidden(str(exc.message))
        except ActionError as exc:
            return HttpResponseBadRequest(str(exc.message), content_type="text/plain")

    return wrapper


def _pdf(data: bytes, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=PDF)
    response["Content-Disposition"] = content_disposition_header(False, name) or "inline"
    return response


# ---- PDFs


@require_GET
@document_view
def appendix_pdf(request: AuthenticatedRequest, directive_id: int) -> HttpResponse:
    directive = get_object_or_404(Directive.objects.visible_to(request.user), pk=directive_id)
    filters = parse_filters(directive.committee, request.GET, user=request.user)
    filters = replace(filters, directive=directive)
    name = f"phu-luc-{directive.number or directive.pk}-{stamp(filters)}.pdf"
    return _pdf(build_appendix(filters, request.user), name)


@require_GET
@document_view
def overdue_pdf(request: AuthenticatedRequest) -> HttpResponseBase:
    return _download("pdf:overdue", request)


@require_GET
@document_view
def scorecard_pdf(request: AuthenticatedRequest, agency_code: str) -> HttpResponseBase:
    return _download("pdf:scorecard", request, target=agency_code)


@require_GET
@document_view
def consolidated_pdf(request: AuthenticatedRequest) -> HttpResponse:
    committee = committee_of(request.user, request.GET)
    if not report_perms.can_view_consolidation(committee.pk, request.user):
        raise Http404
    filters = filters_for(request.user, request.GET, committee=committee)
    period = None
    if request.GET.get("period"):
        # One period (the consolidation page's download): of this committee, or not found.
        raw = request.GET["period"]
        period = ReportingPeriod.objects.filter(
            pk=int(raw) if raw.isdigit() else 0, obligation__committee=committee
        ).first()
        if period is None:
            raise Http404
    return _pdf(build_consolidated(filters, period), f"tong-hop-{stamp(filters)}.pdf")


def _letter_options(request: AuthenticatedRequest) -> urging.LetterOptions:
    data = request.POST if request.method == "POST" else request.GET
    recipients = data.get("recipients")
    return urging.LetterOptions(
        issued_on=parse_date(data.get("issued_on", "")),
        subject=data.get("subject", ""),
        body=data.get("body", ""),
        symbol=data.get("symbol", ""),
        signer_name=data.get("signer_name") or None,
        signer_title=data.get("signer_title") or None,
        authority=data.get("authority") or None,
        recipients=[line for line in recipients.splitlines() if line.strip()]
        if recipients
        else None,
        reply_by=parse_date(data.get("reply_by", "")),
    )


@require_GET
@document_view
def urging_preview_pdf(request: AuthenticatedRequest, agency_code: str) -> HttpResponse:
    committee = committee_of(request.user, request.GET)
    if not perms.is_committee_staff(request.user, committee.pk):
        raise Http404
    agency = visible_agency(request.user, committee, agency_code)
    data = urging.preview_urging_letter(
        committee, agency, by=request.user, options=_letter_options(request)
    )
    return _pdf(data, f"du-thao-cong-van-don-doc-{agency.code}.pdf")


@require_POST
@document_view
def urging_issue(request: AuthenticatedRequest, agency_code: str) -> HttpResponse:
    committee = committee_of(request.user, request.GET)
    if not perms.is_committee_staff(request.user, committee.pk):
        raise Http404
    agency = visible_agency(request.user, committee, agency_code)
    letter = urging.issue_urging_letter(
        committee, agency, by=request.user, options=_letter_options(request)
    )
    return redirect("exports:urging_letter_pdf", letter_id=letter.pk)


@require_GET
@document_view
def urging_letter_pdf(request: AuthenticatedRequest, letter_id: int) -> HttpResponseBase:
    letter = get_object_or_404(UrgingLetter, pk=letter_id)
    if not directive_perms.can_view_urging_letter(letter, request.user) or not letter.pdf:
        raise Http404
    name = f"cong-van-don-doc-{letter.number:02d}-{letter.year}.pdf"
    # inline (the issue page previews it in a frame), through the web server in production
    return send_stored_file(
        letter.pdf, filename=name, content_type="application/pdf", as_attachment=False
    )


# ---- spreadsheets


@require_GET
@document_view
def spreadsheet(request: AuthenticatedRequest, kind: str) -> HttpResponseBase:
    return _download(f"xlsx:{kind}", request)


# ---- long exports: made in the background, followed on their page, downloaded by their owner


def _download(kind: str, request: AuthenticatedRequest, *, target: str = "") -> HttpResponseBase:
    """The file at once if it is short; else queued for the background (exports/background.py)
    and the person sent to its page, which follows the progress."""
    prepared = prepare(kind, request.user, request.GET, target=target)
    total = prepared.count()
    if is_background(total):
        export = start_export(prepared, query=request.GET.urlencode(), target=target, total=total)
        return redirect("exports:export", export_id=export.pk)
    if prepared.content_type == PDF:
        pdf = io.BytesIO()  # the builders give the whole document's bytes anyway
        prepared.write(pdf, None)
        return _pdf(pdf.getvalue(), prepared.filename)
    # Rows go to a temporary file (on disk past 8 MiB) and stream out in chunks.
    out = tempfile.SpooledTemporaryFile(max_size=8 * 2**20)
    prepared.write(out, None)
    out.seek(0)
    return FileResponse(
        out,
        as_attachment=prepared.as_attachment,
        filename=prepared.filename,
        content_type=prepared.content_type,
    )


NO_LONGER_YOURS = _(
    "Your role, committee or agency has changed since you asked for this file, or you can no "
    "longer see this list. Please ask for it again."
)


def _own_export(request: AuthenticatedRequest, export_id: int) -> Export:
    """The export, to the person who asked for it only: anyone else gets a 404."""
    return get_object_or_404(Export, pk=export_id, user=request.user)


@require_GET
@login_required
def export_page(request: AuthenticatedRequest, export_id: int) -> HttpResponse:
    export = _own_export(request, export_id)
    return render(
        request,
        "exports/export.html",
        {"export": export, "page_title": _("Export"), "ExportState": ExportState},
    )


@require_GET
@login_required
def export_progress(request: AuthenticatedRequest, export_id: int) -> JsonResponse:
    """What the page's script polls: the state, rows done of total, and the link when ready."""
    export = _own_export(request, export_id)
    return JsonResponse(
        {
            "state": export.state,
            "state_label": str(export.get_state_display()),
            "done": export.done,
            "total": export.total,
            "percent": export.percent,
            "error": export.error,
            "url": reverse("exports:export_file", args=[export.pk])
            if export.state == ExportState.DONE
            else "",
        }
    )


@require_GET
@login_required
def export_file(request: AuthenticatedRequest, export_id: int) -> HttpResponseBase:
    export = _own_export(request, export_id)
    if export.state != ExportState.DONE or not export.file:
        raise Http404
    if not _still_theirs(export, request.user):
        # The framed 403 page, with the reason and a way back; logged as a denial (audit).
        raise PermissionDenied(NO_LONGER_YOURS)
    return send_stored_file(
        export.file,
        filename=export.filename,
        content_type=content_type(export.kind),
        as_attachment=is_attachment(export.kind),
    )


def _still_theirs(export: Export, user: Any) -> bool:
    """A file shows what its owner could see when they asked, and may be weeks old: it is
    handed over only while they are who they were then (scope_of: role, committee, agency) and
    may still ask for the same list with the same words, as the worker asked (kinds.prepare).
    A deactivated account never gets this far: its session no longer logs it in."""
    if export.scope and export.scope != scope_of(user):  # exports older than the scope: ""
        return False
    try:
        prepare(
            export.kind, user, QueryDict(export.query), target=export.target, now=export.created_at
        )
    except (Http404, ActionError):
        return False
    return True
