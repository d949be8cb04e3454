"""Who is on the other end of a request, as far as the configured proxies can be trusted."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: REMOTE_ADDR, or, behind ``PARITY_TRUSTED_PROXY_COUNT`` proxies,
    the X-Forwarded-For entry the outermost of them appended.

    Entries further left were written by the client and prove nothing. This is the rule of
    DRF's throttles with ``NUM_PROXIES`` set to the same count, so the login lockout and the
    API throttle see the same client.
    """
    remote_addr = request.META.get("REMOTE_ADDR")
    proxies = settings.PARITY_TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    if proxies <= 0 or not forwarded:
        return remote_addr
    entries = [entry.strip() for entry in forwarded.split(",")]
    return entries[-min(proxies, len(entries))] or remote_addr
