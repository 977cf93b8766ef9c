"""Small template helpers shared by every page of the web UI."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from documents.models import DirectiveState
from project.menu import DondocApplication, current_site, menu_for
from tasks.deadlines import vn_date
from tasks.models import AssignmentState, TaskAssignment, TaskEvent, TaskState
from tasks.querysets import Timeliness

if TYPE_CHECKING:
    from django.forms import BoundField
    from django.http import HttpRequest
    from django_stubs_ext import StrPromise

    from agencies.permissions import AnyUser

register = template.Library()

_TIMELINESS_LABELS = dict(Timeliness.choices)
_TASK_STATE_LABELS = dict(TaskState.choices)
_PART_STATE_LABELS = dict(AssignmentState.choices)


@register.simple_tag
def dondoc_menu(request: HttpRequest) -> list[dict]:
    return menu_for(request)


@register.simple_tag
def other_applications(site: Any, user: AnyUser) -> list:
    """Applications other than ours (the flows engineer's), that this user may open."""
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
def field(bound_field: BoundField) -> dict:
    return {"field": bound_field}


@register.filter
def task_state_label(value: str) -> str | StrPromise:
    return _TASK_STATE_LABELS.get(value, value)


@register.filter
def directive_state_label(value: str) -> str | StrPromise:
    return dict(DirectiveState.choices).get(value, value)


@register.filter
def part_state_label(value: str) -> str | StrPromise:
    """An agency's part's state (assigned, in progress, awaiting the head's sign-off…). Lists
    use these two filters rather than get_state_display, which hashes every translated label of
    the field's choices on each call (each hash translates the label)."""
    return _PART_STATE_LABELS.get(value, value)


@register.filter
def state_label_for(value: str, event: TaskEvent) -> str | StrPromise:
    """A logged state: an agency's part's when the entry concerns an agency, else the task's."""
    return part_state_label(value) if event.agency_id else task_state_label(value)


@register.filter
def part_deadline(part: TaskAssignment) -> SafeString:
    """An agency's own deadline, with the one it was first given when it has been extended."""
    if part.deadline is None:
        return format_html("{}", _("none (ongoing)"))
    text = vn_date(part.deadline)
    if part.original_deadline and part.original_deadline != part.deadline:
        return format_html(
            '{} <span class="dd-muted" data-original-deadline>{}</span>',
            text,
            _("(extended from %(date)s)") % {"date": vn_date(part.original_deadline)},
        )
    return format_html("{}", text)


@register.simple_tag
def dondoc_site(current: Any = None) -> Any:
    """The viewflow site for pages served outside it (notifications, periodic reports), so they
    get the same menu and colours; pages inside the site keep their own."""
    return current or current_site()


@register.filter
def at(items: Sequence, index: int) -> object:
    """items[index] in a template (a table's column label for its n-th cell); '' past the end."""
    try:
        return items[index]
    except (IndexError, TypeError, KeyError):
        return ""
