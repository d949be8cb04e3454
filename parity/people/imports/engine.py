"""``import_people``: read a file, validate every row, upsert the good ones in chunks,
report the bad ones in an error file beside the input."""

from __future__ import annotations

import gc
import logging
import os
import queue
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from tqdm import tqdm

from parity.accounts.permissions import CHANGE, scope_code
from parity.core.imports import ImportResult, Table, write_error_file
from parity.core.imports.aliases import synonyms_for
from parity.core.imports.headers import unknown_message
from parity.core.imports.table import Refusal, id_column_round_tripped
from parity.core.models import audit
from parity.dedup.actions import import_screen
from parity.people.imports.columns import READ_HEADERS
from parity.people.imports.reading import open_sheet
from parity.people.imports.records import PersonRecord
from parity.people.imports.rows import RowValidator
from parity.people.imports.split import (
    PreparedChunk,
    ValidationProcess,
    prepared_chunks,
    validated_chunks,
)
from parity.people.imports.staging import StagingWriter, staging_text
from parity.people.imports.writer import ChunkResult, PeopleWriter

CHUNK_ROWS = 20_000
# Below this many rows a second writer connection costs more than it saves.
PARALLEL_MIN_ROWS = 2 * CHUNK_ROWS
FAILED_ACTION = "people.import_failed"
_failed = Refusal(FAILED_ACTION, "people.person")

logger = logging.getLogger(__name__)


def import_people(
    path: Path | str,
    *,
    acting_user,
    progress: bool = False,
    workers: int | None = None,
    staging: bool | None = None,
    header_row: int | None = None,
    mapping: Mapping[int, str | None] | None = None,
    check_only: bool = False,
    error_format: str = "csv",
    on_rows: Callable[[int], None] | None = None,
) -> ImportResult:
    """Import people from a register (.csv, .xlsx or .xls): the header found under a
    title (or ``header_row``), its columns named through the alias table (or by
    ``mapping``: column index → template header).

    Bad rows are reported and skipped, rows with warnings imported with them; a problem
    with the whole file (format, headers, encoding, an unclosed quote) raises
    ``ImportFailed`` before anything is written, after writing the error file
    (``error_format`` .csv or .xlsx) and an audit event. ``check_only`` runs the whole
    import and rolls it back: the result says what an import would do, nothing is kept.
    ``on_rows`` is called with the rows read so far, once a chunk.
    Two paths write the good rows, with the same records, errors and audit events:

    - the **staging path** (PostgreSQL, unless ``staging=False`` or the setting
      ``PARITY_IMPORT_STAGING`` is off): the whole file in one transaction, each chunk
      copied into a staging table and merged set-based (``staging``); ``workers`` > 1
      validates and seals in a second process (``split``) while this one merges;
    - the **row path** (SQLite, or forced): chunks committed one by one by
      ``PeopleWriter``; ``workers`` > 1 writes that many chunks at once, each on its own
      PostgreSQL connection (chunks may then commit out of file order).

    Rows are validated in file order either way (a repeated ID number is reported against
    its first row). The default ``workers`` is 2 for large files on a multi-core machine.
    """
    path = Path(path)
    scope = scope_code(acting_user, CHANGE)
    if scope is None:
        raise PermissionDenied(_("您没有导入人员信息的权限"))
    result = ImportResult(checked_only=check_only)
    started = timezone.now()
    try:
        sheet = open_sheet(path, header_row=header_row, mapping=mapping)
    except ValidationError as exc:
        raise _failed(path, exc, acting_user, scope, result, error_format) from exc
    result.header_row = sheet.match.row
    result.ignored_columns = sheet.match.unknown
    validator = RowValidator(
        columns=sheet.columns,
        scope=scope,
        today=timezone.localdate(),
        synonyms=synonyms_for("people"),
        round_tripped=id_column_round_tripped(sheet, "身份证号码"),
    )
    read = _Progress(progress, on_rows)
    if check_only:
        workers = 1
        with transaction.atomic():
            _import(path, sheet, validator, acting_user, scope, result, read, 1, staging)
            transaction.set_rollback(True)
    else:
        try:
            _import(path, sheet, validator, acting_user, scope, result, read, workers, staging)
        except (ValidationError, DatabaseError) as exc:
            raise _failed(path, exc, acting_user, scope, result, error_format) from exc
    result.errors.sort(key=lambda e: (e.row, _column_order(e.column)))
    result.warnings.sort(key=lambda e: (e.row, _column_order(e.column)))
    result.error_file = write_error_file(
        path, result.errors, warnings=result.warnings, fmt=error_format
    )
    if not check_only and result.created:
        result.duplicate_warnings = import_screen(
            acting_user=acting_user, since=started, area_code=scope
        )
    logger.info(
        "people checked" if check_only else "people imported",
        extra=result.log_fields(path, acting_user),
    )
    if not check_only and (result.created or result.updated):
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
                "ignored_columns": result.ignored_columns,
            },
            note=path.name,
        )
    return result


