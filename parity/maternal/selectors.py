"""Reads for maternal and child care: the key groups and the overdue lists, in SQL.

The windows are those of ``schedule.py``. Every bound is computed in Python on the as-of
date (``lmp <= on - 98 days`` rather than ``lmp + 98 < on``), so the filters are plain
comparisons against constants that indexes can use; SQL adds days to a column only for
the ``overdue_since`` annotation and for a child's arrival against a window. The Python
reading for one pregnancy or child (``schedule.pregnancy_overdue``,
``schedule.child_overdue``) applies the same rules; a test checks they agree.
"""

from __future__ import annotations

import datetime as dt
from functools import reduce
from operator import or_

from dateutil.relativedelta import relativedelta
from django.db.models import (
    Case,
    CharField,
    DateField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.expressions import Combinable
from django.db.models.functions import Coalesce
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone

from parity.core.sql import plus_days
from parity.maternal import due, schedule, visit_due
from parity.maternal.choices import ChildCheckPoint, PostpartumKind
from parity.maternal.models import (
    AntenatalVisit,
    ChildHealthCheck,
    PostpartumVisit,
    Pregnancy,
    PregnancyVisitDue,
)
from parity.people.choices import Status
from parity.people.models import Person
from parity.people.selectors import resident_q


def _before(on: dt.date, days: int) -> dt.date:
    return on - dt.timedelta(days=days)


# --- pregnancies ---------------------------------------------------------------------------


def _open_q(on: dt.date) -> Q:
    return (
        Q(registered_on__lte=on)
        & (Q(delivered_on__isnull=True) | Q(delivered_on__gt=on))
        & (Q(ended_on__isnull=True) | Q(ended_on__gt=on))
    )


def _antenatal_overdue(on: dt.date):
    """(point, condition over Pregnancy, since expression) for each antenatal visit."""
    rows = []
    for window in schedule.ANTENATAL:
        visited = AntenatalVisit.objects.filter(
            pregnancy=OuterRef("pk"), point=window.point, date__lte=on
        )
        condition = _open_q(on) & Q(lmp__lte=_before(on, window.end + 1)) & ~Exists(visited)
        rows.append((window.point, condition, plus_days("lmp", window.end + 1)))
    return rows


def _postpartum_overdue(on: dt.date):
    rows = []
    in_care = Q(delivered_on__gte=_before(on, schedule.POSTPARTUM_CARE_DAYS))
    for kind, window in schedule.POSTPARTUM.items():
        visited = PostpartumVisit.objects.filter(
            pregnancy=OuterRef("pk"), kind=kind, completed=True, date__lte=on
        )
        anchor: Combinable = (
            Coalesce(F("discharged_on"), F("delivered_on"))
            if kind == PostpartumKind.HOME_VISIT
            else F("delivered_on")
        )
        closed = Q(LessThanOrEqual(anchor, Value(_before(on, window.end + 1))))
        condition = Q(delivered_on__isnull=False) & in_care & closed & ~Exists(visited)
        rows.append((kind, condition, plus_days(anchor, window.end + 1)))
    return rows


def _overdue_annotations(rows) -> dict:
    return {
        "overdue_point": Case(
            *(When(condition, then=Value(point)) for point, condition, _ in rows),
            default=Value(""),
            output_field=CharField(),
        ),
        "overdue_since": Case(
            *(When(condition, then=since) for _, condition, since in rows),
            default=None,
            output_field=DateField(),
        ),
    }


def pregnancies_overdue(on: dt.date, queryset: QuerySet[Pregnancy] | None = None):
    """Pregnancies with a scheduled visit overdue on the date: an antenatal visit of an
    open pregnancy, or a postpartum visit within postpartum care. Annotated with the
    earliest ``overdue_point`` and its ``overdue_since``.

    From the materialized ``PregnancyVisitDue`` for dates from ``visit_due.HISTORY_DAYS``
    before today on (the pregnancy's earliest row listed on the date, by its index), from
    the visits themselves before that (``_pregnancies_overdue_computed``); the two give
    the same pregnancies (tested)."""
    queryset = Pregnancy.objects.all() if queryset is None else queryset
    if on < timezone.localdate() - dt.timedelta(days=visit_due.HISTORY_DAYS):
        rows = _pregnancies_overdue_computed(on, queryset)
    else:
        earliest = _visit_dues_listed(on).filter(pregnancy=OuterRef("pk"))
        rows = queryset.filter(Exists(earliest)).annotate(
            overdue_point=Subquery(earliest.values("point")[:1]),
            overdue_since=Subquery(earliest.values("overdue_on")[:1]),
        )
    rows = rows.select_related("person", "person__grid")
    return rows.order_by("overdue_since", "id")  # type: ignore[misc]  # an annotation


def _visit_dues_listed(on: dt.date) -> QuerySet[PregnancyVisitDue]:
    """The materialized overdue visits listed on the date, the earliest first: antenatal
    and postpartum rows of a pregnancy are never listed on the same date (the antenatal
    ones end before the delivery, the postpartum ones start a week after it); a home visit
    and a 42-day check overdue since the same day name the home visit (``-point``), as the
    Python reading (``schedule.earliest_overdue``) does. (The computed reading names the
    home visit whenever both are overdue: the two differ only for a discharge more than 49
    days after the delivery, which ``actions.delivery_record`` refuses.)"""
    return PregnancyVisitDue.objects.filter(listed_from__lte=on, overdue_until__gte=on).order_by(
        "overdue_on", "-point"
    )


def pregnant_overdue_people(on: dt.date, queryset: QuerySet[Person] | None = None):
    """Women with a pregnancy with a visit overdue on the date, annotated with the earliest
    ``overdue_since`` and its ``overdue_point`` over their pregnancies (the key group)."""
    queryset = Person.objects.all() if queryset is None else queryset
    if on < timezone.localdate() - dt.timedelta(days=visit_due.HISTORY_DAYS):
        overdue = (
            _pregnancies_overdue_computed(on, Pregnancy.objects.all())
            .filter(person=OuterRef("pk"))
            .order_by("overdue_since", "id")
        )
        since, point = "overdue_since", "overdue_point"
    else:
        overdue = _visit_dues_listed(on).filter(person=OuterRef("pk"))  # type: ignore[assignment]
        since, point = "overdue_on", "point"
    return queryset.filter(Exists(overdue)).annotate(
        overdue_since=Subquery(overdue.values(since)[:1]),
        overdue_point=Subquery(overdue.values(point)[:1]),
    )


def _pregnancies_overdue_computed(on: dt.date, queryset: QuerySet[Pregnancy]):
    """``pregnancies_overdue`` computed from the visits: the window conditions of every
    visit, each with its visit looked up (the reference the materialized reading is tested
    against, and the reading of dates before the table's history)."""
    rows = _antenatal_overdue(on) + _postpartum_overdue(on)
    return queryset.filter(reduce(or_, (condition for _, condition, _ in rows))).annotate(
        **_overdue_annotations(rows)
    )


def pregnant_on(on: dt.date, queryset: QuerySet[Person] | None = None):
    """Women with an open pregnancy on the date (现孕对象), with its LMP and id."""
    current = Pregnancy.objects.open_on(on).filter(person=OuterRef("pk")).order_by("-lmp")
    queryset = Person.objects.all() if queryset is None else queryset
    return (
        queryset.filter(Exists(current))
        .annotate(
            pregnancy_id=Subquery(current.values("pk")[:1]),
            lmp=Subquery(current.values("lmp")[:1]),
        )
        .select_related("grid")
        .order_by("lmp", "id")
    )


def pregnant_q(on: dt.date) -> Q:
    """The flag "pregnant" over Person."""
    return Q(Exists(Pregnancy.objects.open_on(on).filter(person=OuterRef("pk"))))


def antenatal_on_track_q(on: dt.date) -> Q:
    """Delivered predicate "antenatal_on_track": no antenatal visit overdue on the date."""
    rows = _antenatal_overdue(on)
    overdue = Pregnancy.objects.filter(person=OuterRef("pk")).filter(
        reduce(or_, (condition for _, condition, _ in rows))
    )
    return ~Q(Exists(overdue))


# --- children ------------------------------------------------------------------------------


def _discharge():
    return Subquery(
        Pregnancy.objects.filter(child=OuterRef("pk"), discharged_on__isnull=False).values(
            "discharged_on"
        )[:1],
        output_field=DateField(),
    )


def children_q(on: dt.date) -> Q:
    """Children 0–6 living in the city on the date."""
    seventh = on - relativedelta(years=schedule.CHILD_PROGRAMME_YEARS)
    return (
        Q(status__in=[Status.INFLOW, Status.REGISTERED])
        & resident_q(on)
        & Q(birth_date__lte=on, birth_date__gt=seventh)
    )


def _child_windows(on: dt.date):
    """(point, window condition over Person, since expression) for each scheduled check.

    The condition says the check's window has closed for a child who lived here before it
    closed and whose next window has not opened: the birth-date ranges of the checks do not
    overlap, so at most one check is due for a child on a date, and whether it is overdue
    is one look-up in the (person, point, date) index of the checks. Each condition starts
    with its birth-date range, so a CASE over them reads the discharge date (a subquery)
    only for a newborn.
    """
    rows = []
    for index, window in enumerate(schedule.CHILD):
        anchor: Combinable = (
            Coalesce(_discharge(), F("birth_date"))
            if window.point == ChildCheckPoint.NEWBORN
            else F("birth_date")
        )
        # Born before the window closed (the anchor is never before the birth) ...
        born = Q(birth_date__lte=_before(on, window.end + 1))
        if index + 1 < len(schedule.CHILD):
            # ... and overdue until the day before the next check's window opens.
            born &= Q(birth_date__gt=_before(on, schedule.CHILD[index + 1].start))
        condition = (
            born
            & Q(LessThanOrEqual(anchor, Value(_before(on, window.end + 1))))
            & Q(LessThanOrEqual(F("arrived_city_on"), plus_days(anchor, window.end)))
        )
        rows.append((window.point, condition, plus_days(anchor, window.end + 1)))
    return rows


def _child_overdue(on: dt.date, queryset: QuerySet[Person]) -> QuerySet[Person]:
    """Children 0–6 living here whose due check (``overdue_point``, since
    ``overdue_since``) was not done by the date."""
    windows = _child_windows(on)
    done = ChildHealthCheck.objects.filter(
        person=OuterRef("pk"), point=OuterRef("overdue_point"), date__lte=on
    )
    due = queryset.filter(children_q(on)).annotate(**_overdue_annotations(windows))
    return due.exclude(overdue_point="").filter(~Exists(done))  # type: ignore[misc]


def children_overdue_checks(on: dt.date, queryset: QuerySet[Person] | None = None):
    """Children 0–6 living here with a check overdue on the date, annotated with the
    ``overdue_point`` and its ``overdue_since``.

    From the materialized ``ChildCheckDue`` for dates from ``due.HISTORY_DAYS`` before
    today on (one indexed join: the row whose overdue days hold the date, the child living
    here before it began and still in the programme), from the checks themselves before
    that (``_child_overdue``); the two give the same children (tested)."""
    queryset = Person.objects.all() if queryset is None else queryset
    if on < timezone.localdate() - dt.timedelta(days=due.HISTORY_DAYS):
        rows = _child_overdue(on, queryset)
    else:
        rows = _child_overdue_materialized(on, queryset)
    return rows.select_related("grid").order_by("overdue_since", "id")  # type: ignore[misc]


def _child_overdue_materialized(on: dt.date, queryset: QuerySet[Person]) -> QuerySet[Person]:
    rows = queryset.filter(children_q(on)).filter(
        # The lower bound is implied by the other two; it keeps the index's range short.
        check_dues__overdue_on__gte=on - dt.timedelta(days=due.MAX_OVERDUE_DAYS),
        check_dues__overdue_on__lte=on,
        check_dues__overdue_until__gte=on,
        arrived_city_on__lt=F("check_dues__overdue_on"),
    )
    return rows.annotate(
        overdue_point=F("check_dues__point"), overdue_since=F("check_dues__overdue_on")
    )


def child_checks_on_track_q(on: dt.date) -> Q:
    """Delivered predicate "child_checks_on_track": no child check overdue on the date;
    read, like the overdue list, from the materialized ``ChildCheckDue`` for recent dates
    (``children_overdue_checks``: the indicator and the list count the same children)."""
    overdue = children_overdue_checks(on, Person.objects.filter(pk=OuterRef("pk")))
    return ~Q(Exists(overdue))


# --- one person ----------------------------------------------------------------------------


def pregnancies_of(person: Person):
    return (
        Pregnancy.objects.filter(person=person)
        .select_related("child")
        .prefetch_related("visits", "postpartum_visits")
        .order_by("-lmp", "-id")
    )


def child_checks_of(child: Person):
    return ChildHealthCheck.objects.filter(person=child).select_related("event", "event__provider")
