"""Writes for maternal and child care. Each action checks the "serve" permission, validates,
records the service event, audits and commits in one transaction (STYLE.md rule 3)."""

from __future__ import annotations

import datetime as dt

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parity.accounts.models import Department
from parity.core.actions import changed, snapshot
from parity.core.error_codes import ErrorCode
from parity.core.models import audit
from parity.maternal import schedule
from parity.maternal.choices import (
    BirthOutcome,
    DeliveryPlace,
    EndReason,
    PostpartumKind,
    PregnancyStatus,
)
from parity.maternal.error_codes import MaternalError
from parity.maternal.models import AntenatalVisit, ChildHealthCheck, PostpartumVisit, Pregnancy
from parity.people import validators
from parity.people.choices import Sex
from parity.people.models import Person
from parity.services.actions import ensure_can_serve, service_record
from parity.services.choices import DELIVERED_OUTCOMES, Outcome
from parity.services.models import ServiceEvent, ServiceType

MATERNAL_SERVICE = "maternal_health"
CHILD_SERVICE = "child_health"
AGE_AT_LMP = (10, 60)
DISCHARGE_MAX_DAYS = 30


def service_type(code: str) -> ServiceType:
    found = ServiceType.objects.filter(code=code).first()
    if found is None:
        raise ValidationError(
            _("服务项目 %(code)s 尚未载入目录") % {"code": code},
            code=MaternalError.SERVICE_TYPE_MISSING,
        )
    return found


def _past(value: dt.date, field: str, label: str) -> None:
    try:
        validators.clean_past_date(value, label=label)
    except ValidationError as exc:
        raise ValidationError({field: exc}) from exc


def _error(field: str, message: str, code: str) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


def _locked(pregnancy: Pregnancy) -> Pregnancy:
    # Serialises writes to one pregnancy, so two visits cannot claim the same window.
    return Pregnancy.objects.select_for_update().select_related("person").get(pk=pregnancy.pk)


def _serve(
    *,
    acting_user,
    person: Person,
    code: str,
    date: dt.date,
    provider: Department | None,
    outcome: str,
    note: str,
    details: dict | None = None,
) -> ServiceEvent:
    return service_record(
        acting_user=acting_user,
        person=person,
        service_type=service_type(code),
        date=date,
        provider=provider,
        outcome=outcome,
        details=details or {},
        note=note,
        own_record=True,
    )


@transaction.atomic
def pregnancy_register(
    *,
    acting_user,
    person: Person,
    lmp: dt.date,
    registered_on: dt.date | None = None,
    note: str = "",
) -> Pregnancy:
    """Open a pregnancy episode (建册). The woman is 10–60 at her last menstrual period,
    which is not in the future nor more than 44 weeks before registration; she has no
    other open pregnancy."""
    ensure_can_serve(acting_user, person)
    registered_on = registered_on or timezone.localdate()
    errors: dict[str, ValidationError] = {}
    if person.sex != Sex.FEMALE:
        errors["person"] = ValidationError(_("孕产妇应为女性"), code=MaternalError.NOT_FEMALE)
    try:
        validators.clean_past_date(lmp, label=_("末次月经"))
    except ValidationError as exc:
        errors["lmp"] = exc
    try:
        validators.clean_past_date(registered_on, label=_("建册日期"))
    except ValidationError as exc:
        errors["registered_on"] = exc
    if "lmp" not in errors:
        weeks = (registered_on - lmp).days / 7
        if lmp > registered_on:
            errors["lmp"] = ValidationError(
                _("末次月经不能晚于建册日期"), code=ErrorCode.DATE_ORDER
            )
        elif weeks > schedule.MAX_WEEKS_AT_REGISTRATION:
            errors["lmp"] = ValidationError(
                _("末次月经距建册日期已超过%(weeks)d周")
                % {"weeks": schedule.MAX_WEEKS_AT_REGISTRATION},
                code=MaternalError.LMP_TOO_OLD,
            )
        age = relativedelta(lmp, person.birth_date).years
        if "person" not in errors and not AGE_AT_LMP[0] <= age <= AGE_AT_LMP[1]:
            errors["lmp"] = ValidationError(
                _("末次月经时年龄为%(age)d岁,应在%(low)d–%(high)d岁之间")
                % {"age": age, "low": AGE_AT_LMP[0], "high": AGE_AT_LMP[1]},
                code=MaternalError.AGE_AT_LMP,
            )
    if Pregnancy.objects.filter(person=person, status=PregnancyStatus.OPEN).exists():
        errors["person"] = ValidationError(
            _("该妇女已有未结案的孕产期"), code=MaternalError.OPEN_PREGNANCY
        )
    if errors:
        raise ValidationError(errors)
    pregnancy = Pregnancy(
        person=person,
        registered_on=registered_on,
        lmp=lmp,
        note=note[:200],
        area_code=person.area_code,
    )
    pregnancy.full_clean()
    pregnancy.save()
    audit(
        acting_user=acting_user,
        action="pregnancy.register",
        obj=pregnancy,
        area_code=pregnancy.area_code,
        after=snapshot(pregnancy),
    )
    return pregnancy


