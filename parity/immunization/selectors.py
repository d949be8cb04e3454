"""Reads for immunization. Lists are SQL over ``DoseDue`` and the campaign tables; only the
one-child page runs the engine. Callers pass querysets already ``.restrict()``-ed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Exists, Min, OuterRef, Q, QuerySet
from django.db.models.functions import Substr

from parity.areas.models import Area
from parity.immunization.due import person_given
from parity.immunization.models import (
    Campaign,
    CampaignTarget,
    DoseDue,
    VaccinationRecord,
    Vaccine,
)
from parity.immunization.schedule import ChildSchedule, Pending
from parity.immunization.schedule_data import schedule_from_db
from parity.people.models import Person


@dataclass
class PendingRow:
    pending: Pending
    vaccine: Vaccine
    status: str

    @property
    def label(self) -> str:
        return f"{self.vaccine.name} 第{self.pending.dose}剂"


@dataclass
class ChildScheduleView:
    person: Person
    on: dt.date
    result: ChildSchedule
    records: list[VaccinationRecord]
    pending: list[PendingRow]

    @property
    def overdue(self) -> list[PendingRow]:
        return [p for p in self.pending if p.status == "overdue"]

    @property
    def valid_today(self) -> list[PendingRow]:
        """Doses that may be given on ``on``: what the record form offers."""
        return [p for p in self.pending if p.pending.earliest_on <= self.on]


def child_schedule(person: Person, on: dt.date) -> ChildScheduleView:
    """One child's doses given, pending (due, overdue, upcoming) and the earliest date of
    each next dose, by the edition in force on ``on``."""
    vaccines = {v.code: v for v in Vaccine.objects.all()}
    records = list(
        VaccinationRecord.objects.filter(person=person)
        .select_related("vaccine", "site", "campaign")
        .order_by("date", "id")
    )
    schedule = schedule_from_db()
    result = schedule.evaluate(person.birth_date, person_given(person.pk), on)
    pending = [PendingRow(p, vaccines[p.vaccine], p.status(on)) for p in result.pending]
    return ChildScheduleView(person, on, result, records, pending)


def children_overdue(on: dt.date, *, people: QuerySet[Person] | None = None) -> QuerySet[Person]:
    """Children with at least one dose overdue on the date (by the nightly ``DoseDue``),
    annotated with ``overdue_since`` (the earliest overdue date) and ``overdue_count``."""
    people = people if people is not None else Person.objects.all()
    return (
        people.filter(doses_due__overdue_on__lte=on)
        .annotate(overdue_since=Min("doses_due__overdue_on"), overdue_count=Count("doses_due"))
        .order_by("overdue_since", "area_code", "id")
    )


def doses_due(on: dt.date, *, queryset: QuerySet[DoseDue] | None = None) -> QuerySet[DoseDue]:
    """Pending doses that may be given by the date (for work lists), most urgent first."""
    queryset = queryset if queryset is not None else DoseDue.objects.all()
    return (
        queryset.filter(Q(earliest_on__lte=on) | Q(overdue_on__lte=on))
        .select_related("person", "vaccine")
        .order_by("overdue_on", "due_on", "person_id")
    )


def percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), ROUND_HALF_UP)


@dataclass
class CoverageRow:
    code: str
    name: str
    targets: int
    vaccinated: int

    @property
    def coverage(self) -> Decimal | None:
        return percent(self.vaccinated, self.targets)


def campaign_targets(campaign: Campaign, *, queryset: QuerySet[CampaignTarget] | None = None):
    """The target list with ``vaccinated`` (a dose recorded in the target's round)."""
    queryset = queryset if queryset is not None else CampaignTarget.objects.all()
    done = VaccinationRecord.objects.filter(
        person_id=OuterRef("person_id"), round_id=OuterRef("round_id")
    )
    return (
        queryset.filter(campaign=campaign)
        .annotate(vaccinated=Exists(done))
        .select_related("person", "round")
        .order_by("area_code", "person__name", "round__number", "id")
    )


def campaign_coverage(
    campaign: Campaign,
    area: Area | None = None,
    *,
    round_number: int | None = None,
    queryset: QuerySet[CampaignTarget] | None = None,
) -> tuple[list[CoverageRow], CoverageRow]:
    """Coverage (实种 / 应种) of a campaign per child node of ``area`` (default: the
    campaign's area), summed over rounds unless one is named, grouped in SQL by the
    code prefix of the child nodes; and the total row."""
    area = area or campaign.area
    targets = queryset if queryset is not None else CampaignTarget.objects.all()
    targets = targets.filter(campaign=campaign, area_code__startswith=area.code)
    if round_number is not None:
        targets = targets.filter(round__number=round_number)
    children = {a.code: a.name for a in Area.objects.filter(parent=area).order_by("code")}
    width = len(next(iter(children))) if children else len(area.code)
    done = VaccinationRecord.objects.filter(
        person_id=OuterRef("person_id"), round_id=OuterRef("round_id")
    )
    grouped = (
        targets.annotate(node=Substr("area_code", 1, width), done=Exists(done))
        .values("node")
        .annotate(n=Count("id"), v=Count("id", filter=Q(done=True)))
        .order_by("node")
    )
    counts = {g["node"]: (g["n"], g["v"]) for g in grouped}
    rows = [
        CoverageRow(code, name, *counts.get(code, (0, 0)))
        for code, name in children.items()
        if code in counts
    ]
    if not children and area.code in counts:
        rows = [CoverageRow(area.code, area.name, *counts[area.code])]
    total = CoverageRow(
        area.code,
        area.name,
        sum(n for n, _v in counts.values()),
        sum(v for _n, v in counts.values()),
    )
    return rows, total


def campaign_children(campaign: Campaign, area: Area | None = None) -> tuple[int, int]:
    """Distinct children of a campaign in the area: on a target list of any round (应种),
    and of those, vaccinated in any round (实种) — how a report counts children, where
    ``campaign_coverage`` counts doses round by round."""
    area = area or campaign.area
    targets = CampaignTarget.objects.filter(campaign=campaign, area_code__startswith=area.code)
    vaccinated = VaccinationRecord.objects.filter(campaign=campaign).values("person_id")
    totals = targets.aggregate(
        children=Count("person_id", distinct=True),
        vaccinated=Count("person_id", distinct=True, filter=Q(person_id__in=vaccinated)),
    )
    return totals["children"], totals["vaccinated"]
