"""Writes to the registry. Each action checks permission, validates, audits and commits
in one transaction (STYLE.md rule 3)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Collection

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parity.accounts.permissions import CHANGE, REVEAL, allows, in_scope
from parity.areas.choices import Level
from parity.areas.models import Area
from parity.core import crypto
from parity.core.actions import RateLimited, changed, ensure_can, snapshot
from parity.core.concurrency import check_version
from parity.core.error_codes import ErrorCode
from parity.core.models import AuditEvent, audit
from parity.housing.models import Dwelling
from parity.people import idnumber, rules, validators
from parity.people.choices import Relation, Status, TransferStatus
from parity.people.models import (
    Employment,
    Household,
    HouseholdMember,
    Person,
    Residence,
    TransferRequest,
    status_for,
)
from parity.people.scope import outside_scope_error

REVEALABLE = {"id_number", "phone"}


def _require_grid(grid: Area | None, field: str = "grid") -> Area:
    if grid is None:
        raise ValidationError({field: ValidationError(_("请选择网格"), code=ErrorCode.REQUIRED)})
    if grid.level != Level.GRID:
        raise ValidationError(
            {
                field: ValidationError(
                    _("%(name)s 不是网格,请选择网格一级") % {"name": grid.name},
                    code=ErrorCode.AREA_NOT_GRID,
                )
            }
        )
    return grid


def _check_dates(arrived_on: dt.date, departed_on: dt.date | None = None) -> None:
    try:
        validators.clean_past_date(arrived_on, label=_("来本地日期"))
    except ValidationError as exc:
        raise ValidationError({"arrived_on": exc}) from exc
    if departed_on is None:
        return
    try:
        validators.clean_past_date(departed_on, label=_("离开日期"))
    except ValidationError as exc:
        raise ValidationError({"departed_on": exc}) from exc
    if departed_on < arrived_on:
        raise ValidationError(
            {
                "departed_on": ValidationError(
                    _("离开日期不能早于来本地日期"), code=ErrorCode.DATE_ORDER
                )
            }
        )


@transaction.atomic
def person_register(
    *,
    acting_user,
    id_number: str,
    name: str,
    grid: Area,
    arrived_on: dt.date | None = None,
    housing_type: str = "",
    address: str = "",
    move_reason: str = "",
    dwelling: Dwelling | None = None,
    ethnicity: str = "01",
    education: str = "",
    marital_status: str = "",
    hukou_code: str = "",
    hukou_type: str = "",
    phone: str = "",
    outflow_region_code: str = "",
    outflow_since: dt.date | None = None,
) -> Person:
    """Register a person. Someone living here gets an open residence in ``grid``; an outflow
    person (``outflow_region_code`` given) is managed at ``grid``, where they are registered."""
    _require_grid(grid)
    ensure_can(acting_user, "change", grid.code)
    try:
        parsed = validators.clean_id_number(id_number)
    except ValidationError as exc:
        raise ValidationError({"id_number": exc}) from exc
    errors: dict[str, ValidationError] = {}
    existing = Person.objects.by_id_number(parsed.number).only("pk", "area_code").first()
    if existing is not None:
        if not in_scope(acting_user, existing.area_code, CHANGE):
            # Registered elsewhere: say where to ask, and nothing about the person.
            raise outside_scope_error(acting_user, existing.area_code)
        errors["id_number"] = ValidationError(_("该身份证号码已登记"), code=ErrorCode.ID_DUPLICATE)
    try:
        phone = validators.clean_phone(phone)
    except ValidationError as exc:
        errors["phone"] = exc
    errors.update(
        rules.registration_errors(
            id_number=parsed.number,
            hukou_code=hukou_code,
            outflow_region_code=outflow_region_code,
            outflow_since=outflow_since,
            arrived_on=arrived_on,
            housing_type=housing_type,
        )
    )
    if errors:
        raise ValidationError(errors)
    # Both are well-formed now (the rule has checked them).
    hukou = validators.clean_region_code(hukou_code) if hukou_code else parsed.address_code
    outflow = bool(outflow_region_code)
    if outflow:
        outflow_region_code = validators.clean_region_code(outflow_region_code)

    person = Person(
        name=name.strip(),
        sex=parsed.sex,
        birth_date=parsed.birth_date,
        ethnicity=ethnicity,
        education=education,
        marital_status=marital_status,
        hukou_code=hukou,
        hukou_type=hukou_type,
        status=status_for(hukou, lives_here=not outflow),
        area_code=grid.code,
        grid=grid,
        outflow_region_code=outflow_region_code if outflow else "",
        outflow_since=outflow_since if outflow else None,
        arrived_city_on=None if outflow else arrived_on,
        left_city_on=outflow_since if outflow else None,
    )
    person.set_id_number(parsed.number)
    person.set_phone(phone)
    person.full_clean(exclude=["id_hash"])
    person.save()
    if not outflow:
        assert arrived_on is not None
        residence = Residence(
            person=person,
            grid=grid,
            area_code=grid.code,
            arrived_on=arrived_on,
            housing_type=housing_type,
            address=address or (dwelling.address if dwelling else ""),
            move_reason=move_reason,
            dwelling=dwelling,
        )
        residence.full_clean()
        residence.save()
    audit(
        acting_user=acting_user,
        action="person.register",
        obj=person,
        area_code=person.area_code,
        after=snapshot(person),
    )
    return person


PERSON_EDITABLE = (
    "name",
    "ethnicity",
    "education",
    "marital_status",
    "hukou_code",
    "hukou_type",
    "outflow_region_code",
    "outflow_since",
)


@transaction.atomic
def person_update(
    *,
    acting_user,
    person: Person,
    phone: str | None = None,
    expected_version: str | Collection[str] | None = None,
    **fields,
) -> Person:
    """Change a person's details. The ID number is not editable: it is the identity.

    ``expected_version`` is the version token the editor read (``core.concurrency``): if
    the person changed since, nothing is saved and the error names the changes."""
    ensure_can(acting_user, "change", person.area_code)
    unknown = set(fields) - set(PERSON_EDITABLE)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    person = Person.objects.select_for_update().get(pk=person.pk)
    check_version(person, expected_version)
    before = snapshot(person)
    errors: dict[str, ValidationError] = {}
    if fields.get("hukou_code"):
        try:
            fields["hukou_code"] = validators.clean_region_code(fields["hukou_code"])
        except ValidationError as exc:
            errors["hukou_code"] = exc
    if phone is not None:
        try:
            person.set_phone(validators.clean_phone(phone))
        except ValidationError as exc:
            errors["phone"] = exc
    if errors:
        raise ValidationError(errors)
    for key, value in fields.items():
        setattr(person, key, value)
    if person.status != Status.OUTFLOW:
        person.status = status_for(person.hukou_code, lives_here=True)
    person.full_clean(exclude=["id_hash"])
    person.save()
    old, new = changed(before, snapshot(person))
    if new:
        audit(
            acting_user=acting_user,
            action="person.update",
            obj=person,
            area_code=person.area_code,
            before=old,
            after=new,
        )
    return person


@transaction.atomic
def residence_move(
    *,
    acting_user,
    person: Person,
    grid: Area,
    arrived_on: dt.date,
    housing_type: str,
    address: str = "",
    move_reason: str = "",
    dwelling: Dwelling | None = None,
) -> Residence:
    """Move a person to a new address in the city (or back into it): the open residence,
    if any, is closed on the day of arrival at the new one."""
    _require_grid(grid)
    ensure_can(acting_user, "change", person.area_code)
    ensure_can(acting_user, "change", grid.code)
    residence, current, old, new = _move_into(
        person,
        grid=grid,
        arrived_on=arrived_on,
        housing_type=housing_type,
        address=address,
        move_reason=move_reason,
        dwelling=dwelling,
    )
    audit(
        acting_user=acting_user,
        action="residence.move",
        obj=residence,
        area_code=grid.code,
        before={"residence_id": current.pk if current else None, **old},
        after={**snapshot(residence), **new},
    )
    return residence


def _move_into(
    person: Person,
    *,
    grid: Area,
    arrived_on: dt.date,
    housing_type: str,
    address: str = "",
    move_reason: str = "",
    dwelling: Dwelling | None = None,
) -> tuple[Residence, Residence | None, dict, dict]:
    """The move itself, for callers that have checked who may make it: the new residence,
    the one it closed, and the person's fields before and after."""
    _check_dates(arrived_on)
    person = Person.objects.select_for_update().get(pk=person.pk)
    current = person.residences.filter(departed_on__isnull=True).first()
    if current is not None:
        if arrived_on < current.arrived_on:
            raise ValidationError(
                {
                    "arrived_on": ValidationError(
                        _("新住址的来本地日期不能早于当前住址的来本地日期(%(d)s)")
                        % {"d": current.arrived_on},
                        code=ErrorCode.DATE_ORDER,
                    )
                }
            )
        current.departed_on = arrived_on
        current.save(update_fields=["departed_on", "updated_at"])
    residence = Residence(
        person=person,
        grid=grid,
        area_code=grid.code,
        arrived_on=arrived_on,
        housing_type=housing_type,
        address=address or (dwelling.address if dwelling else ""),
        move_reason=move_reason,
        dwelling=dwelling,
    )
    residence.full_clean()
    residence.save()
    before = snapshot(person)
    if current is None:
        # Back in the city (or first stay on record): a new stay starts today.
        person.arrived_city_on = arrived_on
        person.left_city_on = None
    person.grid = grid
    person.area_code = grid.code
    person.status = status_for(person.hukou_code, lives_here=True)
    person.outflow_region_code = ""
    person.outflow_since = None
    person.save(
        update_fields=[
            "grid",
            "area_code",
            "status",
            "outflow_region_code",
            "outflow_since",
            "arrived_city_on",
            "left_city_on",
            "updated_at",
        ]
    )
    old, new = changed(before, snapshot(person))
    return residence, current, old, new


