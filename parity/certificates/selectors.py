"""Reads for certificates and permits: the key groups in SQL, and the predicates the
services catalog names (registered in ``apps.py``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from dateutil.relativedelta import relativedelta
from django.db.models import (
    DateField,
    Exists,
    F,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Value,
)
from django.db.models.functions import Coalesce, Greatest, Least
from django.utils import timezone
from django.utils.translation import gettext as _

from parity.certificates import rules
from parity.certificates.actions import STABLE_HOUSING
from parity.certificates.choices import CheckOutcome, PermitStatus
from parity.certificates.models import (
    ACTIVE_PERMIT,
    MarriageCertificate,
    PermitEndorsement,
    ResidencePermit,
)
from parity.core.sql import AddMonths, plus_days
from parity.people.choices import MoveReason, Sex, Status
from parity.people.models import Employment, Person, Residence
from parity.people.selectors import resident_q

# Stands for "no limit" in Least/Greatest, which treat NULL differently per database.
_EARLIEST = dt.date(1900, 1, 1)
_LATEST = dt.date(9999, 12, 31)


# --- certificates -------------------------------------------------------------------------


def _certificates_on(on: dt.date):
    return MarriageCertificate.objects.filter(person=OuterRef("pk"), issued_on__lte=on).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=on)
    )


def has_certificate_q(on: dt.date) -> Q:
    """Delivered predicate "has_certificate": a certificate issued on or before the date
    and checked here on or before it."""
    return Q(Exists(_certificates_on(on).filter(checked_on__lte=on)))


def certificate_required_q(on: dt.date) -> Q:
    low, high = rules.CERTIFICATE_AGES
    return (
        Q(sex=Sex.FEMALE, status=Status.INFLOW)
        & Q(birth_date__lte=on - relativedelta(years=low))
        & Q(birth_date__gt=on - relativedelta(years=high + 1))
        & resident_q(on)
    )


def women_without_certificate(on: dt.date, queryset: QuerySet[Person] | None = None):
    """Women 18–49, inflow, living here on the date, with no certificate issued on or
    before it (未办理婚育证明对象); ``since`` is the day the 30 days from arrival ran out."""
    queryset = Person.objects.all() if queryset is None else queryset
    return (
        queryset.filter(certificate_required_q(on))
        .exclude(Exists(_certificates_on(on)))
        .annotate(since=plus_days("arrived_city_on", rules.CHECK_WITHIN_DAYS + 1))
        .select_related("grid")
        .order_by("arrived_city_on", "id")
    )


# --- permits ------------------------------------------------------------------------------


def _jobs_on(on: dt.date):
    return Employment.objects.filter(person=OuterRef("pk")).filter(
        Q(started_on__isnull=True) | Q(started_on__lte=on),
        Q(ended_on__isnull=True) | Q(ended_on__gt=on),
    )


def _homes_on(on: dt.date):
    return (
        Residence.objects.filter(person=OuterRef("pk"))
        .on(on)
        .filter(Q(housing_type__in=STABLE_HOUSING) | Q(move_reason=MoveReason.STUDY))
    )


def permit_basis_q(on: dt.date) -> Q:
    """Flag "permit_basis": employment, stable housing or study holds on the date."""
    return Q(Exists(_jobs_on(on))) | Q(Exists(_homes_on(on)))


def permit_valid_q(on: dt.date) -> Q:
    """Delivered predicate "permit_valid": an issued permit valid (not lapsed) on the date,
    in its first year or on the strength of an endorsement."""
    first_year = ResidencePermit.objects.filter(
        person=OuterRef("pk"),
        status=PermitStatus.ISSUED,
        issued_on__lte=on,
        first_valid_until__gte=on,
    )
    endorsed = PermitEndorsement.objects.filter(
        permit__person=OuterRef("pk"),
        permit__status=PermitStatus.ISSUED,
        endorsed_on__lte=on,
        valid_until__gte=on,
    )
    return Q(Exists(first_year)) | Q(Exists(endorsed))


def _job_q(on: dt.date) -> Q:
    """``_jobs_on`` over a person's ``employments``, for an aggregate over the join (where a
    person without a job has one row of NULLs, which must not pass for an open job of
    unknown start)."""
    return Q(
        Q(employments__id__isnull=False),
        Q(employments__started_on__isnull=True) | Q(employments__started_on__lte=on),
        Q(employments__ended_on__isnull=True) | Q(employments__ended_on__gt=on),
    )


def _home_q(on: dt.date) -> Q:
    """``_homes_on`` over a person's ``residences``, for an aggregate over the join."""
    return Q(
        Q(residences__arrived_on__lte=on),
        Q(residences__departed_on__isnull=True) | Q(residences__departed_on__gt=on),
        Q(residences__housing_type__in=STABLE_HOUSING)
        | Q(residences__move_reason=MoveReason.STUDY),
    )


