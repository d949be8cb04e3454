"""Rows straight to the tables: ``COPY`` on PostgreSQL, ``executemany`` elsewhere.

The generator gives every row its primary key itself (the demo owns its tables: it has
just emptied them), so that rows can point at each other before anything is written and
nothing has to be read back. Values are already in their stored form: dates as ISO
strings, booleans as 1 / 0, ``None`` for NULL; free text never holds a tab, a newline or a
backslash (the generator writes all of it).

On PostgreSQL, outside a transaction, the ``COPY`` runs in a thread of its own, on its own
connection, while the generator makes the next chunk: the server's work on one core
overlaps Python's on the other (at scale 1 the writes were about half of the generation's
time). Chunks are still written one at a time, in order, one transaction each.
"""

from __future__ import annotations

import queue
import threading
from functools import partial

from django.apps import apps
from django.db import connection, connections, transaction

from parity.core.connections import run_on_connections
from parity.core.imports.copy import copy_payload

# Tables in the order they are written in a flush: a row's targets come first.
ORDER = (
    "housing_dwelling",
    "people_person",
    "people_household",
    "people_householdmember",
    "people_residence",
    "people_employment",
    "services_serviceevent",
    "immunization_vaccinationrecord",
    "immunization_campaigntarget",
    "maternal_pregnancy",
    "maternal_antenatalvisit",
    "maternal_postpartumvisit",
    "maternal_childhealthcheck",
    "certificates_marriagecertificate",
    "certificates_residencepermit",
    "services_visit",
)
# Connections the secondary indexes are built on at the end of a load (two cores).
INDEX_WORKERS = 2


