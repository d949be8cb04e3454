"""Key groups (重点对象) and the grid worker's work list.

A key group is a named list derived from the records on a date: a function from the date
to a ``Person`` queryset annotated with ``since`` (the date the person qualified: when a
visit became overdue, when a certificate should have been shown, …) and optionally
``detail`` (what is due). Apps register theirs in ``AppConfig.ready()``. The work list of
a grid is every key group flagged ``on_worklist``, restricted to the grid, merged and
ordered by urgency.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db.models import (
    Case,
    CharField,
    Exists,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from parity.core.sql import AddMonths, plus_days
from parity.people.choices import Status
from parity.people.models import Person
from parity.people.selectors import resident_q
from parity.services.models import ServiceEvent


@dataclass(frozen=True)
class KeyGroup:
    code: str
    label: Any
    # Returns people annotated with ``since`` (and ``detail``): typed loosely because the
    # annotations are the builders' own.
    build: Callable[[dt.date], QuerySet[Any]]
    # The work list puts the urgent class first (``urgent``: every member, e.g. pregnant
    # women due for a visit; ``urgent_under_months``: children younger than that), then by
    # ``urgency`` (lower first), then by how long the item has waited: oldest first, or,
    # for a group whose remedy helps most early (``recent_first``: a dose to catch up, a
    # check whose window passes), most recently fallen due first.
    urgency: int = 50
    urgent: bool = False
    urgent_under_months: int | None = None
    recent_first: bool = False
    on_worklist: bool = True
    description: Any = ""
    # The page that records what the card is about (the vaccine card: the child's
    # immunization page), reversed with the person's pk, plus a query; and its button.
    record_url_name: str = ""
    record_query: str = ""
    record_label: Any = ""

    # Everything due for the people on one page, for the card (every overdue dose, not
    # only the first): person id -> text; one query for the page.
    details_for: Callable[[list[int], dt.date], dict[int, str]] | None = None
    # The members page's order when the group's query annotates a better one.
    order: tuple[str, ...] = ()
    # A members page paged as narrow rows, for a group whose whole-row query groups the
    # city's records before a page is cut (the children overdue for a vaccine):
    # ``page_rows(on, people)`` gives rows with ``pk`` in ``order``, sliced and counted as
    # a queryset, and ``page_people(rows, on)`` the page's people from them with ``since``
    # and ``detail``. The export and the work list keep ``build``.
    page_rows: Callable[[dt.date, QuerySet[Person]], Any] | None = None
    page_people: Callable[[Any, dt.date], list[Any]] | None = None

    @property
    def member_order(self) -> tuple[str, ...]:
        if self.order:
            return self.order
        return ("-since", "area_code", "id") if self.recent_first else ("since", "area_code", "id")

    def is_urgent(self, birth_date: dt.date | None, on: dt.date) -> bool:
        if self.urgent:
            return True
        if self.urgent_under_months is None or birth_date is None:
            return False
        return birth_date > on - relativedelta(months=self.urgent_under_months)

    def record_url(self, person_pk: int) -> str:
        if not self.record_url_name:
            return ""
        url = reverse(self.record_url_name, args=[person_pk])
        return f"{url}?{self.record_query}" if self.record_query else url


KEY_GROUPS: dict[str, KeyGroup] = {}


def register_key_group(group: KeyGroup) -> None:
    KEY_GROUPS[group.code] = group


def members(
    code: str, on: dt.date, people: QuerySet[Person] | None = None, *, area_code: str = ""
) -> QuerySet[Any]:
    """The key group's members with ``since`` (and ``detail`` where the group names it):
    those managed in ``area_code`` (a prefix the caller has checked against the user's
    scope), and among ``people`` when given.

    The area is a filter on the group's own query, so PostgreSQL reads one grid's rows
    through the area index instead of building the group for the city and matching it
    person by person."""
    built: QuerySet[Any] = KEY_GROUPS[code].build(on)
    if area_code:
        built = built.filter(area_code__startswith=area_code)
    if people is not None:
        built = built.filter(pk__in=people.values("pk"))
    return built


@dataclass(frozen=True)
class WorkItem:
    person_id: int
    name: str
    id_masked: str
    group: KeyGroup
    since: dt.date | None
    detail: str
    birth_date: dt.date | None = None

    def days_waiting(self, on: dt.date) -> int | None:
        return (on - self.since).days if self.since else None


@dataclass
class WorkList:
    on: dt.date
    items: list[WorkItem] = field(default_factory=list)

    def people(self) -> dict[int, list[WorkItem]]:
        grouped: dict[int, list[WorkItem]] = {}
        for item in self.items:
            grouped.setdefault(item.person_id, []).append(item)
        return grouped


def _worklist_rows(group: KeyGroup, on: dt.date, area_code: str) -> QuerySet[Any]:
    """The group's members in the area as (area_code, pk, name, id_masked, since, detail,
    birth_date), unordered: the work list sorts them by urgency itself."""
    built: QuerySet[Any] = group.build(on)
    return (
        built.filter(area_code__startswith=area_code)
        .order_by()
        .values_list("area_code", "pk", "name", "id_masked", "since", "detail", "birth_date")
    )


def urgency_key(item: WorkItem, on: dt.date) -> tuple:
    """Where an item goes on the work list: the urgent class (pregnant women due for a
    visit, children under two overdue, newborn visits) first, then the group's urgency,
    then how long it has waited, in the direction the group asks for."""
    group = item.group
    waited = (on - item.since).days if item.since else -1
    return (
        0 if group.is_urgent(item.birth_date, on) else 1,
        group.urgency,
        waited if group.recent_first else -waited,
        item.person_id,
    )


def _by_urgency(result: WorkList) -> WorkList:
    # A community's or a grid's list (the page and the API refuse wider areas): bounded.
    result.items.sort(key=lambda i: urgency_key(i, result.on))
    return result


def work_list(area_code: str, on: dt.date) -> WorkList:
    """Everyone in the area (a grid, usually) due or overdue for something, most urgent
    first: one SQL query per key group, never one per person."""
    result = WorkList(on)
    for group in KEY_GROUPS.values():
        if not group.on_worklist:
            continue
        result.items.extend(
            WorkItem(pk, name, masked, group, since, detail or "", born)
            for _code, pk, name, masked, since, detail, born in _worklist_rows(group, on, area_code)
        )
    return _by_urgency(result)


def work_lists_by_grid(area_code: str, on: dt.date) -> dict[str, WorkList]:
    """The work list of every grid in the area (a district, the city), keyed by the area
    code people are managed at (their grid), each as ``work_list`` gives it for that
    grid: one SQL query per key group for the whole area, however many grids. Grids
    with nothing due are left out. For a nightly job over a city, where calling
    ``work_list`` grid by grid would run one query per key group and grid."""
    lists: dict[str, WorkList] = {}
    for group in KEY_GROUPS.values():
        if not group.on_worklist:
            continue
        for code, pk, name, masked, since, detail, born in _worklist_rows(group, on, area_code):
            if code not in lists:
                lists[code] = WorkList(on)
            lists[code].items.append(WorkItem(pk, name, masked, group, since, detail or "", born))
    for result in lists.values():
        _by_urgency(result)
    return lists


# Key groups owned by the services app itself -------------------------------------------


def _residents(on: dt.date) -> QuerySet[Person]:
    return Person.objects.filter(status__in=[Status.INFLOW, Status.REGISTERED]).filter(
        resident_q(on)
    )


def no_health_record(on: dt.date) -> QuerySet[Any]:
    """People living here six months or more with no residents' health record."""
    records = ServiceEvent.objects.delivered().filter(
        person=OuterRef("pk"), service_type__code="health_record", date__lte=on
    )
    six_months = on - relativedelta(months=6)
    return (
        _residents(on)
        .filter(arrived_city_on__lte=six_months)
        .exclude(Exists(records))
        .annotate(
            # Due once the person had lived here six months.
            since=AddMonths("arrived_city_on", 6),
            detail=Value("", output_field=CharField()),
        )
    )


