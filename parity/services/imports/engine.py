"""``import_services``: read a register through the import kit, check each row as the
service-record form does, write the good rows in bulk, and list the bad ones (and the
warnings) in the error file.

A row names its person by ID number (found through the blind index, only within the
user's "serve" scope); a 姓名 column, when the register has one, must agree with the
person registered under that number. (person, service, date, provider) is the event's
natural key: a row whose event already exists is counted as unchanged, so importing a
file twice records nothing twice. The whole file is written in one transaction: a file
that cannot be read to its end, or a write that fails, leaves nothing behind.
"""

from __future__ import annotations

import datetime as dt
import itertools
import logging
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, transaction
from django.utils.translation import gettext as _

from parity.accounts.permissions import SERVE, scope_code
from parity.core import crypto
from parity.core.error_codes import ErrorCode
from parity.core.imports import HeaderSpec, ImportResult, RowError, open_table, write_error_file
from parity.core.imports.aliases import aliases_for, synonyms_for
from parity.core.imports.mapping import Importer
from parity.core.imports.table import Refusal, id_column_round_tripped
from parity.core.imports.values import clean_name, clean_text, damaged_id_error, damaged_number
from parity.core.models import audit
from parity.people import idnumber
from parity.people.imports.columns import choice_lookup
from parity.people.imports.rows import cell_text, parse_date
from parity.people.models import Person
from parity.services.actions import check_service_date
from parity.services.choices import Outcome
from parity.services.details import clean_details
from parity.services.error_codes import ServiceErrorCode
from parity.services.forms import provider_queryset
from parity.services.imports.columns import (
    DATE,
    FIXED_HEADERS,
    ID_NUMBER,
    NAME,
    NOTE,
    OUTCOME,
    PROVIDER,
    REQUIRED_HEADERS,
    SERVICE,
    detail_headers,
)
from parity.services.models import ServiceEvent, ServiceType
from parity.services.recording import own_record_message

CHUNK_ROWS = 2000
FAILED_ACTION = "service.import_failed"
_failed = Refusal(FAILED_ACTION, "services.serviceevent")

logger = logging.getLogger(__name__)
NOTE_LENGTH = 200


@dataclass(slots=True)
class EventRecord:
    row: int
    person: Person
    service: ServiceType
    date: dt.date
    provider_id: int | None
    outcome: str
    details: dict[str, Any]
    note: str

    @property
    def key(self) -> tuple:
        return (self.person.pk, self.service.pk, self.date, self.provider_id)


@dataclass
class _Parsed:
    row: int
    values: dict[str, str]
    raw_date: Any
    id_hash: str = ""
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.values.get(NAME, "")

    def error(self, column: str, message: str, code: str) -> None:
        value = self.values.get(column, "")
        self.errors.append(RowError(self.row, column, value, message, code, self.name))

    def warn(self, column: str, message: str, code: str) -> None:
        value = self.values.get(column, "")
        self.warnings.append(RowError(self.row, column, value, message, code, self.name))


def header_spec(services: Iterable[ServiceType] | None = None) -> HeaderSpec:
    """The service-record file as the import kit reads it: the template's headers, 姓名
    (read to check the person), the details columns of the active services, and the
    alias table."""
    if services is None:
        services = ServiceType.objects.all()
    known = [*FIXED_HEADERS, NAME, *detail_headers(s for s in services if s.is_active)]
    return HeaderSpec(
        kind="services", known=known, required=REQUIRED_HEADERS, aliases=aliases_for("services")
    )


