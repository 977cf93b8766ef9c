"""Periodic reporting (Nghị định 09/2019): obligations, their periods, and each member's submission.

A committee defines an obligation (monthly, quarterly, 6-month, 9-month, annual); every period
each member owes one submission: due → submitted → accepted, or returned (with a reason) →
resubmitted. Timeliness is derived in SQL (`ReportSubmission.objects.with_timeliness()`), never
stored. The business rules live in reporting/services.py.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from agencies.models import Agency, AgencyKind, Committee, User
from project.attachments import Attachment
from project.audit import AppendOnlyModel
from tasks.deadlines import Period, today_in_vietnam

from . import permissions as report_perms

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


def period_label(frequency: str, year: int, index: int) -> str:
    """The period's name in the current language ("Tháng 12/2026", "Quý IV/2026")."""
    if frequency == Period.MONTH:
        return pgettext("reporting period", "Month %(month)02d/%(year)s") % {
            "month": index,
            "year": year,
        }
    if frequency == Period.QUARTER:
        return pgettext("reporting period", "Quarter %(quarter)s/%(year)s") % {
            "quarter": ROMAN[index],
            "year": year,
        }
    if frequency == Period.HALF:
        if index == 1:
            return gettext("First half of %(year)s") % {"year": year}
        return gettext("Second half of %(year)s") % {"year": year}
    if frequency == Period.NINE_MONTHS:
        return gettext("First nine months of %(year)s") % {"year": year}
    return pgettext("reporting period", "Year %(year)s") % {"year": year}


# The same, left to be worded when turned into text (a notice, in its recipient's language).
lazy_period_label = lazy(period_label, str)


class DueRule(models.TextChoices):
    WORKING_DAYS = "working_days", _("N working days after the data cut-off")
    FIXED_DAY = "fixed_day", _("A fixed day of the month after the cut-off")


class DataForm(models.TextChoices):
    FIGURES_389 = "figures_389", _("389 figures with narrative")
    NARRATIVE = "narrative", _("Narrative only")


# The forces the 389 figures are broken down by (DOMAIN.md: periodic reports).
FORCE_KINDS = (
    AgencyKind.CUSTOMS,
    AgencyKind.TAX,
    AgencyKind.BORDER_GUARD,
    AgencyKind.COAST_GUARD,
    AgencyKind.MARKET_SURVEILLANCE,
    AgencyKind.POLICE,
    AgencyKind.FOREST_RANGER,
)
FORCE_CHOICES = [(kind.value, kind.label) for kind in FORCE_KINDS]

# The figures of the 389 data form, in the order reports list them.
FIGURE_FIELDS = (
    "cases_detected",
    "admin_cases",
    "goods_value",
    "budget_collected",
    "criminal_cases",
    "defendants",
)


