"""Named predicates an indicator definition can use besides the eligibility rule keys.

Each builds a ``Q`` over ``Person`` for a period (``start`` … ``end``, both inclusive) from
parameters given in the definition (``{"name": "dose_received", "vaccine": "HepB",
"dose": 1}``). Apps' data (pregnancies, vaccinations, campaigns, visits) enter indicators
only through here, so a definition stays plain data and is validated before saving.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from dateutil.relativedelta import relativedelta
from django.db.models import Count, Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from parity.immunization.choices import ALTERNATIVE_SERIES
from parity.immunization.models import (
    Campaign,
    CampaignTarget,
    ScheduleDose,
    VaccinationRecord,
    Vaccine,
)
from parity.maternal.choices import PostpartumKind
from parity.maternal.models import AntenatalVisit, PostpartumVisit, Pregnancy
from parity.services.models import Visit


@dataclass(frozen=True)
class Param:
    name: str
    kind: type
    label: Any
    minimum: int | None = None


@dataclass(frozen=True)
class IndicatorPredicate:
    name: str
    label: Any
    build: Callable[..., Q]
    params: tuple[Param, ...] = field(default_factory=tuple)


PREDICATES: dict[str, IndicatorPredicate] = {}


def register(name: str, label, build: Callable[..., Q], *params: Param) -> None:
    PREDICATES[name] = IndicatorPredicate(name, label, build, tuple(params))


# --- maternal care -------------------------------------------------------------------


def _delivered(start: dt.date, end: dt.date):
    return Pregnancy.objects.filter(
        person=OuterRef("pk"), delivered_on__gte=start, delivered_on__lte=end
    )


def delivered_in_period(start: dt.date, end: dt.date) -> Q:
    """Women who gave birth in the period (the denominator of maternal-care rates)."""
    return Q(Exists(_delivered(start, end)))


def antenatal_first_before(start: dt.date, end: dt.date, *, week: int = 13) -> Q:
    """A pregnancy delivered in the period had its first antenatal visit before the week."""
    early = AntenatalVisit.objects.filter(pregnancy=OuterRef("pk"), gestational_week__lt=week)
    return Q(Exists(_delivered(start, end).filter(Exists(early))))


def antenatal_visits_at_least(start: dt.date, end: dt.date, *, count: int = 5) -> Q:
    """A pregnancy delivered in the period had at least ``count`` antenatal visits."""
    enough = _delivered(start, end).annotate(n=Count("visits")).filter(n__gte=count)
    return Q(Exists(enough))


def postpartum_visited(start: dt.date, end: dt.date, *, within_days: int = 7) -> Q:
    """A pregnancy delivered in the period had a completed postpartum home visit within
    ``within_days`` days of discharge (of delivery, when the discharge is not known)."""
    home = PostpartumVisit.objects.filter(
        pregnancy=OuterRef("pk"), kind=PostpartumKind.HOME_VISIT, completed=True
    )
    delivered = _delivered(start, end)
    on_time = Q(Exists(home.filter(late=False)))
    return (
        Q(Exists(delivered.filter(on_time)))
        if within_days
        else Q(Exists(delivered.filter(Exists(home))))
    )


# --- immunization ----------------------------------------------------------------------


def dose_due(start: dt.date, end: dt.date, *, vaccine: str, dose: int) -> Q:
    """Children under 7 who on ``end`` are past the age by which the dose should have
    been given (the schedule's "complete before" age, else its first age plus the
    edition's grace months): the children at the due age."""
    row = (
        ScheduleDose.objects.filter(
            vaccine__code=vaccine, dose=dose, edition__effective_from__lte=end
        )
        .select_related("edition")
        .order_by("-edition__effective_from")
        .first()
    )
    if row is None:
        return Q(pk__in=[])
    months = row.complete_before_months
    if months is None:
        months = row.min_age_months + row.edition.grace_months
    due_by = end - relativedelta(
        months=months, days=row.min_age_days if row.complete_before_months is None else 0
    )
    return Q(birth_date__lte=due_by, birth_date__gt=end - relativedelta(years=7))


def dose_received(start: dt.date, end: dt.date, *, vaccine: str, dose: int) -> Q:
    """The child had the dose by ``end``. In an alternative series (JE, HepA: live or
    inactivated) the same dose number of either vaccine counts."""
    series = Vaccine.objects.filter(code=vaccine).values_list("series", flat=True).first()
    which = Q(vaccine__series=series) if series in ALTERNATIVE_SERIES else Q(vaccine__code=vaccine)
    given = VaccinationRecord.objects.filter(which, person=OuterRef("pk"), dose=dose, date__lte=end)
    return Q(Exists(given))


def _campaign(end: dt.date):
    return (
        Campaign.objects.filter(rounds__start_on__lte=end)
        .order_by("-rounds__start_on", "-id")
        .values_list("pk", flat=True)
        .first()
    )


def campaign_target(start: dt.date, end: dt.date) -> Q:
    """On a target list (应种) of the latest campaign started by ``end``."""
    campaign = _campaign(end)
    return Q(Exists(CampaignTarget.objects.filter(person=OuterRef("pk"), campaign_id=campaign)))


def campaign_vaccinated(start: dt.date, end: dt.date) -> Q:
    """Vaccinated (实种) in a round of the latest campaign started by ``end``, by ``end``."""
    campaign = _campaign(end)
    given = VaccinationRecord.objects.filter(
        person=OuterRef("pk"), campaign_id=campaign, date__lte=end
    )
    return Q(Exists(given))


# --- grid work -------------------------------------------------------------------------


def visited_within(start: dt.date, end: dt.date, *, days: int = 90) -> Q:
    """A home visit (入户走访) in the ``days`` days ending on ``end``."""
    recent = Visit.objects.filter(
        person=OuterRef("pk"), visited_on__lte=end, visited_on__gt=end - dt.timedelta(days=days)
    )
    return Q(Exists(recent))


def register_builtin_predicates() -> None:
    week = Param("week", int, _("孕周"), minimum=1)
    register("delivered_in_period", _("统计期内分娩"), delivered_in_period)
    register("antenatal_first_before", _("孕早期首次产前检查"), antenatal_first_before, week)
    register(
        "antenatal_visits_at_least",
        _("产前检查达到次数"),
        antenatal_visits_at_least,
        Param("count", int, _("次数"), minimum=1),
    )
    register(
        "postpartum_visited",
        _("产后访视"),
        postpartum_visited,
        Param("within_days", int, _("出院后天数"), minimum=0),
    )
    vaccine = Param("vaccine", str, _("疫苗代码"))
    dose = Param("dose", int, _("剂次"), minimum=1)
    register("dose_due", _("已到该剂次接种月龄的7岁以下儿童"), dose_due, vaccine, dose)
    register("dose_received", _("已接种该剂次"), dose_received, vaccine, dose)
    register("campaign_target", _("最近一次强化免疫应种对象"), campaign_target)
    register("campaign_vaccinated", _("最近一次强化免疫实种"), campaign_vaccinated)
    register(
        "visited_within",
        _("按时入户走访"),
        visited_within,
        Param("days", int, _("天数"), minimum=1),
    )