class ServiceRows:
    """Checks the rows of one file for one user; lookups are prepared once per file."""

    def __init__(
        self,
        *,
        columns: dict[str, int],
        acting_user,
        services: list[ServiceType],
        round_tripped: bool = False,
        synonyms: Mapping[str, Mapping[str, str]] | None = None,
    ):
        self.user = acting_user
        self.zeros_damaged = round_tripped
        self.columns = columns
        self.width = max(columns.values()) + 1
        synonyms = synonyms or {}
        self.services: dict[str, ServiceType] = {}
        for service in services:
            for key in (service.code, service.name, service.name_en):
                if key:
                    self.services.setdefault(key, service)
        for typed, means in synonyms.get(SERVICE, {}).items():
            if means in self.services:
                self.services.setdefault(typed, self.services[means])
        self.providers: dict[str, list[int]] = {}
        for pk, name, code in provider_queryset(acting_user).values_list(
            "pk", "name", "area__code"
        ):
            self.providers.setdefault(name, []).append(pk)
            self.providers[f"{code}/{name}"] = [pk]
        self.outcomes = choice_lookup(Outcome, synonyms.get(OUTCOME))
        self.detail_columns = [h for h in columns if h not in FIXED_HEADERS and h != NAME]

    def parse(self, row: int, cells: Sequence) -> _Parsed | None:
        """The row's cells as text, its ID number checked; ``None`` for a row with
        neither an ID number nor a service (blank, a total, a note or a signature line)."""
        if len(cells) < self.width:
            cells = [*cells, *([""] * (self.width - len(cells)))]
        values = {
            header: clean_text(cell_text(cells[index])) for header, index in self.columns.items()
        }
        if not values[ID_NUMBER] and not values[SERVICE]:
            return None
        if values.get(NAME):
            values[NAME] = clean_name(values[NAME])
        parsed = _Parsed(row, values, cells[self.columns[DATE]])
        number = values[ID_NUMBER]
        damaged = (
            damaged_number(cells[self.columns[ID_NUMBER]], number, zeros=self.zeros_damaged)
            if number
            else None
        )
        if not number:
            parsed.error(ID_NUMBER, _("请填写身份证号码"), ErrorCode.REQUIRED)
        elif damaged is not None:
            parsed.values[ID_NUMBER] = damaged
            message, code = damaged_id_error(damaged)
            parsed.error(ID_NUMBER, message, code)
        else:
            try:
                parsed.id_hash = crypto.blind_index(idnumber.parse(number).number)
            except idnumber.IDNumberError as exc:
                parsed.error(ID_NUMBER, exc.message, exc.code)
        return parsed

    def check(self, parsed: _Parsed, people: dict[str, Person]) -> EventRecord | list[RowError]:
        values = parsed.values
        person = people.get(parsed.id_hash) if parsed.id_hash else None
        if parsed.id_hash and person is None:
            parsed.error(
                ID_NUMBER,
                _("在您的管辖区域内没有找到该身份证号码对应的人员"),
                ServiceErrorCode.PERSON_NOT_FOUND,
            )
        elif person is not None and parsed.name:
            if _plain(parsed.name) != _plain(person.name):
                parsed.error(
                    NAME,
                    _(
                        "姓名与该身份证号码登记的姓名不一致:请核对身份证号码和姓名,"
                        "以免把服务记在别人名下"
                    ),
                    ServiceErrorCode.NAME_MISMATCH,
                )
        elif person is not None:
            parsed.values[NAME] = person.name  # the error file names the row's person

        service = None
        if not values[SERVICE]:
            parsed.error(SERVICE, _("请填写服务项目"), ErrorCode.REQUIRED)
        elif (service := self.services.get(values[SERVICE])) is None:
            parsed.error(
                SERVICE,
                _("没有代码或名称为“%(value)s”的服务项目") % {"value": values[SERVICE]},
                ServiceErrorCode.SERVICE_UNKNOWN,
            )
        elif not service.is_active:
            parsed.error(SERVICE, _("该服务项目已停用"), ServiceErrorCode.SERVICE_INACTIVE)
            service = None
        elif (own := own_record_message(service)) is not None:
            parsed.error(SERVICE, own, ServiceErrorCode.OWN_RECORD)
            service = None

        day = None
        if not values[DATE]:
            parsed.error(DATE, _("请填写服务日期"), ErrorCode.REQUIRED)
        else:
            try:
                day = parse_date(parsed.raw_date)
            except ValueError as exc:
                parsed.error(DATE, str(exc), ErrorCode.INVALID_DATE)
            else:
                if person is not None:
                    try:
                        check_service_date(person, day)
                    except ValidationError as exc:
                        error = exc.error_dict["date"][0]
                        parsed.error(DATE, error.messages[0], error.code or ErrorCode.INVALID_DATE)
                        day = None

        provider_id = None
        name = values.get(PROVIDER, "")
        if name:
            found = self.providers.get(name, [])
            if len(found) == 1:
                provider_id = found[0]
            elif found:
                parsed.error(
                    PROVIDER,
                    _("有多个名为“%(name)s”的机构,请写成“区划代码/名称”") % {"name": name},
                    ServiceErrorCode.PROVIDER_AMBIGUOUS,
                )
            else:
                parsed.error(
                    PROVIDER,
                    _("您的管辖区域内没有名为“%(name)s”的机构") % {"name": name},
                    ServiceErrorCode.PROVIDER_UNKNOWN,
                )

        outcome = Outcome.COMPLETED.value
        if values.get(OUTCOME):
            found_outcome = self.outcomes.get(values[OUTCOME])
            if found_outcome is None:
                parsed.error(
                    OUTCOME,
                    _("“%(value)s”不是有效的结果;可填:%(labels)s")
                    % {
                        "value": values[OUTCOME],
                        "labels": "、".join(str(o.label) for o in Outcome),
                    },
                    ErrorCode.INVALID_CHOICE,
                )
            else:
                outcome = found_outcome

        note = values.get(NOTE, "")
        if len(note) > NOTE_LENGTH:
            parsed.error(NOTE, _("内容过长:最多%(n)d个字") % {"n": NOTE_LENGTH}, ErrorCode.TOO_LONG)

        details = self._details(parsed, service)
        if parsed.errors:
            name = parsed.name
            return [replace(e, name=name) for e in parsed.errors] if name else parsed.errors
        assert person is not None and service is not None and day is not None
        return EventRecord(
            parsed.row, person, service, day, provider_id, outcome, details or {}, note
        )

    def _details(self, parsed: _Parsed, service: ServiceType | None) -> dict[str, Any] | None:
        if service is None:
            return None
        by_label = {spec["label"]: spec for spec in service.details_schema or []}
        raw: dict[str, str] = {}
        for header in self.detail_columns:
            value = parsed.values.get(header, "")
            spec = by_label.get(header)
            if spec is not None:
                raw[spec["name"]] = value
            elif value:
                # A register's column for other services: the row imports without it.
                parsed.warn(
                    header,
                    _("“%(service)s”没有“%(label)s”这一明细,该值未导入")
                    % {"service": service.name, "label": header},
                    ServiceErrorCode.DETAIL_NOT_IN_SERVICE,
                )
        try:
            return clean_details(service.details_schema or [], raw)
        except ValidationError as exc:
            labels = {spec["name"]: spec["label"] for spec in service.details_schema or []}
            for name, errors in exc.error_dict.items():
                for error in errors:
                    parsed.error(
                        labels.get(name, name),
                        error.messages[0],
                        error.code or ErrorCode.REQUIRED,
                    )
            return None


