"""Response headers and session limits for signed-in people.

- PrivateResponseMiddleware: a page or a download shown to a signed-in person, or any
  attachment, is never stored by a browser or a shared cache (`Cache-Control: no-store`);
  every response carries the Permissions-Policy from settings.
- SessionTimeoutMiddleware: a session left idle for SESSION_IDLE_MINUTES, or older than
  SESSION_MAX_HOURS, is logged out; the next page asks to log in again.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser

LAST_SEEN_KEY = "dondoc:last_seen"
LOGIN_AT_KEY = "dondoc:login_at"
TOUCH_EVERY_SECONDS = 60  # write the session at most once a minute, not on every request


class RequestSizeLimitMiddleware:
    """Refuse (413) a request whose body is larger than all its allowed uploads together, before
    anything reads it: no form, however its files are checked, receives 10 × 19 MB."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = (settings.UPLOAD_MAX_REQUEST_MB + 1) * 1024 * 1024  # + 1 MB for the fields
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > limit:
            message = _("The request is larger than %(size)s MB.") % {
                "size": settings.UPLOAD_MAX_REQUEST_MB
            }
            return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


class PrivateResponseMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        signed_in = bool(user is not None and user.is_authenticated)
        attachment = "attachment" in response.get("Content-Disposition", "")
        if signed_in or attachment or response.cookies:
            patch_cache_control(response, no_store=True, private=True, max_age=0)
        policy = getattr(settings, "PERMISSIONS_POLICY", "")
        if policy and not response.has_header("Permissions-Policy"):
            response["Permissions-Policy"] = policy
        return response


def stamp_session(
    sender: object, request: HttpRequest | None, user: AbstractBaseUser, **kwargs: Any
) -> None:
    """On login (a user_logged_in receiver): start both clocks, so the next request need not
    write the session."""
    if request is not None and hasattr(request, "session"):
        now = time.time()
        request.session[LOGIN_AT_KEY] = now
        request.session[LAST_SEEN_KEY] = now


class SessionTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = time.time()
            session = request.session
            last_seen = session.get(LAST_SEEN_KEY)
            login_at = session.setdefault(LOGIN_AT_KEY, now)
            idle = settings.SESSION_IDLE_MINUTES * 60
            if (last_seen is not None and now - last_seen > idle) or (
                now - login_at > settings.SESSION_MAX_HOURS * 3600
            ):
                # audit/signals.py records the logout as a timeout from this flag
                request.session_expired = True  # type: ignore[attr-defined]
                logout(request)  # the audit trail records it as a logout (timeout)
            elif last_seen is None or now - last_seen > TOUCH_EVERY_SECONDS:
                session[LAST_SEEN_KEY] = now
        return self.get_response(request)


class LoginLockoutBackend(AxesStandaloneBackend):
    """django-axes' lockout check, for logins that come with a request (the login page, the
    admin's, DRF's token view). A call without one (Django's test client, a management
    command checking a password) has no address to lock, so axes has nothing to say."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> AbstractBaseUser | None:
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