@transaction.atomic
def residence_close(
    *, acting_user, person: Person, departed_on: dt.date, destination_code: str = ""
) -> Residence:
    """A person leaves the city. A person registered here becomes outflow population
    (with the destination and date); an inflow person simply leaves the register's present."""
    ensure_can(acting_user, "change", person.area_code)
    person = Person.objects.select_for_update().get(pk=person.pk)
    current = person.residences.filter(departed_on__isnull=True).first()
    if current is None:
        raise ValidationError(_("该人员没有在住的居住登记"), code=ErrorCode.NO_OPEN_RESIDENCE)
    if destination_code:
        try:
            destination_code = validators.clean_region_code(destination_code)
        except ValidationError as exc:
            raise ValidationError({"destination_code": exc}) from exc
    _check_dates(current.arrived_on, departed_on)
    registered_here = person.hukou_code.startswith(settings.PARITY_CITY_CODE)
    if registered_here and (
        not destination_code or destination_code.startswith(settings.PARITY_CITY_CODE)
    ):
        raise ValidationError(
            {
                "destination_code": ValidationError(
                    _("本市户籍人员离开本市时须填写市外去向地代码"), code=ErrorCode.REGION_CODE
                )
            }
        )
    before = snapshot(person)
    current.departed_on = departed_on
    current.departed_to_code = destination_code
    current.full_clean()
    current.save(update_fields=["departed_on", "departed_to_code", "updated_at"])
    person.left_city_on = departed_on
    person.save(update_fields=["left_city_on", "updated_at"])
    if registered_here:
        person.status = Status.OUTFLOW
        person.outflow_region_code = destination_code
        person.outflow_since = departed_on
        person.save(update_fields=["status", "outflow_region_code", "outflow_since", "updated_at"])
    old, new = changed(before, snapshot(person))
    audit(
        acting_user=acting_user,
        action="residence.close",
        obj=current,
        area_code=current.area_code,
        before=old or None,
        after={"departed_on": departed_on.isoformat(), "departed_to_code": destination_code, **new},
    )
    return current


