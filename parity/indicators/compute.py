"""Computing the indicator cache: every active indicator, and the dashboard's population
figures, for every area node on a date, in SQL.

How (the same on PostgreSQL and SQLite):

1. For each indicator, one grouped query over ``Person`` counts the denominator and the
   numerator of floating and registered people per ``area_code`` (the leaves: grids,
   and the nodes where outflow people are managed). The numerator is a sub-select of
   person ids, which PostgreSQL runs once as a hashed sub-plan.
2. The leaf rows go to a temporary table, and one ``INSERT … SELECT … GROUP BY
   SUBSTR(area_code, 1, n)`` per level writes every node's totals (codes nest by prefix,
   so a node's total is the sum of the leaves under it).
3. Disaggregations (sex, age group, length of stay, origin province) are grouped per
   district in one more query and rolled up to the districts and the city.

The whole refresh of a date runs in one transaction: pages keep reading the previous
figures until it commits.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterable
from typing import Any

from dateutil.relativedelta import relativedelta
from django.db import connection, transaction
from django.db.models import Case, CharField, Count, Q, QuerySet, Value, When
from django.db.models.functions import Cast, Substr
from django.utils import timezone

from parity.areas.choices import Level
from parity.areas.models import Area
from parity.core.models import AuditEvent
from parity.indicators.choices import AGE_GROUP_FLOORS, AgeGroup, Dimension, RefreshStatus, Unit
from parity.indicators.definition import denominator_q, numerator_q
from parity.indicators.models import Indicator, Snapshot
from parity.people.choices import FLOATING, SERVICE_INDUSTRIES, Status
from parity.people.models import Employment, Person, Residence, stay_class_expression

# Code length of each level of the area tree (city 1502 … grid 150203001001001).
LEVEL_LENGTHS: dict[int, int] = {
    Level.CITY: 4,
    Level.DISTRICT: 6,
    Level.STREET: 9,
    Level.COMMUNITY: 12,
    Level.GRID: 15,
}
LEVEL_OF_LENGTH = {length: level for level, length in LEVEL_LENGTHS.items()}
# Disaggregations are kept for these levels (the assessment's levels), not for every grid.
DIMENSION_LEVELS = (Level.CITY, Level.DISTRICT)
LEAF_TABLE = "indicators_leaf"
FINE_TABLE = "indicators_fine"
# Months of arrivals and departures kept for the trend chart.
TREND_MONTHS = 12


def level_of(area_code: str) -> int:
    return LEVEL_OF_LENGTH.get(len(area_code), Level.GRID)


Progress = Callable[[str], None]


def _sql(queryset: QuerySet) -> tuple[str, tuple[Any, ...]]:
    compiler = queryset.query.get_compiler(using=queryset.db)
    sql, params = compiler.as_sql()
    return sql, tuple(params)


def _create_work_tables(cursor) -> None:
    cursor.execute(
        f"CREATE TEMPORARY TABLE IF NOT EXISTS {LEAF_TABLE} (area_code varchar(20), "
        "dimension varchar(32), category varchar(20), fn bigint, fd bigint, rn bigint, rd bigint)"
    )
    cursor.execute(
        f"CREATE TEMPORARY TABLE IF NOT EXISTS {FINE_TABLE} (area_code varchar(20), "
        "sex varchar(20), age_group varchar(20), stay_class varchar(20), "
        "origin_province varchar(20), fn bigint, fd bigint, rn bigint, rd bigint)"
    )
    cursor.execute(f"DELETE FROM {LEAF_TABLE}")
    cursor.execute(f"DELETE FROM {FINE_TABLE}")


def _sides(num: Q) -> dict[str, Count]:
    floating, registered = Q(status__in=FLOATING), Q(status=Status.REGISTERED)
    return {
        "fn": Count("pk", filter=floating & num),
        "fd": Count("pk", filter=floating),
        "rn": Count("pk", filter=registered & num),
        "rd": Count("pk", filter=registered),
    }


def _age_group(on: dt.date) -> Case:
    whens = [
        When(birth_date__lte=on - relativedelta(years=floor), then=Value(group.value))
        for group, floor in AGE_GROUP_FLOORS
    ]
    return Case(*whens, default=Value(AgeGroup.CHILD.value), output_field=CharField())


def _roll_up(cursor, *, into: str, select: str, params: tuple, levels: Iterable[int],
             where: str = "") -> int:  # fmt: skip
    """Write each level's totals from the leaf table: one grouped INSERT per level."""
    written = 0
    for level in levels:
        n = LEVEL_LENGTHS[level]
        columns = select.format(code=f"SUBSTR(area_code, 1, {n})", level=int(level))
        cursor.execute(
            f"INSERT INTO {into} SELECT {columns} "
            f"FROM {LEAF_TABLE} WHERE LENGTH(area_code) >= {n} {where} "
            f"GROUP BY SUBSTR(area_code, 1, {n}), dimension, category",
            params,
        )
        written += max(cursor.rowcount, 0)
    return written


