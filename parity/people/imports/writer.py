"""The bulk writer behind imports and the demo population: upsert validated records by ID
number (blind index), one chunk per transaction.

For a chunk it reads the people already registered with one query (``id_hash__in``), their
open residences and current jobs with two more, compares in Python, and writes what is new
in bulk: ``COPY`` into the real tables on PostgreSQL (ids drawn from the table's sequence
first, so residences, jobs and audit rows can point at them), ``bulk_create`` elsewhere.
Changed people, residences and jobs go through ``bulk_update``. Every created or changed
person gets one audit event with before/after values; sealed values never appear in it.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parity.core import crypto
from parity.core.actions import changed
from parity.core.error_codes import ErrorCode
from parity.core.models import AuditEvent
from parity.people.choices import Ethnicity, Status
from parity.people.imports.columns import HEADER_FOR
from parity.people.imports.records import PersonRecord
from parity.people.imports.results import RowError
from parity.people.models import Employment, Person, Residence, status_for

# Person fields an import sets, in the order of ``snapshot(person)`` (audit keys).
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
)
RESIDENCE_STATE = ("address", "arrived_on", "housing_type", "move_reason", "dwelling_id")
EMPLOYMENT_STATE = ("industry", "occupation", "employer")
_PERSON_UPDATABLE = [f for f in PERSON_STATE if f not in ("id_masked", "sex", "birth_date")]

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
AUDIT_COLUMNS = (
    "at",
    "actor_id",
    "action",
    "object_type",
    "object_id",
    "area_code",
    "before",
    "after",
    "note",
)


def seal(record: PersonRecord) -> None:
    """Encrypt the record's ID and phone numbers (a worker process may do this early)."""
    if record.id_enc is None:
        record.id_enc = crypto.encrypt(record.id_number)
    if record.phone and record.phone_enc is None:
        record.phone_enc = crypto.encrypt(record.phone)


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


@dataclass
class ChunkResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)


@dataclass
class _Pending:
    """Everything one chunk will write, gathered before the first statement runs."""

    new_people: list[tuple[PersonRecord, dict[str, Any]]] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    people_fields: set[str] = field(default_factory=set)
    close: list[Residence] = field(default_factory=list)
    residences: list[Residence] = field(default_factory=list)
    residence_fields: set[str] = field(default_factory=set)
    new_residences: list[dict[str, Any]] = field(default_factory=list)
    employments: list[Employment] = field(default_factory=list)
    employment_fields: set[str] = field(default_factory=set)
    new_employments: list[dict[str, Any]] = field(default_factory=list)
    audits: list[dict[str, Any]] = field(default_factory=list)


