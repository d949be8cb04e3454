"""Materializing the day each person became eligible for a residence permit into
``Person.permit_eligible_on``: for the people a write touched (the receivers below, an
import's file or chunks, a merge) or for everyone (``parity refresh_indicators``, nightly; the
migration that made the column), always in one set-based ``UPDATE``.

The day is ``selectors.permit_eligible_computed`` on the person's **open** records: the
jobs and homes with no end, no active permit, no departure from the city. It is NULL when
that finds nothing. Records are never dated after the day they are written (the rules
refuse future dates), so on any date from today on the open records are the records of
that date, and the list of a date from today is the people whose day is set, filtered by
the stay on that date (``selectors.permit_eligible_without_permit``). The day depends on
no date, so it does not go stale overnight: the nightly rebuild only repairs what a path
that skipped the receivers left behind.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from parity.certificates.models import ResidencePermit
from parity.certificates.selectors import permit_eligible_computed
from parity.people.models import Employment, Person, Residence

# A date after every record: the records holding on it are the open ones.
OPEN = dt.date(9000, 1, 1)
# People per statement when the write names them, on SQLite (bound parameters). On
# PostgreSQL the ids go as one array, all of them in one statement: once they are a few
# percent of the tables the planner joins them to the whole people, homes and jobs tables
# (hash joins), so each statement costs about a read of those tables, and an import's
# people are recomputed once, at the end of the file (``StagingWriter.close``), not a
# chunk at a time (bench/README.md, "import_people.py").
BATCH = 5000


def _models(apps=None):
    if apps is None:
        return Person, ResidencePermit
    return apps.get_model("people", "Person"), apps.get_model("certificates", "ResidencePermit")


def _update_sql(person_model, permit_model, ids: Sequence[int] | None) -> tuple[str, list]:
    """One ``UPDATE … FROM``: the day computed for the people in scope (all, or ``ids``),
    joined to them, written only where it differs (a rebuild rewrites the few rows that
    changed, not the tenth of the people who are eligible)."""
    people = person_model._default_manager.all()
    postgres = connection.vendor == "postgresql"
    if ids is not None:
        # One array parameter on PostgreSQL, however many people.
        named = RawSQL("SELECT unnest(%s::bigint[])", (list(ids),)) if postgres else ids
        people = people.filter(pk__in=named)
    eligible = permit_eligible_computed(OPEN, people, permit_model).values("pk", "since")
    inner, params = eligible.query.sql_with_params()
    table = connection.ops.quote_name(person_model._meta.db_table)
    scope: str = ""
    scope_params: list[Any] = []
    if ids is not None and postgres:
        scope, scope_params = "AND p.id = ANY(%s::bigint[])", [list(ids)]
    elif ids is not None:
        scope = f"AND p.id IN ({', '.join(['%s'] * len(ids))})"
        scope_params = [*ids]
    sql = f"""
        UPDATE {table} SET permit_eligible_on = e.since
        FROM (
            SELECT p.id AS id, el.since AS since
            FROM {table} p LEFT JOIN ({inner}) el ON el.pk = p.id
            WHERE (p.permit_eligible_on IS NOT NULL OR el.pk IS NOT NULL) {scope}
        ) e
        WHERE {table}.id = e.id
          AND (({table}.permit_eligible_on IS NULL) <> (e.since IS NULL)
               OR {table}.permit_eligible_on <> e.since)
    """
    return sql, [*params, *scope_params]


def permit_eligibility_refresh(person_ids: Iterable[int | None]) -> int:
    """Recompute the day of these people (a write changed their records); returns how
    many rows changed. One statement on PostgreSQL, one per ``BATCH`` people elsewhere."""
    ids = sorted({pk for pk in person_ids if pk is not None})
    changed = 0
    person_model, permit_model = _models()
    batch = max(len(ids), 1) if connection.vendor == "postgresql" else BATCH
    with connection.cursor() as cursor:
        for start in range(0, len(ids), batch):
            sql, params = _update_sql(person_model, permit_model, ids[start : start + batch])
            cursor.execute(sql, params)
            changed += max(cursor.rowcount, 0)
    return changed


@dataclass
class RebuildResult:
    changed: int = 0
    eligible: int = 0
    seconds: float = 0.0


def permit_eligibility_rebuild(*, apps=None) -> RebuildResult:
    """Recompute the day of every person in one statement (nightly; the migration, with
    its historical models as ``apps``)."""
    started = time.perf_counter()
    person_model, permit_model = _models(apps)
    result = RebuildResult()
    with transaction.atomic(), connection.cursor() as cursor:
        sql, params = _update_sql(person_model, permit_model, None)
        cursor.execute(sql, params)
        result.changed = max(cursor.rowcount, 0)
    result.eligible = person_model._default_manager.filter(permit_eligible_on__isnull=False).count()
    result.seconds = time.perf_counter() - started
    return result


# --- receivers (connected by the app's ``ready``) -----------------------------------------
# The day follows every write through the ORM that changes what it reads: the person's
# status and stay, their homes and jobs, their permits. Bulk paths call
# ``permit_eligibility_refresh`` with the people they wrote (through ``people_written``: an
# import's whole file on the staging path, each chunk on the row path; a merge); the demo
# rebuilds at the end.

PERSON_FIELDS = {"status", "arrived_city_on", "left_city_on"}


def people_written(sender, person_ids: Sequence[int], **kwargs) -> None:
    """A chunk of an import (``people.signals.people_written``)."""
    permit_eligibility_refresh(person_ids)


def _deleting_people(origin) -> bool:
    return isinstance(origin, Person) or (isinstance(origin, QuerySet) and origin.model is Person)


def person_saved(sender, instance, raw: bool = False, **kwargs) -> None:
    update_fields = kwargs.get("update_fields")
    if raw or (update_fields is not None and not PERSON_FIELDS & set(update_fields)):
        return
    permit_eligibility_refresh([instance.pk])
    # The instance must not write its old day back on a later save.
    instance.permit_eligible_on = (
        Person.objects.filter(pk=instance.pk).values_list("permit_eligible_on", flat=True).first()
    )


def record_saved(sender, instance, raw: bool = False, **kwargs) -> None:
    """A home, job or permit saved."""
    if not raw:
        permit_eligibility_refresh([instance.person_id])


def record_deleted(sender, instance, origin=None, **kwargs) -> None:
    if not _deleting_people(origin):  # the person's day goes with them
        permit_eligibility_refresh([instance.person_id])


RECORDS = (Residence, Employment, ResidencePermit)