VALUE_COLUMNS = (
    "indicators_indicatorvalue (snapshot_id, indicator_id, area_code, level, dimension, "
    "category, floating_num, floating_den, registered_num, registered_den)"
)
VALUE_SELECT = "%s, %s, {code}, {level}, dimension, category, SUM(fn), SUM(fd), SUM(rn), SUM(rd)"


def _indicator_rows(cursor, snapshot: Snapshot, indicator: Indicator) -> int:
    as_of = snapshot.as_of
    cursor.execute(f"DELETE FROM {LEAF_TABLE}")
    cursor.execute(f"DELETE FROM {FINE_TABLE}")
    if indicator.unit == Unit.GRID:
        _grid_use_leaves(cursor, as_of)
    else:
        den = denominator_q(indicator, as_of)
        cohort = Person.objects.filter(den).order_by()
        # Ids of the "yes" people, selected once: a hashed sub-plan, not a probe per row.
        hits = Q(pk__in=Person.objects.filter(den & numerator_q(indicator, as_of)).values("pk"))
        leaves = cohort.values("area_code").annotate(**_sides(hits))
        sql, params = _sql(leaves)
        cursor.execute(
            f"INSERT INTO {LEAF_TABLE} SELECT area_code, '', '', fn, fd, rn, rd FROM ({sql}) q",
            params,
        )
        dimensions = [d for d in indicator.dimensions if d in Dimension.values]
        if dimensions:
            _fine_leaves(cursor, cohort, hits, as_of, dimensions)
    ids = (snapshot.pk, indicator.pk)
    written = _roll_up(
        cursor, into=VALUE_COLUMNS, select=VALUE_SELECT, params=ids,
        levels=LEVEL_LENGTHS, where="AND dimension = ''",
    )  # fmt: skip
    written += _roll_up(
        cursor, into=VALUE_COLUMNS, select=VALUE_SELECT, params=ids,
        levels=DIMENSION_LEVELS, where="AND dimension <> ''",
    )  # fmt: skip
    return written


def _fine_leaves(cursor, cohort: QuerySet, hits: Q, as_of: dt.date, dimensions: list[str]) -> None:
    """Per district, the counts by every combination of the dimensions, then each
    dimension's marginal as leaf rows (dimension, category)."""
    fine = (
        cohort.annotate(
            district=Substr("area_code", 1, LEVEL_LENGTHS[Level.DISTRICT]),
            g_sex=Value("") if Dimension.SEX not in dimensions else Substr("sex", 1, 20),
            g_age=Value("") if Dimension.AGE_GROUP not in dimensions else _age_group(as_of),
            g_stay=Value("")
            if Dimension.STAY_CLASS not in dimensions
            else stay_class_expression("arrived_city_on", as_of),
            g_origin=Value("")
            if Dimension.ORIGIN_PROVINCE not in dimensions
            else Substr("hukou_code", 1, 2),
        )
        .values("district", "g_sex", "g_age", "g_stay", "g_origin")
        .annotate(**_sides(hits))
    )
    sql, params = _sql(fine)
    cursor.execute(
        f"INSERT INTO {FINE_TABLE} SELECT district, g_sex, g_age, g_stay, g_origin, "
        f"fn, fd, rn, rd FROM ({sql}) q",
        params,
    )
    columns = {
        Dimension.SEX: "sex",
        Dimension.AGE_GROUP: "age_group",
        Dimension.STAY_CLASS: "stay_class",
        Dimension.ORIGIN_PROVINCE: "origin_province",
    }
    for dimension in dimensions:
        column = columns[Dimension(dimension)]
        cursor.execute(
            f"INSERT INTO {LEAF_TABLE} SELECT area_code, %s, {column}, SUM(fn), SUM(fd), "
            f"SUM(rn), SUM(rd) FROM {FINE_TABLE} GROUP BY area_code, {column}",
            (dimension,),
        )