def not_visited(on: dt.date) -> QuerySet[Any]:
    """Inflow people not visited for ``PARITY_VISIT_INTERVAL_DAYS`` days (or never, when
    they arrived longer ago than that); ``since`` is when the next visit fell due.

    The last visit is an aggregate over a join with the visits, not a correlated
    subquery, which the filter and ``since`` would each run once a person: a city-wide
    list is a hash join (bench/README.md)."""
    interval = dt.timedelta(days=settings.PARITY_VISIT_INTERVAL_DAYS)
    return (
        _residents(on)
        .filter(status=Status.INFLOW)
        .annotate(last_visit=Max("visits__visited_on", filter=Q(visits__visited_on__lte=on)))
        .annotate(reference=Coalesce("last_visit", "arrived_city_on"))
        .filter(reference__lte=on - interval)
        .annotate(
            since=plus_days("reference", interval.days),
            detail=Value("", output_field=CharField()),
        )
    )


def register_builtin_groups() -> None:
    register_key_group(
        KeyGroup(
            "no_health_record",
            _("居住半年以上未建健康档案"),
            no_health_record,
            urgency=40,
            description=_("在本市居住满6个月、尚未建立居民健康档案的人员"),
            record_url_name="services:service_record",
            record_query="type=health_record",
            record_label=_("建立健康档案"),
        )
    )
    register_key_group(
        KeyGroup(
            "not_visited",
            _("超期未走访"),
            not_visited,
            urgency=60,
            description=_("超过规定天数未入户走访的流入人口"),
        )
    )


def choice_label(field: str, *choice_sets) -> Case:
    """A choice column's display label, in SQL (for ``detail`` annotations), looked up in
    one or more ``TextChoices`` classes; the raw value when none knows it."""
    return Case(
        *(
            When(**{field: value}, then=Value(str(label)))
            for choices in choice_sets
            for value, label in choices.choices
        ),
        default=F(field),
        output_field=CharField(),
    )