class PeopleWriter:
    """Writes chunks of validated records. ``note`` goes on every audit event (the file)."""

    def __init__(self, *, acting_user, note: str = "") -> None:
        self.actor_id = acting_user.pk if getattr(acting_user, "pk", None) else None
        self.note = note[:255]
        self.today = timezone.localdate()
        self.postgres = connection.vendor == "postgresql"

    def write(self, records: list[PersonRecord]) -> ChunkResult:
        """Upsert one chunk in one transaction: it lands whole or not at all."""
        result = ChunkResult()
        if not records:
            return result
        now = timezone.now()
        with transaction.atomic():
            existing = {
                p.id_hash: p
                for p in Person.objects.filter(id_hash__in=[r.id_hash for r in records])
            }
            ids = [p.pk for p in existing.values()]
            open_residences = {
                r.person_id: r
                for r in Residence.objects.filter(person_id__in=ids, departed_on__isnull=True)
            }
            jobs: dict[int, Employment] = {}
            for job in Employment.objects.filter(person_id__in=ids, ended_on__isnull=True).order_by(
                "person_id", "-started_on", "-id"
            ):
                jobs.setdefault(job.person_id, job)

            pending = _Pending()
            for record in records:
                person = existing.get(record.id_hash)
                if person is None:
                    pending.new_people.append((record, self._new_person(record)))
                    result.created += 1
                    continue
                outcome = self._compare(
                    record,
                    person,
                    open_residences.get(person.pk),
                    jobs.get(person.pk),
                    pending,
                    now,
                )
                if isinstance(outcome, RowError):
                    result.errors.append(outcome)
                elif outcome:
                    result.updated += 1
                else:
                    result.unchanged += 1
            self._flush(pending, now)
        return result

    # -- new people ---------------------------------------------------------------------

    def _new_person(self, record: PersonRecord) -> dict[str, Any]:
        seal(record)
        hukou = record.hukou_code or record.address_code
        phone = record.phone or ""
        return {
            "id_number_enc": record.id_enc,
            "id_hash": record.id_hash,
            "id_masked": crypto.mask_id_number(record.id_number),
            "name": record.name,
            "sex": record.sex,
            "birth_date": record.birth_date.isoformat(),
            "ethnicity": record.ethnicity or Ethnicity.HAN.value,
            "education": record.education or "",
            "marital_status": record.marital_status or "",
            "hukou_code": hukou,
            "hukou_type": record.hukou_type or "",
            "phone_enc": record.phone_enc or "",
            "phone_hash": record.phone_hash or "",
            "phone_masked": crypto.mask_phone(phone) if phone else "",
            "status": status_for(hukou, lives_here=not record.outflow_region_code).value,
            "area_code": record.area_code,
            "grid_id": record.grid_id,
            "outflow_region_code": record.outflow_region_code,
            "outflow_since": _iso(record.outflow_since),
        }

    def _residence(self, record: PersonRecord, person_id: int | None) -> dict[str, Any]:
        return {
            "person_id": person_id,
            "dwelling_id": record.dwelling_id,
            "address": record.address or "",
            "grid_id": record.grid_id,
            "area_code": record.area_code,
            "arrived_on": _iso(record.arrived_on),
            "departed_on": None,
            "housing_type": record.housing_type,
            "move_reason": record.move_reason or "",
            "departed_to_code": "",
        }

    def _employment(self, record: PersonRecord, person_id: int | None) -> dict[str, Any]:
        return {
            "person_id": person_id,
            "industry": record.industry,
            "occupation": record.occupation or "",
            "employer": record.employer or "",
            "started_on": None,
            "ended_on": None,
            "area_code": record.area_code,
        }

    # -- existing people ----------------------------------------------------------------

    def _compare(
        self,
        record: PersonRecord,
        person: Person,
        residence: Residence | None,
        job: Employment | None,
        pending: _Pending,
        now: dt.datetime,
    ) -> bool | RowError:
        """Queue the changes a record makes to a registered person; ``True`` if any,
        a ``RowError`` when the record contradicts what is on file."""
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
            new["phone_masked"] = crypto.mask_phone(record.phone or "")
        after.update(new)

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
                after.update(dict.fromkeys(RESIDENCE_STATE))
        elif residence is None:
            open_new = True
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
                open_new = True
            else:
                for key in ("housing_type", "move_reason", "dwelling_id"):
                    value = getattr(record, key)
                    if value is not None and value != getattr(residence, key):
                        amend[key] = value
                after.update(amend)
        if open_new:
            after.update(
                address=record.address if record.address is not None else "",
                arrived_on=record.arrived_on,
                housing_type=record.housing_type,
                move_reason=record.move_reason or "",
                dwelling_id=record.dwelling_id,
            )
            if (
                residence is not None
                and record.address is None
                and residence.grid_id == record.grid_id
            ):
                after["address"] = residence.address

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
                record.phone_enc = record.phone_enc or crypto.encrypt(record.phone or "")
                person.phone_enc = record.phone_enc
                person.phone_hash = record.phone_hash or ""
                pending.people_fields.update(("phone_enc", "phone_hash", "phone_masked"))
            person.updated_at = now
            pending.people.append(person)
            pending.people_fields.update(person_changes)
        if close is not None:
            close.updated_at = now
            pending.close.append(close)
        if amend:
            for key, value in amend.items():
                setattr(residence, key, value)
            assert residence is not None
            residence.updated_at = now
            pending.residences.append(residence)
            pending.residence_fields.update(amend)
        if open_new:
            values = self._residence(record, person.pk)
            values["address"] = after["address"]
            pending.new_residences.append(values)
        if record.industry is not None and job is None:
            values = self._employment(record, person.pk)
            pending.new_employments.append(values)
        elif job_changes:
            for key, value in job_changes.items():
                setattr(job, key, value)
            assert job is not None
            job.updated_at = now
            pending.employments.append(job)
            pending.employment_fields.update(job_changes)
        pending.audits.append(
            self._audit("person.update", person.pk, new["area_code"], old or None, fresh)
        )
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

    def _audit(
        self, action: str, person_id: int | None, area_code: str, before, after
    ) -> dict[str, Any]:
        return {
            "actor_id": self.actor_id,
            "action": action,
            "object_type": "people.person",
            "object_id": str(person_id) if person_id is not None else "",
            "area_code": area_code,
            "before": before,
            "after": after,
            "note": self.note,
        }

    # -- writing ------------------------------------------------------------------------

    def _flush(self, pending: _Pending, now: dt.datetime) -> None:
        if pending.new_people:
            ids = self._insert_people(pending.new_people, now)
            for (record, values), pk in zip(pending.new_people, ids, strict=True):
                if record.outflow_region_code == "":
                    pending.new_residences.append(self._residence(record, pk))
                if record.industry is not None:
                    pending.new_employments.append(self._employment(record, pk))
                after = {"id": pk, **{k: values[k] for k in PERSON_STATE}}
                if record.outflow_region_code == "":
                    for key in RESIDENCE_STATE:
                        after[key] = pending.new_residences[-1][key]
                if record.industry is not None:
                    for key in EMPLOYMENT_STATE:
                        after[key] = pending.new_employments[-1][key]
                pending.audits.append(
                    self._audit("person.register", pk, values["area_code"], None, after)
                )
        if pending.people:
            Person.objects.bulk_update(
                pending.people, [*sorted(pending.people_fields), "updated_at"], batch_size=500
            )
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
        self._insert(Residence, RESIDENCE_COLUMNS, pending.new_residences, now)
        self._insert(Employment, EMPLOYMENT_COLUMNS, pending.new_employments, now)
        self._insert_audits(pending.audits, now)

    def _insert_people(
        self, new_people: list[tuple[PersonRecord, dict[str, Any]]], now: dt.datetime
    ) -> list[int]:
        if not self.postgres:
            people = [Person(**values) for _record, values in new_people]
            Person.objects.bulk_create(people, batch_size=500)
            return [p.pk for p in people]
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [Person._meta.db_table, len(new_people)],
            )
            ids = [row[0] for row in cursor.fetchall()]
            stamp = now.isoformat()
            rows = (
                (pk, stamp, stamp, *(values[c] for c in PERSON_COLUMNS[3:]))
                for pk, (_record, values) in zip(ids, new_people, strict=True)
            )
            _copy(cursor, Person._meta.db_table, PERSON_COLUMNS, rows)
        return ids

    def _insert(self, model, columns: tuple[str, ...], rows: list[dict[str, Any]], now) -> None:
        if not rows:
            return
        if not self.postgres:
            model.objects.bulk_create([model(**values) for values in rows], batch_size=500)
            return
        stamp = now.isoformat()
        with connection.cursor() as cursor:
            _copy(
                cursor,
                model._meta.db_table,
                columns,
                ((stamp, stamp, *(values[c] for c in columns[2:])) for values in rows),
            )

    def _insert_audits(self, audits: list[dict[str, Any]], now: dt.datetime) -> None:
        if not audits:
            return
        if not self.postgres:
            AuditEvent.objects.bulk_create([AuditEvent(**a) for a in audits], batch_size=500)
            return
        dumps = json.JSONEncoder(ensure_ascii=False).encode
        stamp = now.isoformat()
        rows = (
            (
                stamp,
                a["actor_id"],
                a["action"],
                a["object_type"],
                a["object_id"],
                a["area_code"],
                None if a["before"] is None else dumps(a["before"]),
                None if a["after"] is None else dumps(a["after"]),
                a["note"],
            )
            for a in audits
        )
        with connection.cursor() as cursor:
            _copy(cursor, AuditEvent._meta.db_table, AUDIT_COLUMNS, rows)


def _field(value: Any) -> str:
    """One value in COPY's text format."""
    if value is None:
        return "\\N"
    if value.__class__ is str:
        # str.translate is slow on non-ASCII text; most values need no escaping at all.
        if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
            value = value.replace("\\", "\\\\").replace("\t", "\\t")
            return value.replace("\n", "\\n").replace("\r", "\\r")
        return value
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _copy(cursor, table: str, columns: tuple[str, ...], rows) -> None:
    # One text buffer per table and chunk: formatting it here is several times cheaper
    # than psycopg's per-row write_row, and the server gets it in one stream.
    quote = connection.ops.quote_name
    sql = f"COPY {quote(table)} ({', '.join(quote(c) for c in columns)}) FROM STDIN"
    data = "".join("\t".join(map(_field, row)) + "\n" for row in rows)
    with cursor.cursor.copy(sql) as copy:
        copy.write(data.encode("utf-8"))
