"""Independent database work on several connections at once.

PostgreSQL runs one statement of a connection on one core (but for its parallel plans):
work made of independent statements (an indicator refresh's parts, the demo's index
builds) ends sooner when two connections take it from one queue. Django gives each
thread its own connection, so each worker is a thread; this thread is the first.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence

from django.db import connection


def run_on_connections(tasks: Sequence[Callable[[], object]], *, workers: int) -> None:
    """Run every task, taken in order from one queue by ``workers`` connections (this
    thread's, and one thread with its own connection for each other worker; put the
    longest first so that they end together). After a failure no new task starts; the
    first error is raised once every worker has stopped.

    Each task runs on whichever connection takes it: a task must not need what another
    wrote in a transaction still open, and on a connection inside a transaction (tests)
    the other connections see nothing of it. Callers fall back to ``workers=1`` there."""
    queue = list(reversed(tasks))
    lock = threading.Lock()
    errors: list[BaseException] = []

    def work() -> None:
        while True:
            with lock:
                if errors or not queue:
                    return
                task = queue.pop()
            try:
                task()
            except BaseException as error:  # noqa: BLE001 - handed to the caller below
                with lock:
                    errors.append(error)
                return

    def thread_work() -> None:
        try:
            work()
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=thread_work, daemon=True) for _ in range(workers - 1)]
    for thread in threads:
        thread.start()
    work()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
