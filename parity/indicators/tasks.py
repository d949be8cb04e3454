"""Background task of the indicators app (django-tasks, database backend; ``parity worker``
runs it)."""

from __future__ import annotations

import io

from django.core.management import call_command
from django_tasks import task


@task()
def refresh_indicators_task(as_of: str, by: str) -> str:
    """The refresh button's ``parity refresh_indicators --as-of AS_OF --by USER`` (minutes at
    city scale: never inside a request). Returns what the command printed."""
    out = io.StringIO()
    call_command("refresh_indicators", "--as-of", as_of, "--by", by, stdout=out)
    return out.getvalue()