def _reveals_in_last_hour(user) -> int:
    since = timezone.now() - dt.timedelta(hours=1)
    return AuditEvent.objects.filter(actor=user, action="person.reveal", at__gte=since).count()


def person_reveal(*, acting_user, person: Person, field: str) -> str:
    """The clear ID or phone number, for a user whose role allows it in this area; audited."""
    if field not in REVEALABLE:
        raise ValueError(f"{field} is not a revealable field")
    refusal: PermissionDenied | None = None
    if not (allows(acting_user, REVEAL) and in_scope(acting_user, person.area_code, REVEAL)):
        refusal = PermissionDenied(_("您无权查看完整的个人敏感信息"))
    elif _reveals_in_last_hour(acting_user) >= settings.PARITY_REVEAL_LIMIT_PER_HOUR:
        refusal = RateLimited(
            _("您在一小时内查看完整信息已达 %(n)d 次上限,请稍后再试")
            % {"n": settings.PARITY_REVEAL_LIMIT_PER_HOUR}
        )
    if refusal is not None:
        # Not in a transaction: the refusal's audit row must outlive the exception.
        audit(
            acting_user=acting_user,
            action="person.reveal_refused",
            obj=person,
            area_code=person.area_code,
            note=field,
        )
        raise refusal
    value = person.id_number if field == "id_number" else person.phone
    audit(
        acting_user=acting_user,
        action="person.reveal",
        obj=person,
        area_code=person.area_code,
        note=field,
    )
    return value


