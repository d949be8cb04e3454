"""Per-request sign-in rules: session limits, and the second factor where it is required."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from parity.accounts.sessions import session_expired, session_touch
from parity.accounts.two_factor import code_needed, user_has_totp


class SessionLimitsMiddleware:
    """Signs a user out after ``PARITY_SESSION_IDLE_MINUTES`` without a request, or
    ``PARITY_SESSION_MAX_HOURS`` after the sign-in, and sends them to the sign-in page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = timezone.now()
            if session_expired(request.session, now):
                logout(request)
                messages.info(request, _("登录已超时，请重新登录。"))
                query = urlencode({"next": request.get_full_path()})
                return HttpResponseRedirect(f"{reverse('login')}?{query}")
            session_touch(request.session, now)
        return self.get_response(request)


class TwoFactorRequiredMiddleware:
    """Until a user who needs a second factor (by role, or because they enrolled one) has
    passed it in this session, every view but
    sign-in, sign-out, the language switch and the enrolment and verification pages
    redirects: to enrolment while they have no authenticator, else to verification. The
    admin site needs it of every staff user. Token-authenticated API calls carry no session: the
    token endpoint asks for the code itself."""

    OPEN_VIEWS = {"login", "logout", "set_language", "two_factor_setup", "two_factor_verify"}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        match = request.resolver_match
        if (
            not user.is_authenticated
            or user.is_verified()
            or match.url_name in self.OPEN_VIEWS
            # The admin site asks its staff; anyone else is turned away by the admin itself.
            or not (
                code_needed(user, request.session)
                or ("admin" in match.namespaces and user.is_staff)
            )
        ):
            return None
        name = "two_factor_verify" if user_has_totp(user) else "two_factor_setup"
        query = urlencode({"next": request.get_full_path()})
        return HttpResponseRedirect(f"{reverse(name)}?{query}")