def _check_in_pregnancy(pregnancy: Pregnancy, date: dt.date, field: str = "date") -> None:
    if date < pregnancy.lmp:
        raise _error(field, _("日期早于末次月经"), ErrorCode.DATE_ORDER)
    closed = pregnancy.delivered_on or pregnancy.ended_on
    if closed is not None and date >= closed:
        raise _error(
            field,
            _("日期不在孕期内(孕产期已于%(d)s结案)") % {"d": closed},
            MaternalError.PREGNANCY_CLOSED,
        )


@transaction.atomic
def antenatal_visit_record(
    *,
    acting_user,
    pregnancy: Pregnancy,
    date: dt.date,
    provider: Department | None = None,
    outcome: str = Outcome.COMPLETED,
    note: str = "",
) -> AntenatalVisit:
    """Record an antenatal visit; it fulfils the scheduled visit whose window it falls in
    (see ``schedule.py``)."""
    ensure_can_serve(acting_user, pregnancy.person)
    pregnancy = _locked(pregnancy)
    _past(date, "date", _("检查日期"))
    _check_in_pregnancy(pregnancy, date)
    point, late = "", False
    if outcome in DELIVERED_OUTCOMES:
        fulfilled = set(pregnancy.visits.exclude(point="").values_list("point", flat=True))
        point, late = schedule.antenatal_point_for(pregnancy, fulfilled, date)
    event = _serve(
        acting_user=acting_user,
        person=pregnancy.person,
        code=MATERNAL_SERVICE,
        date=date,
        provider=provider,
        outcome=outcome,
        note=note,
    )
    visit = AntenatalVisit(
        pregnancy=pregnancy,
        date=date,
        gestational_week=schedule.gestational_week(pregnancy.lmp, date),
        point=point,
        late=late,
        event=event,
        area_code=pregnancy.person.area_code,
    )
    visit.full_clean()
    visit.save()
    audit(
        acting_user=acting_user,
        action="antenatal_visit.record",
        obj=visit,
        area_code=visit.area_code,
        after=snapshot(visit),
    )
    return visit


@transaction.atomic
def delivery_record(
    *,
    acting_user,
    pregnancy: Pregnancy,
    delivered_on: dt.date,
    place: str,
    outcome: str,
    hospital: str = "",
    discharged_on: dt.date | None = None,
    child: Person | None = None,
    note: str = "",
) -> Pregnancy:
    """Close a pregnancy by delivery: date, place, outcome, discharge, the child if known."""
    ensure_can_serve(acting_user, pregnancy.person)
    pregnancy = _locked(pregnancy)
    if pregnancy.status != PregnancyStatus.OPEN:
        raise _error("delivered_on", _("该孕产期已结案"), MaternalError.PREGNANCY_CLOSED)
    _past(delivered_on, "delivered_on", _("分娩日期"))
    errors: dict[str, ValidationError] = {}
    if delivered_on < pregnancy.registered_on:
        errors["delivered_on"] = ValidationError(
            _("分娩日期早于建册日期"), code=ErrorCode.DATE_ORDER
        )
    last_visit = pregnancy.visits.order_by("-date").values_list("date", flat=True).first()
    if last_visit and delivered_on < last_visit:
        errors["delivered_on"] = ValidationError(
            _("分娩日期早于最后一次产前检查"), code=ErrorCode.DATE_ORDER
        )
    if place not in DeliveryPlace.values:
        errors["place"] = ValidationError(_("请选择分娩地点"), code=ErrorCode.INVALID_CHOICE)
    if outcome not in BirthOutcome.values:
        errors["outcome"] = ValidationError(_("请选择妊娠结局"), code=ErrorCode.INVALID_CHOICE)
    if discharged_on is not None:
        try:
            validators.clean_past_date(discharged_on, label=_("出院日期"))
        except ValidationError as exc:
            errors["discharged_on"] = exc
        else:
            if not 0 <= (discharged_on - delivered_on).days <= DISCHARGE_MAX_DAYS:
                errors["discharged_on"] = ValidationError(
                    _("出院日期应在分娩后%(n)d天内") % {"n": DISCHARGE_MAX_DAYS},
                    code=ErrorCode.DATE_ORDER,
                )
    if child is not None and child.birth_date != delivered_on:
        errors["child"] = ValidationError(
            _("新生儿的出生日期与分娩日期不符"), code=ErrorCode.DATE_ORDER
        )
    if errors:
        raise ValidationError(errors)
    before = snapshot(pregnancy)
    pregnancy.status = PregnancyStatus.DELIVERED
    pregnancy.delivered_on = delivered_on
    pregnancy.place = place
    pregnancy.hospital = hospital.strip()[:100]
    pregnancy.outcome = outcome
    pregnancy.discharged_on = discharged_on
    pregnancy.child = child
    if note:
        pregnancy.note = note[:200]
    pregnancy.full_clean()
    pregnancy.save()
    old, new = changed(before, snapshot(pregnancy))
    audit(
        acting_user=acting_user,
        action="pregnancy.deliver",
        obj=pregnancy,
        area_code=pregnancy.area_code,
        before=old,
        after=new,
    )
    return pregnancy


@transaction.atomic
def pregnancy_end(
    *,
    acting_user,
    pregnancy: Pregnancy,
    ended_on: dt.date,
    reason: str,
    note: str = "",
) -> Pregnancy:
    """Close a pregnancy without a delivery (miscarriage, termination, …)."""
    ensure_can_serve(acting_user, pregnancy.person)
    pregnancy = _locked(pregnancy)
    if pregnancy.status != PregnancyStatus.OPEN:
        raise _error("ended_on", _("该孕产期已结案"), MaternalError.PREGNANCY_CLOSED)
    _past(ended_on, "ended_on", _("终止日期"))
    if ended_on < pregnancy.lmp:
        raise _error("ended_on", _("终止日期早于末次月经"), ErrorCode.DATE_ORDER)
    last_visit = pregnancy.visits.order_by("-date").values_list("date", flat=True).first()
    if last_visit and ended_on < last_visit:
        raise _error("ended_on", _("终止日期早于最后一次产前检查"), ErrorCode.DATE_ORDER)
    if reason not in EndReason.values:
        raise _error("reason", _("请选择终止原因"), ErrorCode.INVALID_CHOICE)
    before = snapshot(pregnancy)
    pregnancy.status = PregnancyStatus.ENDED
    pregnancy.ended_on = ended_on
    pregnancy.end_reason = reason
    if note:
        pregnancy.note = note[:200]
    pregnancy.full_clean()
    pregnancy.save()
    old, new = changed(before, snapshot(pregnancy))
    audit(
        acting_user=acting_user,
        action="pregnancy.end",
        obj=pregnancy,
        area_code=pregnancy.area_code,
        before=old,
        after=new,
    )
    return pregnancy


