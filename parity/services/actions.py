"""Writes for public services: recording a delivery, the catalog, sites and staff."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from parity.accounts.models import Department
from parity.accounts.permissions import SERVE, in_scope
from parity.core.actions import snapshot
from parity.core.error_codes import ErrorCode
from parity.core.models import audit
from parity.people import validators
from parity.people.models import Person
from parity.services.choices import Outcome
from parity.services.details import clean_details
from parity.services.models import ServiceEvent, ServiceType


def ensure_can_serve(user, person: Person) -> None:
    if not in_scope(user, person.area_code, SERVE):
        raise PermissionDenied(_("您无权为该人员记录服务"))


def check_service_date(person: Person, date: dt.date, field: str = "date") -> None:
    try:
        validators.clean_past_date(date, label=_("服务日期"))
    except ValidationError as exc:
        raise ValidationError({field: exc}) from exc
    if date < person.birth_date:
        raise ValidationError(
            {field: ValidationError(_("服务日期早于出生日期"), code=ErrorCode.DATE_ORDER)}
        )


@transaction.atomic
def service_record(
    *,
    acting_user,
    person: Person,
    service_type: ServiceType,
    date: dt.date,
    provider: Department | None = None,
    outcome: str = Outcome.COMPLETED,
    details: dict[str, Any] | None = None,
    note: str = "",
) -> ServiceEvent:
    """Record one delivery of a service to a person. Other apps' actions (vaccination,
    antenatal visit, certificate check, …) call this too, so that every delivery is a
    service event that indicators can count."""
    ensure_can_serve(acting_user, person)
    if not service_type.is_active:
        raise ValidationError(
            {"service_type": ValidationError(_("该服务项目已停用"), code=ErrorCode.INVALID_CHOICE)}
        )
    check_service_date(person, date)
    if outcome not in Outcome.values:
        raise ValidationError(
            {"outcome": ValidationError(_("服务结果无效"), code=ErrorCode.INVALID_CHOICE)}
        )
    try:
        cleaned = clean_details(service_type.details_schema, details)
    except ValidationError as exc:
        raise ValidationError({"details": exc.messages}) from exc
    event = ServiceEvent(
        person=person,
        service_type=service_type,
        date=date,
        provider=provider,
        outcome=outcome,
        details=cleaned,
        note=note[:200],
        area_code=person.area_code,
        recorded_by=acting_user if getattr(acting_user, "pk", None) else None,
    )
    event.full_clean()
    event.save()
    audit(
        acting_user=acting_user,
        action="service.record",
        obj=event,
        area_code=event.area_code,
        after=snapshot(event),
    )
    return event
