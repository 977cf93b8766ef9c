"""The access log in the product: filter it, page through it, export it (CSV or .xlsx).

Administrators see every event; a committee's standing office (secretariat) sees the events of
its own committee's people, failed logins for their usernames included. Others get a 403 (which
is itself recorded).
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from agencies import permissions as perms
from exports.tables import csv_download, xlsx_download

from .models import AccessEvent, AccessEventKind, ChangeEvent, ChangeEventKind

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from agencies.models import User

PAGE_SIZE = 50
EXPORT_LIMIT = 100_000  # rows in one export; narrow the filter for more
EXPORT_COLUMNS = [
    ("time", lambda e: timezone.localtime(e.created_at).strftime("%d/%m/%Y %H:%M:%S")),
    ("event", lambda e: e.get_kind_display()),
    ("username", lambda e: e.username),
    ("committee", lambda e: e.committee.code if e.committee_id else ""),
    ("agency", lambda e: e.agency.code if e.agency_id else ""),
    ("IP address", lambda e: e.ip_address or ""),
    ("method", lambda e: e.method),
    ("path", lambda e: e.path),
    ("HTTP status", lambda e: e.status or ""),
    ("detail", lambda e: e.detail),
    ("browser", lambda e: e.user_agent),
]
CHANGE_COLUMNS = [
    ("time", lambda e: timezone.localtime(e.created_at).strftime("%d/%m/%Y %H:%M:%S")),
    ("event", lambda e: e.get_kind_display()),
    ("by", lambda e: e.actor.username if e.actor_id else ""),
    ("committee", lambda e: e.committee.code if e.committee_id else ""),
    ("object", lambda e: e.subject),
    ("changes", lambda e: json.dumps(e.changes, ensure_ascii=False)),
    ("detail", lambda e: e.detail),
]


def visible_events(
    user: User | AnonymousUser, model: type[AccessEvent] | type[ChangeEvent] = AccessEvent
) -> QuerySet:
    related = ("committee", "agency") if model is AccessEvent else ("committee", "actor")
    queryset = model.objects.select_related(*related)
    if perms.is_admin(user):
        return queryset
    if perms.is_active(user) and user.role == "secretariat" and user.committee_id:
        return queryset.filter(committee_id=user.committee_id)
    raise PermissionDenied(_("Only the standing office and administrators read the access log."))


def filtered_events(request: HttpRequest) -> tuple[QuerySet, dict]:
    changes = request.GET.get("log") == "changes"
    model, kinds = (ChangeEvent, ChangeEventKind) if changes else (AccessEvent, AccessEventKind)
    queryset = visible_events(request.user, model)
    params = {
        "log": "changes" if changes else "access",
        "kind": request.GET.get("kind", ""),
        "q": request.GET.get("q", "").strip(),
        "ip": request.GET.get("ip", "").strip(),
        "since": request.GET.get("since", ""),
        "until": request.GET.get("until", ""),
    }
    if params["kind"] in kinds.values:
        queryset = queryset.filter(kind=params["kind"])
    if params["q"] and changes:
        queryset = queryset.filter(
            Q(actor__username__icontains=params["q"]) | Q(subject__icontains=params["q"])
        )
    elif params["q"]:
        queryset = queryset.filter(username__icontains=params["q"])
    if params["ip"] and not changes:
        queryset = (
            queryset.filter(ip_address=params["ip"]) if _is_ip(params["ip"]) else queryset.none()
        )
    since = parse_date(params["since"]) if params["since"] else None
    until = parse_date(params["until"]) if params["until"] else None
    tz = timezone.get_current_timezone()
    if since:
        queryset = queryset.filter(created_at__gte=dt.datetime.combine(since, dt.time.min, tz))
    if until:
        end = dt.datetime.combine(until + dt.timedelta(days=1), dt.time.min, tz)
        queryset = queryset.filter(created_at__lt=end)
    return queryset.order_by("-created_at", "-id"), params


def _is_ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


@require_GET
@login_required
def access_log(request: HttpRequest) -> HttpResponseBase:
    queryset, params = filtered_events(request)
    columns = CHANGE_COLUMNS if params["log"] == "changes" else EXPORT_COLUMNS
    export = request.GET.get("export")
    if export == "csv":
        return _csv(queryset, columns)
    if export == "xlsx":
        return _xlsx(queryset, columns)
    paginator = Paginator(queryset, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "audit/access_log.html",
        {
            "events": page.object_list,
            "page_obj": page,
            "paginator": paginator,
            "params": params,
            "kinds": (ChangeEventKind if params["log"] == "changes" else AccessEventKind).choices,
        },
    )


def _headers(columns: list) -> list[str]:
    return [_(name) for name, _value in columns]


def _rows(queryset: QuerySet, columns: list) -> Iterator[list[Any]]:
    for event in queryset[:EXPORT_LIMIT].iterator(chunk_size=2000):
        yield [value(event) for _name, value in columns]


def _csv(queryset: QuerySet, columns: list) -> StreamingHttpResponse:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return csv_download(
        _headers(columns), _rows(queryset, columns), f"nhat-ky-truy-cap-{stamp}.csv"
    )


def _xlsx(queryset: QuerySet, columns: list) -> FileResponse:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return xlsx_download(
        _("Access log"),
        _headers(columns),
        _rows(queryset, columns),
        f"nhat-ky-truy-cap-{stamp}.xlsx",
    )


def locked_out(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """django-axes' answer to a locked-out login: the login page again, with the reason."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    message = _(
        "Too many failed logins for this account from your computer. Logging in is blocked for "
        "%(minutes)s minutes; if you have forgotten your password, ask the administrator."
    ) % {"minutes": minutes}
    return render(
        request,
        "registration/login.html",
        {"form": AuthenticationForm(request), "lockout_message": message, "next": ""},
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )
