"""Materializing the child health checks' overdue days into ``ChildCheckDue``: for one
child (on each write that changes them) or for every child of the programme's ages
(``parity refresh_indicators``, nightly; the migration that made the table).

A row is a point of ``schedule.CHILD`` that a child has not done by the end of its window:
overdue from the day after the window closes until the day before the next window opens
(the 6-year check: until the seventh birthday), or until the day before a late check.
Rows whose days ended more than ``HISTORY_DAYS`` before the computation are left out;
the list reads the table for dates from then on (``selectors.children_overdue_checks``),
and computes older dates from the checks themselves.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from parity.maternal import schedule
from parity.maternal.choices import ChildCheckPoint
from parity.maternal.models import ChildCheckDue, ChildHealthCheck, Pregnancy
from parity.people.models import Person

HISTORY_DAYS = 366
CHUNK = 5000
COLUMNS = ("person_id", "point", "overdue_on", "overdue_until", "computed_on")
DAY = dt.timedelta(days=1)
# The most days a check stays overdue: up to the next window's opening, the last one up
# to the seventh birthday (at most 2,557 days after the birth).
MAX_OVERDUE_DAYS = max(
    [
        nxt.start - 1 - (w.end + 1)
        for w, nxt in zip(schedule.CHILD, schedule.CHILD[1:], strict=False)
    ]
    + [2557 - (schedule.CHILD[-1].end + 1)]
)


def _oldest_birth(on: dt.date) -> dt.date:
    """Children born after this date may have rows (their days end by the 7th birthday)."""
    return (
        on
        - relativedelta(years=schedule.CHILD_PROGRAMME_YEARS)
        - dt.timedelta(days=HISTORY_DAYS + 1)
    )


def is_child(birth: dt.date | None, on: dt.date | None = None) -> bool:
    """Whether a person born then may have rows."""
    return birth is not None and birth > _oldest_birth(on or timezone.localdate())


# Each point with the days from its anchor to its first overdue day and from the birth to
# its last (the day before the next window opens; None for the last point), as timedeltas
# computed once: the refresh runs this for every child of the city.
_POINTS = [
    (
        str(window.point),
        window.point == ChildCheckPoint.NEWBORN,
        dt.timedelta(days=window.end + 1),
        dt.timedelta(days=following.start - 1) if following is not None else None,
    )
    for window, following in zip(schedule.CHILD, [*schedule.CHILD[1:], None], strict=True)
]


def _seventh_birthday(birth: dt.date) -> dt.date:
    try:
        return birth.replace(year=birth.year + schedule.CHILD_PROGRAMME_YEARS)
    except ValueError:  # 29 February
        return birth.replace(year=birth.year + schedule.CHILD_PROGRAMME_YEARS, day=28)


def child_rows(
    person_id: int,
    birth: dt.date,
    discharged_on: dt.date | None,
    done: dict[str, dt.date],
    on: dt.date,
    *,
    oldest: dt.date | None = None,
) -> Iterator[tuple]:
    """The rows of one child (the windows of ``schedule.child_windows``): ``done`` maps
    each point to the date of its check."""
    if birth <= (oldest or _oldest_birth(on)):
        return
    history = on - dt.timedelta(days=HISTORY_DAYS)
    for point, newborn, to_overdue, to_last in _POINTS:
        anchor = (discharged_on or birth) if newborn else birth
        overdue_on = anchor + to_overdue
        # The last check is overdue while the child is under 7 (the list's own test of
        # age decides the last day exactly).
        last = birth + to_last if to_last is not None else _seventh_birthday(birth)
        checked = done.get(point)
        if checked is not None and checked <= last:
            last = checked - DAY
        if overdue_on > last or last < history:
            continue
        yield (person_id, point, overdue_on, last, on)


def _models(apps=None):
    if apps is None:
        return Person, ChildHealthCheck, Pregnancy, ChildCheckDue
    return (
        apps.get_model("people", "Person"),
        apps.get_model("maternal", "ChildHealthCheck"),
        apps.get_model("maternal", "Pregnancy"),
        apps.get_model("maternal", "ChildCheckDue"),
    )


def refresh_child(person, *, on: dt.date | None = None) -> int:
    """Rebuild one child's rows (after a check, a delivery record naming the child, or a
    change of the birth date); returns how many there are."""
    on = on or timezone.localdate()
    _person, check_model, pregnancy_model, due_model = _models()
    stale = due_model.objects.filter(person_id=person.pk)
    if not is_child(person.birth_date, on):
        stale.delete()
        return 0
    stale.delete()
    done = dict(
        check_model.objects.filter(person_id=person.pk)
        .exclude(point="")
        .values_list("point", "date")
    )
    discharged_on = (
        pregnancy_model.objects.filter(child_id=person.pk, discharged_on__isnull=False)
        .order_by("-lmp", "-pk")
        .values_list("discharged_on", flat=True)
        .first()
    )
    rows = list(child_rows(person.pk, person.birth_date, discharged_on, done, on))
    due_model.objects.bulk_create([due_model(**dict(zip(COLUMNS, r, strict=True))) for r in rows])
    return len(rows)


@dataclass
class RefreshResult:
    children: int = 0
    rows: int = 0
    seconds: float = 0.0


def refresh_all(*, on: dt.date | None = None, apps=None, chunk: int = CHUNK) -> RefreshResult:
    """Rebuild every child's rows in one transaction (readers see the old table or the new
    one): one ``INSERT … SELECT`` on PostgreSQL, the Python reading (``child_rows``) in
    chunks elsewhere. ``apps``: a migration's historical models."""
    started = time.perf_counter()
    on = on or timezone.localdate()
    person_model, check_model, pregnancy_model, due_model = _models(apps)
    oldest = _oldest_birth(on)
    children = person_model.objects.filter(birth_date__gt=oldest, birth_date__lte=on)
    result = RefreshResult()
    with transaction.atomic():
        due_model.objects.all().delete()
        if connection.vendor == "postgresql":
            result.children = children.count()
            result.rows = _insert_select(due_model, on, oldest)
        else:
            ids = list(children.order_by("pk").values_list("pk", "birth_date"))
            result.children = len(ids)
            for start in range(0, len(ids), chunk):
                rows = _part_rows(
                    ids[start : start + chunk], on, oldest, check_model, pregnancy_model
                )
                _insert(due_model, rows)
                result.rows += len(rows)
    result.seconds = time.perf_counter() - started
    return result