@transaction.atomic
def household_create(*, acting_user, head: Person, address: str = "") -> Household:
    ensure_can(acting_user, "change", head.area_code)
    if HouseholdMember.objects.filter(person=head).exists():
        raise ValidationError(
            {
                "head": ValidationError(
                    _("%(name)s 已属于另一个家庭户") % {"name": head.name},
                    code=ErrorCode.STATUS_CONFLICT,
                )
            }
        )
    household = Household.objects.create(head=head, address=address, area_code=head.area_code)
    HouseholdMember.objects.create(household=household, person=head, relation=Relation.HEAD)
    audit(
        acting_user=acting_user,
        action="household.create",
        obj=household,
        area_code=household.area_code,
        after={"head_id": head.pk, "address": address},
    )
    return household


@transaction.atomic
def household_add_member(
    *, acting_user, household: Household, person: Person, relation: str
) -> HouseholdMember:
    ensure_can(acting_user, "change", household.area_code)
    ensure_can(acting_user, "change", person.area_code)
    if relation == Relation.HEAD:
        raise ValidationError(
            {
                "relation": ValidationError(
                    _("一个家庭户只能有一个户主"), code=ErrorCode.STATUS_CONFLICT
                )
            }
        )
    if HouseholdMember.objects.filter(person=person).exists():
        raise ValidationError(
            {
                "person": ValidationError(
                    _("%(name)s 已属于一个家庭户") % {"name": person.name},
                    code=ErrorCode.STATUS_CONFLICT,
                )
            }
        )
    member = HouseholdMember(household=household, person=person, relation=relation)
    member.full_clean()
    member.save()
    audit(
        acting_user=acting_user,
        action="household.add_member",
        obj=household,
        area_code=household.area_code,
        after={"person_id": person.pk, "relation": relation},
    )
    return member


@transaction.atomic
def household_remove_member(*, acting_user, member: HouseholdMember) -> None:
    household = member.household
    ensure_can(acting_user, "change", household.area_code)
    if member.relation == Relation.HEAD:
        raise ValidationError(_("不能移除户主;请先更换户主"), code=ErrorCode.STATUS_CONFLICT)
    audit(
        acting_user=acting_user,
        action="household.remove_member",
        obj=household,
        area_code=household.area_code,
        before={"person_id": member.person_id, "relation": member.relation},
    )
    member.delete()


@transaction.atomic
def employment_record(
    *,
    acting_user,
    person: Person,
    industry: str,
    occupation: str = "",
    employer: str = "",
    started_on: dt.date | None = None,
    ended_on: dt.date | None = None,
) -> Employment:
    ensure_can(acting_user, "change", person.area_code)
    employment = Employment(
        person=person,
        industry=industry,
        occupation=occupation,
        employer=employer,
        started_on=started_on,
        ended_on=ended_on,
        area_code=person.area_code,
    )
    if started_on and ended_on and ended_on < started_on:
        raise ValidationError(
            {"ended_on": ValidationError(_("结束日期不能早于开始日期"), code=ErrorCode.DATE_ORDER)}
        )
    employment.full_clean()
    employment.save()
    audit(
        acting_user=acting_user,
        action="employment.record",
        obj=employment,
        area_code=employment.area_code,
        after=snapshot(employment),
    )
    return employment


# -- transfers between areas (跨辖区迁入申请) -------------------------------------------------


