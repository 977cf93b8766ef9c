"""Who came in, who was refused, and from where: the access half of the audit trail.

Rows are append-only (project.audit.AppendOnlyModel, and database triggers on SQLite and
PostgreSQL, see audit/triggers.py). The username is kept as typed, so failed logins for names
that do not exist are recorded too; the committee is the user's at the time, so each committee's
standing office reads its own people's events.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from project.audit import AppendOnlyModel


class AccessEventKind(models.TextChoices):
    LOGIN = "login", _("Logged in")
    LOGIN_FAILED = "login_failed", _("Failed login")
    LOCKED_OUT = "locked_out", _("Locked out")
    UNLOCKED = "unlocked", _("Lockout lifted")
    LOGOUT = "logout", _("Logged out")
    DENIED = "denied", _("Access denied")


class AccessEvent(AppendOnlyModel):
    # Old rows are archived to a file and deleted after ACCESS_LOG_RETENTION_DAYS
    # (audit/retention.py); nothing else may delete one.
    archivable = True

    kind = models.CharField(_("event"), max_length=20, choices=AccessEventKind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    username = models.CharField(_("username"), max_length=150, blank=True)
    committee = models.ForeignKey(
        "agencies.Committee",
        verbose_name=_("committee"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    method = models.CharField(_("method"), max_length=10, blank=True)
    path = models.CharField(_("path"), max_length=500, blank=True)
    status = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    detail = models.CharField(_("detail"), max_length=500, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("access event")
        verbose_name_plural = _("access events")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["kind", "created_at"], name="audit_access_kind_time"),
            models.Index(fields=["committee", "created_at"], name="audit_access_committee_time"),
            models.Index(fields=["username", "created_at"], name="audit_access_username_time"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.kind} {self.username}"


class ChangeEventKind(models.TextChoices):
    AGENCIES_IMPORTED = "agencies_imported", _("Agencies imported")
    ALIAS_MAPPED = "alias_mapped", _("Name mapped to an agency")
    OBLIGATION_DEFINED = "obligation_defined", _("Periodic report defined")
    OBLIGATION_CHANGED = "obligation_changed", _("Periodic report changed")
    OBLIGATION_REMOVED = "obligation_removed", _("Periodic report removed")
    ADMIN_ADDED = "admin_added", _("Added in the admin")
    ADMIN_CHANGED = "admin_changed", _("Changed in the admin")
    ADMIN_DELETED = "admin_deleted", _("Deleted in the admin")


class ChangeEvent(AppendOnlyModel):
    """A change to the directory or the reporting rules: who, which committee, what, and each
    changed field's old and new value (`changes`: {field: [old, new]})."""

    kind = models.CharField(_("event"), max_length=30, choices=ChangeEventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    committee = models.ForeignKey(
        "agencies.Committee",
        verbose_name=_("committee"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    subject = models.CharField(_("object"), max_length=255, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    detail = models.CharField(_("detail"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("change event")
        verbose_name_plural = _("change events")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["committee", "created_at"], name="audit_change_committee_time"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.kind} {self.subject}"
