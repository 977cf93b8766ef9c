"""One log line per request: method, path, status, duration, user."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

logger = logging.getLogger("ops.requests")


class RequestLogMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.monotonic()
        status = 500  # what the client gets if a view raises
        try:
            response = self.get_response(request)
            status = response.status_code
            return response
        finally:
            duration_ms = round((time.monotonic() - started) * 1000, 1)
            user = getattr(request, "user", None)
            logger.info(
                "%s %s %s %.0fms",
                request.method,
                request.path,
                status,
                duration_ms,
                extra={
                    "fields": {
                        "event": "request",
                        "method": request.method,
                        "path": request.path,
                        "status": status,
                        "duration_ms": duration_ms,
                        "user_id": user.pk if user is not None and user.is_authenticated else None,
                        "remote_addr": request.META.get("REMOTE_ADDR"),
                        "forwarded_for": request.META.get("HTTP_X_FORWARDED_FOR"),
                    }
                },
            )