def _grid_use_leaves(cursor, as_of: dt.date) -> None:
    """The platform's use rate: each grid counts once in the denominator and once in the
    numerator when something was written at its code in the 30 days ending on the date
    (the definition of ``reports.figures``). Grids have no residency status: they are
    counted on the "floating" side, and the registered side stays empty."""
    from parity.reports.figures import READ_ACTIONS, use_window
    from parity.services.models import ServiceEvent, Visit

    start, end = use_window(as_of)
    sources: list[tuple[QuerySet, str]] = [
        (AuditEvent.objects.exclude(action__in=READ_ACTIONS), "at"),
        (Person.objects.all(), "updated_at"),
        (Residence.objects.all(), "updated_at"),
        (ServiceEvent.objects.all(), "created_at"),
        (Visit.objects.all(), "created_at"),
    ]
    used = Q()
    for queryset, stamp in sources:
        touched = queryset.filter(**{f"{stamp}__gte": start, f"{stamp}__lt": end}).values(
            "area_code"
        )
        used |= Q(code__in=touched)
    grids = (
        Area.objects.filter(level=Level.GRID)
        .order_by()
        .annotate(hit=Case(When(used, then=Value(1)), default=Value(0)))
        .values("code", "hit")
    )
    sql, params = _sql(grids)
    cursor.execute(
        f"INSERT INTO {LEAF_TABLE} SELECT code, '', '', hit, 1, 0, 0 FROM ({sql}) q", params
    )


# --- population figures for the dashboard ------------------------------------------------

FIGURE_COLUMNS = "indicators_areafigure (snapshot_id, area_code, level, figure, category, value)"
FIGURE_SELECT = "%s, {code}, {level}, dimension, category, SUM(fn)"


def _insert_figure(cursor, queryset: QuerySet, figure: str, category_field: str | None) -> None:
    """Leaf rows of one figure: ``queryset`` has ``area_code``, ``n`` and, for a
    distribution, the category column."""
    sql, params = _sql(queryset)
    category = category_field or "''"
    cursor.execute(
        f"INSERT INTO {LEAF_TABLE} SELECT area_code, %s, {category}, n, 0, 0, 0 FROM ({sql}) q",
        (figure, *params),
    )


def figure_queries(as_of: dt.date) -> list[tuple[str, QuerySet, str | None]]:
    """(figure, grouped queryset, category column) for every dashboard figure. Names:
    ``floating``, ``inflow``, ``outflow``, ``registered``, ``married_women``, ``pregnant``,
    ``no_certificate``, and the distributions ``stay`` (stay class), ``housing`` (housing
    type), ``industry`` (GB/T 4754 section), ``origin`` (province), ``arrivals`` and
    ``departures`` (by month, ``YYYY-MM``)."""
    from parity.reports.figures import MARRIED_WOMEN_RULE, floating_q, inflow_q, outflow_q
    from parity.services.eligibility import resident_q, rule_q
    from parity.services.keygroups import members

    people = Person.objects.order_by()
    inflow, outflow = inflow_q(as_of), outflow_q(as_of)
    floating = inflow | outflow

    def count(q: Q) -> QuerySet:
        return people.filter(q).values("area_code").annotate(n=Count("pk"))

    since = as_of.replace(day=1) - relativedelta(months=TREND_MONTHS - 1)
    jobs = Employment.objects.filter(
        Q(started_on__isnull=True) | Q(started_on__lte=as_of),
        Q(ended_on__isnull=True) | Q(ended_on__gt=as_of),
        person__in=people.filter(floating).values("pk"),
    ).order_by()
    homes = Residence.objects.on(as_of).filter(person__status=Status.INFLOW).order_by()
    queries: list[tuple[str, QuerySet, str | None]] = [
        ("floating", count(floating), None),
        ("inflow", count(inflow), None),
        ("outflow", count(outflow), None),
        ("registered", count(Q(status=Status.REGISTERED) & resident_q(as_of)), None),
        ("married_women", count(floating & rule_q(MARRIED_WOMEN_RULE, as_of)), None),
        (
            "pregnant",
            members("pregnant", as_of, people.filter(floating_q(as_of)))
            .order_by()
            .values("area_code")
            .annotate(n=Count("pk", distinct=True)),
            None,
        ),
        (
            "no_certificate",
            members("no_certificate", as_of, people)
            .order_by()
            .values("area_code")
            .annotate(n=Count("pk", distinct=True)),
            None,
        ),
        (
            "stay",
            people.filter(inflow)
            .annotate(c=stay_class_expression("arrived_city_on", as_of))
            .values("area_code", "c")
            .annotate(n=Count("pk")),
            "c",
        ),
        (
            "origin",
            people.filter(inflow)
            .annotate(c=Substr("hukou_code", 1, 2))
            .values("area_code", "c")
            .annotate(n=Count("pk")),
            "c",
        ),
        (
            "housing",
            homes.annotate(c=Substr("housing_type", 1, 20))
            .values("area_code", "c")
            .annotate(n=Count("person", distinct=True)),
            "c",
        ),
        (
            "industry",
            jobs.annotate(c=Substr("industry", 1, 1))
            .values("area_code", "c")
            .annotate(n=Count("person", distinct=True)),
            "c",
        ),
        (
            "service_industry",
            jobs.filter(industry__in=SERVICE_INDUSTRIES)
            .values("area_code")
            .annotate(n=Count("person", distinct=True)),
            None,
        ),
        (
            "employed",
            jobs.values("area_code").annotate(n=Count("person", distinct=True)),
            None,
        ),
    ]
    for name, field in (("arrivals", "arrived_city_on"), ("departures", "left_city_on")):
        moved = people.filter(
            status__in=FLOATING if name == "arrivals" else [Status.INFLOW],
            **{f"{field}__gte": since, f"{field}__lte": as_of},
        )
        queries.append(
            (
                name,
                moved.annotate(c=Substr(_as_text(field), 1, 7))
                .values("area_code", "c")
                .annotate(n=Count("pk")),
                "c",
            )
        )
    return queries


