"""Reads for immunization. Lists are SQL over ``DoseDue`` and the campaign tables; only the
one-child page runs the engine. Callers pass querysets already ``.restrict()``-ed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Substr

from parity.areas.models import Area
from parity.core.i18n import english_active, in_language
from parity.core.pagination import rows_with_figures
from parity.immunization.due import person_given
from parity.immunization.models import (
    Campaign,
    CampaignTarget,
    DoseDue,
    ScheduleDose,
    VaccinationRecord,
    Vaccine,
    dose_label,
)
from parity.immunization.schedule import ChildSchedule, Pending, add_months
from parity.immunization.schedule_data import schedule_from_db
from parity.people.models import Person


@dataclass
class PendingRow:
    pending: Pending
    vaccine: Vaccine
    status: str

    @property
    def label(self) -> str:
        return dose_label(self.vaccine.display_name, self.pending.dose)


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


# Children younger than this come first on the overdue lists (and the work list).
URGENT_UNDER_MONTHS = 24
# Then the children of preschool age, whose doses are still on the schedule's own ages.
PRESCHOOL_UNDER_MONTHS = 84


@dataclass(frozen=True)
class AgeLimits:
    """Up to what age the doses of the edition in force on a date are given."""

    catch_up_months: int
    every_dose: dict[int, set[int]]  # vaccine id -> dose numbers
    give_before: dict[int, dict[int, int]]  # vaccine id -> dose -> months


def age_limits(on: dt.date) -> AgeLimits | None:
    """The edition in force on the date and its doses' age limits: one query."""
    rows = list(
        ScheduleDose.objects.values_list(
            "edition__effective_from",
            "edition__catch_up_until_months",
            "vaccine_id",
            "dose",
            "give_before_months",
        )
    )
    if not rows:
        return None
    starts = sorted({r[0] for r in rows})
    current = max((d for d in starts if d <= on), default=starts[0])
    limits = AgeLimits(0, {}, {})
    catch_up = 0
    for start, months_18, vaccine_id, dose, months in rows:
        if start != current:
            continue
        catch_up = months_18
        limits.every_dose.setdefault(vaccine_id, set()).add(dose)
        if months is not None:
            limits.give_before.setdefault(vaccine_id, {})[dose] = months
    return AgeLimits(catch_up, limits.every_dose, limits.give_before)


def still_given_q(
    on: dt.date,
    *,
    prefix: str = "doses_due__",
    birth: str = "birth_date",
    limits: AgeLimits | None = None,
) -> Q:
    """Pending doses that may still be given on the date: the child is under the catch-up
    age (18) and under the dose's ``give_before`` age (BCG 4 years, MPSV-A 24 months).
    The nightly ``DoseDue`` rows are valid as of their date; between refreshes a child
    past the age is not listed overdue for the dose. Written without negation, so that
    on ``Person`` it filters the same join of doses as the overdue date beside it."""
    limits = limits or age_limits(on)
    if limits is None:
        return Q()
    q = Q(**{f"{birth}__gt": add_months(on, -limits.catch_up_months)})
    limited = limits.give_before
    if not limited:
        return q
    every_dose = limits.every_dose
    free = Q(**{f"{prefix}vaccine_id__in": sorted(set(every_dose) - set(limited))})
    for vaccine_id, doses in limited.items():
        others = sorted(every_dose[vaccine_id] - set(doses))
        if others:
            free |= Q(**{f"{prefix}vaccine_id": vaccine_id, f"{prefix}dose__in": others})
        for dose, months in doses.items():
            free |= Q(
                **{
                    f"{prefix}vaccine_id": vaccine_id,
                    f"{prefix}dose": dose,
                    f"{birth}__gt": add_months(on, -months),
                }
            )
    return q & free


def overdue_doses(
    on: dt.date,
    queryset: QuerySet[DoseDue] | None = None,
    *,
    limits: AgeLimits | None = None,
) -> QuerySet[DoseDue]:
    """Doses overdue on the date that may still be given."""
    queryset = queryset if queryset is not None else DoseDue.objects.all()
    return queryset.filter(
        still_given_q(on, prefix="", birth="person__birth_date", limits=limits),
        overdue_on__lte=on,
    )


