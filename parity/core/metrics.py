"""``/metrics`` for Prometheus (django-prometheus), kept from the intranet at large.

A scrape is let in when it carries ``Authorization: Bearer <PARITY_METRICS_TOKEN>``, or
when it comes straight (no ``X-Forwarded-For`` / ``Forwarded`` header) from an address in
``PARITY_METRICS_ALLOWED_IPS``. A request relayed by the reverse proxy arrives from the
proxy's address, often 127.0.0.1: without that header test it would look local.
"""

from __future__ import annotations

import hmac
import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django_prometheus.exports import ExportToDjangoView

from parity.core.logs import security_event

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(allowed: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(item, strict=False) for item in allowed)


def _token_ok(request: HttpRequest) -> bool:
    token = settings.PARITY_METRICS_TOKEN
    if not token:
        return False
    scheme, _sep, given = request.headers.get("Authorization", "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip(), token)


def _address_ok(request: HttpRequest) -> bool:
    if "X-Forwarded-For" in request.headers or "Forwarded" in request.headers:
        return False
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(address in net for net in _networks(tuple(settings.PARITY_METRICS_ALLOWED_IPS)))


def metrics_allowed(request: HttpRequest) -> bool:
    return _token_ok(request) or _address_ok(request)


@never_cache
def metrics_view(request: HttpRequest) -> HttpResponse:
    if not metrics_allowed(request):
        security_event(
            "metrics_refused",
            remote_addr=request.META.get("REMOTE_ADDR", ""),
            forwarded="X-Forwarded-For" in request.headers,
        )
        return HttpResponse(
            _("无权访问监控指标"), status=403, content_type="text/plain; charset=utf-8"
        )
    return ExportToDjangoView(request)
