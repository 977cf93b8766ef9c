"""Logins, failed logins, logouts (Django's auth signals), lockouts and unlocks (django-axes)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_delete

from .models import AccessEventKind
from .recording import record_access

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.http import HttpRequest


def on_login(
    sender: object, request: HttpRequest | None, user: AbstractBaseUser, **kwargs: Any
) -> None:
    record_access(AccessEventKind.LOGIN, request=request, user=user, status=200)


def on_login_failed(
    sender: object,
    credentials: dict[str, Any],
    request: HttpRequest | None = None,
    **kwargs: Any,
) -> None:
    field = get_user_model().USERNAME_FIELD
    username = str(credentials.get(field) or credentials.get("username") or "")
    record_access(AccessEventKind.LOGIN_FAILED, request=request, username=username)


def on_logout(
    sender: object,
    request: HttpRequest | None,
    user: AbstractBaseUser | None,
    **kwargs: Any,
) -> None:
    expired = request is not None and getattr(request, "session_expired", False)
    record_access(
        AccessEventKind.LOGOUT,
        request=request,
        user=user,
        detail="session timed out" if expired else "",
    )


def on_locked_out(
    sender: object,
    request: HttpRequest | None,
    username: str | None,
    ip_address: str | None,
    **kwargs: Any,
) -> None:
    record_access(
        AccessEventKind.LOCKED_OUT,
        request=request,
        username=username or "",
        ip_address=ip_address,
        status=settings.AXES_HTTP_RESPONSE_CODE,
        detail=f"{settings.AXES_FAILURE_LIMIT} failed logins",
    )


def on_attempt_deleted(sender: object, instance: AccessAttempt, **kwargs: Any) -> None:
    """An axes attempt record removed while it was a lockout: the lock is lifted (by an
    administrator, `axes_reset`, or the cool-off running out)."""
    if instance.failures_since_start < settings.AXES_FAILURE_LIMIT:
        return  # a few failures forgotten after a good login: not a lockout
    record_access(
        AccessEventKind.UNLOCKED,
        username=instance.username or "",
        ip_address=instance.ip_address,
        detail=f"after {instance.failures_since_start} failed logins",
    )


def connect() -> None:
    user_logged_in.connect(on_login, dispatch_uid="audit.login")
    user_login_failed.connect(on_login_failed, dispatch_uid="audit.login_failed")
    user_logged_out.connect(on_logout, dispatch_uid="audit.logout")
    user_locked_out.connect(on_locked_out, dispatch_uid="audit.locked_out")
    post_delete.connect(on_attempt_deleted, sender=AccessAttempt, dispatch_uid="audit.unlocked")
