"""Session limits: an idle timeout and an absolute lifetime counted from the sign-in."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.utils import timezone

SIGNED_IN_AT = "parity_signed_in_at"
SEEN_AT = "parity_seen_at"
# The last-seen stamp is rewritten at most this often, so that a burst of requests (a
# page and its htmx fragments) does not write the session row each time.
SEEN_RESOLUTION = dt.timedelta(seconds=60)


@receiver(user_logged_in)
def stamp_sign_in(sender, request, user, **kwargs) -> None:
    now = timezone.now().timestamp()
    request.session[SIGNED_IN_AT] = now
    request.session[SEEN_AT] = now


def session_expired(session, now: dt.datetime) -> bool:
    """Whether a signed-in session is past its idle timeout or its absolute lifetime. A
    session without the stamps (signed in before they existed) counts as expired."""
    signed_in_at = session.get(SIGNED_IN_AT)
    seen_at = session.get(SEEN_AT)
    if signed_in_at is None or seen_at is None:
        return True
    stamp = now.timestamp()
    idle = dt.timedelta(minutes=settings.PARITY_SESSION_IDLE_MINUTES).total_seconds()
    lifetime = dt.timedelta(hours=settings.PARITY_SESSION_MAX_HOURS).total_seconds()
    return stamp - seen_at > idle or stamp - signed_in_at > lifetime


def session_touch(session, now: dt.datetime) -> None:
    if now.timestamp() - session.get(SEEN_AT, 0) >= SEEN_RESOLUTION.total_seconds():
        session[SEEN_AT] = now.timestamp()
