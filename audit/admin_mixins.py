"""The Django admin writes to the audit trail: every change an administrator makes by hand to
a domain object is recorded with each changed field's old and new value."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import transaction
from django.http import HttpRequest

from .models import ChangeEventKind
from .recording import record_change


def _committee_of(obj: Any) -> Any:
    """The committee an object belongs to, where it has one (for the log's filter)."""
    for path in ("committee", "directive.committee"):
        value = obj
        for part in path.split("."):
            value = getattr(value, part, None)
        if value is not None and value.__class__.__name__ == "Committee":
            return value
    return obj if obj.__class__.__name__ == "Committee" else None


def _subject(obj: Any) -> str:
    return f"{obj._meta.verbose_name}: {obj}"


class AuditedAdmin(admin.ModelAdmin):
    """A ModelAdmin whose adds, changes and deletions go to the audit trail, in the same
    transaction as the change."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        changes = {
            name: [form.initial.get(name), form.cleaned_data.get(name)]
            for name in form.changed_data
            if "password" not in name  # never a password (or its hash) in the log
        }
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            record_change(
                ChangeEventKind.ADMIN_CHANGED if change else ChangeEventKind.ADMIN_ADDED,
                actor=request.user,
                committee=_committee_of(obj),
                subject=_subject(obj),
                changes=changes,
                detail=str(obj._meta.label),
            )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        with transaction.atomic():
            record_change(
                ChangeEventKind.ADMIN_DELETED,
                actor=request.user,
                committee=_committee_of(obj),
                subject=_subject(obj),
                detail=str(obj._meta.label),
            )
            super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        with transaction.atomic():
            for obj in queryset:
                self.delete_model(request, obj)
