"""``import_services``: read a file, check each row as the service-record form does, write
the good rows in bulk chunk by chunk, and list the bad ones in ``<file>.errors.csv``.

A row names its person by ID number (found through the blind index, only within the
user's "serve" scope). (person, service, date, provider) is the event's natural key: a
row whose event already exists is counted as unchanged, so importing a file twice
records nothing twice.
"""

from __future__ import annotations

import datetime as dt
import itertools
import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from parity.accounts.permissions import SERVE, scope_code
from parity.core import crypto
from parity.core.error_codes import ErrorCode
from parity.core.imports import HeaderSpec, ImportResult, RowError, open_table, write_error_file
from parity.core.imports.aliases import aliases_for
from parity.core.imports.table import file_refused, id_column_round_tripped
from parity.core.imports.values import clean_text, damaged_number
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

    def error(self, column: str, message: str, code: str) -> None:
        self.errors.append(RowError(self.row, column, self.values.get(column, ""), message, code))


class ServiceRows:
    """Checks the rows of one file for one user; lookups are prepared once per file."""

    def __init__(
        self,
        *,
        columns: dict[str, int],
        acting_user,
        services: list[ServiceType],
        round_tripped: bool = False,
    ):
        self.user = acting_user
        self.zeros_damaged = round_tripped
        self.columns = columns
        self.width = max(columns.values()) + 1
        self.services: dict[str, ServiceType] = {}
        for service in services:
            for key in (service.code, service.name, service.name_en):
                if key:
                    self.services.setdefault(key, service)
        self.providers: dict[str, list[int]] = {}
        for pk, name, code in provider_queryset(acting_user).values_list(
            "pk", "name", "area__code"
        ):
            self.providers.setdefault(name, []).append(pk)
            self.providers[f"{code}/{name}"] = [pk]
        self.outcomes = choice_lookup(Outcome)
        self.detail_columns = [h for h in columns if h not in FIXED_HEADERS]

    def parse(self, row: int, cells: Sequence) -> _Parsed | None:
        if len(cells) < self.width:
            cells = [*cells, *([""] * (self.width - len(cells)))]
        values = {
            header: clean_text(cell_text(cells[index])) for header, index in self.columns.items()
        }
        if not any(values.values()):
            return None
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
            parsed.error(
                ID_NUMBER,
                _(
                    "身份证号码“%(shown)s”已被Excel当作数字改动(数字只保留15位,末几位变成0),"
                    "无法确认原号码:请把该列设为文本格式,重新填写完整的18位号码后再导入"
                )
                % {"shown": damaged},
                ErrorCode.ID_EXCEL_DAMAGED,
            )
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
            return parsed.errors
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
                parsed.error(
                    header,
                    _("“%(service)s”没有“%(label)s”这一明细,请留空")
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
    path: Path | str, *, acting_user, progress=None, error_format: str = "csv"
) -> ImportResult:
    """Import service events from a .csv or .xlsx file with the template's headers.

    A problem with the whole file raises ``ValidationError`` before anything is written;
    bad rows are reported and skipped; good rows are committed a chunk at a time, each
    chunk with one audit event. ``progress`` is called with the number of rows done.
    """
    path = Path(path)
    scope = scope_code(acting_user, SERVE)
    if scope is None:
        raise PermissionDenied(_("您没有记录服务的权限"))
    services = list(ServiceType.objects.all())
    known = [*FIXED_HEADERS, *detail_headers(s for s in services if s.is_active)]
    spec = HeaderSpec(
        kind="services", known=known, required=REQUIRED_HEADERS, aliases=aliases_for("services")
    )
    result = ImportResult()
    try:
        table = open_table(path, spec)
    except ValidationError as exc:
        raise file_refused(
            path,
            exc,
            acting_user=acting_user,
            scope=scope,
            result=result,
            action=FAILED_ACTION,
            object_type="services.serviceevent",
            error_format=error_format,
        ) from exc
    result.header_row = table.match.row
    result.ignored_columns = table.match.unknown
    checker = ServiceRows(
        columns=table.columns,
        acting_user=acting_user,
        services=services,
        round_tripped=id_column_round_tripped(table, ID_NUMBER),
    )
    first_row: dict[tuple, int] = {}
    for chunk in _chunks(table.rows, CHUNK_ROWS):
        parsed = [p for row, cells in chunk if (p := checker.parse(row, cells)) is not None]
        result.total_rows += len(parsed)
        hashes = {p.id_hash for p in parsed if p.id_hash}
        people = {
            p.id_hash: p
            for p in Person.objects.restrict(acting_user, SERVE)
            .filter(id_hash__in=hashes)
            .only("pk", "id_hash", "birth_date", "area_code")
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
                    )
                )
                continue
            records.append(outcome)
        created, unchanged = _write(records, acting_user=acting_user, scope=scope, name=path.name)
        result.created += created
        result.unchanged += unchanged
        if progress is not None:
            progress(len(chunk))
    result.errors.sort(key=lambda e: (e.row, _column_order(e.column)))
    result.error_file = write_error_file(path, result.errors, fmt=error_format)
    logger.info("service records imported", extra=result.log_fields(path, acting_user))
    return result


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


def _chunks(rows, size: int) -> Iterator[list]:
    iterator = iter(rows)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk
