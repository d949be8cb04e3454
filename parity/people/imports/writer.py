"""The bulk writer behind imports and the demo population: upsert validated records by ID
number (blind index), one chunk per transaction.

For a chunk it finds the people already registered with one query. New people — nearly
every row of a first import — never become Django model instances: their ids are drawn
from the sequence, their rows are formatted straight into ``COPY`` text for people,
residences and jobs, and the three ``COPY`` statements run back to back (``bulk_create``
on SQLite). Registered people are compared with what is on file, as the actions would
change them, and written with ``bulk_update``. The chunk gets one audit event: the ids
created, and for each changed person the fields before and after (masked values only).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parity.core import crypto
from parity.core.actions import changed
from parity.core.crypto import seal_many
from parity.core.error_codes import ErrorCode
from parity.core.imports.copy import copy_lines, copy_text
from parity.core.imports.results import RowError
from parity.core.imports.statistics import analyze_grown
from parity.core.models import AuditEvent
from parity.people.choices import Ethnicity, Status
from parity.people.imports.columns import HEADER_FOR
from parity.people.imports.records import PersonRecord
from parity.people.models import Employment, Person, Residence, status_for
from parity.people.scope import outside_scope_message
from parity.people.signals import people_written

CHUNK_ACTION = "people.import_chunk"
# A row naming a person registered outside the importer's area (filed under that area).
REFUSED_ACTION = "people.import_refused"

# Person fields an import sets, as ``snapshot(person)`` names them (audit keys).
PERSON_STATE = (
    "id_masked",
    "name",
    "sex",
    "birth_date",
    "ethnicity",
    "education",
    "marital_status",
    "hukou_code",
    "hukou_type",
    "phone_masked",
    "status",
    "area_code",
    "grid_id",
    "outflow_region_code",
    "outflow_since",
    "arrived_city_on",
    "left_city_on",
)
RESIDENCE_STATE = ("address", "arrived_on", "housing_type", "move_reason", "dwelling_id")
EMPLOYMENT_STATE = ("industry", "occupation", "employer")
_PERSON_UPDATABLE = [f for f in PERSON_STATE if f not in ("id_masked", "sex", "birth_date")]

# The COPY column lists; ``_person_line`` and friends write the values in this order.
PERSON_COLUMNS = (
    "id",
    "created_at",
    "updated_at",
    "id_number_enc",
    "id_hash",
    "id_masked",
    "name",
    "sex",
    "birth_date",
    "ethnicity",
    "education",
    "marital_status",
    "hukou_code",
    "hukou_type",
    "phone_enc",
    "phone_hash",
    "phone_masked",
    "status",
    "area_code",
    "grid_id",
    "outflow_region_code",
    "outflow_since",
    "arrived_city_on",
    "left_city_on",
)
RESIDENCE_COLUMNS = (
    "created_at",
    "updated_at",
    "person_id",
    "dwelling_id",
    "address",
    "grid_id",
    "area_code",
    "arrived_on",
    "departed_on",
    "housing_type",
    "move_reason",
    "departed_to_code",
)
EMPLOYMENT_COLUMNS = (
    "created_at",
    "updated_at",
    "person_id",
    "industry",
    "occupation",
    "employer",
    "started_on",
    "ended_on",
    "area_code",
)
_NULL = "\\N"
_HAN = Ethnicity.HAN.value
_OUTFLOW = Status.OUTFLOW.value
_REGISTERED = Status.REGISTERED.value
_INFLOW = Status.INFLOW.value
# SQLite reads the existing people of a chunk in slices (its limit on query variables).
_SQLITE_BATCH = 500


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def _mask_phone(phone: str) -> str:
    return crypto.mask_phone(phone) if phone else ""


@dataclass
class ChunkResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)


@dataclass
class _Pending:
    """What the registered people of a chunk need written, gathered before any write."""

    people: list[Person] = field(default_factory=list)
    people_fields: set[str] = field(default_factory=set)
    close: list[Residence] = field(default_factory=list)
    residences: list[Residence] = field(default_factory=list)
    residence_fields: set[str] = field(default_factory=set)
    new_residences: list[tuple[PersonRecord, int, str]] = field(default_factory=list)
    employments: list[Employment] = field(default_factory=list)
    employment_fields: set[str] = field(default_factory=set)
    new_employments: list[tuple[PersonRecord, int]] = field(default_factory=list)
    audit: dict[str, dict[str, Any]] = field(default_factory=dict)

    def person_ids(self) -> set[int]:
        """The registered people whose row, homes or jobs these writes change."""
        return (
            {p.pk for p in self.people}
            | {r.person_id for r in (*self.close, *self.residences)}
            | {e.person_id for e in self.employments}
            | {pk for _record, pk, _address in self.new_residences}
            | {pk for _record, pk in self.new_employments}
        )


class PeopleWriter:
    """Writes chunks of validated records. ``note`` (the file name) and ``area_code`` (the
    importing user's scope) go on each chunk's audit event."""

    def __init__(self, *, acting_user, note: str = "", area_code: str = "") -> None:
        self.acting_user = acting_user
        self.actor_id = acting_user.pk if getattr(acting_user, "pk", None) else None
        self.note = note[:255]
        self.area_code = area_code
        self.today = timezone.localdate()
        self.city = settings.PARITY_CITY_CODE
        self.sequence: str | None = None
        self._outside_messages: dict[str, str] = {}

    def write(self, records: Sequence[PersonRecord]) -> ChunkResult:
        """Upsert one chunk in one transaction: it lands whole or not at all."""
        result = ChunkResult()
        if not records:
            return result
        now = timezone.now()
        postgres = connection.vendor == "postgresql"
        with transaction.atomic():
            if postgres:
                with connection.cursor() as cursor:
                    # A crash before the WAL reaches the disk loses at most the last chunks
                    # committed; an import is idempotent, so running it again restores them.
                    cursor.execute("SET LOCAL synchronous_commit = off")
            existing = self._existing([r.id_hash for r in records], postgres)
            new = [r for r in records if r.id_hash not in existing]
            pending = _Pending()
            if len(new) < len(records):
                self._compare_all(records, existing, pending, result, now)
            created = self._create(new, now, postgres) if new else []
            result.created = len(created)
            self._flush(pending, now, postgres)
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

    # -- reading ------------------------------------------------------------------------

    def _existing(self, hashes: list[str], postgres: bool) -> dict[str, Person]:
        if postgres:
            # One text parameter instead of an array of 20,000: psycopg dumps a list
            # element by element in Python. Hashes are hex, never a comma.
            table = connection.ops.quote_name(Person._meta.db_table)
            people = Person.objects.raw(
                f"SELECT * FROM {table} WHERE id_hash = ANY(string_to_array(%s, ','))",
                [",".join(hashes)],
            )
            return {p.id_hash: p for p in people}
        found: dict[str, Person] = {}
        for start in range(0, len(hashes), _SQLITE_BATCH):
            batch = hashes[start : start + _SQLITE_BATCH]
            found.update((p.id_hash, p) for p in Person.objects.filter(id_hash__in=batch))
        return found

    # -- new people ---------------------------------------------------------------------

    def _create(self, records: list[PersonRecord], now: dt.datetime, postgres: bool) -> list[int]:
        id_sealed = seal_many([r.id_number for r in records])
        phone_sealed = iter(seal_many([r.phone for r in records if r.phone]))
        phones = [next(phone_sealed) if r.phone else "" for r in records]
        if not postgres:
            return self._create_orm(records, id_sealed, phones)
        ids = self._next_ids(len(records))
        stamp = now.isoformat()
        people: list[str] = []
        residences: list[str] = []
        jobs: list[str] = []
        city = self.city
        # A file has a few thousand distinct dates: format each once.
        iso: dict[dt.date, str] = {}
        for record, pk, id_enc, phone_enc in zip(records, ids, id_sealed, phones, strict=True):
            number = record.id_number
            birth_iso = iso.get(record.birth_date) or iso.setdefault(
                record.birth_date, record.birth_date.isoformat()
            )
            hukou = record.hukou_code or number[:6]
            outflow = record.outflow_region_code
            if outflow:
                status = _OUTFLOW
                arrived_city = _NULL
                since = _NULL if record.outflow_since is None else str(record.outflow_since)
                left_city = since
            else:
                status = _REGISTERED if hukou.startswith(city) else _INFLOW
                since = left_city = _NULL
                arrived_city = str(record.arrived_on)
            phone = record.phone
            if not phone:
                phone_part = "\t\t"
            elif len(phone) == 11:  # crypto.mask_phone of a mobile number
                phone_part = f"{phone_enc}\t{record.phone_hash}\t{phone[:3]}****{phone[7:]}"
            else:
                phone_part = f"{phone_enc}\t{record.phone_hash}\t{_mask_phone(phone)}"
            # id_masked: crypto.mask_id_number for the 18 characters every record has.
            people.append(
                f"{pk}\t{stamp}\t{stamp}\t{id_enc}\t{record.id_hash}\t"
                f"{number[:6]}********{number[14:]}\t{copy_text(record.name)}\t{record.sex}\t"
                f"{birth_iso}\t{record.ethnicity or _HAN}\t{record.education or ''}\t"
                f"{record.marital_status or ''}\t{hukou}\t{record.hukou_type or ''}\t"
                f"{phone_part}\t{status}\t{record.area_code}\t{record.grid_id}\t{outflow}\t"
                f"{since}\t{arrived_city}\t{left_city}\n"
            )
            if not outflow:
                residences.append(self._residence_line(record, pk, record.address or "", stamp))
            if record.industry is not None:
                jobs.append(self._job_line(record, pk, stamp))
        with connection.cursor() as cursor:
            copy_lines(cursor, Person._meta.db_table, PERSON_COLUMNS, people)
            copy_lines(cursor, Residence._meta.db_table, RESIDENCE_COLUMNS, residences)
            copy_lines(cursor, Employment._meta.db_table, EMPLOYMENT_COLUMNS, jobs)
        return ids

    @staticmethod
    def _residence_line(record: PersonRecord, person_id: int, address: str, stamp: str) -> str:
        dwelling = _NULL if record.dwelling_id is None else record.dwelling_id
        return (
            f"{stamp}\t{stamp}\t{person_id}\t{dwelling}\t{copy_text(address)}\t{record.grid_id}\t"
            f"{record.area_code}\t{record.arrived_on}\t\\N\t{record.housing_type}\t"
            f"{record.move_reason or ''}\t\n"
        )

    @staticmethod
    def _job_line(record: PersonRecord, person_id: int, stamp: str) -> str:
        return (
            f"{stamp}\t{stamp}\t{person_id}\t{record.industry}\t"
            f"{copy_text(record.occupation or '')}\t{copy_text(record.employer or '')}\t\\N\t\\N\t"
            f"{record.area_code}\n"
        )

    def _next_ids(self, count: int) -> list[int]:
        with connection.cursor() as cursor:
            if self.sequence is None:
                cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [Person._meta.db_table])
                self.sequence = cursor.fetchone()[0]
            # The sequence is looked up once: ``pg_get_serial_sequence`` in the select list
            # runs for every row and costs twenty times more than ``nextval`` itself.
            cursor.execute(
                "SELECT nextval(%s::regclass) FROM generate_series(1, %s)", [self.sequence, count]
            )
            return [row[0] for row in cursor.fetchall()]

    def _create_orm(
        self, records: list[PersonRecord], id_sealed: list[str], phones: list[str]
    ) -> list[int]:
        """The same rows as the COPY path, through ``bulk_create`` (SQLite)."""
        people = []
        for record, id_enc, phone_enc in zip(records, id_sealed, phones, strict=True):
            hukou = record.hukou_code or record.address_code
            outflow = record.outflow_region_code
            people.append(
                Person(
                    id_number_enc=id_enc,
                    id_hash=record.id_hash,
                    id_masked=crypto.mask_id_number(record.id_number),
                    name=record.name,
                    sex=record.sex,
                    birth_date=record.birth_date,
                    ethnicity=record.ethnicity or _HAN,
                    education=record.education or "",
                    marital_status=record.marital_status or "",
                    hukou_code=hukou,
                    hukou_type=record.hukou_type or "",
                    phone_enc=phone_enc,
                    phone_hash=(record.phone_hash or "") if record.phone else "",
                    phone_masked=_mask_phone(record.phone or ""),
                    status=status_for(hukou, lives_here=not outflow).value,
                    area_code=record.area_code,
                    grid_id=record.grid_id,
                    outflow_region_code=outflow,
                    outflow_since=record.outflow_since if outflow else None,
                    arrived_city_on=None if outflow else record.arrived_on,
                    left_city_on=record.outflow_since if outflow else None,
                )
            )
        Person.objects.bulk_create(people, batch_size=_SQLITE_BATCH)
        residences = [
            self._residence(record, p.pk, record.address or "")
            for record, p in zip(records, people, strict=True)
            if not record.outflow_region_code
        ]
        jobs = [
            self._employment(record, p.pk)
            for record, p in zip(records, people, strict=True)
            if record.industry is not None
        ]
        Residence.objects.bulk_create(residences, batch_size=_SQLITE_BATCH)
        Employment.objects.bulk_create(jobs, batch_size=_SQLITE_BATCH)
        return [p.pk for p in people]

    @staticmethod
    def _residence(record: PersonRecord, person_id: int, address: str) -> Residence:
        return Residence(
            person_id=person_id,
            dwelling_id=record.dwelling_id,
            address=address,
            grid_id=record.grid_id,
            area_code=record.area_code,
            arrived_on=record.arrived_on,  # type: ignore[misc]  # set for residents
            housing_type=record.housing_type,  # type: ignore[misc]
            move_reason=record.move_reason or "",
        )

    @staticmethod
    def _employment(record: PersonRecord, person_id: int) -> Employment:
        return Employment(
            person_id=person_id,
            industry=record.industry,  # type: ignore[misc]  # only called with one
            occupation=record.occupation or "",
            employer=record.employer or "",
            area_code=record.area_code,
        )

    # -- registered people --------------------------------------------------------------

    def _compare_all(
        self,
        records: Sequence[PersonRecord],
        existing: dict[str, Person],
        pending: _Pending,
        result: ChunkResult,
        now: dt.datetime,
    ) -> None:
        ids = [p.pk for p in existing.values()]
        open_residences: dict[int, Residence] = {}
        jobs: dict[int, Employment] = {}
        for batch in _slices(ids, len(ids) if connection.vendor == "postgresql" else 500):
            open_residences.update(
                (r.person_id, r)
                for r in Residence.objects.filter(person_id__in=batch, departed_on__isnull=True)
            )
            for job in Employment.objects.filter(
                person_id__in=batch, ended_on__isnull=True
            ).order_by("person_id", "-started_on", "-id"):
                jobs.setdefault(job.person_id, job)
        refused: list[AuditEvent] = []
        for record in records:
            person = existing.get(record.id_hash)
            if person is None:
                continue
            if not person.area_code.startswith(self.area_code):
                # Registered outside the importer's area: the row may not touch the person,
                # and its error says where to ask and nothing about them. The holding
                # area's auditors see the attempt.
                result.errors.append(
                    self._outside(record.row, self._id_masked(record), person.area_code)
                )
                refused.append(
                    AuditEvent(
                        actor_id=self.actor_id,
                        action=REFUSED_ACTION,
                        object_type="people.person",
                        object_id=str(person.pk),
                        area_code=person.area_code,
                        note=self.note,
                    )
                )
                continue
            outcome = self._compare(
                record, person, open_residences.get(person.pk), jobs.get(person.pk), pending, now
            )
            if isinstance(outcome, RowError):
                result.errors.append(outcome)
            elif outcome:
                result.updated += 1
            else:
                result.unchanged += 1
        AuditEvent.objects.bulk_create(refused)

    def _outside(self, row: int, id_masked: str, area_code: str) -> RowError:
        """The error of a row naming a person registered in ``area_code``, outside the
        importer's area."""
        message = self._outside_messages.get(area_code)
        if message is None:
            message = outside_scope_message(self.acting_user, area_code)
            self._outside_messages[area_code] = message
        return RowError(row, HEADER_FOR["id_number"], id_masked, message, ErrorCode.OUTSIDE_SCOPE)

    # The clear numbers of a record, sealed and masked on demand; the staging path's records
    # arrive sealed and masked already (``staging.StagedRecord``) and override these.

    def _id_masked(self, record: PersonRecord) -> str:
        return crypto.mask_id_number(record.id_number)

    def _phone_masked(self, record: PersonRecord) -> str:
        return crypto.mask_phone(record.phone or "")

    def _phone_sealed(self, record: PersonRecord) -> str:
        assert record.phone
        return seal_many([record.phone])[0]

    def _compare(
        self,
        record: PersonRecord,
        person: Person,
        residence: Residence | None,
        job: Employment | None,
        pending: _Pending,
        now: dt.datetime,
    ) -> bool | RowError:
        """Queue the changes a record makes to a registered person, as ``residence_move``,
        ``residence_close`` and ``person_update`` would make them; ``True`` if any, a
        ``RowError`` when the record contradicts what is on file."""
        before = self._state(person, residence, job)
        after = dict(before)
        person_values = {f: getattr(person, f) for f in _PERSON_UPDATABLE}
        new = dict(person_values)
        new["name"] = record.name
        for key in ("ethnicity", "education", "marital_status", "hukou_code", "hukou_type"):
            value = getattr(record, key)
            if value is not None:
                new[key] = value
        new["grid_id"] = record.grid_id
        new["area_code"] = record.area_code
        if record.outflow_region_code:
            new["status"] = Status.OUTFLOW.value
            new["outflow_region_code"] = record.outflow_region_code
            if record.outflow_since is not None or person.status != Status.OUTFLOW:
                new["outflow_since"] = record.outflow_since
        else:
            new["status"] = status_for(new["hukou_code"], lives_here=True).value
            new["outflow_region_code"] = ""
            new["outflow_since"] = None
        phone_changed = record.phone_hash is not None and record.phone_hash != person.phone_hash
        if phone_changed:
            new["phone_masked"] = self._phone_masked(record)

        # Residence: move (close and open), leave (close), or amend in place.
        close: Residence | None = None
        open_new = False
        amend: dict[str, Any] = {}
        if record.outflow_region_code:
            if residence is not None:
                left_on = record.outflow_since or self.today
                if left_on < residence.arrived_on:
                    return RowError(
                        record.row,
                        HEADER_FOR["outflow_since"],
                        _iso(record.outflow_since) or "",
                        _("流出日期早于当前住址的来本地日期(%(d)s)") % {"d": residence.arrived_on},
                        ErrorCode.DATE_ORDER,
                    )
                residence.departed_on = left_on
                residence.departed_to_code = record.outflow_region_code
                close = residence
                new["left_city_on"] = left_on  # as residence_close
                after.update(dict.fromkeys(RESIDENCE_STATE))
        elif residence is None:
            # Back in the city (or no stay on record): a new stay starts, as residence_move.
            open_new = True
            new["arrived_city_on"] = record.arrived_on
            new["left_city_on"] = None
        else:
            moved = (
                residence.grid_id != record.grid_id
                or residence.arrived_on != record.arrived_on
                or (record.address is not None and record.address != residence.address)
            )
            if moved:
                assert record.arrived_on is not None
                if record.arrived_on < residence.arrived_on:
                    return RowError(
                        record.row,
                        HEADER_FOR["arrived_on"],
                        record.arrived_on.isoformat(),
                        _("来本地日期早于当前住址的来本地日期(%(d)s);更正旧记录请在人员页面操作")
                        % {"d": residence.arrived_on},
                        ErrorCode.DATE_ORDER,
                    )
                residence.departed_on = record.arrived_on
                close = residence
                open_new = True  # a move within the city: the stay in the city goes on
            else:
                for key in ("housing_type", "move_reason", "dwelling_id"):
                    value = getattr(record, key)
                    if value is not None and value != getattr(residence, key):
                        amend[key] = value
                after.update(amend)
        after.update(new)
        new_address = ""
        if open_new:
            new_address = record.address if record.address is not None else ""
            if (
                residence is not None
                and record.address is None
                and residence.grid_id == record.grid_id
            ):
                new_address = residence.address
            after.update(
                address=new_address,
                arrived_on=record.arrived_on,
                housing_type=record.housing_type,
                move_reason=record.move_reason or "",
                dwelling_id=record.dwelling_id,
            )

        job_changes: dict[str, Any] = {}
        if record.industry is not None:
            for key in EMPLOYMENT_STATE:
                value = getattr(record, key)
                if value is not None:
                    after[key] = value
            if job is not None:
                job_changes = {k: after[k] for k in EMPLOYMENT_STATE if after[k] != getattr(job, k)}

        state_before = {k: _iso(v) for k, v in before.items()}
        state_after = {k: _iso(v) for k, v in after.items()}
        old, fresh = changed(state_before, state_after)
        if phone_changed:
            old["phone_masked"], fresh["phone_masked"] = person.phone_masked, new["phone_masked"]
        if not fresh:
            return False
        if job is not None and job.area_code != new["area_code"]:
            job_changes["area_code"] = new["area_code"]  # a job is filed where its holder lives

        person_changes = {k: v for k, v in new.items() if v != person_values[k]}
        if person_changes or phone_changed:
            for key, value in person_changes.items():
                setattr(person, key, value)
            if phone_changed:
                person.phone_enc = self._phone_sealed(record)
                person.phone_hash = record.phone_hash or ""
                pending.people_fields.update(("phone_enc", "phone_hash", "phone_masked"))
            person.updated_at = now
            pending.people.append(person)
            pending.people_fields.update(person_changes)
        if close is not None:
            close.updated_at = now
            pending.close.append(close)
        if amend:
            assert residence is not None
            for key, value in amend.items():
                setattr(residence, key, value)
            residence.updated_at = now
            pending.residences.append(residence)
            pending.residence_fields.update(amend)
        if open_new:
            pending.new_residences.append((record, person.pk, new_address))
        if record.industry is not None and job is None:
            pending.new_employments.append((record, person.pk))
        elif job_changes:
            assert job is not None
            for key, value in job_changes.items():
                setattr(job, key, value)
            job.updated_at = now
            pending.employments.append(job)
            pending.employment_fields.update(job_changes)
        pending.audit[str(person.pk)] = {"before": old, "after": fresh}
        return True

    @staticmethod
    def _state(
        person: Person, residence: Residence | None, job: Employment | None
    ) -> dict[str, Any]:
        state = {f: getattr(person, f) for f in PERSON_STATE}
        for key in RESIDENCE_STATE:
            state[key] = getattr(residence, key) if residence is not None else None
        for key in EMPLOYMENT_STATE:
            state[key] = getattr(job, key) if job is not None else None
        return state

    def _written(self, created: list[int], pending: _Pending) -> None:
        ids = set(created) | pending.person_ids()
        self._keep_statistics(created)
        if ids:
            people_written.send(sender=type(self), person_ids=sorted(ids))

    @staticmethod
    def _keep_statistics(created: list[int]) -> None:
        """After a chunk that created people: the receivers' statements (the permit
        eligibility) and the next chunk's are planned on statistics that know them."""
        if created:
            analyze_grown([m._meta.db_table for m in (Person, Residence, Employment)])

    def _flush(self, pending: _Pending, now: dt.datetime, postgres: bool) -> None:
        if pending.people:
            Person.objects.bulk_update(
                pending.people, [*sorted(pending.people_fields), "updated_at"], batch_size=500
            )
        # Closed before the new ones are inserted: one open residence per person.
        if pending.close:
            Residence.objects.bulk_update(
                pending.close, ["departed_on", "departed_to_code", "updated_at"], batch_size=500
            )
        if pending.residences:
            Residence.objects.bulk_update(
                pending.residences,
                [*sorted(pending.residence_fields), "updated_at"],
                batch_size=500,
            )
        if pending.employments:
            Employment.objects.bulk_update(
                pending.employments,
                [*sorted(pending.employment_fields), "updated_at"],
                batch_size=500,
            )
        if not postgres:
            Residence.objects.bulk_create(
                [self._residence(r, pk, address) for r, pk, address in pending.new_residences]
            )
            Employment.objects.bulk_create(
                [self._employment(r, pk) for r, pk in pending.new_employments]
            )
            return
        stamp = now.isoformat()
        residences = [
            self._residence_line(r, pk, address, stamp) for r, pk, address in pending.new_residences
        ]
        jobs = [self._job_line(r, pk, stamp) for r, pk in pending.new_employments]
        with connection.cursor() as cursor:
            copy_lines(cursor, Residence._meta.db_table, RESIDENCE_COLUMNS, residences)
            copy_lines(cursor, Employment._meta.db_table, EMPLOYMENT_COLUMNS, jobs)


def _slices(values: list, size: int) -> Iterable[list]:
    for start in range(0, len(values), max(size, 1)):
        yield values[start : start + size]
