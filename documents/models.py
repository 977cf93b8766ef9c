"""Directives (văn bản chỉ đạo): metadata, text, attachments and lifecycle."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from agencies.models import Committee
from project.attachments import Attachment
from project.audit import AppendOnlyModel

from . import permissions as directive_perms
from .numbers import InvalidDocumentNumber, format_number, parse_document_number
from .search import fold

if TYPE_CHECKING:
    from agencies.permissions import AnyUser


class DirectiveType(models.TextChoices):
    TB = "TB", _("Notice (Thông báo)")
    KH = "KH", _("Plan (Kế hoạch)")
    QD = "QĐ", _("Decision (Quyết định)")
    CT = "CT", _("Instruction (Chỉ thị)")
    CV = "CV", _("Official letter (Công văn)")
    NQ = "NQ", _("Resolution (Nghị quyết)")
    BC = "BC", _("Report (Báo cáo)")
    CD = "CĐ", _("Dispatch (Công điện)")
    HD = "HD", _("Guidance (Hướng dẫn)")
    CTR = "CTr", _("Programme (Chương trình)")


class DirectiveState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    AWAITING_APPROVAL = "awaiting_approval", _("Awaiting approval")
    ISSUED = "issued", _("Issued")
    CLOSED = "closed", _("Closed")
    EXPIRED = "expired", _("Expired")
    SUPERSEDED = "superseded", _("Superseded")


class DirectiveQuerySet(models.QuerySet):
    def visible_to(self, user: AnyUser) -> DirectiveQuerySet:
        return directive_perms.visible_directives(self, user)

    def only_with_state(self, *fields: str) -> DirectiveQuerySet:
        """`only(*fields)` and the state: django-fsm reads the state as each directive is made,
        and a deferred state cost a query per directive (a list of 4,000 asked 4,000 more)."""
        return self.only("state", *fields)


def _on_directive(
    check: Callable[[Directive, AnyUser], bool],
) -> Callable[[models.Model, Any], bool]:
    """A transition's permission from a directive's check: django-fsm types the permission as
    taking any model and any user; it calls it with the directive and the caller's user."""

    def permission(instance: models.Model, user: Any) -> bool:
        assert isinstance(instance, Directive)  # the transitions below are the directive's
        return check(instance, user)

    return permission


