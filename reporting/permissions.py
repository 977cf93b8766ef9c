"""Who may see and do what on periodic reports: members submit their own, the standing office
reviews and consolidates, the chair reads. Built on the role checks of agencies/permissions.py.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from django.db.models import QuerySet

from agencies.permissions import is_active, is_admin, is_committee_staff, is_secretariat_of

if TYPE_CHECKING:
    from agencies.models import User

    from .models import ReportSubmission

# the queryset given back is the one taken, narrowed (ReportSubmission.objects.visible_to)
Submissions = TypeVar("Submissions", bound=QuerySet[Any])


def visible_periodic_reports(queryset: Submissions, user: User) -> Submissions:
    if not is_active(user):
        return queryset.none()
    if is_admin(user):
        return queryset
    if user.role in ("secretariat", "chair"):
        return queryset.filter(period__obligation__committee_id=user.committee_id)
    if user.role in ("agency_officer", "agency_head") and user.agency_id:
        return queryset.filter(agency_id=user.agency_id)
    return queryset.none()


def can_submit_periodic_report(submission: ReportSubmission, user: User) -> bool:
    return (
        is_active(user)
        and user.role in ("agency_officer", "agency_head")
        and user.agency_id is not None
        and user.agency_id == submission.agency_id
    )


def can_review_periodic_report(submission: ReportSubmission, user: User) -> bool:
    return is_secretariat_of(user, submission.period.obligation.committee_id) or is_admin(user)


def can_view_consolidation(committee_id: int | None, user: User) -> bool:
    return is_committee_staff(user, committee_id) or is_admin(user)


def can_define_reporting_obligation(committee_id: int | None, user: User) -> bool:
    """Only the committee's standing office (or an administrator) defines what members owe;
    the chair reads the obligations as committee staff (can_view_consolidation)."""
    return is_secretariat_of(user, committee_id) or is_admin(user)
