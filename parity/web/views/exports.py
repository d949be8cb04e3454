"""Export jobs' pages: the user's recent exports, one job's progress (polled by htmx) and
its file. A job is its requester's alone: anyone else, an administrator included, gets
a 404, as for an id that does not exist."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render

from parity.core.export_jobs import (
    CONTENT_TYPES,
    audit_download,
    download_name,
    job_file,
    own_jobs,
)

RECENT = 20


@login_required
def export_list(request):
    jobs = own_jobs(request.user)[:RECENT]
    return render(
        request,
        "web/export_list.html",
        {"jobs": jobs, "retention": settings.PARITY_UPLOAD_RETENTION_DAYS},
    )


@login_required
def export_detail(request, pk: int):
    job = get_object_or_404(own_jobs(request.user), pk=pk)
    return render(request, "web/export_detail.html", {"job": job, "kept": job_file(job)})


@login_required
def export_progress(request, pk: int):
    job = get_object_or_404(own_jobs(request.user), pk=pk)
    return render(request, "web/_export_progress.html", {"job": job, "kept": job_file(job)})


@login_required
def export_download(request, pk: int):
    job = get_object_or_404(own_jobs(request.user), pk=pk)
    path = job_file(job)
    if path is None:
        raise Http404
    audit_download(
        acting_user=request.user, title=job.title, fmt=job.fmt, rows=job.rows_done, job=job
    )
    return FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=download_name(job.title, job.fmt, job.created_at.date()),
        content_type=CONTENT_TYPES[job.fmt],
    )