class ReportingObligation(models.Model):
    """A recurring report the committee's members owe (chế độ báo cáo định kỳ)."""

    committee = models.ForeignKey(
        Committee,
        verbose_name=_("committee"),
        on_delete=models.CASCADE,
        related_name="reporting_obligations",
    )
    name = models.CharField(_("name"), max_length=255)
    frequency = models.CharField(_("frequency"), max_length=20, choices=Period.choices)
    cutoff_day = models.PositiveSmallIntegerField(
        _("data cut-off day"),
        default=15,
        help_text=_(
            "A period runs from this day of one month to the day before it, "
            "e.g. 15 → from the 15th to the 14th; 1 → calendar months."
        ),
    )
    due_rule = models.CharField(
        _("deadline rule"), max_length=20, choices=DueRule.choices, default=DueRule.WORKING_DAYS
    )
    due_working_days = models.PositiveSmallIntegerField(
        _("working days after the cut-off"), default=3
    )
    due_fixed_day = models.PositiveSmallIntegerField(
        _("fixed day of the month"), null=True, blank=True
    )
    members = models.ManyToManyField(
        Agency,
        verbose_name=_("members that report"),
        blank=True,
        related_name="reporting_obligations",
        help_text=_("Empty: every member agency of the committee."),
    )
    form = models.CharField(
        _("data form"), max_length=20, choices=DataForm.choices, default=DataForm.FIGURES_389
    )
    starts_on = models.DateField(_("first period ends on or after"), default=today_in_vietnam)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        db_table = "tasks_reportingobligation"  # the table it had in tasks/ before it moved here
        verbose_name = _("reporting obligation")
        verbose_name_plural = _("reporting obligations")
        ordering = ["committee_id", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(cutoff_day__gte=1, cutoff_day__lte=28), name="obligation_cutoff_day"
            ),
            models.CheckConstraint(
                condition=~Q(due_rule="fixed_day") | Q(due_fixed_day__gte=1, due_fixed_day__lte=28),
                name="obligation_fixed_day",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ReportingPeriod(models.Model):
    """One period of an obligation: its data range and its deadline."""

    obligation = models.ForeignKey(
        ReportingObligation,
        verbose_name=_("obligation"),
        on_delete=models.CASCADE,
        related_name="periods",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    index = models.PositiveSmallIntegerField(_("number in the year"))
    starts_on = models.DateField(_("data from"))
    ends_on = models.DateField(_("data cut-off"))
    due_on = models.DateField(_("due on"))
    # End of the due day in Vietnam, moved past days off (as for tasks).
    due_at = models.DateTimeField(_("deadline ends"), db_index=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        db_table = "tasks_reportingperiod"  # the table it had in tasks/ before it moved here
        verbose_name = _("reporting period")
        verbose_name_plural = _("reporting periods")
        ordering = ["-ends_on", "obligation_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["obligation", "year", "index"], name="reporting_period_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.obligation} – {self.label}"

    @property
    def label(self) -> str:
        return period_label(self.obligation.frequency, self.year, self.index)


class SubmissionState(models.TextChoices):
    DUE = "due", _("Due")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned")
    RESUBMITTED = "resubmitted", _("Resubmitted")
    ACCEPTED = "accepted", _("Accepted")


WITH_DATA_STATES = (
    SubmissionState.SUBMITTED,
    SubmissionState.RESUBMITTED,
    SubmissionState.ACCEPTED,
)


class SubmissionTimeliness(models.TextChoices):
    NOT_YET_DUE = "not_yet_due", _("Not yet due")
    ON_TIME = "on_time", _("On time")
    LATE = "late", _("Late")
    MISSING = "missing", _("Missing")


class ReportSubmissionQuerySet(models.QuerySet):
    def with_timeliness(self, now: dt.datetime | None = None) -> ReportSubmissionQuerySet:
        """Annotate `timeliness`: on time / late by the latest (re)submission, as tasks are
        measured by the report that was finally accepted; missing when nothing came in time."""
        now = now or timezone.now()
        due = F("period__due_at")
        return self.annotate(
            timeliness=Case(
                When(
                    state__in=WITH_DATA_STATES,
                    submitted_at__lte=due,
                    then=Value(SubmissionTimeliness.ON_TIME),
                ),
                When(state__in=WITH_DATA_STATES, then=Value(SubmissionTimeliness.LATE)),
                When(period__due_at__gte=now, then=Value(SubmissionTimeliness.NOT_YET_DUE)),
                When(state=SubmissionState.RETURNED, then=Value(SubmissionTimeliness.LATE)),
                default=Value(SubmissionTimeliness.MISSING),
                output_field=models.CharField(),
            )
        )

    def awaiting_agency(self) -> ReportSubmissionQuerySet:
        """The agency still owes something: never sent, or sent back."""
        return self.filter(state__in=[SubmissionState.DUE, SubmissionState.RETURNED])

    def visible_to(self, user: User) -> ReportSubmissionQuerySet:
        return report_perms.visible_periodic_reports(self, user)


class FigureFields(models.Model):
    """The 389 figures (money in VND)."""

    cases_detected = models.PositiveIntegerField(_("cases detected"), default=0)
    admin_cases = models.PositiveIntegerField(_("administrative cases handled"), default=0)
    goods_value = models.PositiveBigIntegerField(_("value of goods (VND)"), default=0)
    budget_collected = models.PositiveBigIntegerField(_("budget collected (VND)"), default=0)
    criminal_cases = models.PositiveIntegerField(_("criminal cases prosecuted"), default=0)
    defendants = models.PositiveIntegerField(_("defendants prosecuted"), default=0)

    class Meta:
        abstract = True

    def figures(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in FIGURE_FIELDS}


class ReportSubmission(ConcurrentTransitionMixin, FigureFields):
    """What one member owes for one period, and what it sent."""

    period = models.ForeignKey(
        ReportingPeriod,
        verbose_name=_("period"),
        on_delete=models.CASCADE,
        related_name="submissions",
    )
    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="submissions"
    )
    state = FSMField(
        _("state"),
        max_length=20,
        choices=SubmissionState.choices,
        default=SubmissionState.DUE,
        protected=True,
        db_index=True,
    )
    narrative = models.TextField(_("narrative"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    first_submitted_at = models.DateTimeField(_("first submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    return_reason = models.TextField(_("reason for returning"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    objects = ReportSubmissionQuerySet.as_manager()

    class Meta:
        db_table = "tasks_reportsubmission"  # the table it had in tasks/ before it moved here
        verbose_name = _("periodic report")
        verbose_name_plural = _("periodic reports")
        ordering = ["period_id", "agency__code"]
        constraints = [
            models.UniqueConstraint(fields=["period", "agency"], name="one_submission_per_period")
        ]
        indexes = [models.Index(fields=["agency", "state"], name="submission_agency_state")]

    def __str__(self) -> str:
        return f"{self.agency} – {self.period}"

    @property
    def timeliness_label(self) -> str:
        """The label of `timeliness`, on rows from `with_timeliness()`."""
        value = getattr(self, "timeliness", None)
        return str(SubmissionTimeliness(value).label) if value else ""

    @transition(field=state, source=SubmissionState.DUE, target=SubmissionState.SUBMITTED)
    def submit(self) -> None:
        pass

    @transition(field=state, source=SubmissionState.RETURNED, target=SubmissionState.RESUBMITTED)
    def resubmit(self) -> None:
        pass

    @transition(
        field=state,
        source=[SubmissionState.SUBMITTED, SubmissionState.RESUBMITTED],
        target=SubmissionState.ACCEPTED,
    )
    def accept(self) -> None:
        pass

    @transition(
        field=state,
        source=[SubmissionState.SUBMITTED, SubmissionState.RESUBMITTED],
        target=SubmissionState.RETURNED,
    )
    def return_submission(self) -> None:
        pass


class ReportForceLine(FigureFields):
    """The figures of one force inside a submission that covers several forces."""

    submission = models.ForeignKey(
        ReportSubmission,
        verbose_name=_("periodic report"),
        on_delete=models.CASCADE,
        related_name="force_lines",
    )
    force = models.CharField(_("force"), max_length=30, choices=FORCE_CHOICES)

    class Meta:
        db_table = "tasks_reportforceline"  # the table it had in tasks/ before it moved here
        verbose_name = _("figures of a force")
        verbose_name_plural = _("figures by force")
        constraints = [
            models.UniqueConstraint(fields=["submission", "force"], name="one_line_per_force")
        ]

    def __str__(self) -> str:
        return self.get_force_display()


def submission_upload_to(instance: ReportAttachment, filename: str) -> str:
    return f"reports/{instance.submission_id}/{filename}"


class ReportAttachment(Attachment):
    submission = models.ForeignKey(
        ReportSubmission,
        verbose_name=_("periodic report"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    file = models.FileField(_("file"), upload_to=submission_upload_to)

    class Meta(Attachment.Meta):
        db_table = "tasks_reportattachment"  # the table it had in tasks/ before it moved here


class ReportSubmissionEvent(AppendOnlyModel):
    """The submission's append-only history: every transition, who, when, why."""

    submission = models.ForeignKey(
        ReportSubmission,
        verbose_name=_("periodic report"),
        on_delete=models.PROTECT,
        related_name="events",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    from_state = models.CharField(_("from"), max_length=20, blank=True)
    to_state = models.CharField(_("to"), max_length=20, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        db_table = "tasks_reportsubmissionevent"  # the table it had in tasks/ before it moved here
        verbose_name = _("periodic report history entry")
        verbose_name_plural = _("periodic report history")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.submission_id}: {self.from_state} → {self.to_state}"

    # The states as a person reads them (the columns keep the codes: "due", "submitted").
    @property
    def from_label(self) -> str:
        return str(dict(SubmissionState.choices).get(self.from_state, self.from_state))

    @property
    def to_label(self) -> str:
        return str(dict(SubmissionState.choices).get(self.to_state, self.to_state))
