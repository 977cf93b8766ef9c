"""Periodic reports (báo cáo định kỳ) as the scorecard, the consolidated report and the
spreadsheets need them, asked of reporting/services.py (issue 5).

When the committee has no reporting obligation, callers say "no periodic reports defined"
instead of failing.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from agencies.models import User
from reporting.models import ReportingObligation, ReportingPeriod, ReportSubmission

from .queries import ReportFilters


@dataclass(frozen=True)
class ReportCounts:
    due: int
    on_time: int
    late: int
    missing: int


def has_obligations(filters: ReportFilters) -> bool:
    return ReportingObligation.objects.filter(committee=filters.committee).exists()


def submission_list(filters: ReportFilters, user: User | None = None) -> QuerySet:
    """The periodic reports screen: submissions with their timeliness, periods due in range."""
    submissions = ReportSubmission.objects.filter(period__obligation__committee=filters.committee)
    if user is not None:
        submissions = submissions.visible_to(user)
    if filters.agency is not None:
        submissions = submissions.filter(agency=filters.agency)
    if filters.date_from:
        submissions = submissions.filter(period__due_on__gte=filters.date_from)
    if filters.date_to:
        submissions = submissions.filter(period__due_on__lte=filters.date_to)
    return (
        submissions.with_timeliness(filters.now)
        .select_related("period__obligation", "agency")
        .order_by("-period__due_on", "period__obligation__name", "agency__code")
    )


def periodic_on_time(filters: ReportFilters, user: User | None = None) -> ReportCounts | None:
    """How many periodic reports the agency owed in the period (due by now), and how many came
    on time, late, or not at all. None when no periodic reporting is set up."""
    if not has_obligations(filters):
        return None
    counts = (
        submission_list(filters, user)
        .exclude(timeliness="not_yet_due")
        .aggregate(
            due=Count("pk"),
            on_time=Count("pk", filter=Q(timeliness="on_time")),
            late=Count("pk", filter=Q(timeliness="late")),
            missing=Count("pk", filter=Q(timeliness="missing")),
        )
    )
    return ReportCounts(**counts)


def latest_period(filters: ReportFilters) -> ReportingPeriod | None:
    """The period a consolidated report is about: the latest whose data cut-off falls in the
    filters' range (or the latest of all)."""
    periods = ReportingPeriod.objects.filter(obligation__committee=filters.committee)
    if filters.date_from:
        periods = periods.filter(ends_on__gte=filters.date_from)
    if filters.date_to:
        periods = periods.filter(ends_on__lte=filters.date_to)
    return periods.select_related("obligation").order_by("-ends_on", "-id").first()
