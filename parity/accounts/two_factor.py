"""Two-factor sign-in with time-based one-time codes (TOTP, RFC 6238) through django-otp.

Required for superusers and the roles in ``PARITY_2FA_REQUIRED_ROLES`` (administrators and
officials by default), optional for everyone else. The enrolment page shows the secret as
a QR code drawn here, as inline SVG: no image service, nothing fetched.
"""

from __future__ import annotations

from base64 import b32encode

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.utils.safestring import SafeString, mark_safe
from django_otp import match_token
from django_otp.plugins.otp_totp.models import TOTPDevice

ENROLMENT_DEVICE_NAME = "authenticator"
# Set at sign-in: the user has an authenticator, so this session needs its code even where
# the role does not require one (decided once, not with a query on every request).
ENROLLED_AT_SIGN_IN = "parity_2fa_enrolled"


def two_factor_required(user) -> bool:
    return bool(user.is_superuser or user.role in settings.PARITY_2FA_REQUIRED_ROLES)


def user_has_totp(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def code_needed(user, session) -> bool:
    """Whether this signed-in session must pass the second factor (on any page)."""
    return two_factor_required(user) or bool(session.get(ENROLLED_AT_SIGN_IN))


@receiver(user_logged_in)
def note_enrolment(sender, request, user, **kwargs) -> None:
    request.session[ENROLLED_AT_SIGN_IN] = user_has_totp(user)


def pending_totp_device(user) -> TOTPDevice:
    """The user's unconfirmed authenticator, created on first call: the QR code stays the
    same until they confirm it with a code."""
    device, _created = TOTPDevice.objects.get_or_create(
        user=user, confirmed=False, defaults={"name": ENROLMENT_DEVICE_NAME}
    )
    return device


def secret_for_display(device: TOTPDevice) -> str:
    """The secret in base32, in groups of four, for typing into an app by hand."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_code_svg(device: TOTPDevice) -> SafeString:
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
    # Our own markup: paths drawn from the otpauth URL, no text from the user in clear.
    return mark_safe(image.to_string(encoding="unicode"))  # noqa: S308


def verified_device(user, token: str):
    """The confirmed device (authenticator or backup code) that accepts ``token``, or None.
    Each device slows down repeated wrong codes itself (django-otp's throttling)."""
    token = "".join(token.split())
    if not token:
        return None
    return match_token(user, token)
