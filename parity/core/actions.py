"""Helpers that every app's actions use: the permission check and audit snapshots."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext as _

from parity.accounts.permissions import in_scope
from parity.core.logs import security_event

# Never copied into audit rows: ciphertext and blind indexes.
_SECRET_SUFFIXES = ("_enc", "_hash")


class RateLimited(PermissionDenied):
    """Refused because the user did this too often of late (the API answers 429)."""


def ensure_can(user, action: str, area_code: str | None) -> None:
    if not in_scope(user, area_code, action):
        security_event(
            "out_of_scope",
            user_id=getattr(user, "pk", None),
            action=action,
            area_code=area_code,
        )
        raise PermissionDenied(_("您无权在该区域执行此操作"))


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    return value


def snapshot(obj: models.Model) -> dict[str, Any]:
    """The audit-safe state of a model instance: concrete fields, secrets left out."""
    data: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if field.name.endswith(_SECRET_SUFFIXES) or field.name in ("created_at", "updated_at"):
            continue
        data[field.attname] = _plain(getattr(obj, field.attname))
    return data


def changed(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}
