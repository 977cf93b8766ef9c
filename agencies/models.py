"""Committees, member agencies, users and their roles, and the working-day calendar."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractUser, Group
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class CommitteeLevel(models.TextChoices):
    NATIONAL = "national", _("National")
    MINISTRY = "ministry", _("Ministry or sector")
    PROVINCE = "province", _("Province")
    COMMUNE = "commune", _("Commune")


class ExtensionApprover(models.TextChoices):
    CHAIR = "chair", _("Chair or deputy chair")
    SECRETARIAT = "secretariat", _("Standing office")


class Committee(models.Model):
    """A steering committee (Ban Chỉ đạo 389) at one level."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=255)
    level = models.CharField(_("level"), max_length=20, choices=CommitteeLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent committee"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    place_name = models.CharField(
        _("place name"),
        max_length=100,
        blank=True,
        help_text=_("As on letters: Hà Nội, Kiên Giang…"),
    )
    standing_agency = models.ForeignKey(
        "Agency",
        verbose_name=_("standing agency"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    agencies: models.ManyToManyField[Agency, Membership] = models.ManyToManyField(
        "Agency", through="Membership", related_name="committees", verbose_name=_("members")
    )
    # Settings the regulations leave to each committee (DOMAIN.md: "unconfirmed").
    extension_approver = models.CharField(
        _("who approves extensions"),
        max_length=20,
        choices=ExtensionApprover.choices,
        default=ExtensionApprover.CHAIR,
    )
    due_soon_working_days = models.PositiveSmallIntegerField(
        _("due soon within (working days)"), default=3
    )
    reminder_working_days = models.CharField(
        _("remind before the deadline (working days)"),
        max_length=40,
        default="3,1",
        help_text=_("Comma-separated, e.g. 3,1"),
    )
    escalate_after_working_days = models.PositiveSmallIntegerField(
        _("escalate to the chair after (working days overdue)"), default=5
    )
    # Reports go out under the agency head's name, so by default the head signs an officer's
    # report off before the standing office sees it.
    reports_need_head_approval = models.BooleanField(
        _("an agency's head signs reports off"), default=True
    )

    class Meta:
        verbose_name = _("committee")
        verbose_name_plural = _("committees")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def reminder_days(self) -> list[int]:
        days = []
        for part in self.reminder_working_days.split(","):
            part = part.strip()
            if part.isdigit():
                days.append(int(part))
        return sorted(set(days), reverse=True)


class AgencyKind(models.TextChoices):
    MINISTRY = "ministry", _("Ministry or central agency")
    PROVINCE = "province", _("Provincial People's Committee")
    DEPARTMENT = "department", _("Provincial department")
    POLICE = "police", _("Police")
    MILITARY = "military", _("Military")
    BORDER_GUARD = "border_guard", _("Border guard")
    COAST_GUARD = "coast_guard", _("Coast guard")
    CUSTOMS = "customs", _("Customs")
    TAX = "tax", _("Tax")
    MARKET_SURVEILLANCE = "market_surveillance", _("Market surveillance")
    FOREST_RANGER = "forest_ranger", _("Forest rangers")
    DISTRICT = "district", _("District People's Committee")
    COMMUNE = "commune", _("Commune People's Committee")
    MEDIA = "media", _("Press and media")
    BANK = "bank", _("Bank")
    INSPECTORATE = "inspectorate", _("Inspectorate")
    OFFICE = "office", _("Office")
    OTHER = "other", _("Other")


class AgencyQuerySet(models.QuerySet):
    def valid_on(self, day: dt.date) -> AgencyQuerySet:
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=day),
            Q(valid_to__isnull=True) | Q(valid_to__gte=day),
        )

    def labels(self) -> dict[int, str]:
        """Each agency's name as shown (`str(agency)`), by id, without building the agencies:
        the dashboard orders 5,000 of them by name to show 50."""
        return {
            pk: Agency.label(short_name, name)
            for pk, short_name, name in self.values_list("pk", "short_name", "name")
        }


