"""Computing the indicator cache: every active indicator, and the dashboard's population
figures, for every area node on a date, in SQL.

How:

1. For each denominator, one pass over ``Person``: its people, each with their side
   (floating or registered), whether the numerator of each indicator with that
   denominator holds (service events as ``id IN (SELECT person_id …)``, which PostgreSQL
   hashes once), their district and the indicators' disaggregations; grouped by leaf
   ``area_code`` (grids, and the nodes where outflow people are managed) for the totals
   and by district for each disaggregation.
   PostgreSQL does it in one aggregate with grouping sets; SQLite from a materialized CTE.
   (Not in parallel: a parallel plan evaluates those sub-selects person by person, on
   the leader, instead of hashing them: child health checks took 15 s instead of 7.)
2. The leaf rows go to a temporary table, and one ``INSERT … SELECT … GROUP BY
   SUBSTR(area_code, 1, n)`` per level writes every node's totals (codes nest by prefix,
   so a node's total is the sum of the leaves under it); disaggregations are rolled up to
   the districts and the city.
3. The per-dose vaccination indicators are computed together (one pass over the children
   and one over their vaccination records), and the population figures in five passes
   (people, jobs, residences, two key groups). On PostgreSQL each pass is a ``CREATE
   TABLE … AS`` (``_materialize``), which can use both cores where ``INSERT … SELECT``
   and grouping sets never do (13.6 s → 9.6 s at scale 1), and the figures are summed
   from its rows.

4. The figures, the per-dose batch and each denominator's indicators are independent parts: on
   PostgreSQL two connections take them from one queue (``PARITY_REFRESH_WORKERS``), each
   part in its own transaction, into a new snapshot that is swapped in for the date's
   current one in a last short transaction (``snapshots``): pages read the previous
   figures, whole, until then.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable, Iterable
from functools import partial
from typing import Any

from dateutil.relativedelta import relativedelta
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Case, CharField, Count, Q, QuerySet, Value, When
from django.db.models.functions import Cast, Substr

from parity.areas.choices import Level
from parity.areas.models import Area
from parity.core.models import AuditEvent
from parity.immunization.choices import ALTERNATIVE_SERIES
from parity.immunization.models import VaccinationRecord, Vaccine
from parity.indicators.choices import AGE_GROUP_FLOORS, AgeGroup, Dimension, Unit
from parity.indicators.definition import denominator_q, numerator_q
from parity.indicators.models import Indicator, Snapshot
from parity.indicators.predicates import dose_due
from parity.indicators.snapshots import (
    Part,
    begin,
    current,
    date_lock,
    discard,
    run_parts,
    stale_delete,
    swap,
    workers_for,
)
from parity.people.choices import FLOATING, SERVICE_INDUSTRIES, Status
from parity.people.models import Employment, Person, Residence, stay_class_expression
from parity.people.selectors import floating_q, inflow_q, outflow_q, resident_q
from parity.reports.figures import MARRIED_WOMEN_RULE, READ_ACTIONS, use_window
from parity.services.eligibility import rule_q
from parity.services.keygroups import members
from parity.services.models import ServiceEvent, Visit

logger = logging.getLogger(__name__)

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
    cursor.execute(f"DELETE FROM {LEAF_TABLE}")


PASS_TABLE = "indicators_pass"


def _materialize(cursor, sql: str, params: tuple) -> None:
    """Run ``sql`` into the temporary table ``PASS_TABLE`` (dropped at commit). On
    PostgreSQL a ``CREATE TABLE … AS`` may run its query in parallel, where ``INSERT …
    SELECT`` and grouping sets never do: the heavy part of each pass (reading and
    aggregating the people) gets both cores, and what is then summed from the table is
    small (a row per leaf area and category, not per person)."""
    cursor.execute(f"DROP TABLE IF EXISTS {PASS_TABLE}")
    cursor.execute(f"CREATE TEMPORARY TABLE {PASS_TABLE} ON COMMIT DROP AS {sql}", params)


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
ONE, ZERO = Value(1), Value(0)


def _fence() -> str:
    """`` OFFSET 0`` to end a sub-select with, on PostgreSQL: the planner then computes its
    columns once a row, where a sub-select merged into the query above has each column's
    expression (a ``CASE`` with a hashed sub-select, say) computed again in every
    aggregate that names it (at scale 1: 61 s for the whole refresh before, 52 s after).
    SQLite takes no ``OFFSET`` without a ``LIMIT``."""
    return " OFFSET 0" if connection.vendor == "postgresql" else ""


def _dimension_columns(as_of: dt.date, dimensions: list[str]) -> dict[str, Any]:
    expressions = {
        Dimension.SEX: Substr("sex", 1, 20),
        Dimension.AGE_GROUP: _age_group(as_of),
        Dimension.STAY_CLASS: stay_class_expression("arrived_city_on", as_of),
        Dimension.ORIGIN_PROVINCE: Substr("hukou_code", 1, 2),
    }
    if Dimension.PARTNER in dimensions:
        # deferred: another app's dimension, read only for an indicator that keeps it
        from parity.exchange.indicators import partner_expression

        expressions[Dimension.PARTNER] = partner_expression()
    return {f"g_{d}": expressions[Dimension(d)] for d in dimensions}


SHARED_TABLE = "indicators_shared"


def _person_leaves(cursor, indicators: list[Indicator], as_of: dt.date) -> None:
    """One pass over the people of indicators with the same denominator: each person's
    side (floating or not), whether each indicator's numerator holds (``h{i}``), their
    district and every disaggregation any of them keeps are computed once, then grouped
    by leaf area code for the totals and by district for each disaggregation: in one
    aggregate with grouping sets on PostgreSQL, from a materialized CTE elsewhere. The
    groups go to ``SHARED_TABLE``, with the denominator's two sums and two numerator sums
    an indicator; ``_person_rows`` hands each indicator its own."""
    dimensions: list[str] = []
    for indicator in indicators:
        dimensions += [d for d in indicator.dimensions if d in Dimension.values]
    dimensions = list(dict.fromkeys(dimensions))
    hits = {
        f"h{i}": Case(When(numerator_q(indicator, as_of), then=ONE), default=ZERO)
        for i, indicator in enumerate(indicators)
    }
    people = (
        Person.objects.filter(denominator_q(indicators[0], as_of))
        .order_by()
        .annotate(
            f=Case(When(status=Status.REGISTERED, then=ZERO), default=ONE),
            district=Substr("area_code", 1, LEVEL_LENGTHS[Level.DISTRICT]),
            **_dimension_columns(as_of, dimensions),
            **hits,
        )
        .values("area_code", "f", "district", *(f"g_{d}" for d in dimensions), *hits)
    )
    numerators = ", ".join(f"fn{i} bigint, rn{i} bigint" for i in range(len(indicators)))
    cursor.execute(f"DROP TABLE IF EXISTS {SHARED_TABLE}")
    cursor.execute(
        f"CREATE TEMPORARY TABLE {SHARED_TABLE} (area_code varchar(20), dimension varchar(32), "
        f"category varchar(20), fd bigint, rd bigint, {numerators})"
    )
    try:
        sql, params = _sql(people)
    except EmptyResultSet:
        return  # a denominator of no one (a service with no rule in force): no groups
    if connection.vendor == "postgresql":
        # One aggregate with a grouping set for the totals and one per dimension: the
        # rows are read once and never written to a work table.
        flags = "".join(f", GROUPING(g_{d}) AS x_{d}" for d in dimensions)
        sets = "".join(f", (district, g_{d})" for d in dimensions)
        sums = "".join(
            f", SUM(f * h{i}) AS fn{i}, SUM((1 - f) * h{i}) AS rn{i}"
            for i in range(len(indicators))
        )
        named = "fd, rd" + "".join(f", fn{i}, rn{i}" for i in range(len(indicators)))
        selects = [f"SELECT area_code, '', '', {named} FROM g WHERE x_area = 0"]
        selects += [
            f"SELECT district, '{d}', g_{d}, {named} FROM g WHERE x_{d} = 0" for d in dimensions
        ]
        grouped = [
            "area_code",
            *(["district"] if dimensions else []),
            *(f"g_{d}" for d in dimensions),
        ]
        columns = ", ".join(grouped)
        cursor.execute(
            f"WITH g AS (SELECT {columns}, GROUPING(area_code) AS x_area{flags}, "
            f"SUM(f) AS fd, SUM(1 - f) AS rd{sums} "
            f"FROM ({sql}{_fence()}) p GROUP BY GROUPING SETS ((area_code){sets})) "
            f"INSERT INTO {SHARED_TABLE} " + " UNION ALL ".join(selects),
            params,
        )
        return
    sums = "SUM(f), SUM(1 - f)" + "".join(
        f", SUM(f * h{i}), SUM((1 - f) * h{i})" for i in range(len(indicators))
    )
    parts = [f"SELECT area_code, '', '', {sums} FROM c GROUP BY area_code"]
    parts += [
        f"SELECT district, '{d}', g_{d}, {sums} FROM c GROUP BY district, g_{d}" for d in dimensions
    ]
    cursor.execute(
        f"WITH c AS MATERIALIZED ({sql}) INSERT INTO {SHARED_TABLE} " + " UNION ALL ".join(parts),
        params,
    )


def _person_rows(cursor, snapshot: Snapshot, indicators: list[Indicator]) -> int:
    """Person indicators with the same denominator, from one pass over the people
    (``_person_leaves``): each indicator's leaves are the totals and its own
    disaggregations, rolled up."""
    _person_leaves(cursor, indicators, snapshot.as_of)
    written = 0
    for i, indicator in enumerate(indicators):
        kept = ["", *(d for d in indicator.dimensions if d in Dimension.values)]
        cursor.execute(f"DELETE FROM {LEAF_TABLE}")
        cursor.execute(
            f"INSERT INTO {LEAF_TABLE} SELECT area_code, dimension, category, "
            f"fn{i}, fd, rn{i}, rd FROM {SHARED_TABLE} "
            f"WHERE dimension IN ({', '.join(['%s'] * len(kept))})",
            kept,
        )
        written += _write_values(cursor, snapshot, indicator)
    return written


def _denominator_key(indicator: Indicator, as_of: dt.date) -> tuple[str, tuple[Any, ...]]:
    """The SQL of the indicator's denominator on the date: indicators with the same one
    share a pass over the people. A denominator of no one has no SQL: its indicator is
    its own group (and gets no values)."""
    try:
        return _sql(Person.objects.filter(denominator_q(indicator, as_of)).order_by().values("pk"))
    except EmptyResultSet:
        return "", (indicator.pk,)


def _write_values(cursor, snapshot: Snapshot, indicator: Indicator) -> int:
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


def _grid_rows(cursor, snapshot: Snapshot, indicator: Indicator) -> int:
    cursor.execute(f"DELETE FROM {LEAF_TABLE}")
    _grid_use_leaves(cursor, snapshot.as_of)
    return _write_values(cursor, snapshot, indicator)


# --- vaccination coverage by dose, all doses in one pass ---------------------------------


def dose_params(indicator: Indicator) -> tuple[str, int] | None:
    """(vaccine, dose) of an indicator of the per-dose shape (``catalog``'s), else None."""
    den, num = indicator.denominator, indicator.numerator
    try:
        (due,) = den["predicates"]
        (got,) = num["predicates"]
    except (KeyError, TypeError, ValueError):
        return None
    if set(den) != {"predicates"} or set(num) != {"predicates"}:
        return None
    if due.get("name") != "dose_due" or got.get("name") != "dose_received":
        return None
    key = (due.get("vaccine"), due.get("dose"))
    if key != (got.get("vaccine"), got.get("dose")) or set(due) != {"name", "vaccine", "dose"}:
        return None
    return key  # type: ignore[return-value]


# Doses judged in one query: each child's doses received are the bits of one integer.
DOSES_PER_QUERY = 62


def _dose_rows(cursor, snapshot: Snapshot, batch: list[tuple[Indicator, tuple[str, int]]]) -> int:
    """The per-dose indicators together: one pass over the children and one over their
    vaccination records (grouped per child) instead of one of each per dose. The counts
    are those of ``predicates.dose_due`` and ``dose_received``, which define them."""
    written = 0
    for first in range(0, len(batch), DOSES_PER_QUERY):
        written += _dose_chunk_rows(cursor, snapshot, batch[first : first + DOSES_PER_QUERY])
    return written


def _dose_chunk_rows(
    cursor, snapshot: Snapshot, batch: list[tuple[Indicator, tuple[str, int]]]
) -> int:
    """Up to ``DOSES_PER_QUERY`` doses: the records are joined to a small table of the
    (vaccine, dose) pairs that count for each indicator ``i`` (in an alternative series,
    either vaccine's) with the bit ``1 << i``, and each child's bits are or-ed together:
    one hashed look-up a record, where a column per dose cost a comparison per dose."""
    as_of = snapshot.as_of
    series = dict(Vaccine.objects.values_list("code", "series"))
    ids = dict(Vaccine.objects.values_list("code", "pk"))
    pairs: list[int] = []
    for i, (_indicator, (vaccine, dose)) in enumerate(batch):
        same = (
            [ids[c] for c, s in series.items() if s == series.get(vaccine)]
            if series.get(vaccine) in ALTERNATIVE_SERIES
            else [ids.get(vaccine, 0)]
        )
        for vaccine_id in same:
            pairs += [vaccine_id, dose, 1 << i]
    table = ", ".join("(%s, %s, CAST(%s AS BIGINT))" for _pair in range(len(pairs) // 3))
    # SQLite has no BIT_OR; a sum of distinct powers of two is the same number, but on
    # PostgreSQL its DISTINCT would sort the records where BIT_OR hashes them.
    bits = "BIT_OR(m.bit)" if connection.vendor == "postgresql" else "SUM(DISTINCT m.bit)"
    record_sql = (
        f"SELECT v.person_id, CAST({bits} AS BIGINT) AS got "
        f"FROM {VaccinationRecord._meta.db_table} v "
        "JOIN m ON m.vaccine_id = v.vaccine_id AND m.dose = v.dose "
        "WHERE v.date <= %s GROUP BY v.person_id"
    )
    due = {
        f"d{i}": Case(When(dose_due(as_of, as_of, vaccine=v, dose=n), then=ONE), default=ZERO)
        for i, (_indicator, (v, n)) in enumerate(batch)
    }
    children = (
        Person.objects.filter(rule_q({}, as_of), birth_date__gt=as_of - relativedelta(years=7))
        .order_by()
        .annotate(f=Case(When(status=Status.REGISTERED, then=ZERO), default=ONE), **due)
        .values("id", "area_code", "f", *due)
    )
    child_sql, child_params = _sql(children)
    # Each child's flags once (``_fence``), then plain columns summed: each flag
    # was otherwise computed again in each sum it is part of (at scale 1 the aggregate of
    # 367,000 children took 1.9 s).
    got = ", ".join(f"(COALESCE(r.got, 0) >> {i}) & 1 AS g{i}" for i in range(len(batch)))
    columns = ", ".join(
        f"SUM(f * d{i} * g{i}), SUM(f * d{i}), SUM((1 - f) * d{i} * g{i}), SUM((1 - f) * d{i})"
        for i in range(len(batch))
    )
    cursor.execute(
        f"WITH m (vaccine_id, dose, bit) AS (VALUES {table}) "
        f"SELECT area_code, {columns} FROM (SELECT p.*, {got} FROM ({child_sql}{_fence()}) p "
        f"LEFT JOIN ({record_sql}) r ON r.person_id = p.id{_fence()}) q GROUP BY area_code",
        (*pairs, *child_params, as_of),
    )
    # Aggregated rows (one per leaf area), split into each dose's leaves.
    rows = cursor.fetchall()
    written = 0
    for i, (indicator, _key) in enumerate(batch):
        cursor.execute(f"DELETE FROM {LEAF_TABLE}")
        leaves = [(row[0], *row[1 + 4 * i : 5 + 4 * i]) for row in rows]
        cursor.executemany(f"INSERT INTO {LEAF_TABLE} VALUES (%s, '', '', %s, %s, %s, %s)", leaves)
        written += _write_values(cursor, snapshot, indicator)
    return written


def _grid_use_leaves(cursor, as_of: dt.date) -> None:
    """The platform's use rate: each grid counts once in the denominator and once in the
    numerator when something was written at its code in the 30 days ending on the date
    (the definition of ``reports.figures``). Grids have no residency status: they are
    counted on the "floating" side, and the registered side stays empty."""
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


def _flag(q: Q) -> Case:
    return Case(When(q, then=ONE), default=ZERO)


def _month(field: str, q: Q) -> Case:
    """``YYYY-MM`` of a date where ``q`` holds, else an empty string."""
    text = Substr(Cast(field, output_field=CharField()), 1, 7)
    return Case(When(q, then=text), default=Value(""), output_field=CharField())


def _passes(cursor, queryset: QuerySet | tuple[str, tuple], selects: list[str]) -> None:
    """Leaf rows of several figures from one pass: ``queryset`` (or its SQL and
    parameters) is materialized once, as ``c``, and each select groups it: a temporary
    table on PostgreSQL (``_materialize``), a materialized CTE elsewhere."""
    sql, params = _sql(queryset) if isinstance(queryset, QuerySet) else queryset
    union = " UNION ALL ".join(selects)
    if connection.vendor == "postgresql":
        _materialize(cursor, sql, params)
        cursor.execute(
            f"WITH c AS NOT MATERIALIZED (SELECT * FROM {PASS_TABLE}) "
            f"INSERT INTO {LEAF_TABLE} {union}"
        )
        return
    cursor.execute(f"WITH c AS MATERIALIZED ({sql}) INSERT INTO {LEAF_TABLE} {union}", params)


def _insert_grouped(cursor, queryset: QuerySet, figure: str) -> None:
    """Leaf rows of one figure from a queryset with ``area_code`` and ``n``."""
    select = f"SELECT area_code, '{figure}', '', n, 0, 0, 0 FROM c"
    _passes(cursor, queryset, [select])


def _people_figures(cursor, rows: QuerySet) -> None:
    """The people's figures from one aggregate over the people at the finest grain (leaf
    area, stay class, province, month of arrival, month of leaving), each figure then
    summed from its rows (``_passes``: on PostgreSQL the aggregate runs in parallel).
    Only inflow people have a stay class and a province, so ``HAVING SUM(si) > 0`` keeps
    exactly their classes."""
    sql, params = _sql(rows)
    grain = "area_code, stay, province, arrival, departure"
    fine = (
        f"SELECT {grain}, SUM(i) AS si, SUM(o) AS so, SUM(r) AS sr, SUM(mw) AS smw, "
        f"COUNT(*) AS n FROM ({sql}) p GROUP BY {grain}"
    )
    total = "SELECT area_code, '{name}', '', SUM({expr}), 0, 0, 0 FROM c GROUP BY area_code"
    by = (
        "SELECT area_code, '{name}', {column}, SUM({expr}), 0, 0, 0 FROM c {where}"
        "GROUP BY area_code, {column} {having}"
    )
    _passes(
        cursor,
        (fine, params),
        [
            total.format(name="floating", expr="si + so"),
            total.format(name="inflow", expr="si"),
            total.format(name="outflow", expr="so"),
            total.format(name="registered", expr="sr"),
            total.format(name="married_women", expr="smw"),
            by.format(name="stay", column="stay", expr="si", where="", having="HAVING SUM(si) > 0"),
            by.format(
                name="origin", column="province", expr="si", where="", having="HAVING SUM(si) > 0"
            ),
            by.format(
                name="arrivals", column="arrival", expr="n", where="WHERE arrival <> '' ", having=""
            ),
            by.format(
                name="departures",
                column="departure",
                expr="n",
                where="WHERE departure <> '' ",
                having="",
            ),
        ],
    )


def figure_leaves(cursor, as_of: dt.date) -> None:
    """The dashboard's population figures per leaf area, by the report's definitions
    (``people.selectors``, ``reports.figures``): ``floating``, ``inflow``, ``outflow`` (on
    the date),
    ``registered`` (residents living here), ``married_women`` (floating, 15–49),
    ``pregnant`` (floating) and ``no_certificate`` (key groups), and the distributions
    ``stay`` (inflow by length-of-stay class), ``origin`` (inflow by province),
    ``housing`` (inflow by housing type of the residence covering the date), ``industry``
    (employed floating people by GB/T 4754 section), ``service_industry``, ``employed``,
    ``arrivals`` (floating people by month of arrival, last 12 months) and ``departures``
    (inflow people by month of leaving). One pass over the people, one over the jobs, one
    over the residences, one per key group."""
    people = Person.objects.order_by()
    inflow, outflow = inflow_q(as_of), outflow_q(as_of)
    floating = inflow | outflow
    since = as_of.replace(day=1) - relativedelta(months=TREND_MONTHS - 1)
    arrived = Q(status__in=FLOATING, arrived_city_on__gte=since, arrived_city_on__lte=as_of)
    left = Q(status=Status.INFLOW, left_city_on__gte=since, left_city_on__lte=as_of)
    registered = Q(status=Status.REGISTERED) & resident_q(as_of)
    rows = (
        people.filter(floating | registered | arrived | left)
        .annotate(
            i=_flag(inflow),
            o=_flag(outflow),
            r=_flag(registered),
            mw=_flag(floating & rule_q(MARRIED_WOMEN_RULE, as_of)),
            # Only inflow people are counted by stay and origin: the others get one
            # empty class, which keeps the number of groups small.
            stay=Case(
                When(inflow, then=stay_class_expression("arrived_city_on", as_of)),
                default=Value(""),
                output_field=CharField(),
            ),
            province=Case(
                When(inflow, then=Substr("hukou_code", 1, 2)),
                default=Value(""),
                output_field=CharField(),
            ),
            arrival=_month("arrived_city_on", arrived),
            departure=_month("left_city_on", left),
        )
        .values("area_code", "i", "o", "r", "mw", "stay", "province", "arrival", "departure")
    )
    _people_figures(cursor, rows)
    jobs = (
        Employment.objects.filter(
            Q(started_on__isnull=True) | Q(started_on__lte=as_of),
            Q(ended_on__isnull=True) | Q(ended_on__gt=as_of),
            person__in=people.filter(floating).values("pk"),
        )
        .order_by()
        .annotate(
            section=Substr("industry", 1, 1), service=_flag(Q(industry__in=SERVICE_INDUSTRIES))
        )
        .values("area_code", "person_id", "section", "service")
    )
    _passes(
        cursor,
        jobs,
        [
            "SELECT area_code, 'employed', '', COUNT(DISTINCT person_id), 0, 0, 0 FROM c "
            "GROUP BY area_code",
            "SELECT area_code, 'service_industry', '', COUNT(DISTINCT person_id), 0, 0, 0 "
            "FROM c WHERE service = 1 GROUP BY area_code",
            "SELECT area_code, 'industry', section, COUNT(DISTINCT person_id), 0, 0, 0 FROM c "
            "GROUP BY area_code, section",
        ],
    )
    homes = (
        Residence.objects.on(as_of)
        .filter(person__status=Status.INFLOW)
        .order_by()
        .annotate(category=Substr("housing_type", 1, 20))
        .values("area_code", "category")
        .annotate(n=Count("person", distinct=True))
    )
    _passes(cursor, homes, ["SELECT area_code, 'housing', category, n, 0, 0, 0 FROM c"])
    for name, among in (("pregnant", people.filter(floating_q(as_of))), ("no_certificate", people)):
        grouped = (
            members(name, as_of, among)
            .order_by()
            .values("area_code")
            .annotate(n=Count("pk", distinct=True))
        )
        _insert_grouped(cursor, grouped, name)


def _figure_rows(cursor, snapshot: Snapshot) -> int:
    cursor.execute(f"DELETE FROM {LEAF_TABLE}")
    figure_leaves(cursor, snapshot.as_of)
    return _roll_up(
        cursor, into=FIGURE_COLUMNS, select=FIGURE_SELECT, params=(snapshot.pk,),
        levels=LEVEL_LENGTHS,
    )  # fmt: skip


def _prepare(cursor) -> None:
    """Each part's transaction: its settings and its (per-connection) work table."""
    if connection.vendor == "postgresql":
        # Sub-selects of person ids must be hashed in memory, and the plans are short:
        # compiling them (JIT) would cost more than it saves.
        cursor.execute("SET LOCAL work_mem = '256MB'")
        cursor.execute("SET LOCAL jit = off")
    _create_work_tables(cursor)


def _carry_over(base: Snapshot, chosen: list[Indicator]) -> Part:
    """A partial refresh's new snapshot takes the other indicators' rows from ``base``."""
    columns = (
        "indicator_id, area_code, level, dimension, category, floating_num, floating_den, "
        "registered_num, registered_den"
    )

    def run(cursor, snapshot: Snapshot) -> int:
        skip = ", ".join("%s" for _i in chosen) or "NULL"
        cursor.execute(
            f"INSERT INTO indicators_indicatorvalue (snapshot_id, {columns}) "
            f"SELECT %s, {columns} FROM indicators_indicatorvalue "
            f"WHERE snapshot_id = %s AND indicator_id NOT IN ({skip})",
            (snapshot.pk, base.pk, *(i.pk for i in chosen)),
        )
        return max(cursor.rowcount, 0)

    return Part("other indicators (kept)", run)


def _parts(
    chosen: list[Indicator], base: Snapshot | None, *, as_of: dt.date, subset: bool
) -> list[Part]:
    """The refresh's independent parts, the longest first so that two connections end
    together: the figures, the per-dose batch, then the other indicators, those with the
    same denominator together; a partial refresh's copy of the others; the deletion of
    what earlier refreshes left."""
    doses = [(i, key) for i in chosen if (key := dose_params(i)) is not None]
    parts = [Part("figures", _figure_rows)]
    if doses:
        name = f"{len(doses)} dose indicators"
        parts.append(Part(name, partial(_dose_rows, batch=doses)))
    batched = {i.pk for i, _key in doses}
    # Person indicators with the same denominator share a pass over the people (a pass
    # over the 2.9 million people of the scale-1 city costs seconds, whatever is counted).
    shared: dict[tuple[str, tuple[Any, ...]], list[Indicator]] = {}
    grids = []
    for indicator in chosen:
        if indicator.pk in batched:
            continue
        if indicator.unit == Unit.GRID:
            grids.append(Part(indicator.code, partial(_grid_rows, indicator=indicator)))
        else:
            shared.setdefault(_denominator_key(indicator, as_of), []).append(indicator)
    parts += [
        Part(", ".join(i.code for i in group), partial(_person_rows, indicators=group))
        for group in shared.values()
    ]
    parts += grids
    if subset and base is not None:
        parts.append(_carry_over(base, chosen))
    parts.append(Part("cleanup", _cleanup))
    return parts


def _cleanup(_cursor, snapshot: Snapshot) -> int:
    stale_delete(snapshot)
    return 0  # rows of other snapshots, deleted


def refresh(
    *,
    as_of: dt.date,
    acting_user=None,
    indicators: Iterable[Indicator] | None = None,
    progress: Progress | None = None,
    workers: int | None = None,
    timings: dict[str, float] | None = None,
) -> Snapshot:
    """Compute every active indicator (or those given: the others' rows are carried over
    from the date's current snapshot) and the population figures for every area node on
    the date into a new snapshot, on ``workers`` connections (``snapshots.workers_for``),
    then swap it in for the date's current one (see ``snapshots``). On failure the current
    one stays, the new one is kept as ``failed`` with the error, and the error is raised.
    ``timings`` receives each part's seconds."""
    chosen = list(indicators) if indicators is not None else list(Indicator.objects.active())
    workers = workers_for(workers)
    started = time.monotonic()
    with date_lock(as_of):
        base = current(as_of)
        snapshot = begin(as_of=as_of, acting_user=acting_user)
        try:
            parts = _parts(chosen, base, as_of=as_of, subset=indicators is not None)
            run_parts(parts, snapshot, workers=workers, prepare=_prepare, progress=progress,
                      timings=timings)  # fmt: skip
            snapshot.rows = snapshot.values.count() + snapshot.figures.count()
            swap(
                snapshot,
                base=base if indicators is not None else None,
                seconds=time.monotonic() - started,
                audit={"as_of": as_of.isoformat(), "indicators": len(chosen), "workers": workers},
            )
        except BaseException as error:
            discard(snapshot, error, seconds=time.monotonic() - started)
            raise
    logger.info(
        "indicators refreshed",
        extra={
            "as_of": as_of,
            "indicators": len(chosen),
            "rows": snapshot.rows,
            "seconds": snapshot.seconds,
            "workers": workers,
            "user_id": snapshot.started_by_id,
        },
    )
    return snapshot
