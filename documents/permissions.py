"""Who may see and do what on directives and on the urging letters the committee issues.

Built on the role checks of agencies/permissions.py. Lists decide visibility with one indexed
EXISTS subquery (`Directive.objects.visible_to(user)`), single objects with these predicates.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from django.db.models import Exists, OuterRef, QuerySet

from agencies.permissions import (
    is_active,
    is_admin,
    is_agency_staff,
    is_chair_of,
    is_committee_staff,
    is_secretariat_of,
)

if TYPE_CHECKING:
    from agencies.models import User
    from agencies.permissions import AnyUser

    from .models import Directive, UrgingLetter

# the queryset given back is the one taken, narrowed (Directive.objects.visible_to)
Directives = TypeVar("Directives", bound=QuerySet[Any])


def can_manage_directive(directive: Directive, user: AnyUser) -> bool:
    return is_secretariat_of(user, directive.committee_id) or is_admin(user)


def can_approve_directive(directive: Directive, user: AnyUser) -> bool:
    return is_chair_of(user, directive.committee_id) or is_admin(user)


def visible_directives(queryset: Directives, user: AnyUser) -> Directives:
    if not is_active(user):
        return queryset.none()
    if is_admin(user):
        return queryset
    if user.role in ("secretariat", "chair"):
        return queryset.filter(committee_id=user.committee_id)
    if is_agency_staff(user):
        # An agency sees a directive once one of its tasks there has been dispatched to it.
        # The tasks point at the directive, not the other way: the query follows the reverse
        # relation, so documents imports nothing from the tasks app that builds on it.
        task_model = queryset.model._meta.get_field("tasks").related_model
        dispatched = task_model.objects.filter(
            directive=OuterRef("pk"), assignments__agency_id=user.agency_id
        ).exclude(state="draft")
        return queryset.filter(Exists(dispatched))
    return queryset.none()


def can_view_directive(directive: Directive, user: AnyUser) -> bool:
    model = type(directive)
    return visible_directives(model.objects.filter(pk=directive.pk), user).exists()


# ---- urging letters (issue 6)


def can_issue_urging_letter(committee_id: int | None, user: User) -> bool:
    """Only the committee's standing office chases agencies with a formal letter."""
    return is_secretariat_of(user, committee_id)


def can_view_urging_letter(letter: UrgingLetter, user: User) -> bool:
    """The committee's staff, and the staff of the agency the letter is addressed to."""
    if is_committee_staff(user, letter.committee_id) or is_admin(user):
        return True
    return (
        is_active(user)
        and user.role in ("agency_officer", "agency_head")
        and user.agency_id is not None
        and user.agency_id == letter.agency_id
    )
