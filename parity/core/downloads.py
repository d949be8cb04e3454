"""Every list a page offers as a file goes through ``export_file``: a small list is sent
at once, a large one becomes a background job (``parity.core.export_jobs``).

Past ``PARITY_EXPORT_INLINE_MAX_ROWS`` rows (counted with ``LIMIT max + 1``, so the count
costs no more than the threshold) the request only records an ``ExportJob`` and enqueues
its task; the user is sent to the job's page, which shows its progress and, when it is
done, the download link. Below it the file is sent at once, as before: .xlsx written in
openpyxl's write-only mode, CSV streamed line by line.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Sequence

from django.conf import settings
from django.db.models import QuerySet
from django.http import FileResponse, HttpResponseRedirect, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.urls import reverse
from django.utils.http import content_disposition_header

from parity.core import search
from parity.core.actions import export_job_create
from parity.core.choices import ExportFormat
from parity.core.export_jobs import CONTENT_TYPES, audit_download, download_name, write_job_file
from parity.core.exports import XLSX, csv_lines, write_xlsx

# --- the one entry point of every export ---------------------------------------------------


def over_threshold(count: QuerySet | int | None) -> tuple[bool, int]:
    """Whether an export of ``count`` rows must be a job, and the rows counted (at most
    the threshold + 1 for a queryset)."""
    limit = settings.PARITY_EXPORT_INLINE_MAX_ROWS
    if count is None:
        return False, 0
    counted = count if isinstance(count, int) else count[: limit + 1].count()
    return counted > limit, counted


def export_file(
    request,
    *,
    filename: str,
    title: str,
    headers: Sequence,
    rows: Iterable[Sequence],
    count: QuerySet | int | None,
    fmt: str = ExportFormat.XLSX,
) -> HttpResponseBase:
    """The list as a file: ``headers`` and ``rows`` (text is neutralised by the writers),
    named ``<filename>-<date>.<fmt>`` with a sheet called ``title``. ``count`` is the
    queryset the rows come from (or their number): past the threshold, a job."""
    running = getattr(request, "parity_export_job", None)
    if running is not None:
        return write_job_file(running, title=title, headers=headers, rows=rows, count=count)
    is_job, counted = over_threshold(count)
    if is_job:
        job = export_job_create(
            acting_user=request.user,
            title=str(filename),
            path=request.path_info,  # without any SCRIPT_NAME prefix: what resolve() takes
            query=_replayable_query(request),
            fmt=fmt,
            rows_estimate=counted,
        )
        return HttpResponseRedirect(reverse("web:export_detail", args=[job.pk]))
    audit_download(
        acting_user=request.user,
        title=str(filename),
        fmt=fmt,
        rows=counted if count is not None else None,
    )
    name = download_name(str(filename), fmt)
    if fmt == ExportFormat.CSV:
        response = StreamingHttpResponse(
            csv_lines(headers, rows), content_type=CONTENT_TYPES[ExportFormat.CSV]
        )
        response["Content-Disposition"] = content_disposition_header(True, name)
        return response
    buffer = tempfile.SpooledTemporaryFile(max_size=8 << 20)  # noqa: SIM115 - FileResponse closes it
    write_xlsx(buffer, title, headers, rows)
    buffer.seek(0)
    return FileResponse(buffer, as_attachment=True, filename=name, content_type=XLSX)


def _replayable_query(request) -> dict:
    """The request's query, and the searched text its ``s`` key stands for (kept in the
    session, which the worker has not): what the job needs to run the page again."""
    key = request.GET.get(search.PARAM, "")
    text = request.session.get(search.SESSION_KEY, {}).get(key) if key else None
    return {"query": dict(request.GET.lists()), "searches": {key: text} if text else {}}
