"""Import jobs: a file (people, service records, targets) with more data rows than
``PARITY_IMPORT_BACKGROUND_ROWS`` is checked or imported by the background worker
(``parity.core.tasks.import_run``), not inside the request of the import page.

The job holds what the mapping step confirmed (the waiting upload's token, the header row,
each column's field); the worker runs the same importer with them, as the user who asked,
re-read when the job runs: deactivated, or moved to another scope or role since asking,
they get nothing written. Each importer keeps its own all-or-nothing rules, as in a
request: a file refused whole writes nothing; service records, targets and the people
import on PostgreSQL (the staging path) write the whole file in one transaction; the
people import's row path (SQLite, or ``PARITY_IMPORT_STAGING`` off) commits chunks of
20,000 rows and says which were saved when one fails. After an import the mapping is kept
and the upload deleted, as in a request.
The result the page shows is kept on the job: the counts plain, the first errors and
warnings (names and ID numbers as typed) sealed; the error file is the user's, as today.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.utils import timezone, translation
from django.utils.module_loading import import_string

from parity.core import crypto
from parity.core.choices import ImportJobStatus, ImportKind
from parity.core.export_jobs import scope_of
from parity.core.imports import ImportFailed, ImportResult, RowError
from parity.core.imports.headers import unknown_message
from parity.core.imports.mapping import Importer, preview, remember_mapping
from parity.core.jobs import job as timed_job
from parity.core.models import ImportJob
from parity.core.uploads import pending_drop, pending_exists, pending_file

logger = logging.getLogger(__name__)

# Each kind's importer, named by path and imported when a job needs it: those modules
# import core (its import kit, its models), so importing them here would be a cycle.
IMPORTERS = {
    ImportKind.PEOPLE: "parity.people.imports.PEOPLE",
    ImportKind.SERVICES: "parity.services.imports.engine.SERVICES",
    ImportKind.TARGETS: "parity.indicators.assessment.actions.TARGETS",
}
# How many errors and warnings a result shows on its page (all are in the error file).
SHOWN_ERRORS = 100
# Why a job ended without running its import (``ImportJob.error``); when an exception
# stopped it, the exception's class name.
ACCESS_CHANGED = "access_changed"
FILE_GONE = "file_gone"


def importer_for(kind: str) -> Importer:
    return import_string(IMPORTERS[ImportKind(kind)])


def runs_in_background(data_rows: int) -> bool:
    """Whether a file of ``data_rows`` rows is too large to check or import in a request."""
    return data_rows > settings.PARITY_IMPORT_BACKGROUND_ROWS


def own_jobs(user):
    """The user's own import jobs, newest first: the only ones they may see."""
    if not getattr(user, "is_authenticated", False):
        return ImportJob.objects.none()
    return ImportJob.objects.filter(requested_by=user).order_by("-created_at", "-id")


def unfinished_job(user, token: str) -> ImportJob | None:
    """The job still waiting for or working on the upload ``token``, if any: the upload
    is not checked or imported a second time meanwhile."""
    return (
        own_jobs(user)
        .filter(token=token, status__in=(ImportJobStatus.QUEUED, ImportJobStatus.RUNNING))
        .first()
    )


# --- what a result shows -------------------------------------------------------------------


def shown_result(result: ImportResult | None) -> dict[str, Any]:
    """What the result block shows of an import besides its counts: the first
    ``SHOWN_ERRORS`` bad cells and warnings, how many more the error file holds, the error
    file, the columns not imported."""
    return {
        "errors": result.errors[:SHOWN_ERRORS] if result else [],
        "warnings": result.warnings[:SHOWN_ERRORS] if result else [],
        "more_errors": max(len(result.errors) - SHOWN_ERRORS, 0) if result else 0,
        "error_file": result.error_file.name if result and result.error_file else "",
        "ignored": unknown_message(result.ignored_columns) if result else "",
    }


def _seal_details(shown: dict[str, Any]) -> str:
    plain = {
        "errors": [_row_error(e) for e in shown["errors"]],
        "warnings": [_row_error(w) for w in shown["warnings"]],
        "more_errors": shown["more_errors"],
        "ignored": shown["ignored"],
    }
    return crypto.encrypt(json.dumps(plain, ensure_ascii=False))


def _row_error(error: RowError) -> list:
    return [error.row, error.column, error.value, error.message, error.code, error.name]


