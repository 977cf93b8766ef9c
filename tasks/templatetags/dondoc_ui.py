"""Small template helpers shared by every page of the web UI."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from tasks.querysets import Timeliness

register = template.Library()

_TIMELINESS_LABELS = dict(Timeliness.choices)


@register.simple_tag
def dondoc_menu(request) -> list[dict]:  # noqa: ANN001
    from project.site import menu_for

    return menu_for(request)


@register.simple_tag
def other_applications(site, user) -> list:  # noqa: ANN001
    """Applications other than ours (the flows engineer's), that this user may open."""
    from project.site import DondocApplication

    if site is None:
        return []
    return [
        app
        for app in site.menu_items()
        if not isinstance(app, DondocApplication) and app.has_view_permission(user)
    ]


@register.filter
def timeliness_badge(value: str | None) -> SafeString:
    if not value:
        return format_html("")
    return format_html(
        '<span class="dd-badge dd-badge--{}">{}</span>', value, _TIMELINESS_LABELS.get(value, value)
    )


@register.filter
def percent(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}".replace(".", ",") + " %"


@register.inclusion_tag("project/field.html")
def field(bound_field) -> dict:  # noqa: ANN001
    return {"field": bound_field}


@register.filter
def task_state_label(value: str) -> str:
    from tasks.models import TaskState

    return dict(TaskState.choices).get(value, value)


@register.filter
def directive_state_label(value: str) -> str:
    from documents.models import DirectiveState

    return dict(DirectiveState.choices).get(value, value)


@register.simple_tag
def assignment_label(value: str, agency_names: dict) -> str:
    """A logged assignment, "KG-CA (lead)", as people read it: "Công an tỉnh (chủ trì)".

    The log keeps the code, which outlives renames; the page shows the name."""
    from tasks.models import AssignmentRole

    code, _space, role = value.partition(" (")
    role = role.rstrip(")")
    name = agency_names.get(code, code)
    label = dict(AssignmentRole.choices).get(role)
    return f"{name} – {label}" if label else name


@register.simple_tag
def dondoc_site(current=None):  # noqa: ANN001, ANN201
    """The viewflow site for pages served outside it (notifications, periodic reports), so they
    get the same menu and colours; pages inside the site keep their own."""
    if current:
        return current
    from project.site import site

    return site