def permit_eligible_without_permit(
    on: dt.date, queryset: QuerySet[Person] | None = None
) -> QuerySet[Any]:
    """Inflow people living here six months or more with a basis on the date and no permit
    applied for or held; ``since`` is the day they became eligible: six months after
    arrival, or the start of their basis if later.

    From today on, read from ``Person.permit_eligible_on`` (``eligible.py``: the day on
    the person's open records, kept on every write), filtered by the stay on the date: a
    page and its count are a stretch of one index. Records are never dated after the day
    they are written, so the open records are the records on any date from today, and the
    two give the same people and days (tested). Earlier dates are computed from the
    records (``permit_eligible_computed``)."""
    queryset = Person.objects.all() if queryset is None else queryset
    rows: QuerySet[Any]
    if on < timezone.localdate():
        rows = permit_eligible_computed(on, queryset)
    else:
        rows = queryset.filter(
            Q(status=Status.INFLOW)
            & resident_q(on)
            & Q(arrived_city_on__lte=on - relativedelta(months=rules.MIN_STAY_MONTHS))
            # Implied by the stay (the day is at most six months after arrival or the
            # start of a basis begun by now); it bounds the index's range.
            & Q(permit_eligible_on__lte=on)
        ).annotate(since=F("permit_eligible_on"))
    return rows.select_related("grid").order_by("since", "id")


def permit_eligible_computed(
    on: dt.date, queryset: QuerySet[Person], permits: Any = ResidencePermit
) -> QuerySet[Any]:
    """``permit_eligible_without_permit`` computed from the records, unordered: the basis
    (``permit_basis_q``) and the earliest start of each kind are aggregates over one join
    of people with their jobs and homes, not correlated subqueries (1.3 s for 520,000
    people instead of 7–17 s, see bench/README.md). ``permits``: the permit model (a
    migration's historical one)."""
    active = permits.objects.filter(
        person=OuterRef("pk"), status__in=ACTIVE_PERMIT, applied_on__lte=on
    )
    return (
        queryset.filter(
            Q(status=Status.INFLOW)
            & resident_q(on)
            & Q(arrived_city_on__lte=on - relativedelta(months=rules.MIN_STAY_MONTHS))
        )
        .exclude(Exists(active))
        .annotate(
            # Unknown start: no limit.
            job_since=Min(Coalesce("employments__started_on", Value(_EARLIEST)), filter=_job_q(on)),
            home_since=Min("residences__arrived_on", filter=_home_q(on)),
        )
        .filter(Q(job_since__isnull=False) | Q(home_since__isnull=False))
        .annotate(
            since=Greatest(
                AddMonths(F("arrived_city_on"), rules.MIN_STAY_MONTHS),
                Least(
                    Coalesce("job_since", Value(_LATEST)),
                    Coalesce("home_since", Value(_LATEST)),
                    output_field=DateField(),
                ),
            )
        )
    )


# --- one person ---------------------------------------------------------------------------


def certificates_of(person: Person):
    return (
        MarriageCertificate.objects.filter(person=person)
        .select_related("check_request")
        .order_by("-issued_on", "-id")
    )


def permits_of(person: Person):
    return (
        ResidencePermit.objects.filter(person=person)
        .prefetch_related("endorsements")
        .order_by("-applied_on", "-id")
    )


def check_request_message(certificate: MarriageCertificate) -> tuple[bool, str]:
    """What the page tells after a check: whether all went as asked, and the text."""
    if certificate.check_outcome != CheckOutcome.FAILED:
        return True, _("已查验")
    if certificate.check_request is not None:
        return True, _(
            "已查验:线上核验未通过,已向户籍地(%(code)s)发出婚育证明核验协查,对方应在接收后7日内反馈"
        ) % {"code": certificate.check_request.partner.code}
    return False, _(
        "已查验:线上核验未通过,但户籍地(%(code)s)尚未登记为合作地区,未发出协查;"
        "请以其他方式联系户籍地核实,或请管理员登记该合作地区"
    ) % {"code": certificate.person.hukou_code}
