"""A long export made in the background (exports/background.py): who asked for which list or
PDF with which filters, how far it has got, and the file once it is made.

The state moves only through exports/background.py, by conditional UPDATEs on (state, claim):
a run owns the export while its claim is on the row, so two workers handed the same export (a
Celery message delivered twice, a stale export queued again) never both write it.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ExportState(models.TextChoices):
    QUEUED = "queued", _("Waiting")
    RUNNING = "running", _("Being made")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


class Export(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="exports",
        verbose_name=_("asked by"),
    )
    # exports/kinds.py: "xlsx:tasks", "pdf:overdue", "pdf:scorecard"…
    kind = models.CharField(_("kind"), max_length=40)
    query = models.TextField(_("query string"), blank=True)  # the list screen's filters
    target = models.CharField(_("target"), max_length=100, blank=True)  # a scorecard's agency
    # Who the person was when they asked (scope_of): the file shows what they could see then.
    # Set by start_export, which makes every export; "" only on those from before it was kept.
    scope = models.CharField(_("asked as"), max_length=100, blank=True, editable=False)
    state = models.CharField(
        _("state"), max_length=10, choices=ExportState.choices, default=ExportState.QUEUED
    )
    done = models.PositiveIntegerField(_("rows done"), default=0)
    total = models.PositiveIntegerField(_("rows"), default=0)
    file = models.FileField(_("file"), upload_to="exports/%Y/%m/", blank=True, max_length=255)
    filename = models.CharField(_("file name"), max_length=200, blank=True)
    error = models.TextField(_("error"), blank=True)  # for the person, never a traceback
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    claim = models.UUIDField(_("claim"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("asked at"), default=timezone.now)
    # Moves with each progress step: an export running whose mark stops is lost (stale).
    updated_at = models.DateTimeField(_("last progress"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        indexes = [models.Index(fields=["state", "updated_at"], name="exports_state_updated")]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.state})"

    @property
    def percent(self) -> int:
        if self.state == ExportState.DONE:
            return 100
        return min(99, self.done * 100 // self.total) if self.total else 0

    @property
    def finished(self) -> bool:
        return self.state in (ExportState.DONE, ExportState.FAILED)


def scope_of(user: Any) -> str:
    """What decides which rows a person's lists show them: their role, committee and agency
    (and whether they are a superuser). A file made for one scope is not handed to another."""
    return f"{user.role}:{user.committee_id or ''}:{user.agency_id or ''}:{int(user.is_superuser)}"
