"""Who may see and do what: roles, and the rules built on them.

Role checks (secretariat and chair act for their committee; agency staff for their agency).
This module knows roles only: each app decides who may see and do what on its own records with
these checks (documents/permissions.py, tasks/permissions.py, reporting/permissions.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias, TypeGuard

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from .models import User

    # Whoever a request or a caller has: one of ours, nobody signed in, or no one at all.
    AnyUser: TypeAlias = User | AnonymousUser | None


def is_active(user: AnyUser) -> TypeGuard[User]:
    return bool(user and user.is_authenticated and user.is_active)


_active = is_active


def is_agency_staff(user: AnyUser) -> TypeGuard[User]:
    return (
        is_active(user) and user.role in ("agency_officer", "agency_head") and bool(user.agency_id)
    )


def is_agency_head_of(user: AnyUser, agency_id: int | None) -> bool:
    return is_active(user) and user.role == "agency_head" and user.agency_id == agency_id


def is_staff_of_agency(user: AnyUser, agency_id: int | None) -> bool:
    return is_agency_staff(user) and user.agency_id == agency_id


def is_admin(user: AnyUser) -> bool:
    return _active(user) and (user.is_superuser or user.role == "admin")


def is_secretariat_of(user: AnyUser, committee_id: int | None) -> bool:
    # Committee None is nobody's: an account not yet given its committee is no one's office.
    return (
        _active(user)
        and user.role == "secretariat"
        and committee_id is not None
        and user.committee_id == committee_id
    )


def is_chair_of(user: AnyUser, committee_id: int | None) -> bool:
    return (
        _active(user)
        and user.role == "chair"
        and committee_id is not None
        and user.committee_id == committee_id
    )


def is_committee_staff(user: AnyUser, committee_id: int | None) -> bool:
    return is_secretariat_of(user, committee_id) or is_chair_of(user, committee_id)


# ---- generated documents


def can_view_agency_figures(committee_id: int | None, agency_id: int, user: User) -> bool:
    """An agency's scorecard: the committee's staff, or that agency's own staff."""
    if is_committee_staff(user, committee_id) or is_admin(user):
        return True
    return (
        _active(user)
        and user.role in ("agency_officer", "agency_head")
        and user.agency_id == agency_id
    )
