"""Sign-in lockout (django-axes): per username and address, and per username alone.

A username is locked after ``AXES_FAILURE_LIMIT`` failures from one address, and after
``PARITY_LOCKOUT_USER_LIMIT`` failures from any number of addresses, so that an attacker
who rotates addresses gains only the higher count. Failures older than the cool-off no
longer count. Each refused attempt is a security event in the audit log.
"""

from __future__ import annotations

import logging
import math

from axes.handlers.database import AxesDatabaseHandler
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Sum
from django.dispatch import receiver
from django.shortcuts import render

from parity.core.models import audit

logger = logging.getLogger(__name__)

LOCKOUT_ACTION = "security.lockout"


class TieredLockoutHandler(AxesDatabaseHandler):
    """Axes' database handler with a second, higher limit for the username alone.

    Axes compares one count with one limit: this returns the failures of the pair
    (username, address), or those of the username from everywhere once they reach
    ``PARITY_LOCKOUT_USER_LIMIT`` (which is at least the pair's limit, so they lock)."""

    def get_failures(self, request, credentials=None) -> int:
        # In the order of AXES_LOCKOUT_PARAMETERS: the pair, then the username alone.
        pair, username_only = (
            attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        if username_only >= settings.PARITY_LOCKOUT_USER_LIMIT:
            return max(pair, username_only)
        return pair


def lockout_response(request, original_response=None, credentials=None):
    """The page a locked-out client gets instead of the sign-in form (HTTP 429)."""
    minutes = math.ceil(settings.AXES_COOLOFF_TIME.total_seconds() / 60)
    return render(request, "accounts/locked_out.html", {"minutes": minutes}, status=429)


@receiver(user_locked_out)
def audit_lockout(sender, request, username, ip_address, **kwargs) -> None:
    user = get_user_model().objects.filter(username=username).first() if username else None
    audit(
        acting_user=None,
        action=LOCKOUT_ACTION,
        obj=user,
        object_type="" if user else "accounts.user",
        note=f"username={username or ''} ip={ip_address or ''}",
    )
    logger.warning("sign-in locked out", extra={"ip_address": ip_address})
