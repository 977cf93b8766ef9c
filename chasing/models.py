"""The e-mail outbox: one row per message, written in the transaction that decided to send it.

A worker (chasing/outbox.py: `manage.py send_outbox`, the tick, and a first try right after the
commit) claims rows, sends them and marks them sent; a failure is retried with exponential
backoff, and after OUTBOX_MAX_ATTEMPTS the row stays `failed` for the administrator to see.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("waiting to be sent")
    SENDING = "sending", _("being sent")
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed (gave up)")


class OutboxEmail(models.Model):
    to = models.CharField(_("to"), max_length=254)
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(_("body"))
    status = models.CharField(
        _("status"), max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    claim = models.UUIDField(_("claim"), null=True, blank=True, editable=False)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    # The in-app notifications this e-mail announces (marked e-mailed once it is sent); ids,
    # not a link table, so that queueing costs one INSERT.
    notification_ids = models.JSONField(_("notifications"), default=list, blank=True)

    class Meta:
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="chasing_outbox_due"),
        ]

    def __str__(self) -> str:
        return f"{self.to}: {self.subject}"
