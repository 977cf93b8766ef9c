"""In-app notifications: the list, and marking them read. The bell's count comes from
chasing.context_processors.notifications."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from agencies.http import AuthenticatedRequest

from . import notifications as service

PAGE_SIZE = 50


@login_required
def notification_list(request: AuthenticatedRequest) -> HttpResponse:
    queryset = service.notifications_for(request.user)
    if request.GET.get("unread"):
        queryset = queryset.filter(read_at__isnull=True)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "chasing/notifications/list.html",
        {"page": page, "only_unread": bool(request.GET.get("unread"))},
    )


@login_required
@require_POST
def mark_read(request: AuthenticatedRequest) -> HttpResponse:
    """Mark one notification (`id`) or all of them read, then go back (or follow its link)."""
    raw = request.POST.get("id")
    if raw:
        if not raw.isdigit():
            messages.error(request, _("That notification does not exist."))
            return HttpResponseRedirect(reverse("notifications:list"))
        service.mark_read(request.user, [int(raw)])
    else:
        count = service.mark_read(request.user)
        messages.success(request, _("%(count)s notifications marked read.") % {"count": count})
    target = request.POST.get("next") or reverse("notifications:list")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = reverse("notifications:list")
    return HttpResponseRedirect(target)


@login_required
@require_POST
def set_digest_only(request: AuthenticatedRequest) -> HttpResponse:
    """Choose: e-mail for each notice, or one daily digest (in-app notices stay either way)."""
    chosen = request.POST.get("digest_only") == "1"
    service.set_digest_only(request.user, chosen)
    if chosen:
        messages.success(request, _("You will get one e-mail a day: the daily digest."))
    else:
        messages.success(request, _("You will get an e-mail for each notification."))
    return HttpResponseRedirect(reverse("notifications:list"))


app_name = "notifications"
urlpatterns = [
    path("", notification_list, name="list"),
    path("read/", mark_read, name="mark_read"),
    path("digest/", set_digest_only, name="digest_only"),
]
