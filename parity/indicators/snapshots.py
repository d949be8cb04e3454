"""The life of an indicator snapshot, and the connections a refresh computes it on.

A refresh (``compute.refresh``) never touches the snapshot pages read. It creates a new
one (``running``: selectors read only ``done`` ones), writes its parts into it, each part
in its own transaction, possibly on two database connections at once (``run_parts``),
and at the end swaps it in with ``swap``: one short transaction marks the date's current
snapshot ``replaced`` and the new one ``done``. A reader therefore sees the old
computation whole until that commit and the new one whole after it. If a part fails, the
new snapshot's rows are deleted and it is marked ``failed`` with the error
(``discard``); the old one stays current.

A replaced snapshot keeps its rows until the next refresh (``stale_delete``), so that a
page which picked it just before the swap still reads it whole.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from parity.core.connections import run_on_connections
from parity.core.models import AuditEvent
from parity.indicators.choices import RefreshStatus
from parity.indicators.models import AreaFigure, IndicatorValue, Snapshot

logger = logging.getLogger(__name__)

# Computations kept: every one of the last KEEP_DAYS days, and the last day of each month
# for ever (the trends); the others are deleted by the next refresh.
KEEP_DAYS = 7
# First key of the PostgreSQL advisory lock a refresh holds on its date (the second is
# the date's ordinal): two refreshes of one date run one after the other.
LOCK_KEY = 160_516


@dataclass(frozen=True)
class Part:
    """One independent piece of a refresh: ``run(cursor, snapshot)`` writes its rows into
    the snapshot and returns how many."""

    name: str
    run: Callable[[Any, Snapshot], int]


def workers_for(requested: int | None) -> int:
    """How many connections a refresh may use: ``requested`` (default the setting
    ``PARITY_REFRESH_WORKERS``) on PostgreSQL outside a transaction; otherwise one,
    since SQLite has one writer and the other connections could not see what the
    caller's open transaction holds."""
    wanted = settings.PARITY_REFRESH_WORKERS if requested is None else requested
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return 1
    return max(1, wanted)


@contextlib.contextmanager
def date_lock(as_of: dt.date) -> Iterator[None]:
    """Hold the refresh lock of a date (PostgreSQL; SQLite writes one at a time)."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s, %s)", (LOCK_KEY, as_of.toordinal()))
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", (LOCK_KEY, as_of.toordinal()))


def current(as_of: dt.date) -> Snapshot | None:
    """The date's ``done`` snapshot, the one pages read."""
    return Snapshot.objects.filter(as_of=as_of, status=RefreshStatus.DONE).first()


def begin(*, as_of: dt.date, acting_user) -> Snapshot:
    """A new, running snapshot of the date (committed at once when no transaction is
    open, so that the other connections may write into it)."""
    return Snapshot.objects.create(
        as_of=as_of,
        status=RefreshStatus.RUNNING,
        started_at=timezone.now(),
        started_by=acting_user if getattr(acting_user, "pk", None) else None,
    )


def _delete(pks: Sequence[int]) -> int:
    """Delete snapshots in bulk, their rows first (no per-row cascade)."""
    if not pks:
        return 0
    IndicatorValue.objects.filter(snapshot_id__in=pks).delete()
    AreaFigure.objects.filter(snapshot_id__in=pks).delete()
    Snapshot.objects.filter(pk__in=pks).delete()
    return len(pks)


def prune(*, keep_after: dt.date) -> int:
    """Delete the computations dated on or before ``keep_after`` that are not a month's
    last day (a running one is left to its refresh). Returns how many."""
    old = [
        s.pk
        for s in Snapshot.objects.filter(as_of__lte=keep_after)
        .exclude(status=RefreshStatus.RUNNING)
        .only("pk", "as_of")
        if (s.as_of + dt.timedelta(days=1)).day != 1
    ]
    return _delete(old)


