"""The directory pages: agencies, committees and users, for the committee's staff.

Read-only lists; administrators change them in the admin. Each list shows only the user's own
committee (an administrator sees every committee).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from django.views import i18n as i18n_views
from django.views.generic import ListView

from agencies import permissions as perms
from agencies.http import AuthenticatedRequest

from .models import Agency, Committee, User

PAGE_SIZE = 50


class DirectoryListView(LoginRequiredMixin, ListView):
    request: AuthenticatedRequest
    paginate_by = PAGE_SIZE

    def committee_scope(self) -> int | None:
        """None for administrators (everything); otherwise the user's committee."""
        user = self.request.user
        if perms.is_admin(user):
            return None
        if user.role in ("secretariat", "chair") and user.committee_id:
            return user.committee_id
        raise PermissionDenied

    def search(self, queryset: QuerySet, *fields: str) -> QuerySet:
        # Names are few per committee: an accent-insensitive match in Python would load them
        # all, so match the typed words as written (case-insensitive) in SQL.
        query = self.request.GET.get("q", "").strip()
        for word in query.split():
            condition = Q()
            for name in fields:
                condition |= Q(**{f"{name}__icontains": word})
            queryset = queryset.filter(condition)
        return queryset


class AgencyListView(DirectoryListView):
    template_name = "agencies/agency_list.html"
    context_object_name = "agencies"

    def get_queryset(self) -> QuerySet[Agency]:
        scope = self.committee_scope()
        queryset = Agency.objects.select_related("parent", "successor").annotate(
            user_count=Count("users", distinct=True)
        )
        if scope is not None:
            queryset = queryset.filter(memberships__committee=scope)
        return (
            self.search(queryset, "code", "name", "short_name", "aliases__alias")
            .distinct()
            .order_by("name")
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(page_title=_("Agencies"), **kwargs)


class CommitteeListView(DirectoryListView):
    template_name = "agencies/committee_list.html"
    context_object_name = "committees"

    def get_queryset(self) -> QuerySet[Committee]:
        scope = self.committee_scope()
        queryset = Committee.objects.select_related("parent", "standing_agency").annotate(
            member_count=Count("memberships", distinct=True),
        )
        if scope is not None:
            queryset = queryset.filter(Q(pk=scope) | Q(parent=scope))
        return self.search(queryset, "code", "name", "place_name").order_by("code")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(page_title=_("Committees"), **kwargs)


class UserListView(DirectoryListView):
    template_name = "agencies/user_list.html"
    context_object_name = "people"

    def get_queryset(self) -> QuerySet[User]:
        scope = self.committee_scope()
        queryset = User.objects.filter(is_active=True).select_related("agency", "committee")
        if scope is not None:
            queryset = queryset.filter(committee=scope)
        return self.search(queryset, "username", "full_name", "email", "agency__name").order_by(
            "committee__code", "agency__name", "full_name", "username"
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(page_title=_("Users"), **kwargs)


def set_language(request: HttpRequest) -> HttpResponse:
    """Django's language switch (the page's language, in a cookie), and for a signed-in person
    also their notices' and e-mails' language, which are written when no page is open."""
    response = i18n_views.set_language(request)
    language = request.POST.get("language", "")
    user = request.user
    if (
        request.method == "POST"
        and user.is_authenticated
        and language in dict(settings.LANGUAGES)
        and user.language != language
    ):
        User.objects.filter(pk=user.pk).update(language=language)
    return response
