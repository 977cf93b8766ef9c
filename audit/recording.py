"""record_access(): the one way an access event is written."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeAlias

from django.contrib.auth import get_user_model
from django.http import HttpRequest

from project.client_ip import client_ip

from .models import AccessEvent, ChangeEvent

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser

    # audit comes before agencies (docs/architecture.md), so it knows Django's user types only
    AnyUser: TypeAlias = AbstractBaseUser | AnonymousUser | None


def _username_of(user: AnyUser) -> str:
    return getattr(user, get_user_model().USERNAME_FIELD, "") or ""


def record_access(
    kind: str,
    *,
    request: HttpRequest | None = None,
    user: AnyUser = None,
    username: str = "",
    status: int | None = None,
    detail: str = "",
    ip_address: str | None = None,
) -> AccessEvent:
    """Write one access event. A username without a user is looked up (failed logins of real
    accounts then show in their committee's log); unknown names are kept as typed."""
    User = get_user_model()
    if not isinstance(user, User):  # AnonymousUser: nobody
        user = None
    if user is None and username:
        user = User.objects.filter(**{User.USERNAME_FIELD: username}).first()
    meta = request.META if request is not None else {}
    return AccessEvent.objects.create(
        kind=kind,
        user=user,
        username=(username or _username_of(user))[:150],
        committee_id=getattr(user, "committee_id", None),
        agency_id=getattr(user, "agency_id", None),
        ip_address=ip_address or (client_ip(request) if request is not None else None),
        method=(request.method or "")[:10] if request is not None else "",
        path=request.get_full_path()[:500] if request is not None else "",
        status=status,
        detail=str(detail)[:500],
        user_agent=meta.get("HTTP_USER_AGENT", "")[:300],
    )


def record_change(
    kind: str,
    *,
    actor: AnyUser = None,
    committee: Any = None,  # agencies' Committee, which audit (before agencies) cannot name
    subject: str = "",
    changes: dict | None = None,
    detail: str = "",
) -> ChangeEvent:
    """Write one change event, in the caller's transaction."""
    return ChangeEvent.objects.create(
        kind=kind,
        actor=actor if isinstance(actor, get_user_model()) else None,
        committee=committee,
        subject=str(subject)[:255],
        changes=_jsonable(changes or {}),
        detail=str(detail)[:500],
    )


def _jsonable(value: object) -> object:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)
