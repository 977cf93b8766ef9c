"""Who may see and do what: roles, and the rules built on them.

Role checks (secretariat and chair act for their committee; agency staff for their agency).
What an agency may see and do on a task follows from its assignments, and is decided next to
the data in tasks/permissions.py. Lists decide visibility with one indexed EXISTS subquery.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.apps import apps
from django.db.models import Exists, OuterRef, QuerySet

if TYPE_CHECKING:
    from documents.models import Directive

    from .models import User


def is_active(user) -> bool:  # noqa: ANN001
    return bool(user and user.is_authenticated and user.is_active)


_active = is_active


def is_agency_staff(user) -> bool:  # noqa: ANN001
    return (
        is_active(user) and user.role in ("agency_officer", "agency_head") and bool(user.agency_id)
    )


def is_agency_head_of(user, agency_id: int | None) -> bool:  # noqa: ANN001
    return is_active(user) and user.role == "agency_head" and user.agency_id == agency_id


def is_staff_of_agency(user, agency_id: int | None) -> bool:  # noqa: ANN001
    return is_agency_staff(user) and user.agency_id == agency_id


def is_admin(user) -> bool:  # noqa: ANN001
    return _active(user) and (user.is_superuser or user.role == "admin")


def is_secretariat_of(user, committee_id: int | None) -> bool:  # noqa: ANN001
    return _active(user) and user.role == "secretariat" and user.committee_id == committee_id


def is_chair_of(user, committee_id: int | None) -> bool:  # noqa: ANN001
    return _active(user) and user.role == "chair" and user.committee_id == committee_id


def is_committee_staff(user, committee_id: int | None) -> bool:  # noqa: ANN001
    return is_secretariat_of(user, committee_id) or is_chair_of(user, committee_id)


# ---- directives


def can_manage_directive(directive: Directive, user: User) -> bool:
    return is_secretariat_of(user, directive.committee_id) or is_admin(user)


def can_approve_directive(directive: Directive, user: User) -> bool:
    return is_chair_of(user, directive.committee_id) or is_admin(user)


def visible_directives(queryset: QuerySet, user: User) -> QuerySet:
    if not _active(user):
        return queryset.none()
    if is_admin(user):
        return queryset
    if user.role in ("secretariat", "chair"):
        return queryset.filter(committee_id=user.committee_id)
    if is_agency_staff(user):
        # An agency sees a directive once one of its tasks there has been dispatched to it.
        assigned = (
            apps.get_model("tasks", "TaskAssignment")
            .objects.filter(task__directive=OuterRef("pk"), agency_id=user.agency_id)
            .exclude(task__state="draft")
        )
        return queryset.filter(Exists(assigned))
    return queryset.none()


def can_view_directive(directive: Directive, user: User) -> bool:
    model = type(directive)
    return visible_directives(model.objects.filter(pk=directive.pk), user).exists()


# ---- periodic reports (reporting.models): members submit their own, the standing office
# reviews and consolidates, the chair reads.


def visible_periodic_reports(queryset: QuerySet, user: User) -> QuerySet:
    if not _active(user):
        return queryset.none()
    if is_admin(user):
        return queryset
    if user.role in ("secretariat", "chair"):
        return queryset.filter(period__obligation__committee_id=user.committee_id)
    if user.role in ("agency_officer", "agency_head") and user.agency_id:
        return queryset.filter(agency_id=user.agency_id)
    return queryset.none()


def can_submit_periodic_report(submission, user: User) -> bool:  # noqa: ANN001
    return (
        _active(user)
        and user.role in ("agency_officer", "agency_head")
        and user.agency_id is not None
        and user.agency_id == submission.agency_id
    )


def can_review_periodic_report(submission, user: User) -> bool:  # noqa: ANN001
    return is_secretariat_of(user, submission.period.obligation.committee_id) or is_admin(user)


def can_view_consolidation(committee_id: int | None, user: User) -> bool:
    return is_committee_staff(user, committee_id) or is_admin(user)


def can_define_reporting_obligation(committee_id: int | None, user: User) -> bool:
    """Only the committee's standing office (or an administrator) defines what members owe;
    the chair reads the obligations as committee staff (can_view_consolidation)."""
    return is_secretariat_of(user, committee_id) or is_admin(user)


# ---- generated documents and urging letters (issue 6)


def can_issue_urging_letter(committee_id: int | None, user: User) -> bool:
    """Only the committee's standing office chases agencies with a formal letter."""
    return is_secretariat_of(user, committee_id)


def can_view_urging_letter(letter, user: User) -> bool:  # noqa: ANN001
    """The committee's staff, and the staff of the agency the letter is addressed to."""
    if is_committee_staff(user, letter.committee_id) or is_admin(user):
        return True
    return (
        _active(user)
        and user.role in ("agency_officer", "agency_head")
        and user.agency_id is not None
        and user.agency_id == letter.agency_id
    )


def can_view_agency_figures(committee_id: int | None, agency_id: int, user: User) -> bool:
    """An agency's scorecard: the committee's staff, or that agency's own staff."""
    if is_committee_staff(user, committee_id) or is_admin(user):
        return True
    return (
        _active(user)
        and user.role in ("agency_officer", "agency_head")
        and user.agency_id == agency_id
    )