def _import(
    path: Path,
    sheet: Table,
    validator: RowValidator,
    acting_user,
    scope: str,
    result: ImportResult,
    progress: _Progress,
    workers: int | None,
    staging: bool | None,
) -> None:
    """Validate and write every row, adding the counts to ``result`` as chunks land (so
    a failure half-way still knows what was saved)."""
    if workers is None:
        workers = 2 if sheet.estimate >= PARALLEL_MIN_ROWS and (os.cpu_count() or 1) > 1 else 1
    if staging is None:
        staging = settings.PARITY_IMPORT_STAGING
    staging = staging and connection.vendor == "postgresql"

    with (
        _fewer_collections(),
        tqdm(
            total=sheet.estimate, unit="行", desc=path.name, disable=not progress.bar, leave=True
        ) as shown,
    ):
        bar = progress.over(shown)
        if staging:
            staged = StagingWriter(acting_user=acting_user, note=path.name, area_code=scope)
            chunks = _write_staged(sheet, validator, staged, workers, result, bar)
            for chunk in chunks:
                _add(result, chunk)
        else:
            writer = PeopleWriter(acting_user=acting_user, note=path.name, area_code=scope)
            _write_rows(sheet, validator, writer, workers or 1, result, bar)


class _Progress:
    """The rows read so far, for the command line's progress bar (``bar``) and for the
    caller's ``on_rows`` (a background job's page)."""

    def __init__(self, bar: bool, on_rows: Callable[[int], None] | None) -> None:
        self.bar = bar
        self.on_rows = on_rows
        self.shown: tqdm | None = None
        self.read = 0

    def over(self, shown: tqdm) -> _Progress:
        self.shown = shown
        return self

    def update(self, rows: int) -> None:
        if self.shown is not None:
            self.shown.update(rows)
        self.read += rows
        if self.on_rows is not None:
            self.on_rows(self.read)


def _add(result: ImportResult, chunk: ChunkResult) -> None:
    result.created += chunk.created
    result.updated += chunk.updated
    result.unchanged += chunk.unchanged
    result.errors.extend(chunk.errors)


def ignored_columns_message(result: ImportResult) -> str:
    return unknown_message(result.ignored_columns)


def _write_rows(
    sheet: Table, validator: RowValidator, writer: PeopleWriter, workers: int, result, bar
) -> None:
    """The row path: chunks validated here, written by ``PeopleWriter`` one transaction
    each (in this thread, or by writer threads); each chunk's counts are added to
    ``result`` once it is committed."""
    with _Writers(writer, workers, result) as writers:
        for chunk in validated_chunks(sheet.rows, validator, CHUNK_ROWS):
            result.total_rows += chunk.rows
            result.errors.extend(chunk.errors)
            result.warnings.extend(chunk.warnings)
            writers.write(chunk.records)
            bar.update(chunk.seen)


