"""Benchmark: compiling and running the 孕产期检查逾期 key group and the pregnancies' overdue
list on a city, read only:

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/parity_city1 PARITY_VAR_DIR=... \\
        .venv/bin/python bench/pregnancy_overdue.py [--as-of DATE] [--grid CODE]
        [--temp-table] [--compare] [--repeat 10]

Times ``qs.query.sql_with_params()`` (the Python cost of every request) and the query of
three readings: a grid's work-list rows, the key group for the city, the list's first
page. ``--temp-table`` builds ``maternal_pregnancyvisitdue`` as a TEMP table from the
city's rows in this session (the ``INSERT … SELECT`` of the nightly refresh), for a
database not migrated yet: ``pg_temp`` comes first on the search path, so the ORM reads
it; nothing is written to the database itself. ``--compare`` checks that the table's
reading and the reading computed from the visits list the same pregnancies, points and
dates on four dates. ``BENCH_TREE=/path/to/an/older/checkout`` measures that tree's code
(the figures before; without the two options).
Not a test: it prints figures for bench/README.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from pathlib import Path

# BENCH_TREE: another checkout whose code to measure (the figures before a change).
sys.path.insert(0, os.environ.get("BENCH_TREE") or str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from parity.maternal.selectors import pregnancies_overdue  # noqa: E402
from parity.services.keygroups import KEY_GROUPS, _worklist_rows  # noqa: E402


def _temp_table(on: dt.date) -> None:
    from parity.maternal import visit_due  # only with --temp-table: the code after the table

    with connection.cursor() as cursor:
        cursor.execute(
            """CREATE TEMP TABLE maternal_pregnancyvisitdue (id bigserial PRIMARY KEY,
            pregnancy_id bigint NOT NULL, person_id bigint NOT NULL,
            point varchar(16) NOT NULL, overdue_on date NOT NULL, listed_from date NOT NULL,
            overdue_until date NOT NULL, computed_on date NOT NULL)"""
        )
        started = time.perf_counter()
        cursor.execute(
            visit_due.insert_select_sql(
                "maternal_pregnancyvisitdue",
                "maternal_pregnancy",
                "maternal_antenatalvisit",
                "maternal_postpartumvisit",
            ),
            {"on": on, "history": on - dt.timedelta(days=visit_due.HISTORY_DAYS)},
        )
        rows = cursor.rowcount
        print(f"fill (INSERT … SELECT): {rows} rows in {time.perf_counter() - started:.2f} s")
        for columns in (
            "person_id, overdue_on, listed_from",
            "pregnancy_id, overdue_on, listed_from",
            "overdue_until, listed_from",
        ):
            cursor.execute(f"CREATE INDEX ON maternal_pregnancyvisitdue ({columns})")
        cursor.execute("ANALYZE maternal_pregnancyvisitdue")


def _compare(on: dt.date, group) -> None:
    from parity.maternal.models import Pregnancy  # only with --compare (after the table)
    from parity.maternal.selectors import _pregnancies_overdue_computed  # likewise

    for day in (
        on,
        on - dt.timedelta(days=100),
        on - dt.timedelta(days=300),
        on + dt.timedelta(30),
    ):
        fields = ("pk", "overdue_point", "overdue_since")
        new = set(pregnancies_overdue(day).values_list(*fields))
        old = set(_pregnancies_overdue_computed(day, Pregnancy.objects.all()).values_list(*fields))
        people = group.build(day).count()
        verdict = "same" if new == old else f"DIFFER in {len(new ^ old)}"
        print(f"{day}: {len(new)} pregnancies, {verdict}; {people} women")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--as-of", type=dt.date.fromisoformat, default=dt.date(2026, 12, 6))
    parser.add_argument("--grid", default="150202009006003")
    parser.add_argument("--temp-table", action="store_true")
    parser.add_argument("--compare", action="store_true")
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    on = args.as_of
    if args.temp_table:
        _temp_table(on)
    group = KEY_GROUPS["pregnancy_overdue"]
    readings = {
        "work list (grid)": lambda: _worklist_rows(group, on, args.grid),
        "key group (city)": lambda: group.build(on).order_by("since", "pk"),
        "list": lambda: pregnancies_overdue(on),
    }
    for label, make in readings.items():
        make().query.sql_with_params()
        started = time.perf_counter()
        for _ in range(args.repeat):
            sql, _params = make().query.sql_with_params()
        compile_ms = (time.perf_counter() - started) / args.repeat * 1000
        list(make()[:50])
        started = time.perf_counter()
        list(make()[:50])
        first_ms = (time.perf_counter() - started) * 1000
        started = time.perf_counter()
        count = make().count()
        count_ms = (time.perf_counter() - started) * 1000
        print(
            f"{label:18s} compile {compile_ms:7.2f} ms  first 50 {first_ms:7.1f} ms  "
            f"count {count} in {count_ms:7.1f} ms  SQL {len(sql)} chars"
        )
    if args.compare:
        _compare(on, group)


if __name__ == "__main__":
    main()
