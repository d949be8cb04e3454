"""A bulk write keeps the planner's statistics up with the rows it has written, inside its
own transaction (``core.imports.statistics``)."""

from __future__ import annotations

import pytest
from django.db import connection

from parity.conftest import GRID
from parity.core.imports import statistics
from parity.core.imports.statistics import analyze_grown
from parity.housing.models import Dwelling

pytestmark = pytest.mark.django_db

TABLE = Dwelling._meta.db_table


def _known_pages() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT relpages FROM pg_class WHERE relname = %s", [TABLE])
        return cursor.fetchone()[0]


def _fill(grid, count: int, start: int = 0) -> None:
    Dwelling.objects.bulk_create(
        [
            Dwelling(
                address=f"幸福小区{start + n}号楼{'甲' * 60}",
                grid=grid,
                area_code=grid.code,
                dwelling_type="own",
            )
            for n in range(count)
        ],
        batch_size=2000,
    )


def test_a_table_that_doubled_is_analyzed_in_the_writing_transaction(areas, monkeypatch):
    if connection.vendor != "postgresql":
        assert analyze_grown([TABLE]) == []  # SQLite plans without such statistics
        return
    monkeypatch.setattr(statistics, "MIN_PAGES", 8)
    grid = areas[GRID]
    _fill(grid, 3000)
    # The rows are not committed (the test's transaction): only ANALYZE in it sees them.
    assert analyze_grown([TABLE]) == [TABLE]
    pages = _known_pages()
    assert pages >= 8
    assert analyze_grown([TABLE]) == []  # not grown since
    _fill(grid, 3000, start=3000)
    assert analyze_grown([TABLE]) == [], "grown by half: not yet"
    _fill(grid, 3000, start=6000)
    assert analyze_grown([TABLE]) == [TABLE]
    assert _known_pages() >= 2 * pages


def test_small_tables_and_unknown_names_are_left_alone(areas):
    assert analyze_grown([TABLE, "no_such_table"]) == []
    assert analyze_grown([]) == []