def import_services(
    path: Path | str,
    *,
    acting_user,
    progress=None,
    header_row: int | None = None,
    mapping: Mapping[int, str | None] | None = None,
    check_only: bool = False,
    error_format: str = "csv",
    on_rows: Callable[[int], None] | None = None,
) -> ImportResult:
    """Import service events from a register (.csv, .xlsx or .xls): the header found under
    a title (or ``header_row``), its columns named through the alias table (or by
    ``mapping``: column index → header), as the people import reads its files.

    A problem with the whole file raises ``ImportFailed`` before anything is written,
    after writing the error file and an audit event; bad rows are reported and skipped,
    rows with warnings imported with them. The good rows are written in one transaction,
    chunk by chunk, each chunk with one audit event: a write that fails half-way writes
    nothing and says so. ``check_only`` runs it all and rolls it back. ``progress`` is
    called with the number of rows done in each chunk, ``on_rows`` with the rows read so
    far.
    """
    path = Path(path)
    scope = scope_code(acting_user, SERVE)
    if scope is None:
        raise PermissionDenied(_("您没有记录服务的权限"))
    services = list(ServiceType.objects.all())
    result = ImportResult(checked_only=check_only)
    try:
        table = open_table(path, header_spec(services), header_row=header_row, mapping=mapping)
    except ValidationError as exc:
        raise _failed(path, exc, acting_user, scope, result, error_format) from exc
    result.header_row = table.match.row
    result.ignored_columns = table.match.unknown
    checker = ServiceRows(
        columns=table.columns,
        acting_user=acting_user,
        services=services,
        round_tripped=id_column_round_tripped(table, ID_NUMBER),
        synonyms=synonyms_for("services"),
    )
    try:
        with transaction.atomic():
            _import(table, checker, result, acting_user, scope, path.name, progress, on_rows)
            if check_only:
                transaction.set_rollback(True)
    except DatabaseError as exc:
        result.created = result.unchanged = 0  # rolled back: nothing was saved
        raise _failed(path, exc, acting_user, scope, result, error_format) from exc
    result.errors.sort(key=lambda e: (e.row, _column_order(e.column)))
    result.warnings.sort(key=lambda e: (e.row, _column_order(e.column)))
    result.error_file = write_error_file(
        path, result.errors, warnings=result.warnings, fmt=error_format
    )
    logger.info(
        "service records checked" if check_only else "service records imported",
        extra=result.log_fields(path, acting_user),
    )
    return result


