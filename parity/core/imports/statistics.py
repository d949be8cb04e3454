"""Planner statistics kept up with a bulk write while it runs.

PostgreSQL plans with the statistics of the last ``ANALYZE``; autovacuum cannot analyze
rows a transaction has not committed yet. A large import (the staging path writes a whole
file in one transaction) therefore ran its later statements with the statistics of the
tables before it: for a city's first import, of empty tables. The planner then chose
plans that scan a whole table for each chunk, and each chunk cost more than the one
before (600,000 people: 180 s instead of about 60). ``ANALYZE`` inside the transaction
counts its own new rows, so analyzing a table each time it has doubled since its
statistics keeps the plans right for a handful of ``ANALYZE`` runs an import.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection

# A table is analyzed again once it has this many times the pages of its statistics ...
GROWTH = 2
# ... and at least this many pages (8 kB each): smaller tables plan well either way.
MIN_PAGES = 128


def analyze_grown(tables: Sequence[str]) -> list[str]:
    """``ANALYZE`` each of the tables that has grown past ``GROWTH`` times the size its
    statistics know (PostgreSQL; elsewhere nothing). Returns the tables analyzed."""
    if connection.vendor != "postgresql" or not tables:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname FROM pg_class "
            "WHERE relnamespace = current_schema()::regnamespace AND relname = ANY(%s) "
            "AND pg_relation_size(oid) / current_setting('block_size')::int "
            ">= GREATEST(relpages * %s, %s)",
            [list(tables), GROWTH, MIN_PAGES],
        )
        grown = sorted(name for (name,) in cursor.fetchall())
        for name in grown:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(name)}")
    return grown
