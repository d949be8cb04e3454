"""Parity's background tasks (django-tasks, database backend; ``parity worker`` runs them).

A task takes ids, never records: it reads the current state when it runs."""

from __future__ import annotations

from django_tasks import task

from parity.core import export_jobs


@task()
def export_run(job_id: int) -> str:
    """Write the file of one export job (``parity.core.export_jobs``)."""
    return export_jobs.run(job_id)
