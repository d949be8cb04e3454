"""Background task of the duplicates app (django-tasks, ``parity worker`` runs it)."""

from __future__ import annotations

from django_tasks import task

from parity.dedup import actions


@task()
def dedup_sweep(min_score: float) -> dict:
    """The full sweep of the registry (minutes at city scale: never inside a request)."""
    report = actions.pairs_sweep(acting_user=None, min_score=min_score)
    return {"people": report.people, "candidates": report.candidates, "new": report.new}