class Sink:
    """Buffers rows per table and writes them, table by table, in one transaction per
    flush; hands out primary keys, then moves the sequences past them (``close``)."""

    def __init__(self, columns: dict[str, tuple[str, ...]], flush_rows: int = 200_000) -> None:
        self.columns = columns
        self.rows: dict[str, list[tuple]] = {table: [] for table in columns}
        self.next_id: dict[str, int] = {}
        self.counts: dict[str, int] = dict.fromkeys(columns, 0)
        self.flush_rows = flush_rows
        self.pending = 0
        self.postgres = connection.vendor == "postgresql"
        self.skip_triggers = self.postgres and _superuser()
        # Inside a transaction (tests) another connection would not see its rows, and
        # would wait on its locks: write on this connection then.
        self.background = self.postgres and not connection.in_atomic_block
        self.chunks: queue.Queue[list[tuple[str, bytes]] | None] = queue.Queue(maxsize=1)
        self.thread: threading.Thread | None = None
        self.error: BaseException | None = None

    def start_ids(self) -> None:
        """Ids continue after whatever the tables hold (nothing, after a replace)."""
        with connection.cursor() as cursor:
            for table in self.columns:
                cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")
                self.next_id[table] = cursor.fetchone()[0] + 1

    def new_id(self, table: str) -> int:
        pk = self.next_id[table]
        self.next_id[table] = pk + 1
        return pk

    def add(self, table: str, row: tuple) -> None:
        self.rows[table].append(row)
        self.pending += 1

    def maybe_flush(self) -> None:
        if self.pending >= self.flush_rows:
            self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        if self.postgres:
            chunk = []
            for table in ORDER:
                rows = self.rows.get(table)
                if rows:
                    chunk.append((table, _copy_text(rows)))
                    self.counts[table] += len(rows)
                    self.rows[table] = []
            self.pending = 0
            if self.background:
                self._hand_over(chunk)
            else:
                self._copy(chunk)
            return
        with transaction.atomic(), connection.cursor() as cursor:
            for table in ORDER:
                rows = self.rows.get(table)
                if rows:
                    columns = self.columns[table]
                    marks = ", ".join(["%s"] * len(columns))
                    cursor.executemany(
                        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows
                    )
                    self.counts[table] += len(rows)
                    self.rows[table] = []
        self.pending = 0

    def _copy(self, chunk: list[tuple[str, bytes]]) -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit = off")
            if self.skip_triggers:
                # The foreign key checks (deferred triggers, one per row and key) cost more
                # than the COPY itself; every key here was handed out by this generator a
                # moment ago. Only a superuser may do this: others get the checks.
                cursor.execute("SET LOCAL session_replication_role = replica")
            for table, text in chunk:
                copy_payload(cursor, table, self.columns[table], text)

    def _hand_over(self, chunk: list[tuple[str, bytes]]) -> None:
        if self.thread is None:
            self.thread = threading.Thread(target=self._copy_chunks, name="demo-copy")
            self.thread.start()
        while True:
            self._raise_error()
            try:
                self.chunks.put(chunk, timeout=1)
                return
            except queue.Full:
                continue

    def _copy_chunks(self) -> None:
        try:
            while (chunk := self.chunks.get()) is not None:
                if self.error is None:  # after a failure, take the rest and drop it
                    self._copy(chunk)
        except BaseException as error:  # handed to the generator's thread
            self.error = error
            while self.chunks.get() is not None:
                pass
        finally:
            connections.close_all()  # this thread's connection

    def _raise_error(self) -> None:
        if self.error is not None:
            raise RuntimeError("writing the demo city failed") from self.error

    def stop(self) -> None:
        """Let the writing thread write what it was handed, then end."""
        if self.thread is not None:
            self.chunks.put(None)
            self.thread.join()
            self.thread = None

    def finish(self) -> None:
        """Wait for every chunk handed over to be written; raise if one failed."""
        self.stop()
        self._raise_error()

    def drop_indexes(self) -> list[tuple[str, str]]:
        """Drop the secondary indexes of the (empty) tables, PostgreSQL only; returns each
        one's table and the statement that builds it again. Primary keys and constraints
        stay."""
        if not self.postgres:
            return []
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT i.indexname, i.tablename, i.indexdef FROM pg_indexes i "
                "WHERE i.schemaname = current_schema() AND i.tablename = ANY(%s) "
                "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
                [list(self.columns)],
            )
            found = cursor.fetchall()
            for name, _table, _definition in found:
                cursor.execute(f'DROP INDEX "{name}"')
        return [(table, definition) for _name, table, definition in found]

    def restore_indexes(self, indexes: list[tuple[str, str]], workers: int = INDEX_WORKERS) -> None:
        """Build the dropped indexes again: those of the largest tables first, on
        ``workers`` connections at once outside a transaction (an index build is one
        statement on one core, mostly), on this one inside (tests)."""
        self.stop()  # after a failure the writes may still be going on
        if not indexes:
            return
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT relname, pg_relation_size(oid) FROM pg_class "
                "WHERE relnamespace = current_schema()::regnamespace AND relname = ANY(%s)",
                [sorted({table for table, _definition in indexes})],
            )
            size = dict(cursor.fetchall())
        ordered = sorted(indexes, key=lambda index: -size.get(index[0], 0))

        if connection.in_atomic_block:
            workers = 1

        def build(definition: str) -> None:
            with connection.cursor() as cursor:
                cursor.execute("SET maintenance_work_mem = '256MB'")
                if workers > 1:
                    # The cores are taken by the connections: a build's own parallel
                    # workers only queued behind them (measured: 88.8 s with, 83.4 s
                    # without, on two connections at scale 1).
                    cursor.execute("SET max_parallel_maintenance_workers = 0")
                cursor.execute(definition)

        run_on_connections(
            [partial(build, definition) for _table, definition in ordered], workers=workers
        )

    def close(self) -> None:
        self.flush()
        self.finish()
        if not self.postgres:
            return  # SQLite's AUTOINCREMENT follows the largest id inserted
        with connection.cursor() as cursor:
            for table in self.columns:
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence(%s, 'id'), "
                    f"GREATEST((SELECT COALESCE(MAX(id), 0) FROM {table}), 1))",
                    [table],
                )


def _copy_text(rows: list[tuple]) -> bytes:
    return "".join(
        "\t".join(["\\N" if v is None else str(v) for v in row]) + "\n" for row in rows
    ).encode()


def _superuser() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        row = cursor.fetchone()
    return bool(row and row[0])


def registry_tables() -> list[str]:
    """Every table of the registry and its records, children first; the catalogs (service
    types, vaccines, the schedule) stay."""
    keep = {
        "services_servicetype",
        "services_eligibilityrule",
        "immunization_vaccine",
        "immunization_scheduleedition",
        "immunization_scheduledose",
    }
    tables = []
    for label in ("immunization", "maternal", "certificates", "services", "people", "housing"):
        for model in apps.get_app_config(label).get_models():
            table = model._meta.db_table
            if table not in keep and not model._meta.proxy:
                tables.append(table)
    return tables
