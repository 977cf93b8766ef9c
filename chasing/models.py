"""Chasing's records: in-app notifications (sent by chasing/notifications.py) and the e-mail outbox.

The e-mail outbox: one row per message, written in the transaction that decided to send it.

A worker (chasing/outbox.py: `manage.py send_outbox`, the tick, and a first try right after the
commit) claims rows, sends them and marks them sent; a failure is retried with exponential
backoff, and after OUTBOX_MAX_ATTEMPTS the row stays `failed` for the administrator to see.
"""

from django.conf import settings
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


class NotificationKind(models.TextChoices):
    REMINDER = "reminder", _("Deadline approaching")
    DUE_TODAY = "due_today", _("Due today")
    OVERDUE = "overdue", _("Overdue")
    ESCALATION = "escalation", _("Long overdue")
    DIGEST = "digest", _("Daily digest")
    REPORT_RETURNED = "report_returned", _("Periodic report returned")
    URGED = "urged", _("Urged by the standing office")
    # Who acts next is told (chasing/notices.py)
    TASK_DISPATCHED = "task_dispatched", _("New task")
    LIST_SUBMITTED = "list_submitted", _("Task list awaiting approval")
    LIST_RETURNED = "list_returned", _("Task list returned for revision")
    REPORT_TO_SIGN_OFF = "report_to_sign_off", _("Report awaiting sign-off")
    REPORT_TO_REVIEW = "report_to_review", _("Report to review")
    REPORT_SENT_BACK = "report_sent_back", _("Report sent back by the head")
    REPORT_ACCEPTED = "report_accepted", _("Report accepted")
    TASK_REPORT_RETURNED = "task_report_returned", _("Report returned for more work")
    EXTENSION_REQUESTED = "extension_requested", _("Extension requested")
    EXTENSION_DECIDED = "extension_decided", _("Extension decided")
    # A long export made in the background (exports/background.py)
    EXPORT_READY = "export_ready", _("Export ready")
    EXPORT_FAILED = "export_failed", _("Export failed")


class Notification(models.Model):
    """One message to one person, in the app and, unless they chose the digest, by e-mail.

    The row is also the claim: (recipient, kind, object, period) is unique, so however many
    ticks run, at once or after downtime, each message is created, and e-mailed, once.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=NotificationKind.choices)
    object_key = models.CharField(_("about"), max_length=60)  # "task:12", "submission:7"
    period = models.CharField(_("occurrence"), max_length=40)  # "2024-01-10/3", a date
    task = models.ForeignKey(
        "tasks.Task",
        verbose_name=_("task"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    submission = models.ForeignKey(
        "reporting.ReportSubmission",
        verbose_name=_("periodic report"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    due_at = models.DateTimeField(_("deadline"), null=True, blank=True)
    title = models.CharField(_("title"), max_length=255)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("link"), max_length=255, blank=True)
    # A day's reminder or escalation notice: its groups (overdue, due today…), each with its
    # count and first items, as data; the words are put in the reader's language when shown.
    sections = models.JSONField(_("listed items"), default=list, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    email_wanted = models.BooleanField(_("send by e-mail"), default=False)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)
    digest = models.ForeignKey(
        "self",
        verbose_name=_("sent in digest"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="items",
    )
    # The run that created the row: after an INSERT … ON CONFLICT DO NOTHING, a run finds the
    # rows it won by this token, and only it sends them.
    claim = models.UUIDField(_("claimed by run"), null=True, blank=True, editable=False)

    class Meta:
        db_table = "tasks_notification"  # the table it had in tasks/ before it moved here
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "object_key", "period"], name="notification_once"
            )
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
            models.Index(fields=["claim"], name="notification_claim"),
            # The retention (chasing/retention.py) finds the oldest days without a scan.
            models.Index(fields=["created_at"], name="notification_created"),
            models.Index(fields=["task", "kind", "period"], name="notification_task_kind"),
            models.Index(
                fields=["submission", "kind", "period"], name="notification_submission_kind"
            ),
        ]

    def __str__(self) -> str:
        return self.title