def _part_rows(part, on: dt.date, oldest: dt.date, check_model, pregnancy_model) -> list[tuple]:
    low, high = part[0][0], part[-1][0]
    done: dict[int, dict[str, dt.date]] = {}
    checks = (
        check_model.objects.filter(person_id__gte=low, person_id__lte=high)
        .exclude(point="")
        .values_list("person_id", "point", "date")
    )
    for person_id, point, day in checks.iterator(chunk_size=CHUNK):
        done.setdefault(person_id, {})[point] = day
    discharges: dict[int, dt.date] = {}
    births = pregnancy_model.objects.filter(
        child_id__gte=low, child_id__lte=high, discharged_on__isnull=False
    ).values_list("child_id", "discharged_on")
    # The first by the model's own order, as ``actions.discharge_of`` reads it.
    for child_id, day in births.order_by("child_id", "-lmp", "-pk"):
        discharges.setdefault(child_id, day)
    rows: list[tuple] = []
    for person_id, birth in part:
        rows.extend(
            child_rows(
                person_id,
                birth,
                discharges.get(person_id),
                done.get(person_id, {}),
                on,
                oldest=oldest,
            )
        )
    return rows


def _insert_select(due_model, on: dt.date, oldest: dt.date) -> int:
    """The rows of ``child_rows`` for every child, computed by PostgreSQL: each child
    crossed with the points, its discharge date and the check of each point joined."""
    points = ", ".join(
        f"('{point}', {'true' if newborn else 'false'}, {to_overdue.days}, "
        f"{to_last.days if to_last is not None else 'NULL'})"
        for point, newborn, to_overdue, to_last in _POINTS
    )
    table = due_model._meta.db_table
    years = schedule.CHILD_PROGRAMME_YEARS
    sql = f"""
        INSERT INTO {table} (person_id, point, overdue_on, overdue_until, computed_on)
        SELECT person_id, point, overdue_on, last, %(on)s FROM (
            SELECT p.id AS person_id, w.point,
                CASE WHEN w.newborn THEN COALESCE(d.discharged_on, p.birth_date)
                     ELSE p.birth_date END + w.to_overdue AS overdue_on,
                LEAST(
                    COALESCE(p.birth_date + w.to_last,
                             (p.birth_date + interval '{years} years')::date),
                    c.date - 1
                ) AS last
            FROM people_person p
            CROSS JOIN (VALUES {points}) AS w (point, newborn, to_overdue, to_last)
            LEFT JOIN (
                SELECT DISTINCT ON (child_id) child_id, discharged_on FROM maternal_pregnancy
                WHERE child_id IS NOT NULL AND discharged_on IS NOT NULL
                ORDER BY child_id, lmp DESC, id DESC
            ) d ON d.child_id = p.id
            LEFT JOIN maternal_childhealthcheck c ON c.person_id = p.id AND c.point = w.point
            WHERE p.birth_date > %(oldest)s AND p.birth_date <= %(on)s
        ) r
        WHERE overdue_on <= last AND last >= %(history)s
    """
    params = {"on": on, "oldest": oldest, "history": on - dt.timedelta(days=HISTORY_DAYS)}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def _insert(model, rows: list[tuple]) -> None:
    if not rows:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create(
            [model(**dict(zip(COLUMNS, row, strict=True))) for row in rows], batch_size=2000
        )
        return
    quote = connection.ops.quote_name
    sql = f"COPY {quote(model._meta.db_table)} ({', '.join(quote(c) for c in COLUMNS)}) FROM STDIN"
    # Numbers, dates and the points' codes: nothing to escape.
    data = "".join(f"{p}\t{point}\t{a}\t{b}\t{c}\n" for p, point, a, b, c in rows)
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        copy.write(data.encode("ascii"))


