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
