"""Long-running jobs (nightly refreshes, imports): timed, logged and counted for Prometheus.

``with job("refresh_indicators") as summary:`` logs the start and the end with the
duration, observes ``parity_job_duration_seconds{job, outcome}`` and, on success, sets
``parity_job_last_success_timestamp_seconds{job}``; counts the job puts in ``summary``
go into the end line. A management command runs in its own process: its metrics reach
``/metrics`` only when it shares ``PROMETHEUS_MULTIPROC_DIR`` with the web workers
(README, "Operations").
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.conf import settings
from prometheus_client import Gauge, Histogram

from parity.core.logs import log_fields

logger = logging.getLogger(__name__)

# From a quick area refresh to a city-wide import of millions of rows.
_BUCKETS = (1, 5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200, 14400, float("inf"))

JOB_SECONDS = Histogram(
    "parity_job_duration_seconds",
    "Duration of Parity's jobs (nightly refreshes, imports), by job and outcome.",
    ["job", "outcome"],
    buckets=_BUCKETS,
)
JOB_LAST_SUCCESS = Gauge(
    "parity_job_last_success_timestamp_seconds",
    "Unix time at which each job last finished successfully.",
    ["job"],
    multiprocess_mode="max",
)


def _record(name: str, outcome: str, seconds: float) -> None:
    # A metrics directory the job cannot write (PROMETHEUS_MULTIPROC_DIR missing, or
    # owned by the web server's user) must not fail the nightly refresh it measures.
    try:
        JOB_SECONDS.labels(job=name, outcome=outcome).observe(seconds)
        if outcome == "done":
            JOB_LAST_SUCCESS.labels(job=name).set_to_current_time()
    except OSError as exc:
        logger.warning("job metrics not recorded", extra={"job": name, "error": type(exc).__name__})


@contextmanager
def job(name: str, **fields: Any) -> Iterator[dict[str, Any]]:
    """Time, log and count one run of the job ``name``; ``fields`` (ids, dates, file
    names: never personal data) go into both log lines. Yields a dict for the job's
    counts, logged when it ends."""
    summary: dict[str, Any] = {}
    logger.info("job started", extra=log_fields({"job": name, **fields}))
    started = time.monotonic()
    try:
        yield summary
    except BaseException as exc:
        seconds = time.monotonic() - started
        _record(name, "failed", seconds)
        logger.error(
            "job failed",
            extra=log_fields(
                {"job": name, **fields, "seconds": round(seconds, 3), "error": type(exc).__name__}
            ),
        )
        raise
    seconds = time.monotonic() - started
    _record(name, "done", seconds)
    logger.info(
        "job finished",
        extra=log_fields({"job": name, **fields, **summary, "seconds": round(seconds, 3)}),
    )


def heartbeat_path() -> Path | None:
    """The background worker's heartbeat file, or None where no worker is configured."""
    configured = settings.PARITY_WORKER_HEARTBEAT_FILE
    return Path(configured) if configured else None


def heartbeat_touch() -> None:
    """Record that the background worker is alive: call it from the worker's loop at
    least every ``PARITY_WORKER_HEARTBEAT_MAX_AGE_SECONDS``. Does nothing where no
    heartbeat file is configured."""
    path = heartbeat_path()
    if path is None:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch()