class Agency(models.Model):
    """A body that can be given tasks: a ministry, a department, a force, a district…

    Bodies are merged and renamed (2025: no more districts, Cục Hải quan with regional
    branches), so an agency has validity dates and a successor; old directives keep the body
    they named.
    """

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("full name"), max_length=255)
    short_name = models.CharField(_("short name"), max_length=120, blank=True)
    kind = models.CharField(
        _("kind"), max_length=30, choices=AgencyKind.choices, default=AgencyKind.OTHER
    )
    # The organisation identifier of QCVN 102:2016 (e.g. 000.00.31.H33), by which the national
    # document exchange addresses edXML packages: it resolves senders and recipients to agencies.
    organ_id = models.CharField(
        _("organisation identifier (QCVN 102)"),
        max_length=40,
        blank=True,
        help_text=_("The code the document exchange uses for this body, e.g. 000.00.31.H33."),
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    successor = models.ForeignKey(
        "self",
        verbose_name=_("successor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="predecessors",
    )
    group = models.OneToOneField(
        Group,
        verbose_name=_("permission group"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="agency",
    )

    objects = AgencyQuerySet.as_manager()

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="agency_valid_range",
            ),
            models.UniqueConstraint(
                fields=["organ_id"],
                condition=~Q(organ_id=""),
                name="agency_organ_id_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.label(self.short_name, self.name)

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Permissions are granted to an agency's group (a few rows per task, not one per user).
        if self.group_id is None:
            self.group, _created = Group.objects.get_or_create(name=f"agency:{self.code}")
        super().save(*args, **kwargs)

    @staticmethod
    def label(short_name: str, name: str) -> str:
        """How an agency is named on screen: its short name, or else its name."""
        return short_name or name

    def is_valid_on(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )

    def current_successor(self) -> Agency:
        """Follow the chain of successors to the body that exists now."""
        seen = {self.pk}
        agency = self
        while (successor := agency.successor) is not None and successor.pk not in seen:
            seen.add(successor.pk)
            agency = successor
        return agency


class AgencyAlias(models.Model):
    """Another name a text may use for an agency ("BĐBP", "Công an tỉnh Kiên Giang")."""

    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.CASCADE, related_name="aliases"
    )
    alias = models.CharField(_("alias"), max_length=255)

    class Meta:
        verbose_name = _("alias")
        verbose_name_plural = _("aliases")
        constraints = [
            models.UniqueConstraint(fields=["agency", "alias"], name="agency_alias_unique")
        ]

    def __str__(self) -> str:
        return self.alias


class Membership(models.Model):
    committee = models.ForeignKey(
        Committee, verbose_name=_("committee"), on_delete=models.CASCADE, related_name="memberships"
    )
    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.CASCADE, related_name="memberships"
    )

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["committee", "agency"], name="membership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.agency} – {self.committee}"


class Role(models.TextChoices):
    SECRETARIAT = "secretariat", _("Standing office")
    AGENCY_OFFICER = "agency_officer", _("Agency officer")
    AGENCY_HEAD = "agency_head", _("Agency head")
    CHAIR = "chair", _("Chair or deputy chair")
    ADMIN = "admin", _("Administrator")


def site_language() -> str:
    """A new person's language: the site's (Vietnamese), until they choose another."""
    return settings.LANGUAGE_CODE


class User(AbstractUser):
    """A person, with one role in one committee (and, for agency staff, one agency)."""

    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    position = models.CharField(
        _("position"), max_length=150, blank=True, help_text=_("e.g. Phó Trưởng ban")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, blank=True)
    committee = models.ForeignKey(
        Committee,
        verbose_name=_("committee"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    digest_only = models.BooleanField(_("daily digest only"), default=False)
    # The language their notices and e-mails are written in (the last one they chose on the
    # site); the pages follow the language cookie.
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        default=site_language,
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=~Q(role__in=["agency_officer", "agency_head"]) | Q(agency__isnull=False),
                name="agency_staff_have_agency",
            )
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def is_secretariat(self) -> bool:
        return self.role == Role.SECRETARIAT

    @property
    def is_chair(self) -> bool:
        return self.role == Role.CHAIR

    @property
    def is_agency_staff(self) -> bool:
        return self.role in (Role.AGENCY_OFFICER, Role.AGENCY_HEAD)

    @property
    def is_admin_role(self) -> bool:
        return self.role == Role.ADMIN or self.is_superuser


class CalendarDayKind(models.TextChoices):
    DAY_OFF = "day_off", _("Day off")
    WORKING_DAY = "working_day", _("Working day")


class CalendarDay(models.Model):
    """A day an administrator adds to the public-holiday calendar (nghỉ bù, làm bù)."""

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=CalendarDayKind.choices)
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} – {self.get_kind_display()}"
