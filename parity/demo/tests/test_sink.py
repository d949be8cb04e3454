"""The demo's sink: rows written in order, and on PostgreSQL (outside a transaction) by a
thread of its own whose failure reaches the generator."""

from __future__ import annotations

import pytest
from django.db import connection

from parity.conftest import GRID
from parity.demo.columns import COLUMNS
from parity.demo.sink import Sink
from parity.housing.models import Dwelling

STAMP = "2025-06-30 01:00:00"


def _dwelling(pk: int, grid) -> tuple:
    return (pk, STAMP, STAMP, f"幸福小区{pk}号", grid.pk, grid.code, "own", 0, "", None, "", "", "")


@pytest.mark.django_db(transaction=True)
def test_it_writes_every_row_handed_to_it(areas):
    sink = Sink({"housing_dwelling": COLUMNS["housing_dwelling"]}, flush_rows=2)
    sink.start_ids()
    for _ in range(5):
        sink.add("housing_dwelling", _dwelling(sink.new_id("housing_dwelling"), areas[GRID]))
        sink.maybe_flush()
    sink.close()
    assert sink.background == (connection.vendor == "postgresql")
    assert Dwelling.objects.count() == sink.counts["housing_dwelling"] == 5


@pytest.mark.django_db(transaction=True)
def test_a_failed_write_in_the_thread_is_raised_to_the_generator(areas):
    if connection.vendor != "postgresql":
        pytest.skip("the writing thread is PostgreSQL's")
    sink = Sink({"housing_dwelling": COLUMNS["housing_dwelling"]})
    sink.add("housing_dwelling", _dwelling(1, areas[GRID]))
    sink.add("housing_dwelling", _dwelling(1, areas[GRID]))  # the same primary key
    sink.flush()
    with pytest.raises(RuntimeError, match="writing the demo city failed"):
        sink.close()
    sink.restore_indexes([])  # after a failure: ends the thread, raises nothing
    assert sink.thread is None and not Dwelling.objects.exists()


def _index_names(table: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() "
            "AND tablename = %s",
            [table],
        )
        return {name for (name,) in cursor.fetchall()}


@pytest.mark.django_db(transaction=True)
def test_dropped_indexes_are_built_again_on_two_connections(areas):
    if connection.vendor != "postgresql":
        pytest.skip("only PostgreSQL's indexes are dropped for a load")
    tables = ("housing_dwelling", "people_person")
    before = {table: _index_names(table) for table in tables}
    sink = Sink({table: COLUMNS[table] for table in tables})
    dropped = sink.drop_indexes()
    assert {table for table, _definition in dropped} == set(tables)
    for table in tables:
        assert _index_names(table) < before[table]  # primary keys and constraints stay
    sink.restore_indexes(dropped, workers=2)
    assert {table: _index_names(table) for table in tables} == before


@pytest.mark.django_db(transaction=True)
def test_a_failed_index_build_is_raised_and_starts_no_other(areas):
    if connection.vendor != "postgresql":
        pytest.skip("only PostgreSQL's indexes are dropped for a load")
    sink = Sink({"housing_dwelling": COLUMNS["housing_dwelling"]})
    dropped = sink.drop_indexes()
    left = _index_names("housing_dwelling")
    broken = [("housing_dwelling", "CREATE INDEX broken ON housing_dwelling (no_such_column)")]
    with pytest.raises(Exception, match="no_such_column"):
        sink.restore_indexes(broken + dropped, workers=1)
    assert _index_names("housing_dwelling") == left  # neither the broken one nor the next
    sink.restore_indexes(dropped, workers=2)  # leave the table as the other tests expect