# --- receivers (connected by the app's ``ready``) -----------------------------------------
# ``ChildCheckDue`` follows every write through the ORM that changes a child's overdue days:
# the person (a new child, a corrected birth date), a check, a delivery record naming the
# child (the discharge date anchors the newborn visit). Bulk paths (imports, the demo) skip
# signals and are covered by the nightly refresh.


def _refresh(person_id: int) -> None:
    person = Person.objects.filter(pk=person_id).only("pk", "birth_date").first()
    if person is not None:
        refresh_child(person)


def person_saved(sender, instance, raw: bool = False, **kwargs) -> None:
    update_fields = kwargs.get("update_fields")
    if raw or (update_fields is not None and "birth_date" not in update_fields):
        return
    # A person's rows end by their eighth birthday or so; an adult's are never read.
    if is_child(instance.birth_date):
        refresh_child(instance)


def check_saved(sender, instance, raw: bool = False, **kwargs) -> None:
    if not raw:
        _refresh(instance.person_id)


def check_deleted(sender, instance, origin=None, **kwargs) -> None:
    deleting_people = isinstance(origin, Person) or (
        isinstance(origin, QuerySet) and origin.model is Person
    )
    if not deleting_people:  # the person's rows go with them
        _refresh(instance.person_id)


def birth_saved(sender, instance, raw: bool = False, **kwargs) -> None:
    if not raw and instance.child_id is not None:
        _refresh(instance.child_id)
