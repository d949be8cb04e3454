"""Sign-in pages beyond Django's own: two-factor enrolment and verification, password change."""

from __future__ import annotations

import logging
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django_otp import login as otp_login

from parity.accounts import two_factor
from parity.accounts.actions import totp_device_confirm

logger = logging.getLogger(__name__)


class CodeForm(forms.Form):
    otp_token = forms.CharField(
        label=gettext_lazy("验证码"),
        max_length=16,
        help_text=gettext_lazy("认证应用当前显示的 6 位数字"),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
        error_messages={"required": gettext_lazy("请输入验证码。")},
    )


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return str(settings.LOGIN_REDIRECT_URL)


@never_cache
@login_required
def two_factor_setup(request):
    """Enrol an authenticator app: scan the QR code (or type the secret), enter a code."""
    if two_factor.user_has_totp(request.user):
        messages.info(request, _("您已启用两步验证。"))
        return redirect(_next_url(request))
    device = two_factor.pending_totp_device(request.user)
    form = CodeForm(request.POST or None)
    if form.is_valid():
        if totp_device_confirm(
            acting_user=request.user, device=device, token=form.cleaned_data["otp_token"]
        ):
            otp_login(request, device)
            messages.success(request, _("两步验证已启用。以后登录时需输入认证应用中的验证码。"))
            return redirect(_next_url(request))
        form.add_error("otp_token", _("验证码不正确，请输入认证应用当前显示的 6 位数字。"))
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "qr_svg": two_factor.qr_code_svg(device),
            "secret": two_factor.secret_for_display(device),
            "required": two_factor.two_factor_required(request.user),
            "next": _next_url(request),
        },
    )


@never_cache
@login_required
def two_factor_verify(request):
    """The second step of the sign-in: a code from the enrolled authenticator."""
    if not two_factor.user_has_totp(request.user):
        query = urlencode({"next": _next_url(request)})
        return redirect(f"{reverse('two_factor_setup')}?{query}")
    form = CodeForm(request.POST or None)
    if form.is_valid():
        device = two_factor.verified_device(request.user, form.cleaned_data["otp_token"])
        if device is not None:
            otp_login(request, device)
            return redirect(_next_url(request))
        logger.warning("two-factor code refused", extra={"user_id": request.user.pk})
        form.add_error("otp_token", _("验证码不正确或已过期，请输入认证应用当前显示的 6 位数字。"))
    return render(
        request, "accounts/two_factor_verify.html", {"form": form, "next": _next_url(request)}
    )


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("web:home")

    def form_valid(self, form):
        messages.success(self.request, _("密码已修改。"))
        return super().form_valid(form)
