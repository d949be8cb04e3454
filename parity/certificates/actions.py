"""Writes for certificates and residence permits. Each action checks the "serve"
permission, validates, records a service event, audits and commits in one transaction."""

from __future__ import annotations

import datetime as dt

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from parity.accounts.models import Department
from parity.accounts.permissions import CHANGE, in_scope
from parity.certificates import rules
from parity.certificates.choices import CheckOutcome, PermitBasis, PermitState, PermitStatus
from parity.certificates.error_codes import CertificateError
from parity.certificates.models import (
    ACTIVE_PERMIT,
    MarriageCertificate,
    PermitEndorsement,
    ResidencePermit,
)
from parity.core.actions import changed, snapshot
from parity.core.error_codes import ErrorCode
from parity.core.models import audit
from parity.exchange import actions as exchange
from parity.exchange.choices import Urgency
from parity.people import validators
from parity.people.choices import HousingType, MaritalStatus, MoveReason, Sex, Status
from parity.people.models import Employment, Person, Residence
from parity.services.actions import ensure_can_serve, service_record
from parity.services.models import ServiceEvent, ServiceType

CERTIFICATE_SERVICE = "marriage_certificate"
PERMIT_SERVICE = "residence_permit"
# Art. 2 "lawful stable residence": housing one rents, owns or is given by an employer.
STABLE_HOUSING = (HousingType.RENTED, HousingType.OWN, HousingType.DORMITORY)


def _error(field: str, message: str, code: str) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


def _past(value: dt.date, field: str, label: str) -> None:
    try:
        validators.clean_past_date(value, label=label)
    except ValidationError as exc:
        raise ValidationError({field: exc}) from exc


def _serve(*, acting_user, person: Person, code: str, date: dt.date, provider, note: str):
    service_type = ServiceType.objects.filter(code=code).first()
    if service_type is None:
        raise ValidationError(
            _("服务项目 %(code)s 尚未载入目录") % {"code": code},
            code=CertificateError.SERVICE_TYPE_MISSING,
        )
    return service_record(
        acting_user=acting_user,
        person=person,
        service_type=service_type,
        date=date,
        provider=provider,
        details={},
        note=note,
        own_record=True,
    )


# --- marriage-and-childbearing certificate ------------------------------------------------


def _check(
    certificate: MarriageCertificate,
    *,
    acting_user,
    checked_on: dt.date,
    outcome: str,
    provider: Department | None,
) -> ServiceEvent:
    person = certificate.person
    _past(checked_on, "checked_on", _("查验日期"))
    if checked_on < certificate.issued_on:
        raise _error("checked_on", _("查验日期早于发证日期"), ErrorCode.DATE_ORDER)
    if outcome not in CheckOutcome.values:
        raise _error("outcome", _("请选择查验结果"), ErrorCode.INVALID_CHOICE)
    if outcome == CheckOutcome.FAILED:
        _ensure_can_request(acting_user, person)
    due = rules.check_due_on(person.arrived_city_on)
    certificate.checked_on = checked_on
    certificate.checked_late = due is not None and checked_on > due
    certificate.check_outcome = outcome
    return _serve(
        acting_user=acting_user,
        person=person,
        code=CERTIFICATE_SERVICE,
        date=checked_on,
        provider=provider,
        note=_("查验婚育证明 %(number)s") % {"number": certificate.number},
    )


def _ensure_can_request(acting_user, person: Person) -> None:
    """A failed check sends a 协查, which takes the right to change records in the area
    (a community officer's or a grid worker's, not a service provider's). Refused before
    anything is written; without a partner no 协查 is sent, and none is needed."""
    if exchange.partner_for(person.hukou_code) is None:
        return
    if not in_scope(acting_user, person.area_code, CHANGE):
        raise _error(
            "outcome",
            _("线上核验未通过需向户籍地发出协查,您无权发出协查,请由社区或网格工作人员登记"),
            CertificateError.CANNOT_REQUEST,
        )


