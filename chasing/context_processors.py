"""Template context for every page: the bell's unread count (one COUNT, only when shown)."""

from __future__ import annotations

from django.http import HttpRequest
from django.template.loader import select_template
from django.utils.functional import SimpleLazyObject

from .notifications import unread_count


def _base_template() -> str:
    # The main web UI's base.html when it exists; until then a minimal one of our own.
    return select_template(["base.html", "tasks/standalone_base.html"]).template.name


def notifications(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    return {
        # Lazy: a page that never shows the bell never runs the query.
        "unread_notifications": SimpleLazyObject(lambda: unread_count(user)),
        "chasing_base_template": SimpleLazyObject(_base_template),
    }
