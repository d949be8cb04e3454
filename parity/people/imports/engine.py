"""``import_people``: read a file, validate every row, upsert the good ones in chunks,
report the bad ones in an error file beside the input."""

from __future__ import annotations

import csv
import itertools
import multiprocessing
import os
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _
from tqdm import tqdm

from parity.accounts.permissions import CHANGE, scope_code
from parity.core.error_codes import ErrorCode
from parity.core.models import audit
from parity.people.imports.columns import HEADER_FOR, HEADERS
from parity.people.imports.reading import Cell, open_sheet
from parity.people.imports.records import PersonRecord, from_tuple, to_tuple
from parity.people.imports.results import ImportResult, RowError
from parity.people.imports.rows import RowValidator
from parity.people.imports.writer import PeopleWriter, seal

CHUNK_ROWS = 5000
# Below this many rows a second process costs more than it saves.
PARALLEL_MIN_ROWS = 20_000
ERROR_HEADERS = ("行号", "列", "值", "错误原因")

Outcome = PersonRecord | list[RowError] | None

# Set in the parent just before the worker processes fork, so they inherit it.
_worker_validator: RowValidator | None = None


def import_people(
    path: Path | str, *, acting_user, progress: bool = False, workers: int | None = None
) -> ImportResult:
    """Import people from a .csv or .xlsx file with the template's headers.

    Bad rows are reported and skipped, good rows committed chunk by chunk; a problem with
    the whole file (format, headers, encoding) raises ``ValidationError`` before anything
    is written. ``workers`` > 1 validates and encrypts in that many processes (the default
    picks 2 for large files on a multi-core machine); database writes stay in this process,
    in file order.
    """
    path = Path(path)
    scope = scope_code(acting_user, CHANGE)
    if scope is None:
        raise PermissionDenied(_("您没有导入人员信息的权限"))
    sheet = open_sheet(path)
    validator = RowValidator(columns=sheet.columns, scope=scope, today=timezone.localdate())
    writer = PeopleWriter(
        acting_user=acting_user, note=_("导入文件 %(name)s") % {"name": path.name}
    )
    if workers is None:
        workers = 2 if sheet.estimate >= PARALLEL_MIN_ROWS and (os.cpu_count() or 1) > 1 else 1

    result = ImportResult()
    first_row: dict[str, int] = {}
    batches = _batches(sheet.rows, CHUNK_ROWS)
    with tqdm(
        total=sheet.estimate, unit="行", desc=path.name, disable=not progress, leave=True
    ) as bar:
        for outcomes in _validated(batches, validator, workers):
            records: list[PersonRecord] = []
            for outcome in outcomes:
                if outcome is None:
                    continue
                result.total_rows += 1
                if isinstance(outcome, list):
                    result.errors.extend(outcome)
                    continue
                earlier = first_row.setdefault(outcome.id_hash, outcome.row)
                if earlier != outcome.row:
                    result.errors.append(_duplicate(outcome, earlier))
                    continue
                records.append(outcome)
            chunk = writer.write(records)
            result.created += chunk.created
            result.updated += chunk.updated
            result.unchanged += chunk.unchanged
            result.errors.extend(chunk.errors)
            bar.update(len(outcomes))
    result.errors.sort(key=lambda e: (e.row, _column_order(e.column)))
    result.error_file = write_error_file(path, result.errors)
    if result.created or result.updated:
        audit(
            acting_user=acting_user,
            action="people.import",
            object_type="people.person",
            area_code=scope,
            after={
                "file": path.name,
                "total_rows": result.total_rows,
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
                "error_rows": result.error_rows,
            },
            note=path.name,
        )
    return result


def error_file_path(path: Path) -> Path:
    return path.with_name(f"{path.stem}.errors.csv")


def write_error_file(path: Path, errors: list[RowError]) -> Path | None:
    """``<stem>.errors.csv`` beside the input (UTF-8 with BOM so Excel reads it), or
    ``None`` — removing a stale one — when there are no errors."""
    target = error_file_path(path)
    if not errors:
        target.unlink(missing_ok=True)
        return None
    with open(target, "w", encoding="utf-8-sig", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(ERROR_HEADERS)
        out.writerows((e.row, e.column, e.value, e.message) for e in errors)
    return target


def _duplicate(record: PersonRecord, earlier: int) -> RowError:
    return RowError(
        record.row,
        HEADER_FOR["id_number"],
        record.id_number,
        _("身份证号码与第%(row)d行重复") % {"row": earlier},
        ErrorCode.ID_DUPLICATE,
    )


def _column_order(header: str) -> int:
    return HEADERS.index(header) if header in HEADERS else len(HEADERS)


def _batches(rows: Iterable, size: int) -> Iterator[list[tuple[int, Sequence[Cell]]]]:
    iterator = iter(rows)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


def _validate_batch(batch: list[tuple[int, Sequence[Cell]]]) -> list:
    assert _worker_validator is not None
    outcomes: list = []
    for row, cells in batch:
        outcome = _worker_validator(row, cells)
        if isinstance(outcome, PersonRecord):
            seal(outcome)  # encryption is the costliest step: do it here, off the main process
            outcomes.append(to_tuple(outcome))
        else:
            outcomes.append(outcome)
    return outcomes


def _from_worker(outcomes: list) -> list[Outcome]:
    return [from_tuple(o) if isinstance(o, tuple) else o for o in outcomes]


def _validated(
    batches: Iterator[list[tuple[int, Sequence[Cell]]]], validator: RowValidator, workers: int
) -> Iterator[list[Outcome]]:
    global _worker_validator
    if workers <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        for batch in batches:
            yield [validator(row, cells) for row, cells in batch]
        return
    _worker_validator = validator
    context = multiprocessing.get_context("fork")
    try:
        # The children never touch the database; they must not close its connection either.
        connection.ensure_connection()
        with context.Pool(workers) as pool:
            for outcomes in pool.imap(_validate_batch, batches, chunksize=1):
                yield _from_worker(outcomes)
    finally:
        _worker_validator = None