def _request_verification(acting_user, certificate: MarriageCertificate) -> None:
    """After a failed online check: the 7-day 协查 to the person's place of household
    registration, queued in the outbox in this transaction (``exchange.request_send``),
    and linked to the certificate. Nothing is sent when that place is not a registered
    partner; the check stands and the page says so (``selectors.check_request_message``)."""
    person = certificate.person
    if exchange.partner_for(person.hukou_code) is None:
        return
    # The question goes to the partner: in the instances' language, not this user's.
    with translation.override(settings.LANGUAGE_CODE):
        question = _(
            "婚育证明 %(number)s(发证地 %(region)s,发证日期 %(issued)s)于 %(checked)s "
            "查验时线上核验未通过或信息不符,请核实并于7日内反馈"
        ) % {
            "number": certificate.number,
            "region": certificate.region_code,
            "issued": certificate.issued_on.isoformat(),
            "checked": certificate.checked_on.isoformat() if certificate.checked_on else "",
        }
    certificate.check_request = exchange.request_send(
        acting_user=acting_user,
        person=person,
        question=question,
        urgency=Urgency.CERTIFICATE,
    )
    certificate.save(update_fields=["check_request", "updated_at"])


@transaction.atomic
def certificate_record(
    *,
    acting_user,
    person: Person,
    region_code: str,
    number: str,
    issued_on: dt.date,
    electronic: bool = False,
    marital_status: str = "",
    children_count: int = 0,
    valid_until: dt.date | None = None,
    checked_on: dt.date | None = None,
    outcome: str = CheckOutcome.VERIFIED,
    provider: Department | None = None,
) -> MarriageCertificate:
    """Record a certificate issued by the place of household registration; with
    ``checked_on`` it was also shown here (and that check is a service event, with its
    ``outcome``: a failed online check sends the 7-day 协查, as ``certificate_check``)."""
    ensure_can_serve(acting_user, person)
    errors: dict[str, ValidationError] = {}
    if person.sex != Sex.FEMALE:
        errors["person"] = ValidationError(
            _("婚育证明为育龄妇女办理"), code=CertificateError.NOT_FEMALE
        )
    try:
        region_code = validators.clean_region_code(region_code)
    except ValidationError as exc:
        errors["region_code"] = exc
    number = "".join(str(number or "").split())
    if not number:
        errors["number"] = ValidationError(_("请填写证明编号"), code=ErrorCode.REQUIRED)
    elif MarriageCertificate.objects.filter(region_code=region_code, number=number).exists():
        errors["number"] = ValidationError(
            _("该发证地的此编号已登记"), code=CertificateError.NUMBER_TAKEN
        )
    try:
        validators.clean_past_date(issued_on, label=_("发证日期"))
    except ValidationError as exc:
        errors["issued_on"] = exc
    if valid_until is not None and valid_until < issued_on:
        errors["valid_until"] = ValidationError(
            _("有效期不能早于发证日期"), code=ErrorCode.DATE_ORDER
        )
    if marital_status and marital_status not in MaritalStatus.values:
        errors["marital_status"] = ValidationError(_("婚姻状况无效"), code=ErrorCode.INVALID_CHOICE)
    if errors:
        raise ValidationError(errors)
    certificate = MarriageCertificate(
        person=person,
        region_code=region_code,
        number=number,
        issued_on=issued_on,
        electronic=electronic,
        marital_status=marital_status,
        children_count=children_count,
        valid_until=valid_until,
        area_code=person.area_code,
    )
    if checked_on is not None:
        certificate.check_event = _check(
            certificate,
            acting_user=acting_user,
            checked_on=checked_on,
            outcome=outcome,
            provider=provider,
        )
    certificate.full_clean()
    certificate.save()
    if certificate.check_outcome == CheckOutcome.FAILED:
        _request_verification(acting_user, certificate)
    audit(
        acting_user=acting_user,
        action="marriage_certificate.record",
        obj=certificate,
        area_code=certificate.area_code,
        after=snapshot(certificate),
    )
    return certificate


@transaction.atomic
def certificate_check(
    *,
    acting_user,
    certificate: MarriageCertificate,
    checked_on: dt.date,
    outcome: str = CheckOutcome.VERIFIED,
    provider: Department | None = None,
) -> MarriageCertificate:
    """The certificate was shown (or, electronic, queried) here. Late after 30 days from
    arrival in the city. ``outcome`` failed: the online check failed or disagrees, and
    the 7-day 协查 to the place of household registration is queued with the check (a
    check recorded, nothing sent, when that place is not a registered partner)."""
    ensure_can_serve(acting_user, certificate.person)
    certificate = (
        MarriageCertificate.objects.select_for_update()
        .select_related("person")
        .get(pk=certificate.pk)
    )
    if certificate.checked_on is not None:
        raise _error("checked_on", _("该证明已查验"), CertificateError.ALREADY_CHECKED)
    before = snapshot(certificate)
    certificate.check_event = _check(
        certificate,
        acting_user=acting_user,
        checked_on=checked_on,
        outcome=outcome,
        provider=provider,
    )
    certificate.full_clean()
    certificate.save(
        update_fields=["checked_on", "checked_late", "check_outcome", "check_event", "updated_at"]
    )
    if certificate.check_outcome == CheckOutcome.FAILED:
        _request_verification(acting_user, certificate)
    old, new = changed(before, snapshot(certificate))
    audit(
        acting_user=acting_user,
        action="marriage_certificate.check",
        obj=certificate,
        area_code=certificate.area_code,
        before=old,
        after=new,
    )
    return certificate


# --- residence permit ---------------------------------------------------------------------


def basis_error(person: Person, basis: str, on: dt.date) -> str:
    """What is missing for ``basis`` to hold on the date, or ``""`` when it holds."""
    residences = Residence.objects.filter(person=person).on(on)
    if basis == PermitBasis.EMPLOYMENT:
        jobs = Employment.objects.filter(person=person).filter(
            Q(started_on__isnull=True) | Q(started_on__lte=on),
            Q(ended_on__isnull=True) | Q(ended_on__gt=on),
        )
        return "" if jobs.exists() else _("申领日没有在职的就业登记(合法稳定就业)")
    if basis == PermitBasis.RESIDENCE:
        if residences.filter(housing_type__in=STABLE_HOUSING).exists():
            return ""
        return _("申领日没有租赁、自有或单位宿舍住所的居住登记(合法稳定住所)")
    if basis == PermitBasis.STUDY:
        if residences.filter(move_reason=MoveReason.STUDY).exists():
            return ""
        return _("申领日的居住登记流动原因不是学习培训(连续就读)")
    return _("请选择申领条件")


@transaction.atomic
def permit_apply(
    *,
    acting_user,
    person: Person,
    basis: str,
    applied_on: dt.date | None = None,
    provider: Department | None = None,
) -> ResidencePermit:
    """Apply for a residence permit. On the application date the person is inflow,
    living here for six months or more (``person.arrived_city_on``), with the basis
    holding; every error names what is missing."""
    ensure_can_serve(acting_user, person)
    applied_on = applied_on or timezone.localdate()
    _past(applied_on, "applied_on", _("申领日期"))
    errors: dict[str, ValidationError] = {}
    arrived = person.arrived_city_on
    living_here = (
        arrived is not None
        and arrived <= applied_on
        and (person.left_city_on is None or person.left_city_on > applied_on)
    )
    if person.status != Status.INFLOW:
        errors["person"] = ValidationError(
            _("居住证为离开户籍地在本市居住的流入人口办理"), code=CertificateError.NOT_INFLOW
        )
    elif not living_here or arrived is None:
        errors["person"] = ValidationError(
            _("申领日不在本市居住"), code=CertificateError.NOT_LIVING_HERE
        )
    elif rules.eligible_from(arrived) > applied_on:
        months = relativedelta(applied_on, arrived)
        errors["applied_on"] = ValidationError(
            _("在本市居住未满半年:%(arrived)s来本市,至申领日居住%(m)d个月%(d)d天,%(from)s起可申领")
            % {
                "arrived": arrived.isoformat(),
                "m": months.years * 12 + months.months,
                "d": months.days,
                "from": rules.eligible_from(arrived).isoformat(),
            },
            code=CertificateError.STAY_TOO_SHORT,
        )
    if basis not in PermitBasis.values:
        errors["basis"] = ValidationError(_("请选择申领条件"), code=ErrorCode.INVALID_CHOICE)
    else:
        missing = basis_error(person, basis, applied_on)
        if missing:
            errors["basis"] = ValidationError(missing, code=CertificateError.BASIS_MISSING)
    if ResidencePermit.objects.filter(person=person, status__in=ACTIVE_PERMIT).exists():
        errors["person"] = ValidationError(
            _("已有申领中或有效的居住证"), code=CertificateError.PERMIT_EXISTS
        )
    if errors:
        raise ValidationError(errors)
    event = _serve(
        acting_user=acting_user,
        person=person,
        code=PERMIT_SERVICE,
        date=applied_on,
        provider=provider,
        note=_("申领居住证(%(basis)s)") % {"basis": PermitBasis(basis).label},
    )
    permit = ResidencePermit(
        person=person,
        basis=basis,
        applied_on=applied_on,
        apply_event=event,
        area_code=person.area_code,
    )
    permit.full_clean()
    permit.save()
    audit(
        acting_user=acting_user,
        action="residence_permit.apply",
        obj=permit,
        area_code=permit.area_code,
        after=snapshot(permit),
    )
    return permit


def _locked(permit: ResidencePermit) -> ResidencePermit:
    return ResidencePermit.objects.select_for_update().select_related("person").get(pk=permit.pk)


@transaction.atomic
def permit_issue(
    *,
    acting_user,
    permit: ResidencePermit,
    issued_on: dt.date,
    number: str,
    provider: Department | None = None,
) -> ResidencePermit:
    ensure_can_serve(acting_user, permit.person)
    permit = _locked(permit)
    if permit.status != PermitStatus.APPLIED:
        raise _error("number", _("该居住证已发证或已注销"), CertificateError.ALREADY_ISSUED)
    _past(issued_on, "issued_on", _("发证日期"))
    if issued_on < permit.applied_on:
        raise _error("issued_on", _("发证日期早于申领日期"), ErrorCode.DATE_ORDER)
    number = "".join(str(number or "").split())
    if not number:
        raise _error("number", _("请填写居住证号码"), ErrorCode.REQUIRED)
    if ResidencePermit.objects.filter(number=number).exists():
        raise _error("number", _("该居住证号码已登记"), CertificateError.NUMBER_TAKEN)
    before = snapshot(permit)
    permit.issue_event = _serve(
        acting_user=acting_user,
        person=permit.person,
        code=PERMIT_SERVICE,
        date=issued_on,
        provider=provider,
        note=_("发放居住证 %(number)s") % {"number": number},
    )
    permit.status = PermitStatus.ISSUED
    permit.issued_on = issued_on
    permit.first_valid_until = issued_on + relativedelta(years=1) - rules.DAY
    permit.number = number
    permit.full_clean()
    permit.save()
    old, new = changed(before, snapshot(permit))
    audit(
        acting_user=acting_user,
        action="residence_permit.issue",
        obj=permit,
        area_code=permit.area_code,
        before=old,
        after=new,
    )
    return permit


@transaction.atomic
def permit_endorse(
    *,
    acting_user,
    permit: ResidencePermit,
    endorsed_on: dt.date,
    provider: Department | None = None,
) -> PermitEndorsement:
    """The yearly endorsement: in the month before the full year it carries the permit to
    the next; after a lapse it revives the permit and the years count again from it."""
    ensure_can_serve(acting_user, permit.person)
    permit = _locked(permit)
    if permit.status != PermitStatus.ISSUED or permit.issued_on is None:
        raise _error("endorsed_on", _("居住证尚未发证"), CertificateError.NOT_ISSUED)
    _past(endorsed_on, "endorsed_on", _("签注日期"))
    endorsements = list(permit.endorsements.all())
    last = max([e.endorsed_on for e in endorsements], default=permit.issued_on)
    if endorsed_on <= last:
        raise _error(
            "endorsed_on",
            _("签注日期应晚于发证或上次签注日期(%(d)s)") % {"d": last.isoformat()},
            ErrorCode.DATE_ORDER,
        )
    standing = rules.permit_state(permit, endorsements, endorsed_on)
    if standing.state == PermitState.VALID:
        raise _error(
            "endorsed_on",
            _("尚未到签注期:本年度签注期为%(start)s至%(end)s")
            % {"start": standing.endorse_from, "end": standing.valid_until},
            CertificateError.TOO_EARLY,
        )
    late = standing.state == PermitState.LAPSED
    after = rules.permit_state(
        permit, [*endorsements, PermitEndorsement(endorsed_on=endorsed_on)], endorsed_on
    )
    event = _serve(
        acting_user=acting_user,
        person=permit.person,
        code=PERMIT_SERVICE,
        date=endorsed_on,
        provider=provider,
        note=(_("居住证逾期签注") if late else _("居住证签注")) + f" {permit.number}",
    )
    assert after.counted_from is not None and after.valid_until is not None  # issued: dated
    endorsement = PermitEndorsement(
        permit=permit,
        endorsed_on=endorsed_on,
        late=late,
        counted_from=after.counted_from,
        valid_until=after.valid_until,
        event=event,
        area_code=permit.person.area_code,
    )
    endorsement.full_clean()
    endorsement.save()
    audit(
        acting_user=acting_user,
        action="residence_permit.endorse",
        obj=endorsement,
        area_code=endorsement.area_code,
        after=snapshot(endorsement),
    )
    return endorsement