@transaction.atomic
def postpartum_visit_record(
    *,
    acting_user,
    pregnancy: Pregnancy,
    kind: str,
    date: dt.date,
    provider: Department | None = None,
    outcome: str = Outcome.COMPLETED,
    note: str = "",
) -> PostpartumVisit:
    """Record the postpartum home visit or the 42-day check of a delivered pregnancy."""
    ensure_can_serve(acting_user, pregnancy.person)
    pregnancy = _locked(pregnancy)
    if pregnancy.status != PregnancyStatus.DELIVERED or pregnancy.delivered_on is None:
        raise _error("kind", _("尚未登记分娩,不能记录产后访视"), MaternalError.NOT_DELIVERED)
    if kind not in PostpartumKind.values:
        raise _error("kind", _("请选择访视类别"), ErrorCode.INVALID_CHOICE)
    _past(date, "date", _("访视日期"))
    if date < pregnancy.delivered_on:
        raise _error("date", _("访视日期早于分娩日期"), ErrorCode.DATE_ORDER)
    event = _serve(
        acting_user=acting_user,
        person=pregnancy.person,
        code=MATERNAL_SERVICE,
        date=date,
        provider=provider,
        outcome=outcome,
        note=note,
    )
    closes = schedule.POSTPARTUM[PostpartumKind(kind)].closes(
        schedule.postpartum_anchor(pregnancy, kind)
    )
    visit = PostpartumVisit(
        pregnancy=pregnancy,
        kind=kind,
        date=date,
        completed=outcome in DELIVERED_OUTCOMES,
        late=date > closes,
        event=event,
        area_code=pregnancy.person.area_code,
    )
    visit.full_clean()
    visit.save()
    audit(
        acting_user=acting_user,
        action="postpartum_visit.record",
        obj=visit,
        area_code=visit.area_code,
        after=snapshot(visit),
    )
    return visit


def discharge_of(child: Person) -> dt.date | None:
    return (
        Pregnancy.objects.filter(child=child, discharged_on__isnull=False)
        .values_list("discharged_on", flat=True)
        .first()
    )


@transaction.atomic
def child_check_record(
    *,
    acting_user,
    child: Person,
    date: dt.date,
    provider: Department | None = None,
    outcome: str = Outcome.COMPLETED,
    note: str = "",
) -> ChildHealthCheck:
    """Record a child health check 0–6; it fulfils the scheduled check whose window it
    falls in (see ``schedule.py``)."""
    ensure_can_serve(acting_user, child)
    # Serialises checks of one child, as ``_locked`` does for pregnancies.
    Person.objects.select_for_update().filter(pk=child.pk).first()
    _past(date, "date", _("检查日期"))
    if date < child.birth_date:
        raise _error("date", _("检查日期早于出生日期"), ErrorCode.DATE_ORDER)
    if date >= child.birth_date + relativedelta(years=schedule.CHILD_PROGRAMME_YEARS):
        raise _error("child", _("儿童健康管理适用于0–6岁儿童"), MaternalError.NOT_A_CHILD)
    point, late = "", False
    if outcome in DELIVERED_OUTCOMES:
        fulfilled = set(
            ChildHealthCheck.objects.filter(person=child)
            .exclude(point="")
            .values_list("point", flat=True)
        )
        point, late = schedule.child_point_for(
            child.birth_date, discharge_of(child), fulfilled, date
        )
    event = _serve(
        acting_user=acting_user,
        person=child,
        code=CHILD_SERVICE,
        date=date,
        provider=provider,
        outcome=outcome,
        note=note,
    )
    check = ChildHealthCheck(
        person=child, date=date, point=point, late=late, event=event, area_code=child.area_code
    )
    check.full_clean()
    check.save()
    audit(
        acting_user=acting_user,
        action="child_check.record",
        obj=check,
        area_code=check.area_code,
        after=snapshot(check),
    )
    return check
