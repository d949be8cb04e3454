"""The staging path of the people import (PostgreSQL).

Each chunk of validated records arrives as ``COPY`` text (``staging_text``: ID and phone
numbers already sealed, blind-indexed and masked, so no clear number reaches the database),
is copied into a temporary staging table and merged with a few set-based statements:

1. the staging rows find the people already on file by blind index, and those rows that
   would change nothing are marked ``unchanged`` in the same ``UPDATE … FROM`` (a join with
   the person's open residence and current job: a re-imported file is not compared row by
   row);
2. rows whose person is registered outside the importer's area are refused: their errors
   and ``people.import_refused`` audit events come from one join that compares the area
   paths (``starts_with``), as ``PeopleWriter._compare_all`` does row by row;
3. the other rows of registered people in the area go through the row path's own compare
   (``PeopleWriter._compare``) and bulk writes, so an update, a move, a departure or a
   date-order error is exactly what the row path makes of it;
4. new people, their residences and jobs are inserted from the staging table in one
   statement (``INSERT … SELECT``, ids drawn from the sequence in file order); a person
   registered meanwhile by someone else makes the unique index refuse it, and the whole
   file rolls back;
5. the chunk gets the row path's audit event.

The staging table is ``TEMPORARY``: like an ``UNLOGGED`` table it is never written to the
WAL, and it is private to the session, so two imports at once never see each other's rows;
it is dropped at the end of the import (or with its transaction). The caller runs the whole
file in one transaction: a file that fails half-way leaves nothing behind.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.utils import timezone

from parity.core.crypto import mask_phone, seal_many
from parity.core.imports.copy import copy_payload, copy_text
from parity.core.models import AuditEvent
from parity.people.choices import Ethnicity, Status
from parity.people.imports.records import PersonRecord
from parity.people.imports.writer import (
    CHUNK_ACTION,
    EMPLOYMENT_COLUMNS,
    PERSON_COLUMNS,
    REFUSED_ACTION,
    RESIDENCE_COLUMNS,
    ChunkResult,
    PeopleWriter,
    _Pending,
)
from parity.people.models import Employment, Person, Residence
from parity.people.signals import people_written

STAGING_TABLE = "parity_people_staging"
# ``staging_text`` writes these in this order; ``StagedRecord`` reads them back.
STAGING_COLUMNS = (
    ("row", "integer NOT NULL"),
    ("id_hash", "text NOT NULL"),
    ("id_enc", "text NOT NULL"),
    ("id_masked", "text NOT NULL"),
    ("name", "text NOT NULL"),
    ("sex", "text NOT NULL"),
    ("birth_date", "date NOT NULL"),
    ("ethnicity", "text"),
    ("education", "text"),
    ("marital_status", "text"),
    ("hukou_code", "text"),
    ("hukou_type", "text"),
    ("phone_enc", "text"),
    ("phone_hash", "text"),
    ("phone_masked", "text"),
    ("grid_id", "bigint NOT NULL"),
    ("area_code", "text NOT NULL"),
    ("outflow_region_code", "text NOT NULL"),
    ("outflow_since", "date"),
    ("arrived_on", "date"),
    ("housing_type", "text"),
    ("address", "text"),
    ("move_reason", "text"),
    ("industry", "text"),
    ("occupation", "text"),
    ("employer", "text"),
)
_NAMES = ", ".join(name for name, _kind in STAGING_COLUMNS)
_NULL = "\\N"


@dataclass(slots=True)
class StagedRecord(PersonRecord):
    """A record read back from the staging table: its numbers only sealed and masked."""

    id_enc: str = ""
    id_masked: str = ""
    phone_enc: str | None = None
    phone_masked: str | None = None

    @classmethod
    def from_row(cls, values: tuple[Any, ...]) -> StagedRecord:
        """A staging row, its columns in ``STAGING_COLUMNS`` order."""
        staged = dict(zip((name for name, _kind in STAGING_COLUMNS), values, strict=True))
        return cls(id_number="", **staged)


def _opt(value: str | None) -> str:
    return _NULL if value is None else copy_text(value)


def _day(value: dt.date | None) -> str:
    return _NULL if value is None else value.isoformat()


def staging_text(records: list[PersonRecord]) -> bytes:
    """The records as ``COPY`` text for the staging table, ID and phone numbers sealed.

    Runs in the validation process: with the validation, this is the Python work of the
    import, on the core the database does not use."""
    id_sealed = seal_many([r.id_number for r in records])
    phone_sealed = iter(seal_many([r.phone for r in records if r.phone]))
    iso: dict[dt.date, str] = {}
    lines = []
    for record, id_enc in zip(records, id_sealed, strict=True):
        number = record.id_number
        phone = record.phone
        if phone:
            masked = f"{phone[:3]}****{phone[7:]}" if len(phone) == 11 else mask_phone(phone)
            phone_part = f"{next(phone_sealed)}\t{record.phone_hash}\t{masked}"
        else:
            phone_part = f"{_NULL}\t{_NULL}\t{_NULL}"
        birth = iso.get(record.birth_date) or iso.setdefault(
            record.birth_date, record.birth_date.isoformat()
        )
        lines.append(
            f"{record.row}\t{record.id_hash}\t{id_enc}\t{number[:6]}********{number[14:]}\t"
            f"{copy_text(record.name)}\t{record.sex}\t{birth}\t{_opt(record.ethnicity)}\t"
            f"{_opt(record.education)}\t{_opt(record.marital_status)}\t"
            f"{_opt(record.hukou_code)}\t{_opt(record.hukou_type)}\t{phone_part}\t"
            f"{record.grid_id}\t{record.area_code}\t{record.outflow_region_code}\t"
            f"{_day(record.outflow_since)}\t{_day(record.arrived_on)}\t"
            f"{_opt(record.housing_type)}\t{_opt(record.address)}\t{_opt(record.move_reason)}\t"
            f"{_opt(record.industry)}\t{_opt(record.occupation)}\t{_opt(record.employer)}\n"
        )
    return "".join(lines).encode()


class StagingWriter(PeopleWriter):
    """Merges chunks of ``staging_text`` into people, residences and jobs (PostgreSQL).

    Call ``open`` once inside the import's transaction, ``write_staged`` for each chunk,
    ``close`` at the end."""

    def open(self) -> None:
        self.written: set[int] = set()
        columns = ", ".join(f"{name} {kind}" for name, kind in STAGING_COLUMNS)
        with connection.cursor() as cursor:
            # A crash before the WAL reaches the disk loses at most the import's commit; an
            # import is idempotent, so running it again restores it.
            cursor.execute("SET LOCAL synchronous_commit = off")
            # JIT compiles each merge statement anew (its cost estimates are those of a
            # bulk statement) for longer than the statement then runs.
            cursor.execute("SET LOCAL jit = off")
            cursor.execute(f"DROP TABLE IF EXISTS pg_temp.{STAGING_TABLE}")
            cursor.execute(
                f"CREATE TEMPORARY TABLE {STAGING_TABLE} ({columns}, person_id bigint, "
                f"person_area text, unchanged boolean NOT NULL DEFAULT false)"
            )
            cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [Person._meta.db_table])
            self.sequence = cursor.fetchone()[0]

    def close(self) -> None:
        """The file's people to the receivers at once (``_written``), then the staging
        table dropped."""
        if self.written:
            people_written.send(sender=type(self), person_ids=sorted(self.written))
            self.written = set()
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS pg_temp.{STAGING_TABLE}")

    def _written(self, created: list[int], pending: _Pending) -> None:
        """Kept for ``close``: the file is one transaction, so its receivers' work (the
        people's permit eligibility) is done once for the file, in one statement, where
        one a chunk read the tables again for each chunk (a 600,000-row import: 30 reads
        of the people, homes and jobs, most of its database time)."""
        self._keep_statistics(created)
        self.written |= set(created) | pending.person_ids()

    # -- the numbers arrive sealed and masked -------------------------------------------

    def _id_masked(self, record: PersonRecord) -> str:
        assert isinstance(record, StagedRecord)
        return record.id_masked

    def _phone_masked(self, record: PersonRecord) -> str:
        assert isinstance(record, StagedRecord)
        return record.phone_masked or ""

    def _phone_sealed(self, record: PersonRecord) -> str:
        assert isinstance(record, StagedRecord) and record.phone_enc
        return record.phone_enc

    # -- one chunk ----------------------------------------------------------------------

    def write_staged(self, payload: bytes) -> ChunkResult:
        """Merge one chunk of ``staging_text``, in the order of ``PeopleWriter.write``:
        the registered people compared, the new ones inserted, the changes written, one
        audit event."""
        result = ChunkResult()
        if not payload:
            return result
        now = timezone.now()
        pending = _Pending()
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {STAGING_TABLE}")
            copy_payload(cursor, STAGING_TABLE, [name for name, _kind in STAGING_COLUMNS], payload)
            self._find_registered(cursor)
            if cursor.rowcount:
                self._refuse_outside(cursor, result, now)
                cursor.execute(f"SELECT count(*) FROM {STAGING_TABLE} WHERE unchanged")
                result.unchanged += cursor.fetchone()[0]
                self._compare_in_scope(cursor, pending, result, now)
            created = self._insert_new(cursor, now)
        result.created = len(created)
        self._flush(pending, now, postgres=True)
        self._written(created, pending)
        if created or pending.audit:
            AuditEvent.objects.create(
                actor_id=self.actor_id,
                action=CHUNK_ACTION,
                object_type="people.person",
                area_code=self.area_code,
                after={"created": created, "updated": pending.audit},
                note=self.note,
            )
        return result

    def _find_registered(self, cursor) -> None:
        """Mark each staging row whose person is on file with the person's id and area, and
        as ``unchanged`` when it would change nothing.

        ``unchanged`` is the row path's "no change" (``PeopleWriter._compare`` returning
        ``False``) written as one condition over the person, their open residence and
        current job: every value the row gives equals the one on file (a blank cell keeps
        it), the row leaves no residence to open, close, move or amend, and names no job
        that differs. When the condition cannot tell (a NULL on file), the row goes to the
        compare, which decides — so a re-imported file costs a join, not a compare a row.
        """
        # The LATERAL subqueries with OFFSET 0 keep the plan to one index probe a staging
        # row: a join the planner may turn around (hash the whole people table, or every
        # open residence, for each chunk — its statistics lag behind a bulk load).
        cursor.execute(
            f"""
            UPDATE {STAGING_TABLE} s
            SET person_id = m.id, person_area = m.area_code, unchanged = m.unchanged
            FROM (
                SELECT s.row, p.id, p.area_code, coalesce(
                    starts_with(p.area_code, %(scope)s)
                    AND s.name = p.name
                    AND (s.ethnicity IS NULL OR s.ethnicity = p.ethnicity)
                    AND (s.education IS NULL OR s.education = p.education)
                    AND (s.marital_status IS NULL OR s.marital_status = p.marital_status)
                    AND (s.hukou_code IS NULL OR s.hukou_code = p.hukou_code)
                    AND (s.hukou_type IS NULL OR s.hukou_type = p.hukou_type)
                    AND (s.phone_hash IS NULL OR s.phone_hash = p.phone_hash)
                    AND s.grid_id = p.grid_id
                    AND s.area_code = p.area_code
                    AND s.outflow_region_code = p.outflow_region_code
                    AND CASE WHEN s.outflow_region_code <> '' THEN
                        p.status = %(outflow)s
                        AND (s.outflow_since IS NULL OR s.outflow_since = p.outflow_since)
                        AND r.id IS NULL
                    ELSE
                        p.status = CASE
                            WHEN starts_with(coalesce(s.hukou_code, p.hukou_code), %(city)s)
                            THEN %(registered)s ELSE %(inflow)s END
                        AND p.outflow_since IS NULL
                        AND r.grid_id = s.grid_id
                        AND r.arrived_on = s.arrived_on
                        AND (s.address IS NULL OR s.address = r.address)
                        AND (s.housing_type IS NULL OR s.housing_type = r.housing_type)
                        AND (s.move_reason IS NULL OR s.move_reason = r.move_reason)
                    END
                    AND (s.industry IS NULL OR (
                        s.industry = j.industry
                        AND (s.occupation IS NULL OR s.occupation = j.occupation)
                        AND (s.employer IS NULL OR s.employer = j.employer)
                    )),
                    false
                ) AS unchanged
                FROM {STAGING_TABLE} s
                JOIN LATERAL (
                    SELECT * FROM {Person._meta.db_table} p WHERE p.id_hash = s.id_hash OFFSET 0
                ) p ON true
                LEFT JOIN LATERAL (
                    SELECT * FROM {Residence._meta.db_table} r
                    WHERE r.person_id = p.id AND r.departed_on IS NULL
                    OFFSET 0
                ) r ON true
                LEFT JOIN LATERAL (
                    -- the job the compare takes: Employment's order_by("-started_on", "-id")
                    SELECT e.industry, e.occupation, e.employer
                    FROM {Employment._meta.db_table} e
                    WHERE e.person_id = p.id AND e.ended_on IS NULL
                    ORDER BY e.started_on DESC, e.id DESC
                    LIMIT 1
                ) j ON true
            ) m
            WHERE m.row = s.row
            """,
            {
                "scope": self.area_code,
                "city": self.city,
                "outflow": Status.OUTFLOW.value,
                "registered": Status.REGISTERED.value,
                "inflow": Status.INFLOW.value,
            },
        )

    def _refuse_outside(self, cursor, result: ChunkResult, now: dt.datetime) -> None:
        """Rows naming a person registered outside the importer's area: the row path's
        errors (one message per holding area) and audit events, from one join."""
        outside = "person_id IS NOT NULL AND NOT starts_with(person_area, %s)"
        cursor.execute(
            f"SELECT row, id_masked, person_area FROM {STAGING_TABLE} WHERE {outside}",
            [self.area_code],
        )
        refused = cursor.fetchall()
        if not refused:
            return
        result.errors.extend(self._outside(*values) for values in refused)
        cursor.execute(
            f"INSERT INTO {AuditEvent._meta.db_table} "
            f"(at, actor_id, action, object_type, object_id, area_code, note) "
            f"SELECT %s, %s, %s, 'people.person', person_id::text, person_area, %s "
            f"FROM {STAGING_TABLE} WHERE {outside} ORDER BY row",
            [now, self.actor_id, REFUSED_ACTION, self.note, self.area_code],
        )

    def _compare_in_scope(
        self, cursor, pending: _Pending, result: ChunkResult, now: dt.datetime
    ) -> None:
        """Registered people in the importer's area: the row path's compare, record by
        record, its changes queued in ``pending``."""
        in_scope = "person_id IS NOT NULL AND NOT unchanged AND starts_with(person_area, %s)"
        cursor.execute(
            f"SELECT {_NAMES} FROM {STAGING_TABLE} WHERE {in_scope} ORDER BY row",
            [self.area_code],
        )
        records = [StagedRecord.from_row(values) for values in cursor.fetchall()]
        if not records:
            return
        existing = {
            p.id_hash: p
            for p in Person.objects.raw(
                f"SELECT p.* FROM {Person._meta.db_table} p JOIN {STAGING_TABLE} s "
                f"ON s.person_id = p.id WHERE NOT s.unchanged AND starts_with(s.person_area, %s)",
                [self.area_code],
            )
        }
        self._compare_all(records, existing, pending, result, now)

    def _insert_new(self, cursor, now: dt.datetime) -> list[int]:
        """New people, their residences and jobs in one statement; the ids created, in
        file order (drawn from the sequence over the rows sorted by row number)."""
        quote = connection.ops.quote_name
        people = ", ".join(quote(c) for c in PERSON_COLUMNS)
        residences = ", ".join(quote(c) for c in RESIDENCE_COLUMNS)
        jobs = ", ".join(quote(c) for c in EMPLOYMENT_COLUMNS)
        cursor.execute(
            f"""
            WITH created AS (
                INSERT INTO {Person._meta.db_table} ({people})
                SELECT nextval(%(sequence)s::regclass), %(now)s, %(now)s, s.id_enc, s.id_hash,
                    s.id_masked, s.name, s.sex, s.birth_date, coalesce(s.ethnicity, %(han)s),
                    coalesce(s.education, ''), coalesce(s.marital_status, ''), s.hukou,
                    coalesce(s.hukou_type, ''), coalesce(s.phone_enc, ''),
                    coalesce(s.phone_hash, ''), coalesce(s.phone_masked, ''),
                    CASE WHEN s.outflow_region_code <> '' THEN %(outflow)s
                        WHEN starts_with(s.hukou, %(city)s) THEN %(registered)s
                        ELSE %(inflow)s END,
                    s.area_code, s.grid_id, s.outflow_region_code,
                    CASE WHEN s.outflow_region_code <> '' THEN s.outflow_since END,
                    CASE WHEN s.outflow_region_code = '' THEN s.arrived_on END,
                    CASE WHEN s.outflow_region_code <> '' THEN s.outflow_since END
                FROM (
                    SELECT *, coalesce(hukou_code, left(id_masked, 6)) AS hukou
                    FROM {STAGING_TABLE} WHERE person_id IS NULL ORDER BY row
                ) s
                RETURNING id, id_hash
            ), residences AS (
                INSERT INTO {Residence._meta.db_table} ({residences})
                SELECT %(now)s, %(now)s, c.id, NULL, coalesce(s.address, ''), s.grid_id,
                    s.area_code, s.arrived_on, NULL, s.housing_type,
                    coalesce(s.move_reason, ''), ''
                FROM created c JOIN {STAGING_TABLE} s ON s.id_hash = c.id_hash
                WHERE s.outflow_region_code = ''
            ), jobs AS (
                INSERT INTO {Employment._meta.db_table} ({jobs})
                SELECT %(now)s, %(now)s, c.id, s.industry, coalesce(s.occupation, ''),
                    coalesce(s.employer, ''), NULL, NULL, s.area_code
                FROM created c JOIN {STAGING_TABLE} s ON s.id_hash = c.id_hash
                WHERE s.industry IS NOT NULL
            )
            SELECT id FROM created ORDER BY id
            """,
            {
                "sequence": self.sequence,
                "now": now,
                "han": Ethnicity.HAN.value,
                "city": self.city,
                "outflow": Status.OUTFLOW.value,
                "registered": Status.REGISTERED.value,
                "inflow": Status.INFLOW.value,
            },
        )
        return [row[0] for row in cursor.fetchall()]
