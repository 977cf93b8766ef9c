"""Periodic reporting: periods and deadlines, the members' submissions, and consolidation.

Periods follow Nghị định 09/2019's data cut-off (15th of one month to the 14th of the next by
default; configurable per obligation); the deadline is N working days after the cut-off or a
fixed day of the month, ending at the end of that day in Vietnam and moved past days off like a
task's. The tick creates each period's submissions once it starts; members submit, the standing
office accepts or returns; `consolidate()` gives the committee's figures with the change against
the same period last year, and who is late or missing.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, cast

from django.core.files.uploadedfile import UploadedFile
from django.db.models import Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import can_proceed

from agencies import calendar as workdays
from agencies.models import Agency, Committee, User
from audit.models import ChangeEventKind
from audit.recording import record_change
from project.errors import ActionError, ActionForbidden, atomic_action
from tasks.deadlines import Period, deadline_end, today_in_vietnam

from . import permissions as report_perms
from . import signals
from .models import (
    FIGURE_FIELDS,
    FORCE_KINDS,
    WITH_DATA_STATES,
    DataForm,
    DueRule,
    ReportAttachment,
    ReportForceLine,
    ReportingObligation,
    ReportingPeriod,
    ReportSubmission,
    ReportSubmissionEvent,
    SubmissionState,
    SubmissionTimeliness,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

PERIODS_PER_YEAR: dict[str, int] = {
    Period.MONTH: 12,
    Period.QUARTER: 4,
    Period.HALF: 2,
    Period.NINE_MONTHS: 1,
    Period.YEAR: 1,
}

NOT_ALLOWED_NOW = _("This report is “%(state)s”: “%(action)s” is not possible now.")
NOT_PERMITTED = _("You do not have the right to do “%(action)s” on this report.")
REASON_REQUIRED = _("Please give a reason.")
NARRATIVE_REQUIRED = _("Please write the report.")
FIGURES_INVALID = _("Please correct the figures marked below.")
FIGURE_REQUIRED = _("Please enter a whole number (0 if none).")
FIGURE_NEGATIVE = _("A figure cannot be negative.")
TOTAL_MISMATCH = _("The total (%(total)s) is not the sum of the forces' figures (%(sum)s).")
FORCE_TWICE = _("Each force can appear only once.")


class FiguresInvalid(ActionError):
    """Figures that do not validate; `errors` maps a field ("cases_detected", or
    "lines-0-cases_detected" for a force's line) to its messages."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__(FIGURES_INVALID)
        self.errors = errors


# ---- periods


def _months(frequency: str, index: int) -> tuple[int, int]:
    if frequency == Period.MONTH:
        return index, index
    if frequency == Period.QUARTER:
        return 3 * index - 2, 3 * index
    if frequency == Period.HALF:
        return (1, 6) if index == 1 else (7, 12)
    if frequency == Period.NINE_MONTHS:
        return 1, 9
    if frequency == Period.YEAR:
        return 1, 12
    raise ValueError(f"unknown frequency {frequency!r}")


def period_bounds(
    frequency: str, year: int, index: int, cutoff_day: int = 15
) -> tuple[dt.date, dt.date]:
    """The data range of a period: with cut-off 15, the 15th of the month before its first
    month to the 14th of its last month (quarter I: 15/12 to 14/3); with 1, calendar months."""
    first, last = _months(frequency, index)
    if cutoff_day == 1:
        return dt.date(year, first, 1), dt.date(year, last, calendar.monthrange(year, last)[1])
    start_year, start_month = (year - 1, 12) if first == 1 else (year, first - 1)
    return dt.date(start_year, start_month, cutoff_day), dt.date(year, last, cutoff_day - 1)


def due_date(obligation: ReportingObligation, ends_on: dt.date) -> dt.date:
    """The day a period's report is due, before Điều 148's move past days off."""
    if obligation.due_rule == DueRule.FIXED_DAY:
        day = obligation.due_fixed_day or 1
        candidate = dt.date(ends_on.year, ends_on.month, day)
        if candidate <= ends_on:
            year, month = (
                (ends_on.year + 1, 1) if ends_on.month == 12 else (ends_on.year, ends_on.month + 1)
            )
            candidate = dt.date(year, month, day)
        return candidate
    return workdays.add_working_days(ends_on, obligation.due_working_days)


def periods_started(obligation: ReportingObligation, today: dt.date) -> list[ReportingPeriod]:
    """Unsaved periods that have started by `today` and end on or after the obligation's start."""
    periods = []
    for year in range(obligation.starts_on.year, today.year + 2):
        for index in range(1, PERIODS_PER_YEAR[obligation.frequency] + 1):
            starts_on, ends_on = period_bounds(
                obligation.frequency, year, index, obligation.cutoff_day
            )
            if starts_on > today or ends_on < obligation.starts_on:
                continue
            due_on = due_date(obligation, ends_on)
            periods.append(
                ReportingPeriod(
                    obligation=obligation,
                    year=year,
                    index=index,
                    starts_on=starts_on,
                    ends_on=ends_on,
                    due_on=due_on,
                    due_at=deadline_end(due_on),
                )
            )
    return periods


def members_owing(obligation: ReportingObligation, day: dt.date) -> list[Agency]:
    members = list(obligation.members.all())
    if members:
        return members
    return list(
        Agency.objects.filter(memberships__committee_id=obligation.committee_id).valid_on(day)
    )


def create_due_submissions(now: dt.datetime | None = None) -> int:
    """The tick's job: create every started period and one due submission per member.

    Safe to repeat and to race: periods and submissions are unique, inserted with ON CONFLICT
    DO NOTHING. After downtime it creates the periods it missed; submissions are made for
    periods created now and for those not yet past due. Returns the submissions created.
    """
    now = now or timezone.now()
    today = today_in_vietnam(now)
    obligations = list(ReportingObligation.objects.filter(active=True).prefetch_related("members"))
    if not obligations:
        return 0
    for obligation in obligations:
        ReportingPeriod.objects.bulk_create(
            periods_started(obligation, today), ignore_conflicts=True
        )
    periods = list(
        ReportingPeriod.objects.filter(obligation__in=obligations, starts_on__lte=today).filter(
            Q(due_at__gte=now) | Q(created_at__gte=now)
        )
    )
    by_id = {o.pk: o for o in obligations}
    before = ReportSubmission.objects.filter(period__in=[p.pk for p in periods]).count()
    rows = [
        ReportSubmission(period=period, agency=agency, created_at=now)
        for period in periods
        for agency in members_owing(by_id[period.obligation_id], period.ends_on)
    ]
    ReportSubmission.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
    after = ReportSubmission.objects.filter(period__in=[p.pk for p in periods]).count()
    return after - before


# ---- the data form


def validate_figures(
    figures: Mapping[str, object], lines: Sequence[Mapping[str, object]] = ()
) -> dict[str, list[str]]:
    """Every figure a non-negative whole number; with a breakdown by force, each total the
    sum of the forces' figures. Returns errors by field; empty when all is well."""
    errors: dict[str, list[str]] = {}

    def check(prefix: str, values: Mapping[str, object]) -> None:
        for name in FIGURE_FIELDS:
            value = values.get(name)
            if value is None or value == "" or isinstance(value, bool):
                errors.setdefault(f"{prefix}{name}", []).append(str(FIGURE_REQUIRED))
            elif not isinstance(value, int):
                errors.setdefault(f"{prefix}{name}", []).append(str(FIGURE_REQUIRED))
            elif value < 0:
                errors.setdefault(f"{prefix}{name}", []).append(str(FIGURE_NEGATIVE))

    check("", figures)
    forces = [line.get("force") for line in lines]
    valid_forces = {kind.value for kind in FORCE_KINDS}
    for i, line in enumerate(lines):
        check(f"lines-{i}-", line)
        if line.get("force") not in valid_forces:
            errors.setdefault(f"lines-{i}-force", []).append(str(_("Choose a force.")))
        elif forces.count(line.get("force")) > 1:
            errors.setdefault(f"lines-{i}-force", []).append(str(FORCE_TWICE))
    if lines and not errors:
        for name in FIGURE_FIELDS:
            total = sum(cast(int, line[name]) for line in lines)  # check(): whole numbers
            if total != figures[name]:
                errors.setdefault(name, []).append(
                    str(TOTAL_MISMATCH % {"total": figures[name], "sum": total})
                )
    return errors


# ---- actions


def _log(submission: ReportSubmission, by: User | None, from_state: str, note: str = "") -> None:
    ReportSubmissionEvent.objects.create(
        submission=submission,
        actor=by,
        from_state=from_state,
        to_state=submission.state,
        note=note,
    )


def _check_transition(
    submission: ReportSubmission, method_name: str, action: str | StrPromise
) -> None:
    if not can_proceed(getattr(submission, method_name)):
        raise ActionError(
            NOT_ALLOWED_NOW % {"state": submission.get_state_display(), "action": action}
        )


@atomic_action
def submit_periodic_report(
    submission: ReportSubmission,
    *,
    by: User,
    narrative: str = "",
    figures: Mapping[str, object] | None = None,
    lines: Sequence[Mapping[str, object]] = (),
    files: Iterable[UploadedFile] = (),
) -> ReportSubmission:
    """A member sends its report for the period (again, if it was returned)."""
    action = _("submit the report")
    if not report_perms.can_submit_periodic_report(submission, by):
        raise ActionForbidden(NOT_PERMITTED % {"action": action})
    method = "resubmit" if submission.state == SubmissionState.RETURNED else "submit"
    _check_transition(submission, method, action)
    form = submission.period.obligation.form
    values = dict(figures or {})
    if form == DataForm.FIGURES_389:
        errors = validate_figures(values, lines)
        if errors:
            raise FiguresInvalid(errors)
    elif not narrative.strip():
        raise ActionError(NARRATIVE_REQUIRED)
    now = timezone.now()
    from_state = submission.state
    getattr(submission, method)()
    if form == DataForm.FIGURES_389:
        for name in FIGURE_FIELDS:
            setattr(submission, name, values[name])
    submission.narrative = narrative
    submission.submitted_at = now
    submission.first_submitted_at = submission.first_submitted_at or now
    submission.submitted_by = by
    submission.save()
    submission.force_lines.all().delete()
    ReportForceLine.objects.bulk_create(
        [
            ReportForceLine(
                submission=submission,
                force=str(line["force"]),
                **{name: line[name] for name in FIGURE_FIELDS},
            )
            for line in lines
        ]
    )
    for upload in files:
        ReportAttachment.objects.create(
            submission=submission, file=upload, name=upload.name or "", uploaded_by=by
        )
    _log(submission, by, from_state)
    return submission


@atomic_action
def accept_periodic_report(
    submission: ReportSubmission, *, by: User, note: str = ""
) -> ReportSubmission:
    action = _("accept the report")
    if not report_perms.can_review_periodic_report(submission, by):
        raise ActionForbidden(NOT_PERMITTED % {"action": action})
    _check_transition(submission, "accept", action)
    from_state = submission.state
    submission.accept()
    submission.reviewed_by, submission.reviewed_at = by, timezone.now()
    submission.save()
    _log(submission, by, from_state, note)
    return submission


@atomic_action
def return_periodic_report(
    submission: ReportSubmission, *, by: User, reason: str
) -> ReportSubmission:
    """Send the report back with a reason; the agency's staff are told once it commits."""
    action = _("return the report")
    if not report_perms.can_review_periodic_report(submission, by):
        raise ActionForbidden(NOT_PERMITTED % {"action": action})
    if not reason.strip():
        raise ActionError(REASON_REQUIRED)
    _check_transition(submission, "return_submission", action)
    from_state = submission.state
    submission.return_submission()
    submission.reviewed_by, submission.reviewed_at = by, timezone.now()
    submission.return_reason = reason
    submission.save()
    _log(submission, by, from_state, reason)
    signals.periodic_report_returned.send(
        sender=ReportSubmission, submission=submission, by=by, reason=reason
    )
    return submission


# ---- consolidation


@dataclass(frozen=True)
class FigureChange:
    """A figure with the same period last year ("so với cùng kỳ")."""

    value: int
    previous: int | None

    @property
    def change(self) -> int | None:
        return None if self.previous is None else self.value - self.previous

    @property
    def change_pct(self) -> float | None:
        if not self.previous:
            return None
        return round(100 * (self.value - self.previous) / self.previous, 1)


@dataclass
class AgencyRow:
    agency: Agency
    submission: ReportSubmission
    timeliness: str
    figures: dict[str, int]
    counted: bool

    @property
    def timeliness_label(self) -> str:
        return str(SubmissionTimeliness(self.timeliness).label)


@dataclass
class Consolidation:
    period: ReportingPeriod
    previous_period: ReportingPeriod | None
    totals: dict[str, FigureChange]
    by_force: dict[str, dict[str, int]]
    rows: list[AgencyRow]
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def late_or_missing(self) -> list[AgencyRow]:
        return [
            row
            for row in self.rows
            if row.timeliness in (SubmissionTimeliness.LATE, SubmissionTimeliness.MISSING)
        ]


def _sum_figures(submissions: Iterable[ReportSubmission]) -> dict[str, int]:
    totals = dict.fromkeys(FIGURE_FIELDS, 0)
    for submission in submissions:
        for name in FIGURE_FIELDS:
            totals[name] += getattr(submission, name)
    return totals


def consolidate(period: ReportingPeriod, now: dt.datetime | None = None) -> Consolidation:
    """The committee's figures for a period, with the change against the same period last year,
    by force and by agency, and each member's timeliness. Counted: reports submitted or accepted
    (a returned report is not counted until it comes back). Three queries."""
    submissions = list(
        period.submissions.with_timeliness(now)
        .select_related("agency")
        .prefetch_related("force_lines")
        .order_by("agency__code")
    )
    counted = [s for s in submissions if s.state in WITH_DATA_STATES]
    totals = _sum_figures(counted)
    previous_period = ReportingPeriod.objects.filter(
        obligation_id=period.obligation_id, year=period.year - 1, index=period.index
    ).first()
    previous: dict[str, int | None] = dict.fromkeys(FIGURE_FIELDS)
    if previous_period is not None:
        sums = previous_period.submissions.filter(state__in=WITH_DATA_STATES).aggregate(
            **{name: Sum(name) for name in FIGURE_FIELDS}
        )
        if any(value is not None for value in sums.values()):
            previous = {name: sums[name] or 0 for name in FIGURE_FIELDS}
    by_force: dict[str, dict[str, int]] = {}
    for submission in counted:
        lines = list(submission.force_lines.all())
        if lines:
            parts = [(line.force, line.figures()) for line in lines]
        elif submission.agency.kind in {kind.value for kind in FORCE_KINDS}:
            parts = [(submission.agency.kind, submission.figures())]
        else:
            parts = [("other", submission.figures())]
        for force, figures in parts:
            bucket = by_force.setdefault(force, dict.fromkeys(FIGURE_FIELDS, 0))
            for name in FIGURE_FIELDS:
                bucket[name] += figures[name]
    rows = [
        AgencyRow(
            agency=s.agency,
            submission=s,
            timeliness=s.timeliness,
            figures=s.figures(),
            counted=s.state in WITH_DATA_STATES,
        )
        for s in submissions
    ]
    counts = {value: 0 for value in SubmissionTimeliness.values}
    for row in rows:
        counts[row.timeliness] += 1
    return Consolidation(
        period=period,
        previous_period=previous_period,
        totals={name: FigureChange(totals[name], previous[name]) for name in FIGURE_FIELDS},
        by_force=by_force,
        rows=rows,
        counts=counts,
    )


def format_count(value: int) -> str:
    """A whole number grouped the Vietnamese way: 1027 → 1.027."""
    return f"{value:,}".replace(",", ".")


def format_vnd(value: int) -> str:
    """An amount in đồng, grouped the Vietnamese way: 1250000000 → 1.250.000.000."""
    return format_count(value)


def format_vnd_billions(value: int) -> str:
    """VND as "tỷ đồng" with three decimals, Vietnamese style: 48167000000 → 48,167."""
    text = f"{value / 1_000_000_000:,.3f}"
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")


# ---- obligations: the standing office defines what members owe (issue 5)

OBLIGATION_INVALID = _("Please correct the fields marked below.")
NOT_PERMITTED_OBLIGATION = _("Only the committee's standing office can define periodic reports.")
# The model caps both days at 28 so every month has them (a 30th would not exist in February).
CUTOFF_RANGE = (1, 28)
FIXED_DAY_RANGE = (1, 28)
WORKING_DAYS_RANGE = (1, 60)
OBLIGATION_FIELDS = (
    "name",
    "frequency",
    "cutoff_day",
    "due_rule",
    "due_working_days",
    "due_fixed_day",
    "form",
    "starts_on",
    "active",
)


class ObligationInvalid(ActionError):
    """An obligation that does not validate; `errors` maps a field to its messages."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__(OBLIGATION_INVALID)
        self.errors = errors


def committee_members(committee_id: int) -> QuerySet:
    """The agencies an obligation may name: the committee's member agencies."""
    return Agency.objects.filter(memberships__committee_id=committee_id).distinct()


def _in_range(value: object, bounds: tuple[int, int]) -> bool:
    if not isinstance(value, int) or isinstance(value, bool):
        return False
    return bounds[0] <= value <= bounds[1]


def validate_obligation(
    committee_id: int,
    values: Mapping[str, object],
    members: Iterable[Agency] = (),
    *,
    previous: ReportingObligation | None = None,
    today: dt.date | None = None,
) -> dict[str, list[str]]:
    """The one rule for an obligation's fields; returns errors by field, empty when all is well.

    The first period may not end before today: periods already over would open at once as
    missing reports that nobody had the chance to send."""
    today = today or today_in_vietnam()
    errors: dict[str, list[str]] = {}

    def error(name: str, message: str | StrPromise) -> None:
        errors.setdefault(name, []).append(str(message))

    if not str(values.get("name") or "").strip():
        error("name", _("Please give the report a name."))
    if values.get("frequency") not in Period.values:
        error("frequency", _("Choose how often the report is due."))
    if not _in_range(values.get("cutoff_day"), CUTOFF_RANGE):
        error("cutoff_day", _("The data cut-off day must be between 1 and 28."))
    due_rule = values.get("due_rule")
    if due_rule not in DueRule.values:
        error("due_rule", _("Choose how the deadline is set."))
    elif due_rule == DueRule.WORKING_DAYS:
        if not _in_range(values.get("due_working_days"), WORKING_DAYS_RANGE):
            error("due_working_days", _("The number of working days must be between 1 and 60."))
    elif not _in_range(values.get("due_fixed_day"), FIXED_DAY_RANGE):
        error("due_fixed_day", _("The fixed day of the month must be between 1 and 28."))
    if values.get("form") not in DataForm.values:
        error("form", _("Choose the data form."))
    starts_on = values.get("starts_on")
    if not isinstance(starts_on, dt.date):
        error("starts_on", _("Please enter a date (dd/mm/yyyy)."))
    elif starts_on < today and (previous is None or starts_on != previous.starts_on):
        error("starts_on", _("The first period cannot end before today."))
    allowed = set(committee_members(committee_id).values_list("pk", flat=True))
    if any(agency.pk not in allowed for agency in members):
        error("members", _("Choose only member agencies of this committee."))
    return errors


def _check_may_define(committee_id: int, by: User) -> None:
    if not report_perms.can_define_reporting_obligation(committee_id, by):
        raise ActionForbidden(NOT_PERMITTED_OBLIGATION)


@atomic_action
def define_obligation(
    committee: Committee,
    *,
    by: User,
    name: str,
    frequency: str,
    cutoff_day: int = 15,
    due_rule: str = DueRule.WORKING_DAYS,
    due_working_days: int | None = 3,
    due_fixed_day: int | None = None,
    form: str = DataForm.FIGURES_389,
    starts_on: dt.date | None = None,
    members: Iterable[Agency] = (),
) -> ReportingObligation:
    """A new periodic report the members owe. The next tick opens its current period (the one
    running today, if it ends on or after `starts_on`) and one due submission per member."""
    _check_may_define(committee.pk, by)
    members = list(members)
    values = {
        "name": name,
        "frequency": frequency,
        "cutoff_day": cutoff_day,
        "due_rule": due_rule,
        "due_working_days": due_working_days,
        "due_fixed_day": due_fixed_day,
        "form": form,
        "starts_on": starts_on or today_in_vietnam(),
    }
    errors = validate_obligation(committee.pk, values, members)
    if errors:
        raise ObligationInvalid(errors)
    if values["due_rule"] == DueRule.WORKING_DAYS:
        values["due_fixed_day"] = None
    else:
        values["due_working_days"] = values["due_working_days"] or 3
    values["name"] = name.strip()
    obligation = ReportingObligation.objects.create(committee=committee, **values)
    obligation.members.set(members)
    record_change(
        ChangeEventKind.OBLIGATION_DEFINED,
        actor=by,
        committee=committee,
        subject=obligation.name,
        changes={
            **{name: [None, value] for name, value in values.items()},
            "members": [None, sorted(a.code for a in members)],
        },
    )
    return obligation


@atomic_action
def update_obligation(
    obligation: ReportingObligation,
    *,
    by: User,
    members: Iterable[Agency] | None = None,
    **changes: object,
) -> ReportingObligation:
    """Change an obligation. Periods already opened keep their dates and submissions; the new
    rule and members apply from the next period the tick opens."""
    _check_may_define(obligation.committee_id, by)
    unknown = set(changes) - set(OBLIGATION_FIELDS)
    if unknown:
        raise TypeError(f"unknown obligation fields: {sorted(unknown)}")
    current = ReportingObligation.objects.select_for_update().get(pk=obligation.pk)
    values = {name: getattr(current, name) for name in OBLIGATION_FIELDS} | changes
    members = list(members) if members is not None else None
    errors = validate_obligation(current.committee_id, values, members or (), previous=current)
    if errors:
        raise ObligationInvalid(errors)
    if values["due_rule"] == DueRule.WORKING_DAYS:
        values["due_fixed_day"] = None
    else:
        values["due_working_days"] = values["due_working_days"] or 3
    values["name"] = str(values["name"]).strip()
    diff = {
        name: [getattr(current, name), value]
        for name, value in values.items()
        if getattr(current, name) != value
    }
    for name, value in values.items():
        setattr(obligation, name, value)
    obligation.save(update_fields=list(OBLIGATION_FIELDS))
    if members is not None:
        before = sorted(current.members.values_list("code", flat=True))
        obligation.members.set(members)
        after = sorted(a.code for a in members)
        if before != after:
            diff["members"] = [before, after]
    if diff:
        record_change(
            ChangeEventKind.OBLIGATION_CHANGED,
            actor=by,
            committee=obligation.committee,
            subject=obligation.name,
            changes=diff,
        )
    return obligation


@atomic_action
def remove_obligation(obligation: ReportingObligation, *, by: User) -> bool:
    """Delete an obligation nobody has owed anything under yet; once submissions exist it is
    only deactivated, so their history and the consolidations stay. True if deleted."""
    _check_may_define(obligation.committee_id, by)
    kept = ReportSubmission.objects.filter(period__obligation=obligation).exists()
    record_change(
        ChangeEventKind.OBLIGATION_REMOVED,
        actor=by,
        committee=obligation.committee,
        subject=obligation.name,
        changes={"active": [obligation.active, False]} if kept else {},
        detail="deactivated (submissions exist)" if kept else "deleted",
    )
    if kept:
        if obligation.active:
            obligation.active = False
            obligation.save(update_fields=["active"])
        return False
    obligation.delete()
    return True
