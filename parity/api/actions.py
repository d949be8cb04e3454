"""Writes owned by the API: issuing the tokens its clients authenticate with."""

from __future__ import annotations

from django.db import transaction
from rest_framework.authtoken.models import Token

from parity.core.models import audit


@transaction.atomic
def api_token_issue(*, acting_user, user, reset: bool = False) -> tuple[Token, bool]:
    """The user's API token, created if missing (or replaced when ``reset``); audited
    without the key. Returns the token and whether it is new."""
    token = Token.objects.filter(user=user).first()
    if token is not None and not reset:
        return token, False
    replaced = token is not None
    if token is not None:
        token.delete()
    token = Token.objects.create(user=user)
    audit(
        acting_user=acting_user,
        action="api_token.reset" if replaced else "api_token.create",
        obj=user,
        area_code=user.area_code or "",
    )
    return token, True
