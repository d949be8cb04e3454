"""Parity's background tasks (django-tasks, database backend; ``parity worker`` runs them).

A task takes ids, never records: it reads the current state when it runs."""

from __future__ import annotations

from django_tasks import task

from parity.core import export_jobs, import_jobs


@task()
def export_run(job_id: int) -> str:
    """Write the file of one export job (``parity.core.export_jobs``)."""
    return export_jobs.run(job_id)


@task()
def import_run(job_id: int) -> str:
    """Check or import the file of one import job (``parity.core.import_jobs``)."""
    return import_jobs.run(job_id)
