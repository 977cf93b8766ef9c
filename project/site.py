"""The web UI's frame: one viewflow Material `Site`, an `Application` per area, one role menu
(project/menu.py, where the pages find the menu and the Site without importing this module).

Every page extends "base_site.html" (viewflow's base page with our menu, language switch and
styles), so the agency inbox, the register, the dashboard and viewflow's own flow pages share
one look. Each application lets only the roles it serves in; the pages themselves then ask the
permission layer (agencies/permissions.py) about every object.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from viewflow.urls import Site

from agencies import views as agency_views
from chasing import urging_views
from documents import views as directive_views
from project.menu import ALL, COMMITTEE, DondocApplication, register_site, role_of
from tasks import views as task_views

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from agencies.models import User


def _allows(roles: tuple[str, ...]) -> Callable[[User | AnonymousUser], bool]:
    """An application permission; anonymous users pass so the page can send them to log in."""

    def check(user: User | AnonymousUser) -> bool:
        return not user.is_authenticated or (user.is_active and role_of(user) in roles)

    return check


HOMES = {
    "agency_officer": "work:inbox",
    "agency_head": "work:inbox",
    "secretariat": "directives:index",
    "chair": "dashboard:index",
    "admin": "dashboard:index",
}


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Send each role to the page it starts its day on."""
    return redirect(HOMES.get(role_of(request.user), "directives:index"))


class WorkApp(DondocApplication):
    app_name = "work"
    title = _("Tasks")
    icon = "inbox"
    permission = staticmethod(_allows(ALL))

    # The task pages' routes live with the pages (tasks/urls.py).
    tasks_path = path("", include("tasks.urls"))


class DashboardApp(DondocApplication):
    app_name = "dashboard"
    title = _("Dashboard")
    icon = "insights"
    permission = staticmethod(_allows((*COMMITTEE, "admin")))

    index_path = path("", task_views.DashboardView.as_view(), name="index")


class DirectivesApp(DondocApplication):
    app_name = "directives"
    title = _("Directives")
    icon = "description"
    permission = staticmethod(_allows(ALL))

    index_path = path("", directive_views.DirectiveListView.as_view(), name="index")
    create_path = path("new/", directive_views.DirectiveCreateView.as_view(), name="create")
    detail_path = path("<int:pk>/", directive_views.DirectiveDetailView.as_view(), name="detail")
    edit_path = path("<int:pk>/edit/", directive_views.DirectiveEditView.as_view(), name="edit")
    breakdown_path = path(
        "<int:pk>/breakdown/", directive_views.BreakdownView.as_view(), name="breakdown"
    )
    propose_path = path(
        "<int:pk>/breakdown/propose/", directive_views.ProposeView.as_view(), name="propose"
    )
    task_add_path = path(
        "<int:pk>/breakdown/add/", directive_views.DraftTaskCreateView.as_view(), name="task_add"
    )
    task_edit_path = path(
        "tasks/<int:pk>/edit/", directive_views.DraftTaskUpdateView.as_view(), name="task_edit"
    )
    task_delete_path = path(
        "tasks/<int:pk>/delete/", directive_views.delete_draft_task, name="task_delete"
    )
    task_split_path = path(
        "tasks/<int:pk>/split/", directive_views.SplitTaskView.as_view(), name="task_split"
    )
    merge_path = path("<int:pk>/breakdown/merge/", directive_views.merge_tasks, name="merge")
    map_alias_path = path("<int:pk>/breakdown/alias/", directive_views.map_alias, name="map_alias")
    deadline_path = path(
        "<int:pk>/breakdown/deadline/", directive_views.computed_deadline, name="deadline"
    )
    submit_path = path(
        "<int:pk>/breakdown/submit/", directive_views.submit_breakdown, name="submit"
    )
    file_path = path("files/<int:pk>/", directive_views.directive_file, name="file")
    # The letters the committee issues are documents too: in the same frame as the register.
    urging_path = path(
        "urging/<str:agency_code>/", urging_views.UrgingLetterView.as_view(), name="urging_letter"
    )


class DirectoryApp(DondocApplication):
    app_name = "directory"
    title = _("Directory")
    icon = "account_balance"
    permission = staticmethod(_allows((*COMMITTEE, "admin")))

    agencies_path = path("agencies/", agency_views.AgencyListView.as_view(), name="agencies")
    committees_path = path(
        "committees/", agency_views.CommitteeListView.as_view(), name="committees"
    )
    users_path = path("users/", agency_views.UserListView.as_view(), name="users")


class DondocSite(Site):
    title = "Đôn đốc 389"
    menu_template_name = "project/site_menu.html"
    primary_color = "#8c1d18"  # the red of official seals, darkened for contrast
    secondary_color = "#c9a227"

    # "/" is each role's home, not viewflow's "first application".
    index_path = path("", home, name="home")


# Flow applications (workflows/viewsets.py) are added with site.register(App) or by appending to
# `viewsets`; they appear under "Workflows" in the menu.
site = DondocSite(
    viewsets=[WorkApp(), DirectivesApp(), DashboardApp(), DirectoryApp()],
)
register_site(site)
