"""Writes of the indicators app: recomputing the cache and defining indicators."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parity.accounts.permissions import ASSESS, DEFINE, city_wide
from parity.core.actions import snapshot as audit_snapshot
from parity.core.models import AuditEvent
from parity.indicators.compute import refresh
from parity.indicators.definition import validate_definition
from parity.indicators.error_codes import IndicatorErrorCode
from parity.indicators.models import Indicator, Snapshot
from parity.indicators.tasks import refresh_indicators_task


def indicators_refresh(*, acting_user, as_of: dt.date) -> Snapshot:
    """Recompute every active indicator on the date for the whole city. The cache is
    city-wide, so only a user whose assessment scope is the whole city may start it."""
    if not city_wide(acting_user, ASSESS):
        raise PermissionDenied(_("只有市级用户可以重新计算指标"))
    return refresh(as_of=as_of, acting_user=acting_user)


# A requested refresh not finished after this long is taken to have failed (see its log).
PENDING_MINUTES = 15


def refresh_pending() -> bool:
    """Whether a refresh requested from the page in the last ``PENDING_MINUTES`` has not
    finished yet (no ``indicators.refresh`` audit event since the request)."""
    since = timezone.now() - dt.timedelta(minutes=PENDING_MINUTES)
    events = AuditEvent.objects.filter(at__gte=since)
    requested = events.filter(action="indicators.refresh_requested").order_by("-at").first()
    if requested is None:
        return False
    return not events.filter(action="indicators.refresh", at__gte=requested.at).exists()


def indicators_refresh_start(*, acting_user, as_of: dt.date) -> Snapshot | None:
    """The refresh button: ``indicators_refresh`` in the request when
    ``PARITY_REFRESH_INLINE`` is set (returns the snapshot), otherwise a background task
    (``parity.indicators.tasks.refresh_indicators_task``, the job queue that exports and the
    exchange use) that runs ``parity refresh_indicators`` for the user (returns ``None``; the
    request is audited now, the refresh when it finishes)."""
    if not city_wide(acting_user, ASSESS):
        raise PermissionDenied(_("只有市级用户可以重新计算指标"))
    if settings.PARITY_REFRESH_INLINE:
        return refresh(as_of=as_of, acting_user=acting_user)
    if refresh_pending():
        return None  # one is running: a second would only wait for it and redo its work
    AuditEvent.objects.create(
        actor=acting_user,
        action="indicators.refresh_requested",
        object_type="indicators.snapshot",
        after={"as_of": as_of.isoformat()},
    )
    # The task row is written in this transaction: the request and its job stand or fall
    # together; the worker (`parity worker`, started by `make run`) runs it.
    refresh_indicators_task.enqueue(as_of.isoformat(), acting_user.username)
    return None


def _ensure_can_define(user) -> None:
    if not city_wide(user, DEFINE):
        raise PermissionDenied(_("只有系统管理员可以定义指标"))


@transaction.atomic
def indicator_define(
    *,
    acting_user,
    code: str,
    name: str,
    category: str,
    denominator: dict[str, Any],
    numerator: dict[str, Any],
    name_en: str = "",
    description: str = "",
    description_en: str = "",
    period: str = "year",
    dimensions: list[str] | None = None,
    in_index: bool = False,
    unit: str = "person",
) -> Indicator:
    """Create an administrator's indicator after validating its definition; it is
    computed from the next refresh on."""
    _ensure_can_define(acting_user)
    if Indicator.objects.filter(code=code).exists():
        raise ValidationError(
            {
                "code": ValidationError(
                    _("代码 %(code)s 已被使用") % {"code": code}, code=IndicatorErrorCode.CODE_TAKEN
                )
            }  # fmt: skip
        )
    validate_definition(
        denominator=denominator, numerator=numerator, unit=unit,
        dimensions=dimensions or [], period=period,
    )  # fmt: skip
    indicator = Indicator(
        code=code,
        name=name,
        name_en=name_en,
        category=category,
        description=description,
        description_en=description_en,
        unit=unit,
        denominator=denominator,
        numerator=numerator,
        period=period,
        dimensions=dimensions or [],
        in_index=in_index,
        builtin=False,
        created_by=acting_user,
        sort_order=900,
    )
    indicator.full_clean()
    indicator.save()
    AuditEvent.objects.create(
        actor=acting_user,
        action="indicator.define",
        object_type="indicators.indicator",
        object_id=str(indicator.pk),
        after=audit_snapshot(indicator),
    )
    return indicator


@transaction.atomic
def indicator_set_active(*, acting_user, indicator: Indicator, active: bool) -> Indicator:
    """Switch an indicator on or off (built-in ones too: their definition stays)."""
    _ensure_can_define(acting_user)
    before = indicator.is_active
    indicator.is_active = active
    indicator.save(update_fields=["is_active", "updated_at"])
    AuditEvent.objects.create(
        actor=acting_user,
        action="indicator.set_active",
        object_type="indicators.indicator",
        object_id=str(indicator.pk),
        before={"is_active": before},
        after={"is_active": active},
    )
    return indicator
