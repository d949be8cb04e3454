"""Writes for public services: recording a delivery, the catalog, sites and staff."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from parity.accounts.models import Department
from parity.accounts.permissions import CHANGE, SERVE, VIEW, in_scope, scope_code
from parity.core.actions import ensure_can, snapshot
from parity.core.error_codes import ErrorCode
from parity.core.logs import security_event
from parity.core.models import audit
from parity.people import validators
from parity.people.models import Person
from parity.services.choices import Outcome
from parity.services.details import clean_details
from parity.services.keygroups import KEY_GROUPS, members
from parity.services.models import (
    KeyGroupList,
    KeyGroupMember,
    ProviderStaff,
    ServiceEvent,
    ServiceType,
    Visit,
)
from parity.services.recording import check_general_record


def ensure_can_serve(user, person: Person) -> None:
    if not in_scope(user, person.area_code, SERVE):
        security_event(
            "out_of_scope",
            user_id=getattr(user, "pk", None),
            action=SERVE,
            area_code=person.area_code,
            person_id=person.pk,
        )
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
    own_record: bool = False,
) -> ServiceEvent:
    """Record one delivery of a service to a person. Other apps' actions (vaccination,
    antenatal visit, certificate check, …) call this too, with ``own_record=True``, so
    that every delivery is a service event that indicators can count; anyone else is
    refused such a service (``recording.check_general_record``): its own record is what
    counts."""
    ensure_can_serve(acting_user, person)
    if not service_type.is_active:
        raise ValidationError(
            {"service_type": ValidationError(_("该服务项目已停用"), code=ErrorCode.INVALID_CHOICE)}
        )
    if not own_record:
        check_general_record(service_type)
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


@transaction.atomic
def visit_record(
    *,
    acting_user,
    person: Person,
    visited_on: dt.date,
    outcome: str,
    note: str = "",
) -> Visit:
    """A home visit (入户走访) by a grid worker or community officer."""
    ensure_can_serve(acting_user, person)
    check_service_date(person, visited_on, field="visited_on")
    visit = Visit(
        person=person,
        visited_on=visited_on,
        outcome=outcome,
        note=note.strip()[:500],
        area_code=person.area_code,
        visitor=acting_user if getattr(acting_user, "pk", None) else None,
    )
    visit.full_clean(exclude=["visitor"])
    visit.save()
    audit(
        acting_user=acting_user,
        action="visit.record",
        obj=visit,
        area_code=visit.area_code,
        after=snapshot(visit),
    )
    return visit


@transaction.atomic
def key_group_save(*, acting_user, group: str, on: dt.date, area_code: str | None = None):
    """Save a key group's current members in the user's area as a list."""
    if group not in KEY_GROUPS:
        raise ValidationError(
            {"group": ValidationError(_("未知的重点对象类别"), code=ErrorCode.INVALID_CHOICE)}
        )
    scope = scope_code(acting_user, VIEW)
    if scope is None:
        raise PermissionDenied(_("您无权查看重点对象"))
    area_code = area_code or scope
    if not area_code.startswith(scope):
        security_event("out_of_scope", user_id=acting_user.pk, action=VIEW, area_code=area_code)
        raise PermissionDenied(_("您无权在该区域执行此操作"))
    found: QuerySet[Any] = members(group, on, area_code=area_code)
    rows = list(found.values_list("pk", "since"))
    saved = KeyGroupList.objects.create(
        group=group, as_of=on, area_code=area_code or "", created_by=acting_user, size=len(rows)
    )
    KeyGroupMember.objects.bulk_create(
        [KeyGroupMember(saved_list=saved, person_id=pk, since=since) for pk, since in rows],
        batch_size=5000,
    )
    audit(
        acting_user=acting_user,
        action="keygroup.save",
        obj=saved,
        area_code=area_code,
        after={"group": group, "as_of": on.isoformat(), "size": len(rows)},
    )
    return saved


@transaction.atomic
def staff_register(
    *, acting_user, name: str, role: str, department: Department, phone: str = ""
) -> ProviderStaff:
    ensure_can(acting_user, CHANGE, department.area.code)
    try:
        phone = validators.clean_phone(phone)
    except ValidationError as exc:
        raise ValidationError({"phone": exc}) from exc
    staff = ProviderStaff(
        name=name.strip(), role=role, department=department, area_code=department.area.code
    )
    staff.set_phone(phone)
    staff.full_clean()
    staff.save()
    audit(
        acting_user=acting_user,
        action="staff.register",
        obj=staff,
        area_code=staff.area_code,
        after=snapshot(staff),
    )
    return staff


@transaction.atomic
def department_register(*, acting_user, name: str, kind: str, area) -> Department:
    """A service provider or office on the area tree (a health site, school, …)."""
    ensure_can(acting_user, CHANGE, area.code)
    department = Department(name=name.strip(), kind=kind, area=area)
    department.full_clean()
    department.save()
    audit(
        acting_user=acting_user,
        action="department.register",
        obj=department,
        area_code=area.code,
        after=snapshot(department),
    )
    return department
