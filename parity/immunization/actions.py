"""Writes for immunization: recording a vaccination, the schedule, campaigns, refreshes."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parity.accounts.choices import HEALTH_SITE_KINDS
from parity.accounts.models import Department
from parity.accounts.permissions import SERVE
from parity.areas.models import Area
from parity.core.actions import ensure_can, snapshot
from parity.core.error_codes import ErrorCode
from parity.core.models import audit
from parity.immunization import due, rules
from parity.immunization.error_codes import ImmunizationError
from parity.immunization.models import (
    Campaign,
    CampaignRound,
    CampaignTarget,
    ScheduleDose,
    ScheduleEdition,
    VaccinationRecord,
    Vaccine,
)
from parity.immunization.schedule_data import (
    LoadResult,
    apply_schedule,
    read_schedule_file,
    schedule_from_db,
)
from parity.people.models import Person
from parity.services.actions import check_service_date, ensure_can_serve, service_record
from parity.services.eligibility import rule_q, validate_rule
from parity.services.models import ServiceType

VACCINATION_SERVICE = "vaccination"

logger = logging.getLogger(__name__)


def _error(field: str, message: str, code: str) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=str(code))})


@transaction.atomic
def schedule_load(*, acting_user, data: dict[str, Any] | None = None) -> LoadResult:
    """Create or update the vaccines and schedule editions (default: the bundled file)."""
    result = apply_schedule(
        data if data is not None else read_schedule_file(), Vaccine, ScheduleEdition, ScheduleDose
    )
    if result.changed:
        audit(
            acting_user=acting_user,
            action="immunization.schedule_load",
            object_type="immunization.scheduleedition",
            after={"editions": result.editions, "doses": result.doses, "changed": result.changed},
        )
    return result


def _vaccination_service() -> ServiceType:
    service_type = ServiceType.objects.filter(code=VACCINATION_SERVICE).first()
    if service_type is None:
        raise _error(
            "vaccine",
            _("服务目录中没有“预防接种”项目,请先导入服务目录"),
            ImmunizationError.SERVICE_TYPE_MISSING,
        )
    return service_type


def _campaign_round(campaign: Campaign, vaccine: Vaccine, date: dt.date) -> CampaignRound:
    if campaign.vaccine_id != vaccine.pk:
        raise _error(
            "vaccine",
            _("该活动使用的疫苗是%(vaccine)s") % {"vaccine": campaign.vaccine.name},
            ImmunizationError.CAMPAIGN_VACCINE,
        )
    found = campaign.rounds.filter(start_on__lte=date, end_on__gte=date).first()
    if found is None:
        raise _error(
            "date", _("接种日期不在该活动任何一轮的日期内"), ImmunizationError.CAMPAIGN_NO_ROUND
        )
    return found


@transaction.atomic
def vaccination_record(
    *,
    acting_user,
    person: Person,
    vaccine: Vaccine,
    dose: int | None = None,
    date: dt.date,
    site: Department | None = None,
    campaign: Campaign | None = None,
    batch_number: str = "",
    manufacturer: str = "",
    route: str = "",
    injection_site: str = "",
    vaccinator: str = "",
) -> VaccinationRecord:
    """Record a dose given to a child, as a service event of type "vaccination", and
    refresh the child's pending doses. Rejected, with nothing written: a date in the future
    or before birth, a dose the schedule in force on the date does not have, a dose
    already recorded, an interval from the previous dose of the series (or from another
    injectable live vaccine) too short, an age outside the dose's range.

    In a campaign the dose number may be left out: the dose then fills the schedule dose
    the child still needs, if it can (a polio campaign's bOPV as bOPV 3), else it is an
    extra campaign dose (``dose`` null) that counts for the campaign only.

    The batch number, manufacturer, route, injection site and vaccinator that
    预防接种工作规范 asks for are checked by ``rules.clean_record_details``."""
    ensure_can_serve(acting_user, person)
    check_service_date(person, date)
    norm = rules.clean_record_details(
        vaccine=vaccine,
        batch_number=batch_number,
        manufacturer=manufacturer,
        route=route,
        injection_site=injection_site,
        vaccinator=vaccinator,
    )
    if site is not None and site.kind not in HEALTH_SITE_KINDS:
        raise _error(
            "site", _("接种单位应为医疗卫生服务机构"), ImmunizationError.SITE_NOT_HEALTH_SITE
        )
    # The user's own area, or above it (the street's health centre serves its grids).
    if site is not None and not Area.objects.visible_to(acting_user).filter(pk=site.area_id):
        raise _error("site", _("接种单位不在您的辖区内"), ErrorCode.AREA_OUT_OF_SCOPE)
    round_ = _campaign_round(campaign, vaccine, date) if campaign is not None else None
    service_type = _vaccination_service()
    # One vaccination at a time per child: the checks below read their records.
    Person.objects.select_for_update().filter(pk=person.pk).first()
    given = due.person_given(person.pk)
    schedule = schedule_from_db()
    if (
        round_ is not None
        and VaccinationRecord.objects.filter(person=person, round=round_).exists()
    ):
        raise _error(
            "campaign",
            _("该儿童在%(round)s已有接种记录") % {"round": round_},
            ImmunizationError.DOSE_DUPLICATE,
        )
    if dose is None:
        if campaign is None:
            raise _error("dose", _("请选择剂次"), ImmunizationError.DOSE_REQUIRED)
        dose = schedule.campaign_dose(person.birth_date, given, vaccine.code, date)
    if dose is not None:
        problems = schedule.check_dose(person.birth_date, given, vaccine.code, dose, date)
        if problems:
            errors: dict[str, list[ValidationError]] = {}
            for problem in problems:
                errors.setdefault(problem.field, []).append(
                    ValidationError(problem.message, code=str(problem.code))
                )
            raise ValidationError(errors)
    event = service_record(
        acting_user=acting_user,
        person=person,
        service_type=service_type,
        date=date,
        provider=site,
        details=_details(service_type, vaccine, dose),
        note=campaign.name if campaign is not None else "",
        own_record=True,
    )
    record = VaccinationRecord(
        person=person,
        vaccine=vaccine,
        dose=dose,
        date=date,
        site=site,
        campaign=campaign,
        round=round_,
        event=event,
        area_code=person.area_code,
        recorded_by=acting_user if getattr(acting_user, "pk", None) else None,
        **norm,
    )
    record.full_clean()
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError:
        raise _error("dose", _("该剂次已有接种记录"), ImmunizationError.DOSE_DUPLICATE) from None
    due.dose_due_refresh_person(person, schedule=schedule)
    audit(
        acting_user=acting_user,
        action="immunization.vaccination_record",
        obj=record,
        area_code=record.area_code,
        after=snapshot(record),
    )
    return record


def _details(service_type: ServiceType, vaccine: Vaccine, dose: int | None) -> dict[str, Any]:
    # The catalog declares which details a vaccination event carries; send only those.
    names = {spec.get("name") for spec in service_type.details_schema or []}
    details = {"vaccine": vaccine.code, "dose": dose}
    return {k: v for k, v in details.items() if k in names and v is not None}


@transaction.atomic
def campaign_create(
    *,
    acting_user,
    name: str,
    vaccine: Vaccine,
    area: Area,
    rule: dict[str, Any],
    rounds: list[tuple[dt.date, dt.date]],
    note: str = "",
) -> Campaign:
    """Create a campaign with its rounds (numbered from 1 in date order)."""
    ensure_can(acting_user, SERVE, area.code)
    try:
        validate_rule(rule)
    except ValidationError as exc:
        raise ValidationError({"rule": exc.messages}) from exc
    if not rounds:
        raise _error("rounds", _("至少需要一轮"), ErrorCode.REQUIRED)
    campaign = Campaign(
        name=name.strip(),
        vaccine=vaccine,
        area=area,
        area_code=area.code,
        rule=rule,
        note=note[:200],
        created_by=acting_user if getattr(acting_user, "pk", None) else None,
    )
    campaign.full_clean()
    campaign.save()
    for number, (start_on, end_on) in enumerate(sorted(rounds), start=1):
        if end_on < start_on:
            raise _error("rounds", _("结束日期早于开始日期"), ErrorCode.DATE_ORDER)
        round_ = CampaignRound(campaign=campaign, number=number, start_on=start_on, end_on=end_on)
        round_.full_clean()
        round_.save()
    audit(
        acting_user=acting_user,
        action="immunization.campaign_create",
        obj=campaign,
        area_code=campaign.area_code,
        after={**snapshot(campaign), "rounds": [[s.isoformat(), e.isoformat()] for s, e in rounds]},
    )
    return campaign


@transaction.atomic
def campaign_draw_targets(
    *, acting_user, campaign: Campaign, round: CampaignRound | None = None
) -> int:
    """Draw the target list (应种) of each round (or one) from the registry: the people in
    the campaign's area who match its rule on the round's first day. Drawing again
    replaces the list; vaccinations already recorded are kept and still count."""
    ensure_can(acting_user, SERVE, campaign.area_code)
    rounds = [round] if round is not None else list(campaign.rounds.all())
    total = 0
    for r in rounds:
        CampaignTarget.objects.filter(round=r).delete()
        people = (
            Person.objects.filter(area_code__startswith=campaign.area_code)
            .filter(rule_q(campaign.rule, r.start_on))
            .order_by("pk")
            .values_list("pk", "area_code")
        )
        batch: list[CampaignTarget] = []
        for person_id, area_code in people.iterator(chunk_size=5000):
            batch.append(
                CampaignTarget(campaign=campaign, round=r, person_id=person_id, area_code=area_code)
            )
            if len(batch) >= 5000:
                CampaignTarget.objects.bulk_create(batch)
                total += len(batch)
                batch = []
        CampaignTarget.objects.bulk_create(batch)
        total += len(batch)
    audit(
        acting_user=acting_user,
        action="immunization.campaign_draw_targets",
        obj=campaign,
        area_code=campaign.area_code,
        after={"rounds": [r.number for r in rounds], "targets": total},
    )
    return total


def immunization_refresh(
    *, acting_user, on: dt.date | None = None, area_code: str = "", progress: bool = False
) -> due.RefreshResult:
    """Rebuild ``DoseDue`` for every child under 18 (in an area): run nightly."""
    on = on or timezone.localdate()
    if acting_user is not None:
        ensure_can(acting_user, SERVE, area_code or None)
    result = due.dose_due_refresh_all(on=on, area_code=area_code, progress=progress)
    audit(
        acting_user=acting_user,
        action="immunization.refresh",
        object_type="immunization.dosedue",
        area_code=area_code,
        after={"on": on.isoformat(), "children": result.children, "rows": result.rows},
    )
    logger.info(
        "pending doses refreshed",
        extra={
            "as_of": on,
            "area_code": area_code,
            "children": result.children,
            "rows": result.rows,
            "seconds": result.seconds,
            "user_id": getattr(acting_user, "pk", None),
        },
    )
    return result