def _write_staged(
    sheet: Table, validator: RowValidator, writer: StagingWriter, workers: int, result, bar
) -> list[ChunkResult]:
    """The staging path: the whole file in one transaction, chunks validated and sealed
    in a second process (``workers`` > 1) or here, merged by ``StagingWriter``."""
    if workers > 1:
        chunks: Iterable[PreparedChunk] = ValidationProcess(
            sheet.rows, validator, CHUNK_ROWS, staging_text
        )
    else:
        chunks = prepared_chunks(sheet.rows, validator, CHUNK_ROWS, staging_text)
    written = []
    try:
        with transaction.atomic():
            writer.open()
            for chunk in chunks:
                result.total_rows += chunk.rows
                result.errors.extend(chunk.errors)
                result.warnings.extend(chunk.warnings)
                written.append(writer.write_staged(chunk.payload))
                bar.update(chunk.seen)
            writer.close()
    finally:
        if isinstance(chunks, ValidationProcess):
            chunks.close()
    return written


@contextmanager
def _fewer_collections() -> Iterator[None]:
    """Every row allocates a few containers, so the cyclic garbage collector would run
    every few hundred rows for nothing (the rows hold no cycles): 2 µs a row. Run it less
    often while the file is read; reference counting still frees everything at once."""
    thresholds = gc.get_threshold()
    gc.set_threshold(max(thresholds[0], 50_000), *thresholds[1:])
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)


class _Writers:
    """Hands chunks to the writer: in this thread, or — with more than one worker on
    PostgreSQL outside a transaction — to that many threads, each with its own connection,
    so the database writes one chunk while this thread validates the next. (Threads, not
    processes: records pass without pickling, and psycopg waits for the server without
    holding the GIL.)"""

    def __init__(self, writer: PeopleWriter, workers: int, result: ImportResult) -> None:
        self.writer = writer
        self.result = result
        self.lock = threading.Lock()
        parallel = connection.vendor == "postgresql" and not connection.in_atomic_block
        self.workers = workers if parallel and workers > 1 else 1
        self.queue: queue.Queue[list[PersonRecord] | None] = queue.Queue(maxsize=self.workers)
        self.threads: list[threading.Thread] = []
        self.failure: BaseException | None = None

    def __enter__(self) -> _Writers:
        if self.workers > 1:
            self.threads = [
                threading.Thread(target=self._run, name=f"people-writer-{n}", daemon=True)
                for n in range(self.workers)
            ]
            for thread in self.threads:
                thread.start()
        return self

    def write(self, records: list[PersonRecord]) -> None:
        if not records:
            return
        if not self.threads:
            _add(self.result, self.writer.write(records))
            return
        while True:
            self._raise_failure()
            try:
                self.queue.put(records, timeout=0.5)
                return
            except queue.Full:
                continue

    def __exit__(self, exc_type, exc, tb) -> None:
        for _thread in self.threads:
            while any(t.is_alive() for t in self.threads):
                try:
                    self.queue.put(None, timeout=0.5)
                    break
                except queue.Full:
                    continue
        for thread in self.threads:
            thread.join()
        if exc_type is None:
            self._raise_failure()

    def _raise_failure(self) -> None:
        if self.failure is not None:
            raise self.failure

    def _run(self) -> None:
        try:
            while (records := self.queue.get()) is not None:
                if self.failure is None:
                    written = self.writer.write(records)
                    with self.lock:
                        _add(self.result, written)
        except BaseException as exc:  # handed to the importing thread, which raises it
            self.failure = exc
            while self.queue.get() is not None:  # keep the importing thread from blocking
                pass
        finally:
            connection.close()  # this thread's own connection


def _column_order(header: str) -> int:
    return READ_HEADERS.index(header) if header in READ_HEADERS else len(READ_HEADERS)