class Directive(ConcurrentTransitionMixin, models.Model):
    committee = models.ForeignKey(
        Committee,
        verbose_name=_("committee"),
        on_delete=models.PROTECT,
        related_name="directives",
        help_text=_("The committee that tracks this directive."),
        db_index=False,  # directive_committee_id (committee, id) leads with it
    )
    doc_type = models.CharField(_("type"), max_length=4, choices=DirectiveType.choices)
    number = models.PositiveIntegerField(_("number"), null=True, blank=True)
    symbol = models.CharField(_("symbol"), max_length=60, blank=True)
    issuer_code = models.CharField(_("issuer code"), max_length=40, blank=True)
    issuer_name = models.CharField(_("issuing body"), max_length=255, blank=True)
    signer_name = models.CharField(_("signed by"), max_length=150, blank=True)
    signer_title = models.CharField(_("signer's title"), max_length=150, blank=True)
    issued_on = models.DateField(_("date"), null=True, blank=True)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True, editable=False)
    subject = models.TextField(_("subject"))
    text = models.TextField(_("full text"), blank=True)
    implements_task = models.ForeignKey(
        "tasks.Task",
        verbose_name=_("implements task"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="child_directives",
        help_text=_("The parent committee's task this directive carries out."),
    )
    superseded_by = models.ForeignKey(
        "self",
        verbose_name=_("superseded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="supersedes",
    )
    state = FSMField(
        _("state"),
        max_length=20,
        choices=DirectiveState.choices,
        default=DirectiveState.DRAFT,
        protected=True,
        db_index=True,
    )
    summary = models.TextField(_("closing summary"), blank=True)
    # Folded copy of number, subject, issuer and text (documents.search.fold), kept by save(),
    # so the register's search is accent-insensitive on every database.
    search_text = models.TextField(_("search key"), blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = DirectiveQuerySet.as_manager()

    class Meta:
        verbose_name = _("directive")
        verbose_name_plural = _("directives")
        ordering = ["-issued_on", "-id"]
        constraints = [
            # Numbers restart every year and run per issuing body (Nghị định 30/2020).
            models.UniqueConstraint(
                fields=["committee", "number", "symbol", "year"],
                name="directive_number_unique_per_year",
            )
        ]
        indexes = [
            # A committee's directives without reading their texts (an index-only scan): the
            # dashboards' figures join every task and tally row to it.
            models.Index(fields=["committee", "id"], name="directive_committee_id"),
        ]
        permissions = [
            ("approve_directive", _("Can approve a directive's task list")),
            ("manage_directive", _("Can register, break down and dispatch a directive")),
        ]

    def __str__(self) -> str:
        return f"{self.number_symbol} – {self.subject[:80]}" if self.number else self.subject[:80]

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.year = self.issued_on.year if self.issued_on else None
        self.search_text = self.build_search_text()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_text"}
        super().save(*args, **kwargs)

    def build_search_text(self) -> str:
        parts = [self.number_symbol, self.subject, self.issuer_name, self.signer_name, self.text]
        return fold(" ".join(part for part in parts if part))

    @property
    def number_symbol(self) -> str:
        if self.number is None:
            return ""
        return format_number(self.number, self.symbol)

    def set_number(self, raw: str) -> None:
        """Parse "số, ký hiệu" into number, symbol, type and issuer code."""
        parsed = parse_document_number(raw)
        self.number = parsed.number
        self.symbol = parsed.symbol
        self.issuer_code = parsed.issuer_code
        if not self.doc_type:
            self.doc_type = parsed.doc_type

    def clean(self) -> None:
        super().clean()
        if self.symbol and self.number:
            try:
                parsed = parse_document_number(self.number_symbol)
            except InvalidDocumentNumber as exc:
                raise ValidationError({"symbol": str(exc)}) from exc
            if parsed.doc_type != self.doc_type and parsed.doc_type != "CV":
                raise ValidationError(
                    {
                        "doc_type": _("The symbol says %(code)s but the type chosen is %(chosen)s.")
                        % {"code": parsed.doc_type, "chosen": self.doc_type}
                    }
                )
        self.year = self.issued_on.year if self.issued_on else None
        if self.number and self.year and self.committee_id:
            clash = Directive.objects.filter(
                committee_id=self.committee_id,
                number=self.number,
                symbol=self.symbol,
                year=self.year,
            ).exclude(pk=self.pk)
            if clash.exists():
                raise ValidationError(
                    _("Directive %(number)s of %(year)s is already registered.")
                    % {"number": self.number_symbol, "year": self.year}
                )

    # ---- lifecycle: draft → awaiting approval → issued → closed; issued → expired/superseded

    @transition(
        field=state,
        source=[DirectiveState.DRAFT],
        target=DirectiveState.AWAITING_APPROVAL,
        permission=_on_directive(directive_perms.can_manage_directive),
    )
    def submit_for_approval(self) -> None:
        pass

    @transition(
        field=state,
        source=[DirectiveState.AWAITING_APPROVAL],
        target=DirectiveState.DRAFT,
        permission=_on_directive(directive_perms.can_approve_directive),
    )
    def return_to_draft(self) -> None:
        pass

    @transition(
        field=state,
        source=[DirectiveState.AWAITING_APPROVAL],
        target=DirectiveState.ISSUED,
        permission=_on_directive(directive_perms.can_approve_directive),
    )
    def approve(self) -> None:
        pass

    @transition(
        field=state,
        source=[DirectiveState.ISSUED],
        target=DirectiveState.CLOSED,
        permission=_on_directive(directive_perms.can_manage_directive),
    )
    def close(self) -> None:
        pass

    @transition(
        field=state,
        source=[DirectiveState.ISSUED],
        target=DirectiveState.EXPIRED,
        permission=_on_directive(directive_perms.can_manage_directive),
    )
    def expire(self) -> None:
        pass

    @transition(
        field=state,
        source=[DirectiveState.ISSUED],
        target=DirectiveState.SUPERSEDED,
        permission=_on_directive(directive_perms.can_manage_directive),
    )
    def supersede(self) -> None:
        pass


def directive_upload_to(instance: DirectiveAttachment, filename: str) -> str:
    return f"directives/{instance.directive_id}/{filename}"


class DirectiveAttachment(Attachment):
    directive = models.ForeignKey(
        Directive, verbose_name=_("directive"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to=directive_upload_to)


class DirectiveEvent(AppendOnlyModel):
    """The directive's append-only history: who moved it from which state to which, and why."""

    directive = models.ForeignKey(
        Directive, verbose_name=_("directive"), on_delete=models.PROTECT, related_name="events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField(_("event"), max_length=40)
    from_state = models.CharField(_("from"), max_length=20, blank=True)
    to_state = models.CharField(_("to"), max_length=20, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("directive history entry")
        verbose_name_plural = _("directive history")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.directive_id}: {self.kind}"


class DirectiveUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Directive, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("user permission on a directive")
        verbose_name_plural = _("user permissions on directives")


class DirectiveGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Directive, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        verbose_name = _("group permission on a directive")
        verbose_name_plural = _("group permissions on directives")


# ---- urging letters (công văn đôn đốc), issue 6


def urging_letter_upload_to(instance: UrgingLetter, filename: str) -> str:
    return f"urging/{instance.committee_id}/{instance.year}/{filename}"


class UrgingLetter(models.Model):
    """A formal letter chasing one agency's overdue tasks, numbered in its committee's series.

    Numbers restart every 1 January and run per committee (Nghị định 30/2020); the unique
    constraint is what makes two secretaries issuing at once get different numbers.
    """

    committee = models.ForeignKey(
        Committee,
        verbose_name=_("committee"),
        on_delete=models.PROTECT,
        related_name="urging_letters",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveIntegerField(_("number"))
    symbol = models.CharField(_("symbol"), max_length=40, default="BCĐ389-VP")
    agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("agency urged"),
        on_delete=models.PROTECT,
        related_name="urging_letters",
    )
    issued_on = models.DateField(_("date"))
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(_("body"))
    reply_by = models.DateField(_("report back by"), null=True, blank=True)
    signer_name = models.CharField(_("signed by"), max_length=150, blank=True)
    signer_title = models.CharField(_("signer's title"), max_length=150, blank=True)
    authority = models.CharField(
        _("authority"),
        max_length=60,
        blank=True,
        help_text=_("e.g. TM. BAN CHỈ ĐẠO, KT. TRƯỞNG BAN"),
    )
    recipients = models.TextField(_("copies to"), blank=True)
    tasks = models.ManyToManyField(
        "tasks.Task", verbose_name=_("tasks urged"), related_name="urging_letters"
    )
    pdf = models.FileField(_("PDF"), upload_to=urging_letter_upload_to, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("issued at"), auto_now_add=True)

    class Meta:
        verbose_name = _("urging letter")
        verbose_name_plural = _("urging letters")
        ordering = ["-year", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "year", "number"], name="urging_letter_number_per_year"
            ),
            models.CheckConstraint(
                condition=models.Q(number__gte=1), name="urging_letter_number_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number_symbol} – {self.agency}"

    @property
    def number_symbol(self) -> str:
        return format_number(self.number, self.symbol)