def job_result(job: ImportJob) -> dict[str, Any]:
    """The result block of a finished job, as ``shown_result`` gives it for a request;
    the job itself stands for the result (its counts have the result's names)."""
    details = json.loads(crypto.decrypt(job.details_sealed)) if job.details_sealed else {}
    return {
        "result": job,
        "errors": [RowError(*e) for e in details.get("errors", [])],
        "warnings": [RowError(*w) for w in details.get("warnings", [])],
        "more_errors": details.get("more_errors", 0),
        "ignored": details.get("ignored", ""),
        "error_file": job.error_file,
        "file_error": job.file_error,
    }


# --- the worker's side ---------------------------------------------------------------------


def run(job_id: int) -> str:
    """Check or import the file of the job ``job_id`` (called by the worker); returns
    its status."""
    job = ImportJob.objects.select_related("requested_by").filter(pk=job_id).first()
    if job is None or job.status != ImportJobStatus.QUEUED:
        return job.status if job is not None else "missing"
    importer = importer_for(job.kind)
    with timed_job("import", job_id=job.pk, kind=job.kind) as summary:
        user = job.requested_by
        if not user.is_active or scope_of(user, importer.action) != (job.area_code, job.role):
            _finish(job, ImportJobStatus.FAILED, error=ACCESS_CHANGED)
        elif not pending_exists(job.token, user):
            _finish(job, ImportJobStatus.FAILED, error=FILE_GONE)
        else:
            _import(job, user, importer)
        summary.update(status=job.status, rows=job.total_rows, error=job.error)
    return job.status


def _import(job: ImportJob, user, importer: Importer) -> None:
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJobStatus.RUNNING, started_at=timezone.now()
    )
    job.status = ImportJobStatus.RUNNING
    mapping = {index: (field or None) for index, field in enumerate(job.fields)}
    file_error = ""
    try:
        with translation.override(job.language), pending_file(job.token, user) as path:
            try:
                result = importer.run(
                    path,
                    acting_user=user,
                    header_row=job.header_row,
                    mapping=mapping,
                    check_only=job.check_only,
                    error_format="xlsx",
                    on_rows=_progress(job.pk),
                )
            except ImportFailed as exc:
                result, file_error = exc.result, "; ".join(exc.messages)
            # An all-or-nothing import with a bad row wrote nothing: the file stays.
            refused = job.all_or_nothing and bool(result.errors)
            imported = not job.check_only and not file_error and not refused
            if imported:
                shown = preview(
                    path, importer.spec(), kind=job.kind, area_code=job.area_code,
                    header_row=job.header_row, mapping=mapping,
                )  # fmt: skip
                remember_mapping(shown, kind=job.kind, area_code=job.area_code, user=user)
    except PermissionDenied:
        _finish(job, ImportJobStatus.FAILED, error=ACCESS_CHANGED)
        return
    except Exception as exc:
        _finish(job, ImportJobStatus.FAILED, error=type(exc).__name__)
        raise
    if imported:
        pending_drop(job.token, user)
    shown_details = shown_result(result)
    job.total_rows = result.total_rows
    job.created, job.updated, job.unchanged = result.created, result.updated, result.unchanged
    job.error_rows = result.error_rows
    job.error_file = shown_details["error_file"]
    job.file_error = file_error
    job.details_sealed = _seal_details(shown_details)
    job.rows_done = max(job.rows_done, result.total_rows)
    _finish(job, ImportJobStatus.DONE)


def _finish(job: ImportJob, status: str, *, error: str = "") -> None:
    job.status = status
    job.error = error[:64]
    job.finished_at = timezone.now()
    job.save(
        update_fields=[
            "status", "error", "finished_at", "rows_done", "total_rows", "created", "updated",
            "unchanged", "error_rows", "error_file", "file_error", "details_sealed",
        ]
    )  # fmt: skip
    logger.info("import job ended", extra={"job_id": job.pk, "status": status, "error": error})


def _progress(job_id: int) -> Callable[[int], None]:
    """``on_rows`` of a job: the rows read so far, for its page. The import's own
    transaction would hide them until it ends, so on PostgreSQL they are written on a
    connection of their own (a short thread, once a chunk); SQLite has one writer, the
    import, so there they are written only between its transactions."""

    def record(rows: int) -> None:
        if connection.vendor == "postgresql":
            thread = threading.Thread(target=_write_progress, args=(job_id, rows), daemon=True)
            thread.start()
            thread.join()
        elif not connection.in_atomic_block:
            ImportJob.objects.filter(pk=job_id).update(rows_done=rows)

    return record


def _write_progress(job_id: int, rows: int) -> None:
    try:
        ImportJob.objects.filter(pk=job_id).update(rows_done=rows)
    finally:
        connection.close()  # this thread's own connection
