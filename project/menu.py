"""The frame every page shares, for the pages to ask without importing the site that mounts
them: the role menu, the marker of our applications, and the viewflow Site itself, which
project/site.py (the composition root) registers here when it is built."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import get_resolver, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from viewflow.urls import Application

AGENCY = ("agency_officer", "agency_head")
COMMITTEE = ("secretariat", "chair")
ALL = (*AGENCY, *COMMITTEE, "admin")


def role_of(user: Any) -> str:
    if not user.is_authenticated:
        return ""
    if user.is_superuser:
        return "admin"
    return user.role or ""


@dataclass(frozen=True)
class MenuLink:
    url_name: str
    title: Promise
    icon: str
    roles: tuple[str, ...]


# The one menu; each role sees its own lines, in this order.
MENU = [
    MenuLink("dashboard:index", _("Dashboard"), "insights", (*COMMITTEE, "admin")),
    MenuLink("work:inbox", _("My agency's tasks"), "inbox", AGENCY),
    MenuLink("work:agency", _("My agency"), "apartment", ("agency_head",)),
    MenuLink("directives:index", _("Directive register"), "description", ALL),
    MenuLink("work:review_queue", _("Reports to review"), "rate_review", ("secretariat", "admin")),
    MenuLink("work:overdue", _("Overdue tasks"), "alarm", (*COMMITTEE, "admin")),
    MenuLink("work:approvals", _("Awaiting approval"), "approval", (*COMMITTEE, "admin")),
    MenuLink("work:inbox", _("All tasks"), "list_alt", (*COMMITTEE, "admin")),
    MenuLink("directory:agencies", _("Agencies"), "account_balance", (*COMMITTEE, "admin")),
    MenuLink("directory:committees", _("Committees"), "groups", (*COMMITTEE, "admin")),
    MenuLink("directory:users", _("Users"), "people", (*COMMITTEE, "admin")),
    MenuLink("audit:access", _("Access log"), "policy", ("secretariat", "admin")),
]


def menu_for(request: HttpRequest) -> list[dict]:
    role = role_of(request.user)
    current = request.path
    links: list[dict[str, Any]] = []
    for link in MENU:
        if role not in link.roles:
            continue
        url = reverse(link.url_name)
        active = current == url or (url != "/" and current.startswith(url) and len(url) > 1)
        links.append({"url": url, "title": link.title, "icon": link.icon, "active": active})
    # Only the longest matching link is "active" (the register contains the breakdown editor).
    best = max((len(x["url"]) for x in links if x["active"]), default=0)
    for item in links:
        item["active"] = item["active"] and len(item["url"]) == best
    return links


class DondocApplication(Application):
    """Our areas of the site (the menu lists their pages); any other is the flows engineer's."""

    base_template_name = "base_site.html"
    menu_template_name = None  # the site menu already lists every page of the role


_site: list[Any] = []


def register_site(site: Any) -> None:
    """Called once by project/site.py when it builds the Site."""
    _site[:] = [site]


def current_site() -> Any:
    """The Site, for a page served outside it (notifications, a flow's step) to borrow its menu
    and colours. The URLconf builds it: loaded here if nothing has yet (a page rendered outside
    a request)."""
    if not _site:
        get_resolver().url_patterns  # noqa: B018 - imports ROOT_URLCONF, which builds the Site
    return _site[0]
