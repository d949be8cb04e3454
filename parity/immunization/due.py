"""Materializing the engine's answers into ``DoseDue``: for one child (in the vaccination
action's transaction) or for every child under 18 (``parity refresh_immunization``).

The bulk refresh reads children in id order, their vaccinations by id range (no long
``IN`` lists), runs the engine in a tight loop and writes with ``COPY`` on PostgreSQL
(``bulk_create`` elsewhere), all in one transaction: readers see the old table or the new
one, never half of each.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from tqdm import tqdm

from parity.core.imports.copy import copy_payload
from parity.immunization.models import DoseDue, VaccinationRecord, Vaccine
from parity.immunization.schedule import Given, Schedule
from parity.immunization.schedule_data import schedule_from_db
from parity.people.models import Person

CHUNK = 5000
COLUMNS = (
    "person_id",
    "vaccine_id",
    "dose",
    "due_on",
    "earliest_on",
    "overdue_on",
    "skin_test",
    "computed_on",
    "area_code",
    "birth_date",
)


def _rows(
    schedule: Schedule,
    vaccine_ids: dict[str, int],
    person_id: int,
    birth_date: dt.date,
    area_code: str,
    given: Iterable[Given],
    on: dt.date,
) -> Iterator[tuple]:
    for p in schedule.evaluate(birth_date, given, on).pending:
        yield (
            person_id,
            vaccine_ids[p.vaccine],
            p.dose,
            p.due_on,
            p.earliest_on,
            p.overdue_on,
            p.skin_test,
            on,
            area_code,
            birth_date,
        )


def person_given(person_id: int) -> list[Given]:
    return [
        Given(*row)
        for row in VaccinationRecord.objects.filter(person_id=person_id).values_list(
            "vaccine__code", "dose", "date"
        )
    ]


def new_child_schedule(sender, instance, created: bool, raw: bool = False, **kwargs) -> None:
    """A child registered through the forms or the API gets their pending doses at once;
    bulk imports skip signals and are covered by the nightly ``refresh_immunization``
    (connected to ``Person``'s ``post_save`` by the app's ``ready``)."""
    if not created or raw:
        return
    if instance.age_on(timezone.localdate()) < 18:
        dose_due_refresh_person(instance)


def dose_due_refresh_person(
    person: Person, *, on: dt.date | None = None, schedule: Schedule | None = None
) -> int:
    """Recompute one child's rows; returns how many pending doses they have."""
    on = on or timezone.localdate()
    schedule = schedule or schedule_from_db()
    vaccine_ids = dict(Vaccine.objects.values_list("code", "id"))
    rows = list(
        _rows(
            schedule,
            vaccine_ids,
            person.pk,
            person.birth_date,
            person.area_code,
            person_given(person.pk),
            on,
        )
    )
    DoseDue.objects.filter(person_id=person.pk).delete()
    DoseDue.objects.bulk_create([DoseDue(**dict(zip(COLUMNS, row, strict=True))) for row in rows])
    return len(rows)


def dose_due_follow_birth_date(person: Person) -> bool:
    """A child's rows written with another birth date than the person's (a corrected birth
    date, a merge's or its undo's) are computed again at once: the overdue list reads the
    age bands from ``DoseDue.birth_date`` and the doses' dates follow the birth date.
    One indexed ``EXISTS`` when nothing changed; True when the rows were rebuilt."""
    stale = DoseDue.objects.filter(person_id=person.pk).exclude(birth_date=person.birth_date)
    if not stale.exists():
        return False
    today = timezone.localdate()
    if _years_before(today, 18) < person.birth_date <= today:
        dose_due_refresh_person(person, on=today)
    else:  # no longer a child (or not born): the refresh keeps no rows for them
        DoseDue.objects.filter(person_id=person.pk).delete()
    return True


def person_birth_date_saved(
    sender, instance, created: bool, raw: bool = False, update_fields=None, **kwargs
) -> None:
    """``Person``'s ``post_save`` (connected by the app's ``ready``): a saved birth date
    that differs from the child's pending doses' rebuilds them. Bulk paths that write
    people without signals never change an existing person's birth date (an import keeps
    it: it comes from the ID number), and the nightly refresh copies it for everyone."""
    if created or raw or (update_fields is not None and "birth_date" not in update_fields):
        return
    dose_due_follow_birth_date(instance)


@dataclass
class RefreshResult:
    children: int = 0
    rows: int = 0
    seconds: float = 0.0


def children_queryset(on: dt.date, area_code: str = ""):
    """Everyone under 18 on the date (catch-up runs to 18), born by then."""
    people = Person.objects.filter(birth_date__gt=_years_before(on, 18), birth_date__lte=on)
    return people.filter(area_code__startswith=area_code) if area_code else people


def _years_before(on: dt.date, years: int) -> dt.date:
    try:
        return on.replace(year=on.year - years)
    except ValueError:  # 29 February
        return on.replace(year=on.year - years, day=28)


def dose_due_refresh_all(
    *, on: dt.date, area_code: str = "", chunk: int = CHUNK, progress: bool = False
) -> RefreshResult:
    started = time.perf_counter()
    schedule = schedule_from_db()
    vaccine_ids = dict(Vaccine.objects.values_list("code", "id"))
    code_of = {pk: code for code, pk in vaccine_ids.items()}
    children = list(
        children_queryset(on, area_code).order_by("pk").values_list("pk", "birth_date", "area_code")
    )
    result = RefreshResult(children=len(children))
    bar = None
    if progress:
        bar = tqdm(total=len(children), unit="child", desc="refresh_immunization")
    with transaction.atomic():
        stale = DoseDue.objects.all()
        if area_code:
            stale = stale.filter(
                Q(area_code__startswith=area_code) | Q(person__area_code__startswith=area_code)
            )
        stale.delete()
        for start in range(0, len(children), chunk):
            part = children[start : start + chunk]
            given: dict[int, list[Given]] = defaultdict(list)
            records = VaccinationRecord.objects.filter(
                person_id__gte=part[0][0], person_id__lte=part[-1][0]
            ).values_list("person_id", "vaccine_id", "dose", "date")
            for person_id, vaccine_id, dose, day in records.iterator(chunk_size=chunk):
                given[person_id].append(Given(code_of[vaccine_id], dose, day))
            rows: list[tuple] = []
            for person_id, birth_date, code in part:
                rows.extend(
                    _rows(schedule, vaccine_ids, person_id, birth_date, code, given[person_id], on)
                )
            _insert(rows)
            result.rows += len(rows)
            if bar is not None:
                bar.update(len(part))
    if bar is not None:
        bar.close()
    result.seconds = time.perf_counter() - started
    return result


def _insert(rows: list[tuple]) -> None:
    if not rows:
        return
    if connection.vendor != "postgresql":
        DoseDue.objects.bulk_create(
            [DoseDue(**dict(zip(COLUMNS, row, strict=True))) for row in rows], batch_size=2000
        )
        return
    # Every value is a number, a date, a boolean or an area code: nothing to escape.
    data = "".join(
        f"{p}\t{v}\t{d}\t{due}\t{early}\t{late if late is not None else chr(92) + 'N'}\t"
        f"{'t' if skin else 'f'}\t{on}\t{area}\t{birth}\n"
        for p, v, d, due, early, late, skin, on, area, birth in rows
    )
    with connection.cursor() as cursor:
        copy_payload(cursor, DoseDue._meta.db_table, COLUMNS, data.encode("ascii"))
