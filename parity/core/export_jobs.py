"""Export jobs: a list too large to send inside a request (``parity.core.downloads``)
is written by the background worker (``parity.core.tasks.export_run``).

The worker writes the file by running the export's own page again, as the user who asked:
one definition of each export's rows and permission checks serves both ways, so a job's
file holds exactly what the immediate download would. The user is re-read when the job
runs: deactivated, or moved to another scope or role since asking, they get nothing.

Files are written row by row (openpyxl's write-only mode, CSV line by line) from
querysets read with ``.iterator()``: memory stays flat with the row count
(``bench/exports.py``). Every download, immediate or from a job, is audited as
``export.download``. The file is the user's alone: 0600 under ``EXPORT_DIR/<user id>``,
deleted by ``parity purge_uploads`` after ``PARITY_UPLOAD_RETENTION_DAYS``.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpResponse, QueryDict
from django.test import RequestFactory
from django.urls import resolve
from django.utils import timezone, translation

from parity.accounts.permissions import VIEW, scope_code
from parity.core import crypto, params, search
from parity.core.choices import ExportFormat, ExportStatus
from parity.core.exports import XLSX, write_csv, write_xlsx
from parity.core.files import FILE_MODE, private_dir
from parity.core.jobs import job as timed_job
from parity.core.models import ExportJob, audit

logger = logging.getLogger(__name__)

CONTENT_TYPES = {ExportFormat.XLSX: XLSX, ExportFormat.CSV: "text/csv; charset=utf-8"}
DOWNLOAD = "export.download"
# How often (in rows) a job records its progress for the page.
PROGRESS_EVERY = 2000


# --- who asked -----------------------------------------------------------------------------


def scope_of(user, action: str = VIEW) -> tuple[str, str]:
    """(the area prefix where the user may ``action``, ``-`` for none; their role) — what
    must not change between asking for a job (an export, an import) and its run."""
    code = scope_code(user, action)
    role = "superuser" if user.is_superuser else str(user.role)
    return ("-" if code is None else code), role


def own_jobs(user):
    """The user's own export jobs, newest first: the only ones they may see."""
    if not getattr(user, "is_authenticated", False):
        return ExportJob.objects.none()
    return ExportJob.objects.filter(requested_by=user).order_by("-created_at", "-id")


def user_export_dir(user_id: int) -> Path:
    return Path(settings.EXPORT_DIR) / str(user_id)


def job_file(job: ExportJob) -> Path | None:
    """The job's file, when it was written and is still kept."""
    if job.status != ExportStatus.DONE or not job.file_name:
        return None
    path = user_export_dir(job.requested_by_id) / job.file_name
    return path if path.is_file() else None


def download_name(title: str, fmt: str, on=None) -> str:
    stamp = (on or timezone.localdate()).strftime("%Y%m%d")
    return f"{title}-{stamp}.{fmt}"


def audit_download(*, acting_user, title: str, fmt: str, rows: int | None, job=None) -> None:
    audit(
        acting_user=acting_user,
        action=DOWNLOAD,
        object_type="core.exportjob" if job is not None else "export",
        object_id=str(job.pk) if job is not None else "",
        area_code=getattr(acting_user, "area_code", "") or "",
        after={"format": fmt, "rows": rows},
        note=title[:255],
    )


# --- the worker's side ---------------------------------------------------------------------


def seal_query(query: dict) -> str:
    return crypto.encrypt(json.dumps(query, ensure_ascii=False))


def _unseal_query(job: ExportJob) -> dict:
    return json.loads(crypto.decrypt(job.query_sealed)) if job.query_sealed else {}


def run(job_id: int) -> str:
    """Write the file of the job ``job_id`` (called by the worker); returns its status."""
    job = ExportJob.objects.select_related("requested_by").filter(pk=job_id).first()
    if job is None or job.status != ExportStatus.QUEUED:
        return job.status if job is not None else "missing"
    with timed_job("export", job_id=job.pk) as summary:
        user = job.requested_by
        if not user.is_active or scope_of(user) != (job.area_code, job.role):
            _finish(job, ExportStatus.REFUSED, error="access_changed")
        else:
            _replay(job, user)
        summary.update(status=job.status, rows=job.rows_done)
    return job.status


def _replay(job: ExportJob, user) -> None:
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportStatus.RUNNING, started_at=timezone.now()
    )
    job.status = ExportStatus.RUNNING
    sealed = _unseal_query(job)
    query = QueryDict(mutable=True)
    for name, values in sealed.get("query", {}).items():
        query.setlist(name, values)
    request = RequestFactory().get(job.path, data=query)
    request.user = user
    request.session = {search.SESSION_KEY: sealed.get("searches", {})}  # type: ignore[assignment]
    request.parity_export_job = job  # type: ignore[attr-defined]
    match = resolve(job.path)
    try:
        with translation.override(job.language):
            match.func(request, *match.args, **match.kwargs)
    except (PermissionDenied, Http404, params.BadParameter):
        _finish(job, ExportStatus.REFUSED, error="access_changed")
        return
    except Exception as exc:
        _finish(job, ExportStatus.FAILED, error=type(exc).__name__)
        raise
    if job.status != ExportStatus.DONE:
        # The page answered without writing a file (a form shown again, a redirect).
        _finish(job, ExportStatus.FAILED, error="no_file")


def _finish(job: ExportJob, status: str, *, error: str = "") -> None:
    job.status = status
    job.error = error
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "error", "finished_at", "rows_done", "rows_total"])
    logger.info("export job ended", extra={"job_id": job.pk, "status": status, "error": error})


def write_job_file(
    job: ExportJob, *, title: str, headers: Sequence, rows: Iterable[Sequence], count
) -> HttpResponse:
    if isinstance(count, QuerySet):
        job.rows_total = count.count()
        ExportJob.objects.filter(pk=job.pk).update(rows_total=job.rows_total)
    folder = private_dir(user_export_dir(job.requested_by_id))
    name = f"{job.pk}-{timezone.localtime():%Y%m%d-%H%M%S}.{job.fmt}"
    partial = folder / f"{name}.partial"
    partial.unlink(missing_ok=True)
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    counted = _progress(job, rows)
    try:
        if job.fmt == ExportFormat.CSV:
            with open(fd, "w", encoding="utf-8-sig", newline="") as handle:
                written = write_csv(handle, headers, counted)
        else:
            os.close(fd)
            written = write_xlsx(str(partial), title, headers, counted)
        os.replace(partial, folder / name)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    job.rows_done = written
    job.rows_total = max(job.rows_total, written)
    job.file_name = name
    job.status = ExportStatus.DONE
    job.error = ""
    job.finished_at = timezone.now()
    job.save(
        update_fields=["rows_done", "rows_total", "file_name", "status", "error", "finished_at"]
    )
    return HttpResponse(status=204)


def _progress(job: ExportJob, rows: Iterable[Sequence]) -> Iterator[Sequence]:
    for done, row in enumerate(rows, start=1):
        yield row
        if done % PROGRESS_EVERY == 0:
            ExportJob.objects.filter(pk=job.pk).update(rows_done=done)