def overdue_dose_labels(person_ids: list[int], on: dt.date) -> dict[int, str]:
    """Every overdue dose of each child named, most recently overdue first (the card and
    the list show them all): one query for a page of children."""
    labels: dict[int, list[str]] = {}
    rows = (
        overdue_doses(on, DoseDue.objects.filter(person_id__in=person_ids))
        .order_by("person_id", "-overdue_on", "vaccine__sort_order")
        .values_list("person_id", "vaccine__name", "vaccine__name_en", "dose")
    )
    for person_id, name, name_en, dose in rows:
        labels.setdefault(person_id, []).append(dose_label(in_language(name, name_en), dose))
    separator = ", " if english_active() else "、"
    return {pk: separator.join(names) for pk, names in labels.items()}


def children_overdue(
    on: dt.date,
    *,
    people: QuerySet[Person] | None = None,
    limits: AgeLimits | None = None,
) -> QuerySet[Person]:
    """Children with at least one dose overdue on the date that may still be given (by
    the nightly ``DoseDue``), annotated with ``overdue_since`` (the earliest overdue
    date), ``overdue_latest`` (the latest) and ``overdue_count``; in the order of what
    to do today: children under two, then preschool children, then older ones, and in
    each band the most recently overdue first (catch-up helps most early; a 15-year-old
    missing a dose since 2011 comes after a 2-year-old a month late)."""
    people = people if people is not None else Person.objects.all()
    urgent = add_months(on, -URGENT_UNDER_MONTHS)
    preschool = add_months(on, -PRESCHOOL_UNDER_MONTHS)
    return (
        people.filter(still_given_q(on, limits=limits), doses_due__overdue_on__lte=on)
        .annotate(
            overdue_since=Min("doses_due__overdue_on"),
            overdue_latest=Max("doses_due__overdue_on"),
            overdue_count=Count("doses_due"),
            band=Case(
                When(birth_date__gt=urgent, then=Value(0)),
                When(birth_date__gt=preschool, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            ),
        )
        .order_by("band", "-overdue_latest", "id")
    )


OVERDUE_FIGURES = ("overdue_since", "overdue_latest", "overdue_count", "band")


class BandedRows:
    """The narrow rows of ``children_overdue`` for a list page: one query per age band
    (under two, preschool, older), each grouping only its band's pending doses, read in
    the list's order band after band. The first page of a district's or the city's list
    then groups the overdue doses of its youngest children only (the band a page needs),
    not the 2.3 million of every child under 18. Sliced and counted like a queryset
    (``BoundedCountPaginator``: the count is the bands' counts, within the budget). Each
    band's rows name the child ``person_id``; they are handed out with it as ``pk``."""

    query = None  # counted by the paginator as a queryset is

    def __init__(self, bands: list[QuerySet]) -> None:
        self.bands = bands
        self.db = bands[0].db

    @staticmethod
    def _row(row: dict) -> dict:
        named = dict(row)  # a copy: a band read twice hands out its cached rows again
        named["pk"] = named.pop("person_id")
        return named

    @cached_property
    def _band_sql(self) -> list[tuple[str, tuple]]:
        """Each band's SQL and parameters, unordered, compiled once for the count and its
        memo key; a band of no one (a scope of ``.none()``, which has no SQL) is left out."""
        parts = []
        for band in self.bands:
            try:
                parts.append(band.order_by().query.sql_with_params())
            except EmptyResultSet:  # nothing to count
                continue
        return parts

    def count(self) -> int:
        """The bands' counts added up in one statement: under the paginator's budget (a
        ``statement_timeout``) a city's list too long to count costs the budget once, not
        once per band."""
        parts = self._band_sql
        if not parts:
            return 0
        sql = " + ".join(f"(SELECT COUNT(*) FROM ({part}) AS band)" for part, _params in parts)
        params = [value for _part, values in parts for value in values]
        with connections[self.db].cursor() as cursor:
            cursor.execute(f"SELECT {sql}", params)
            return cursor.fetchone()[0]

    def count_key(self) -> str:
        """What identifies this list for the paginator's memo of counts over the budget
        (``core.pagination``): the bands' SQL and parameters."""
        return repr((self.db, self._band_sql))

    def __len__(self) -> int:
        return self.count()

    def __iter__(self):
        for band in self.bands:
            yield from map(self._row, band)

    def __getitem__(self, index):
        if not isinstance(index, slice) or index.step is not None:
            raise TypeError("BandedRows take a slice without a step")
        start, stop = index.start or 0, index.stop
        if stop is None:
            stop = self.count()
        rows: list[dict] = []
        for band in self.bands:
            if stop <= start:
                break
            got = list(band[start:stop])
            rows += map(self._row, got)
            if len(got) == stop - start:
                break
            # The band ended within the slice, or before it began (then count it).
            length = start + len(got) if got or start == 0 else band.count()
            start, stop = max(0, start - length), stop - length
        return rows


def children_overdue_rows(
    on: dt.date,
    *,
    people: QuerySet[Person] | None = None,
    limits: AgeLimits | None = None,
) -> BandedRows:
    """The list of ``children_overdue`` as narrow rows (``pk``, ``overdue_since``,
    ``overdue_latest``, ``overdue_count``, ``band``), in the same order, one band at a
    time. A band's rows are its overdue doses grouped by child, read by the child's birth
    date copied on each dose (``DoseDue.birth_date``: the band and the age limits are one
    range of the index on it, with no join to the child); the people of the scope and its
    filters are a semi-join on the child's id, narrowed to the band's birth dates as well.
    A page of them becomes people with ``children_for_rows``."""
    people = people if people is not None else Person.objects.all()
    limits = limits or age_limits(on)
    urgent = add_months(on, -URGENT_UNDER_MONTHS)
    preschool = add_months(on, -PRESCHOOL_UNDER_MONTHS)
    doses = DoseDue.objects.filter(
        still_given_q(on, prefix="", birth="birth_date", limits=limits), overdue_on__lte=on
    )
    # The oldest band ends where the catch-up does (the doses' own filter says so too):
    # said here as well, the people of the semi-join are the children, not every adult.
    oldest = Q(birth_date__gt=add_months(on, -limits.catch_up_months)) if limits else Q()
    ranges = [
        (0, Q(birth_date__gt=urgent)),
        (1, Q(birth_date__gt=preschool, birth_date__lte=urgent)),
        (2, Q(birth_date__lte=preschool) & oldest),
    ]
    return BandedRows(
        [
            doses.filter(band_range, person__in=people.filter(band_range).values("pk"))
            .values("person_id")
            .annotate(
                overdue_since=Min("overdue_on"),
                overdue_latest=Max("overdue_on"),
                overdue_count=Count("*"),  # every dose row: no column outside the index
                band=Value(band, output_field=IntegerField()),
            )
            .order_by("-overdue_latest", "person_id")
            for band, band_range in ranges
        ]
    )


def children_for_rows(rows, people: QuerySet[Person] | None = None) -> list[Any]:
    """The people of a page of ``children_overdue_rows``, in its order, each carrying its
    row's figures: one query by primary key."""
    people = people if people is not None else Person.objects.all()
    return rows_with_figures(rows, people, OVERDUE_FIGURES)


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


def campaign_children(
    campaign: Campaign,
    area: Area | None = None,
    *,
    queryset: QuerySet[CampaignTarget] | None = None,
) -> tuple[int, int]:
    """Distinct children of a campaign in the area: on a target list of any round (应种),
    and of those, vaccinated in any round (实种) — how a report counts children, where
    ``campaign_coverage`` counts doses round by round."""
    area = area or campaign.area
    targets = queryset if queryset is not None else CampaignTarget.objects.all()
    targets = targets.filter(campaign=campaign, area_code__startswith=area.code)
    vaccinated = VaccinationRecord.objects.filter(campaign=campaign).values("person_id")
    totals = targets.aggregate(
        children=Count("person_id", distinct=True),
        vaccinated=Count("person_id", distinct=True, filter=Q(person_id__in=vaccinated)),
    )
    return totals["children"], totals["vaccinated"]


def up_to_date_q(on: dt.date) -> Q:
    """No dose overdue on the date, by the materialized ``DoseDue`` table (valid as of its
    nightly refresh). Floating and registered children are judged the same way."""
    return ~Q(Exists(DoseDue.objects.filter(person=OuterRef("pk"), overdue_on__lte=on)))
