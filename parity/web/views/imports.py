"""Import jobs' pages: one large check or import's progress (polled by htmx) and then its
result, as the import page shows it for a small file. A job is its requester's alone:
anyone else, an administrator included, gets a 404, as for an id that does not exist."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from parity.core.import_jobs import job_result, own_jobs
from parity.core.uploads import pending_exists


def _context(request, pk: int) -> dict:
    job = get_object_or_404(own_jobs(request.user), pk=pk)
    context: dict = {"job": job}
    if job.finished:
        context.update(job_result(job))
        context["refused"] = job.all_or_nothing and not job.check_only and bool(job.error_rows)
        context["upload_url"] = reverse(job.page_url)
        # The file still waits (a check, or a refused import): back to its mapping step.
        if pending_exists(job.token, request.user):
            context["map_url"] = reverse(f"{job.page_url}_map", kwargs={"token": job.token})
    return context


@login_required
def import_job(request, pk: int):
    return render(request, "web/import_job.html", _context(request, pk))


@login_required
def import_job_progress(request, pk: int):
    return render(request, "web/_import_job_progress.html", _context(request, pk))
