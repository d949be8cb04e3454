"""Writes of the accounts app: each in one transaction, with an audit event."""

from __future__ import annotations

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from parity.core.models import audit


def totp_device_confirm(*, acting_user, device: TOTPDevice, token: str) -> bool:
    """Confirm the user's new authenticator with a code it shows; False if the code is wrong."""
    with transaction.atomic():
        if device.user_id != acting_user.pk or not device.verify_token("".join(token.split())):
            return False
        device.confirmed = True
        device.full_clean()
        device.save(update_fields=["confirmed"])
        audit(acting_user=acting_user, action="security.2fa_enrolled", obj=acting_user)
        return True