def _import(
    table,
    checker: ServiceRows,
    result: ImportResult,
    acting_user,
    scope: str,
    name: str,
    progress,
    on_rows: Callable[[int], None] | None,
) -> None:
    first_row: dict[tuple, int] = {}
    read = 0
    for chunk in _chunks(table.rows, CHUNK_ROWS):
        parsed = [p for row, cells in chunk if (p := checker.parse(row, cells)) is not None]
        result.total_rows += len(parsed)
        hashes = {p.id_hash for p in parsed if p.id_hash}
        people = {
            p.id_hash: p
            for p in Person.objects.restrict(acting_user, SERVE)
            .filter(id_hash__in=hashes)
            .only("pk", "id_hash", "name", "birth_date", "area_code")
        }
        records: list[EventRecord] = []
        for item in parsed:
            outcome = checker.check(item, people)
            if isinstance(outcome, list):
                result.errors.extend(outcome)
                continue
            earlier = first_row.setdefault(outcome.key, outcome.row)
            if earlier != outcome.row:
                result.errors.append(
                    RowError(
                        outcome.row,
                        ID_NUMBER,
                        item.values[ID_NUMBER],
                        _("与第%(row)d行是同一次服务(人员、项目、日期、机构相同)")
                        % {"row": earlier},
                        ServiceErrorCode.DUPLICATE_ROW,
                        item.name,
                    )
                )
                continue
            result.warnings.extend(item.warnings)
            records.append(outcome)
        created, unchanged = _write(records, acting_user=acting_user, scope=scope, name=name)
        result.created += created
        result.unchanged += unchanged
        read += len(chunk)
        if progress is not None:
            progress(len(chunk))
        if on_rows is not None:
            on_rows(read)


def _plain(name: str) -> str:
    """A name as compared: no spaces at all, Latin letters in one case."""
    return "".join(clean_name(name).split()).casefold()


@transaction.atomic
def _write(records: list[EventRecord], *, acting_user, scope: str, name: str) -> tuple[int, int]:
    if not records:
        return 0, 0
    existing = set(
        ServiceEvent.objects.filter(
            person_id__in={r.person.pk for r in records},
            service_type_id__in={r.service.pk for r in records},
            date__in={r.date for r in records},
        ).values_list("person_id", "service_type_id", "date", "provider_id")
    )
    new = [r for r in records if r.key not in existing]
    recorder = acting_user if getattr(acting_user, "pk", None) else None
    ServiceEvent.objects.bulk_create(
        [
            ServiceEvent(
                person_id=r.person.pk,
                service_type=r.service,
                date=r.date,
                provider_id=r.provider_id,
                outcome=r.outcome,
                details=r.details,
                note=r.note,
                area_code=r.person.area_code,
                recorded_by=recorder,
            )
            for r in new
        ],
        batch_size=1000,
    )
    if new:
        audit(
            acting_user=acting_user,
            action="service.import",
            object_type="services.serviceevent",
            area_code=scope,
            after={
                "file": name,
                "rows": [new[0].row, new[-1].row],
                "created": len(new),
                "unchanged": len(records) - len(new),
            },
            note=name,
        )
    return len(new), len(records) - len(new)


def _column_order(header: str) -> int:
    return FIXED_HEADERS.index(header) if header in FIXED_HEADERS else len(FIXED_HEADERS)


# The service-record import as its page and ``parity import services`` run it.
SERVICES = Importer(kind="services", action=SERVE, spec=header_spec, run=import_services)


def _chunks(rows, size: int) -> Iterator[list]:
    iterator = iter(rows)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk
