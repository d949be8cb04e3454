"""``parity worker``: runs the background tasks (large exports and imports, the refresh
button's indicator refresh, the duplicate sweep, deliveries to partner regions) from the
database queue.

django-tasks' own ``db_worker``, plus the heartbeat ``/health/`` checks: a thread touches
``PARITY_WORKER_HEARTBEAT_FILE`` while the process lives, a long export included."""

from __future__ import annotations

import threading

from django.conf import settings
from django_tasks.backends.database.management.commands.db_worker import (
    Command as DatabaseWorkerCommand,
)

from parity.core.jobs import heartbeat_touch


def _beat(stop: threading.Event, every: float) -> None:
    while True:
        heartbeat_touch()
        if stop.wait(every):
            return


class Command(DatabaseWorkerCommand):
    help = (
        "Run Parity's background tasks (large exports and imports, indicator refreshes, "
        "duplicate sweeps, deliveries to partner regions) from the database "
        "queue, touching the heartbeat file that /health/ checks. Run one or more next to "
        "the web server: `parity worker` (see README, Operations)."
    )

    def handle(self, *args, **options) -> None:
        # Three beats within the age /health/ accepts, and never rarer than once a minute.
        every = max(1.0, min(60.0, settings.PARITY_WORKER_HEARTBEAT_MAX_AGE_SECONDS / 3))
        stop = threading.Event()
        beat = threading.Thread(target=_beat, args=(stop, every), daemon=True)
        beat.start()
        try:
            super().handle(*args, **options)
        finally:
            stop.set()
