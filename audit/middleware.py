"""Every refused request (401 or 403, from a view, the API or the CSRF check) is recorded."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from .models import AccessEventKind
from .recording import record_access

logger = logging.getLogger(__name__)
DENIED_STATUSES = {401, 403}


class DeniedAccessMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code in DENIED_STATUSES:
            try:
                record_access(
                    AccessEventKind.DENIED,
                    request=request,
                    user=getattr(request, "user", None),
                    status=response.status_code,
                    detail=getattr(response, "reason_phrase", "") or "",
                )
            except Exception:  # the refusal stands even if the log cannot be written
                logger.exception("could not record a denied access to %s", request.path)
        return response