def stale_delete(snapshot: Snapshot) -> int:
    """Delete what earlier refreshes left: replaced snapshots (their pages have long been
    served), the failed ones of the snapshot's date, the running ones of its date other
    than this one (a refresh that was killed: this refresh holds the date's lock), and the
    computations ``prune`` drops. Returns how many snapshots."""
    others = Snapshot.objects.exclude(pk=snapshot.pk)
    stale = others.filter(
        Q(status=RefreshStatus.REPLACED)
        | Q(as_of=snapshot.as_of, status__in=[RefreshStatus.FAILED, RefreshStatus.RUNNING])
    )
    deleted = _delete(list(stale.values_list("pk", flat=True)))
    return deleted + prune(keep_after=snapshot.as_of - dt.timedelta(days=KEEP_DAYS))


def run_parts(
    parts: Sequence[Part],
    snapshot: Snapshot,
    *,
    workers: int,
    prepare: Callable[[Any], None],
    progress: Callable[[str], None] | None = None,
    timings: dict[str, float] | None = None,
) -> int:
    """Run every part into the snapshot, each in its own transaction, taken in order from
    one queue by ``workers`` connections (this thread's, and one thread with its own
    connection for each other worker). ``prepare(cursor)`` runs first in each part's
    transaction. After a failure no new part starts; the first error is raised once every
    worker has stopped. Returns the rows written."""
    lock = threading.Lock()
    written = [0]

    def run_one(part: Part) -> None:
        if progress:
            progress(part.name)
        started = time.monotonic()
        with transaction.atomic(), connection.cursor() as cursor:
            prepare(cursor)
            rows = part.run(cursor, snapshot)
        if timings is not None:
            timings[part.name] = time.monotonic() - started
        with lock:
            written[0] += rows

    run_on_connections([partial(run_one, part) for part in parts], workers=workers)
    return written[0]


def swap(snapshot: Snapshot, *, base: Snapshot | None, seconds: float, audit: dict) -> None:
    """Make the snapshot its date's current one, in one short transaction: the current one
    (which must still be ``base``, the one a partial refresh copied from) becomes
    ``replaced``, this one ``done``; audited as ``indicators.refresh``."""
    with transaction.atomic():
        old = (
            Snapshot.objects.select_for_update()
            .filter(as_of=snapshot.as_of, status=RefreshStatus.DONE)
            .first()
        )
        if base is not None and old != base:
            raise RuntimeError(f"snapshot {base.pk} was replaced while this refresh ran")
        if old is not None:
            old.status = RefreshStatus.REPLACED
            old.save(update_fields=["status"])
        snapshot.status = RefreshStatus.DONE
        snapshot.finished_at = timezone.now()
        snapshot.seconds = round(seconds, 3)
        snapshot.error = ""
        snapshot.save(update_fields=["status", "finished_at", "seconds", "rows", "error"])
        AuditEvent.objects.create(
            actor=snapshot.started_by,
            action="indicators.refresh",
            object_type="indicators.snapshot",
            object_id=str(snapshot.pk),
            after={**audit, "rows": snapshot.rows, "seconds": snapshot.seconds,
                   "replaced": old.pk if old else None},
        )  # fmt: skip


def discard(snapshot: Snapshot, error: BaseException, *, seconds: float) -> None:
    """A refresh failed: the snapshot's rows go, it is kept as ``failed`` with the error
    (for the administrator; the next refresh of its date deletes it)."""
    with transaction.atomic():
        IndicatorValue.objects.filter(snapshot=snapshot).delete()
        AreaFigure.objects.filter(snapshot=snapshot).delete()
        Snapshot.objects.filter(pk=snapshot.pk).update(
            status=RefreshStatus.FAILED,
            finished_at=timezone.now(),
            seconds=round(seconds, 3),
            rows=0,
            error=f"{type(error).__name__}: {error}"[:2000],
        )
    logger.warning(
        "indicators refresh failed",
        extra={"as_of": snapshot.as_of, "snapshot_id": snapshot.pk, "error": type(error).__name__},
    )
