"""Materializing the pregnancies' overdue visits into ``PregnancyVisitDue``: for one
pregnancy (on each write that changes them) or for every pregnancy (``parity
refresh_indicators``, nightly; the migration that made the table).

A row is a visit of ``schedule.ANTENATAL`` or ``schedule.POSTPARTUM`` that a pregnancy
has not had by the end of its window (``selectors._antenatal_overdue`` and
``selectors._postpartum_overdue`` say when it is listed; this module says the same as
days):

- an antenatal visit is overdue from the day after its window (``overdue_on``), listed
  from that day or the registration if later, until the day before the delivery or the end
  of the pregnancy (an open pregnancy: without end, ``OPEN_UNTIL``);
- a postpartum visit (anchor: the discharge, else the delivery, for the home visit; the
  delivery for the 42-day check) is overdue from the day after its window until the end of
  postpartum care (``POSTPARTUM_CARE_DAYS`` after the delivery);
- either until the day before the visit that fulfilled it (an antenatal visit recorded for
  the point; the first completed postpartum visit of the kind).

Rows whose days ended more than ``HISTORY_DAYS`` before the computation are left out; the
list reads the table for dates from then on (``selectors.pregnancies_overdue``) and
computes older dates from the visits themselves.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from parity.maternal import schedule
from parity.maternal.choices import PostpartumKind
from parity.maternal.models import AntenatalVisit, PostpartumVisit, Pregnancy, PregnancyVisitDue
from parity.people.models import Person

HISTORY_DAYS = 366
CHUNK = 5000
DAY = dt.timedelta(days=1)
# The last day of an open pregnancy's antenatal rows: overdue for as long as it is open.
OPEN_UNTIL = dt.date(9999, 12, 31)
COLUMNS = (
    "pregnancy_id",
    "person_id",
    "point",
    "overdue_on",
    "listed_from",
    "overdue_until",
    "computed_on",
)
PREGNANCY_FIELDS = (
    "pk",
    "person_id",
    "lmp",
    "registered_on",
    "delivered_on",
    "discharged_on",
    "ended_on",
)
# Each visit with the days from its anchor to its first overdue day, computed once.
_ANTENATAL = [(str(w.point), dt.timedelta(days=w.end + 1)) for w in schedule.ANTENATAL]
_POSTPARTUM = [
    (str(kind), kind == PostpartumKind.HOME_VISIT, dt.timedelta(days=w.end + 1))
    for kind, w in schedule.POSTPARTUM.items()
]
_CARE = dt.timedelta(days=schedule.POSTPARTUM_CARE_DAYS)


def pregnancy_rows(
    fields: tuple,
    antenatal_done: dict[str, dt.date],
    postpartum_done: dict[str, dt.date],
    on: dt.date,
) -> Iterator[tuple]:
    """The rows of one pregnancy: ``fields`` are its ``PREGNANCY_FIELDS``,
    ``antenatal_done`` maps each point to its visit's date, ``postpartum_done`` each kind
    to the date of its first completed visit."""
    pk, person_id, lmp, registered_on, delivered_on, discharged_on, ended_on = fields
    history = on - dt.timedelta(days=HISTORY_DAYS)
    closes = [day - DAY for day in (delivered_on, ended_on) if day is not None]
    antenatal_last = min(closes, default=OPEN_UNTIL)
    for point, to_overdue in _ANTENATAL:
        overdue_on = lmp + to_overdue
        listed_from = max(overdue_on, registered_on)
        last = antenatal_last
        done = antenatal_done.get(point)
        if done is not None and done <= last:
            last = done - DAY
        if listed_from <= last and last >= history:
            yield (pk, person_id, point, overdue_on, listed_from, last, on)
    if delivered_on is None:
        return
    for point, home, to_overdue in _POSTPARTUM:
        overdue_on = ((discharged_on or delivered_on) if home else delivered_on) + to_overdue
        last = delivered_on + _CARE
        done = postpartum_done.get(point)
        if done is not None and done <= last:
            last = done - DAY
        if overdue_on <= last and last >= history:
            yield (pk, person_id, point, overdue_on, overdue_on, last, on)


def _models(apps=None):
    if apps is None:
        return Pregnancy, AntenatalVisit, PostpartumVisit, PregnancyVisitDue
    return (
        apps.get_model("maternal", "Pregnancy"),
        apps.get_model("maternal", "AntenatalVisit"),
        apps.get_model("maternal", "PostpartumVisit"),
        apps.get_model("maternal", "PregnancyVisitDue"),
    )


def _done(antenatal_visits: QuerySet, postpartum_visits: QuerySet):
    """Per pregnancy, the date of each point's antenatal visit and of each kind's first
    completed postpartum visit."""
    antenatal: dict[int, dict[str, dt.date]] = {}
    visits = antenatal_visits.exclude(point="").values_list("pregnancy_id", "point", "date")
    for pregnancy_id, point, day in visits.iterator(chunk_size=CHUNK):
        antenatal.setdefault(pregnancy_id, {})[point] = day
    postpartum: dict[int, dict[str, dt.date]] = {}
    completed = postpartum_visits.filter(completed=True).values_list("pregnancy_id", "kind", "date")
    for pregnancy_id, kind, day in completed.iterator(chunk_size=CHUNK):
        kinds = postpartum.setdefault(pregnancy_id, {})
        if kind not in kinds or day < kinds[kind]:
            kinds[kind] = day
    return antenatal, postpartum


def _rows_of(pregnancies: Iterable[tuple], antenatal, postpartum, on: dt.date) -> list[tuple]:
    rows: list[tuple] = []
    for fields in pregnancies:
        pk = fields[0]
        rows.extend(pregnancy_rows(fields, antenatal.get(pk, {}), postpartum.get(pk, {}), on))
    return rows


def refresh_pregnancies(pregnancy_ids: Iterable[int], *, on: dt.date | None = None) -> int:
    """Rebuild these pregnancies' rows (after a write to the pregnancy or its visits; a
    pregnancy that no longer exists loses them); returns how many there are."""
    on = on or timezone.localdate()
    ids = list(pregnancy_ids)
    PregnancyVisitDue.objects.filter(pregnancy_id__in=ids).delete()
    pregnancies = Pregnancy.objects.filter(pk__in=ids).values_list(*PREGNANCY_FIELDS)
    antenatal, postpartum = _done(
        AntenatalVisit.objects.filter(pregnancy_id__in=ids),
        PostpartumVisit.objects.filter(pregnancy_id__in=ids),
    )
    rows = _rows_of(pregnancies, antenatal, postpartum, on)
    PregnancyVisitDue.objects.bulk_create(
        [PregnancyVisitDue(**dict(zip(COLUMNS, r, strict=True))) for r in rows]
    )
    return len(rows)


def refresh_person(person: Person, *, on: dt.date | None = None) -> int:
    """Rebuild the rows of every pregnancy of a person (after a merge moved pregnancies
    or visits between people by queryset updates, which send no signal): rows left under
    the person for a pregnancy now someone else's go too."""
    PregnancyVisitDue.objects.filter(person_id=person.pk).delete()
    ids = Pregnancy.objects.filter(person_id=person.pk).values_list("pk", flat=True)
    return refresh_pregnancies(list(ids), on=on)