def _transfer_audit(acting_user, action: str, transfer: TransferRequest, **extra) -> None:
    """One event for each side, so the auditors of the area that holds the person see
    every request about them as well as those of the area that asked."""
    after = {
        "status": transfer.status,
        "grid": transfer.grid.code,
        "from_area_code": transfer.from_area_code,
        **extra,
    }
    for area_code in dict.fromkeys((transfer.from_area_code, transfer.area_code)):
        audit(
            acting_user=acting_user,
            action=action,
            obj=transfer,
            area_code=area_code,
            after=after,
            note=transfer.person.id_masked,
        )


@transaction.atomic
def transfer_request(
    *,
    acting_user,
    id_number: str,
    grid: Area,
    arrived_on: dt.date,
    housing_type: str,
    address: str = "",
    move_reason: str = "",
    note: str = "",
) -> TransferRequest:
    """Ask the area that holds a person to let them move into ``grid`` (the requester's).

    Only for a person registered outside the requester's area: inside it, a move is made
    on the person's page. The requester learns nothing about the person until the holding
    area accepts."""
    _require_grid(grid)
    ensure_can(acting_user, CHANGE, grid.code)
    try:
        parsed = validators.clean_id_number(id_number)
    except ValidationError as exc:
        raise ValidationError({"id_number": exc}) from exc
    person = Person.objects.by_id_number(parsed.number).first()
    if person is None:
        raise ValidationError(
            {
                "id_number": ValidationError(
                    _("该身份证号码尚未登记,请直接办理人员登记"), code=ErrorCode.ID_NOT_FOUND
                )
            }
        )
    if in_scope(acting_user, person.area_code, CHANGE):
        raise ValidationError(
            {
                "id_number": ValidationError(
                    _("此人已在您的管辖区域内,请在人员页面办理迁居登记"),
                    code=ErrorCode.TRANSFER_STATE,
                )
            }
        )
    if arrived_on < person.birth_date:
        raise ValidationError(
            {"arrived_on": ValidationError(_("来本地日期早于出生日期"), code=ErrorCode.DATE_ORDER)}
        )
    if TransferRequest.objects.pending().filter(person=person).exists():
        raise ValidationError(
            {
                "id_number": ValidationError(
                    _("此人已有一份待确认的迁入申请"), code=ErrorCode.TRANSFER_STATE
                )
            }
        )
    _check_dates(arrived_on)
    transfer = TransferRequest(
        person=person,
        from_area_code=person.area_code,
        grid=grid,
        area_code=grid.code,
        arrived_on=arrived_on,
        housing_type=housing_type,
        address=address.strip(),
        move_reason=move_reason,
        note=note.strip(),
        requested_by=acting_user if getattr(acting_user, "pk", None) else None,
    )
    transfer.full_clean()
    transfer.save()
    _transfer_audit(acting_user, "transfer.request", transfer)
    return transfer


def _pending_for_update(transfer: TransferRequest) -> TransferRequest:
    transfer = (
        TransferRequest.objects.select_for_update()
        .select_related("person", "grid")
        .get(pk=transfer.pk)
    )
    if transfer.status != TransferStatus.PENDING:
        raise ValidationError(
            _("该申请已处理(%(status)s),不能再次处理") % {"status": transfer.get_status_display()},
            code=ErrorCode.TRANSFER_STATE,
        )
    return transfer


def _decide(transfer: TransferRequest, acting_user, status: str, reason: str) -> None:
    transfer.status = status
    transfer.reason = reason.strip()[:200]
    transfer.decided_by = acting_user if getattr(acting_user, "pk", None) else None
    transfer.decided_at = timezone.now()
    transfer.save(update_fields=["status", "reason", "decided_by", "decided_at", "updated_at"])


@transaction.atomic
def transfer_accept(*, acting_user, transfer: TransferRequest, reason: str = "") -> Residence:
    """The holding area agrees: the person moves into the requested grid (a residence move,
    closing the open stay) and from then on belongs to the requesting area."""
    transfer = _pending_for_update(transfer)
    ensure_can(acting_user, CHANGE, transfer.person.area_code)
    residence, current, old, new = _move_into(
        transfer.person,
        grid=transfer.grid,
        arrived_on=transfer.arrived_on,
        housing_type=transfer.housing_type,
        address=transfer.address,
        move_reason=transfer.move_reason,
    )
    _decide(transfer, acting_user, TransferStatus.ACCEPTED, reason)
    _transfer_audit(
        acting_user,
        "transfer.accept",
        transfer,
        residence_id=residence.pk,
        closed_residence_id=current.pk if current else None,
        before=old,
        changed=new,
    )
    return residence


