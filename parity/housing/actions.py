"""Writes to the housing register (dwellings and landlords)."""

from __future__ import annotations

from collections.abc import Collection

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from parity.areas.choices import Level
from parity.areas.models import Area
from parity.core.actions import changed, ensure_can, snapshot
from parity.core.concurrency import check_version
from parity.core.error_codes import ErrorCode
from parity.core.models import audit
from parity.housing.models import Dwelling
from parity.people import validators
from parity.people.models import Person


@transaction.atomic
def dwelling_register(
    *,
    acting_user,
    address: str,
    grid: Area,
    dwelling_type: str,
    is_let: bool = False,
    landlord_kind: str = "",
    landlord_name: str = "",
    landlord_phone: str = "",
    landlord_person: Person | None = None,
) -> Dwelling:
    if grid.level != Level.GRID:
        raise ValidationError(
            {"grid": ValidationError(_("请选择网格一级"), code=ErrorCode.AREA_NOT_GRID)}
        )
    ensure_can(acting_user, "change", grid.code)
    try:
        phone = validators.clean_phone(landlord_phone)
    except ValidationError as exc:
        raise ValidationError({"landlord_phone": exc}) from exc
    dwelling = Dwelling(
        address=address.strip(),
        grid=grid,
        area_code=grid.code,
        dwelling_type=dwelling_type,
        is_let=is_let,
        landlord_kind=landlord_kind,
        landlord_name=landlord_name or (landlord_person.name if landlord_person else ""),
        landlord_person=landlord_person,
    )
    dwelling.set_landlord_phone(phone)
    dwelling.full_clean()
    dwelling.save()
    audit(
        acting_user=acting_user,
        action="dwelling.register",
        obj=dwelling,
        area_code=dwelling.area_code,
        after=snapshot(dwelling),
    )
    return dwelling


DWELLING_EDITABLE = (
    "address",
    "dwelling_type",
    "is_let",
    "landlord_kind",
    "landlord_name",
    "landlord_person",
)


@transaction.atomic
def dwelling_update(
    *,
    acting_user,
    dwelling: Dwelling,
    landlord_phone: str | None = None,
    expected_version: str | Collection[str] | None = None,
    **fields,
) -> Dwelling:
    """Change a dwelling; refused with ``ErrorCode.STALE`` if it changed since the editor
    read ``expected_version`` (``core.concurrency``)."""
    ensure_can(acting_user, "change", dwelling.area_code)
    unknown = set(fields) - set(DWELLING_EDITABLE)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    dwelling = Dwelling.objects.select_for_update().get(pk=dwelling.pk)
    check_version(dwelling, expected_version)
    before = snapshot(dwelling)
    for key, value in fields.items():
        setattr(dwelling, key, value)
    if landlord_phone is not None:
        try:
            dwelling.set_landlord_phone(validators.clean_phone(landlord_phone))
        except ValidationError as exc:
            raise ValidationError({"landlord_phone": exc}) from exc
    dwelling.full_clean()
    dwelling.save()
    old, new = changed(before, snapshot(dwelling))
    if new:
        audit(
            acting_user=acting_user,
            action="dwelling.update",
            obj=dwelling,
            area_code=dwelling.area_code,
            before=old,
            after=new,
        )
    return dwelling