@dataclass
class RefreshResult:
    pregnancies: int = 0
    rows: int = 0
    seconds: float = 0.0


def refresh_all(*, on: dt.date | None = None, apps=None, chunk: int = CHUNK) -> RefreshResult:
    """Rebuild every pregnancy's rows in one transaction (readers see the old table or the
    new one): one ``INSERT … SELECT`` on PostgreSQL, the Python reading
    (``pregnancy_rows``) in chunks elsewhere. ``apps``: a migration's historical models."""
    started = time.perf_counter()
    on = on or timezone.localdate()
    pregnancy_model, antenatal_model, postpartum_model, due_model = _models(apps)
    result = RefreshResult()
    with transaction.atomic():
        due_model.objects.all().delete()
        result.pregnancies = pregnancy_model.objects.count()
        if connection.vendor == "postgresql":
            result.rows = _insert_select(
                due_model, pregnancy_model, antenatal_model, postpartum_model, on
            )
            result.seconds = time.perf_counter() - started
            return result
        ids = list(pregnancy_model.objects.order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(ids), chunk):
            low, high = ids[start], ids[min(start + chunk, len(ids)) - 1]
            part = pregnancy_model.objects.filter(pk__gte=low, pk__lte=high)
            antenatal, postpartum = _done(
                antenatal_model.objects.filter(pregnancy_id__gte=low, pregnancy_id__lte=high),
                postpartum_model.objects.filter(pregnancy_id__gte=low, pregnancy_id__lte=high),
            )
            rows = _rows_of(
                part.order_by("pk").values_list(*PREGNANCY_FIELDS), antenatal, postpartum, on
            )
            due_model.objects.bulk_create(
                [due_model(**dict(zip(COLUMNS, r, strict=True))) for r in rows], batch_size=2000
            )
            result.rows += len(rows)
    result.seconds = time.perf_counter() - started
    return result