@transaction.atomic
def transfer_reject(*, acting_user, transfer: TransferRequest, reason: str) -> TransferRequest:
    """The holding area refuses, saying why (the requester sees the reason)."""
    transfer = _pending_for_update(transfer)
    if not in_scope(acting_user, transfer.from_area_code, CHANGE):
        # The person may have moved on since the request: their present area may refuse too.
        ensure_can(acting_user, CHANGE, transfer.person.area_code)
    if not reason.strip():
        raise ValidationError(
            {"reason": ValidationError(_("请填写拒绝理由"), code=ErrorCode.REQUIRED)}
        )
    _decide(transfer, acting_user, TransferStatus.REJECTED, reason)
    _transfer_audit(acting_user, "transfer.reject", transfer, reason=transfer.reason)
    return transfer


@transaction.atomic
def transfer_cancel(*, acting_user, transfer: TransferRequest) -> TransferRequest:
    """The requesting area withdraws its request before it is decided."""
    transfer = _pending_for_update(transfer)
    ensure_can(acting_user, CHANGE, transfer.area_code)
    _decide(transfer, acting_user, TransferStatus.CANCELLED, "")
    _transfer_audit(acting_user, "transfer.cancel", transfer)
    return transfer


# -- ID numbers stored as typed (full-width digits, invisible characters) ------------------


@dataclasses.dataclass
class IdNormaliseReport:
    """People whose stored ID number was not in its normal form: those rewritten in place,
    and those whose normal form is another person's number (the same person registered
    twice: for the duplicates review, never merged here)."""

    scanned: int = 0
    normalised: list[int] = dataclasses.field(default_factory=list)
    conflicts: list[tuple[int, int]] = dataclasses.field(default_factory=list)


@transaction.atomic
def person_ids_normalise(
    *,
    acting_user,
    dry_run: bool = False,
    model: type[Person] | None = None,
    record=audit,
    chunk: int = 5000,
) -> IdNormaliseReport:
    """Find every stored ID number that ``idnumber.normalize`` changes. One whose normal form
    is free is rewritten (ciphertext, blind index, mask) and audited; one whose normal form
    belongs to someone else is reported as a conflict pair and audited under both areas.
    A migration passes its historical ``model`` and a ``record`` that writes the audit row
    through the historical audit model."""
    people = model or Person
    report = IdNormaliseReport()
    found: list[tuple[int, str, str]] = []
    rows = people.objects.order_by("pk").values_list("pk", "id_number_enc", "area_code")
    for pk, sealed, area_code in rows.iterator(chunk_size=chunk):
        report.scanned += 1
        number = crypto.decrypt(sealed)
        normal = idnumber.normalize(number)
        if normal != number:
            found.append((pk, normal, area_code))
    for pk, normal, area_code in found:
        index = crypto.blind_index(normal)
        other = people.objects.filter(id_hash=index).exclude(pk=pk).values_list("pk", "area_code")
        twin = other.first()
        if twin is not None:
            report.conflicts.append((pk, twin[0]))
            if not dry_run:
                for person_id, code in ((pk, area_code), (twin[0], twin[1])):
                    record(
                        acting_user=acting_user,
                        action="person.id_conflict",
                        object_type="people.person",
                        object_id=str(person_id),
                        area_code=code,
                        after={"pair": [pk, twin[0]]},
                        note=_("身份证号码规范化后与另一人员相同,请核对是否为同一人"),
                    )
            continue
        report.normalised.append(pk)
        if not dry_run:
            people.objects.filter(pk=pk).update(
                id_number_enc=crypto.encrypt(normal),
                id_hash=index,
                id_masked=crypto.mask_id_number(normal),
            )
            record(
                acting_user=acting_user,
                action="person.id_normalise",
                object_type="people.person",
                object_id=str(pk),
                area_code=area_code,
                after={"id_masked": crypto.mask_id_number(normal)},
            )
    return report
