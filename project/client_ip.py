"""The client's address, the same for the login lockout (django-axes) and the audit trail.

Behind a reverse proxy every connection comes from the proxy, so the address is read from the
header the proxy sets (settings.CLIENT_IP_HEADER, e.g. X-Forwarded-For). A client can write that
header too; only the entries the trusted proxies appended count: with CLIENT_IP_PROXY_COUNT
proxies, the N-th entry from the right.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _valid(address: str) -> str | None:
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    header = getattr(settings, "CLIENT_IP_HEADER", "")
    if header:
        key = header.upper().replace("-", "_")
        if not key.startswith("HTTP_"):
            key = f"HTTP_{key}"
        hops = [hop.strip() for hop in request.META.get(key, "").split(",") if hop.strip()]
        count = max(1, getattr(settings, "CLIENT_IP_PROXY_COUNT", 1))
        if len(hops) >= count:
            address = _valid(hops[-count])
            if address:
                return address
    return _valid(request.META.get("REMOTE_ADDR", "") or "")