def insert_select_sql(table: str, pregnancies: str, antenatal: str, postpartum: str) -> str:
    """The rows of ``pregnancy_rows`` for every pregnancy, computed by PostgreSQL: each
    pregnancy crossed with the visits, the visit of each point joined (parameters ``on``
    and ``history``; the tables named, so a benchmark can read other tables)."""
    antenatal_points = ", ".join(f"('{point}', {d.days})" for point, d in _ANTENATAL)
    postpartum_points = ", ".join(
        f"('{point}', {'true' if home else 'false'}, {d.days})" for point, home, d in _POSTPARTUM
    )
    return f"""
        INSERT INTO {table} ({", ".join(COLUMNS)})
        SELECT pregnancy_id, person_id, point, overdue_on, listed_from, last, %(on)s FROM (
            SELECT p.id AS pregnancy_id, p.person_id, w.point,
                p.lmp + w.to_overdue AS overdue_on,
                GREATEST(p.lmp + w.to_overdue, p.registered_on) AS listed_from,
                LEAST(
                    COALESCE(p.delivered_on - 1, DATE '{OPEN_UNTIL.isoformat()}'),
                    p.ended_on - 1,
                    v.date - 1
                ) AS last
            FROM {pregnancies} p
            CROSS JOIN (VALUES {antenatal_points}) AS w (point, to_overdue)
            LEFT JOIN {antenatal} v ON v.pregnancy_id = p.id AND v.point = w.point
            UNION ALL
            SELECT p.id, p.person_id, w.point,
                CASE WHEN w.home THEN COALESCE(p.discharged_on, p.delivered_on)
                     ELSE p.delivered_on END + w.to_overdue,
                CASE WHEN w.home THEN COALESCE(p.discharged_on, p.delivered_on)
                     ELSE p.delivered_on END + w.to_overdue,
                LEAST(p.delivered_on + {schedule.POSTPARTUM_CARE_DAYS}, v.first - 1)
            FROM {pregnancies} p
            CROSS JOIN (VALUES {postpartum_points}) AS w (point, home, to_overdue)
            LEFT JOIN (
                SELECT pregnancy_id, kind, MIN(date) AS first FROM {postpartum}
                WHERE completed GROUP BY pregnancy_id, kind
            ) v ON v.pregnancy_id = p.id AND v.kind = w.point
            WHERE p.delivered_on IS NOT NULL
        ) r
        WHERE listed_from <= last AND last >= %(history)s
    """


def _insert_select(due_model, pregnancy_model, antenatal_model, postpartum_model, on) -> int:
    sql = insert_select_sql(
        due_model._meta.db_table,
        pregnancy_model._meta.db_table,
        antenatal_model._meta.db_table,
        postpartum_model._meta.db_table,
    )
    params = {"on": on, "history": on - dt.timedelta(days=HISTORY_DAYS)}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


# --- receivers (connected by the app's ``ready``) -----------------------------------------
# ``PregnancyVisitDue`` follows every write through the ORM that changes a pregnancy's
# overdue visits: the pregnancy (registered, edited, delivered, ended), an antenatal or
# postpartum visit recorded, changed or removed. A deleted pregnancy or person takes its
# rows along (the cascade); a merge rebuilds the survivor's (``dedup.actions``). Bulk paths
# (the demo) skip signals and are covered by the nightly refresh.


def _deleting_pregnancy(origin) -> bool:
    """Whether a visit goes with its pregnancy or person (their rows go with them)."""
    models = (Pregnancy, Person)
    return isinstance(origin, models) or (
        isinstance(origin, QuerySet) and issubclass(origin.model, models)
    )


def pregnancy_saved(sender, instance, raw: bool = False, **kwargs) -> None:
    if not raw:
        refresh_pregnancies([instance.pk])


def visit_saved(sender, instance, raw: bool = False, **kwargs) -> None:
    if not raw:
        refresh_pregnancies([instance.pregnancy_id])


def visit_deleted(sender, instance, origin=None, **kwargs) -> None:
    if not _deleting_pregnancy(origin):
        refresh_pregnancies([instance.pregnancy_id])