def _as_text(field: str) -> Cast:
    """A date as ISO text (``YYYY-MM-DD``) on both databases."""
    return Cast(field, output_field=CharField())


def _figure_rows(cursor, snapshot: Snapshot) -> int:
    cursor.execute(f"DELETE FROM {LEAF_TABLE}")
    for figure, queryset, category in figure_queries(snapshot.as_of):
        _insert_figure(cursor, queryset, figure, category)
    return _roll_up(
        cursor, into=FIGURE_COLUMNS, select=FIGURE_SELECT, params=(snapshot.pk,),
        levels=LEVEL_LENGTHS,
    )  # fmt: skip


def refresh(
    *,
    as_of: dt.date,
    acting_user=None,
    indicators: Iterable[Indicator] | None = None,
    progress: Progress | None = None,
) -> Snapshot:
    """Compute every active indicator (or those given) and the population figures for
    every area node on the date, replacing that date's cache in one transaction."""
    chosen = list(indicators) if indicators is not None else list(Indicator.objects.active())
    started = time.monotonic()
    with transaction.atomic():
        snapshot, _created = Snapshot.objects.select_for_update().get_or_create(
            as_of=as_of, defaults={"started_at": timezone.now()}
        )
        stale = snapshot.values.all()
        if indicators is not None:
            stale = stale.filter(indicator__in=chosen)
        stale.delete()
        snapshot.figures.all().delete()
        rows = 0
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # Sub-selects of person ids must be hashed in memory, and the plans are
                # short: compiling them (JIT) would cost more than it saves.
                cursor.execute("SET LOCAL work_mem = '256MB'")
                cursor.execute("SET LOCAL jit = off")
            _create_work_tables(cursor)
            for indicator in chosen:
                if progress:
                    progress(indicator.code)
                rows += _indicator_rows(cursor, snapshot, indicator)
            if progress:
                progress("figures")
            rows += _figure_rows(cursor, snapshot)
        snapshot.status = RefreshStatus.DONE
        snapshot.started_at = timezone.now() if _created else snapshot.started_at
        snapshot.finished_at = timezone.now()
        snapshot.seconds = round(time.monotonic() - started, 3)
        snapshot.rows = snapshot.values.count() + snapshot.figures.count()
        snapshot.started_by = acting_user if getattr(acting_user, "pk", None) else None
        snapshot.error = ""
        snapshot.save()
        AuditEvent.objects.create(
            actor=snapshot.started_by,
            action="indicators.refresh",
            object_type="indicators.snapshot",
            object_id=str(snapshot.pk),
            after={
                "as_of": as_of.isoformat(),
                "indicators": len(chosen),
                "rows": snapshot.rows,
                "seconds": snapshot.seconds,
            },  # fmt: skip
        )
    return snapshot
