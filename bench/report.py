"""Benchmark: ``figures(as_of, city)`` (every figure of ``parity report``) next to one
hand-written SQL query of the headline counts (floating, inflow, outflow, married women
15–49, rented share), measured in the same run on the same PostgreSQL database.

    .venv/bin/python bench/report.py [--source fill|demo] [--scale 1] [--repeat 3] [--keep]

Uses BENCH_DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/parity_bench_report):
dropped and created afresh, migrated, loaded with the demo area tree and the catalog, then
filled either by ``--source fill`` (this script's own generate_series INSERTs: people,
residences, jobs, health records; fast, crude) or ``--source demo`` (``parity demo
--scale S``). Not a test: it prints figures for bench/README.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/parity_bench_report"


def recreate_database(url: str) -> None:
    import psycopg

    parts = urlparse(url)
    admin_url = urlunparse(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{parts.path.lstrip("/")}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{parts.path.lstrip("/")}"')


# Proportions like the report's city: 520k inflow, 80k outflow, 2.2M registered at scale 1.
FILL_SQL = """
WITH grids AS (
    SELECT row_number() OVER (ORDER BY code) - 1 AS n, id, code FROM areas_area WHERE level = 5
), g AS (SELECT count(*) AS c FROM grids)
INSERT INTO people_person (
    id_number_enc, id_hash, id_masked, name, sex, birth_date, ethnicity, education,
    marital_status, hukou_code, hukou_type, phone_enc, phone_hash, phone_masked, status,
    area_code, grid_id, outflow_region_code, outflow_since, arrived_city_on, left_city_on,
    created_at, updated_at)
SELECT 'x', md5(i::text), 'masked', 'p' || i,
       CASE WHEN i %% 2 = 0 THEN 'F' ELSE 'M' END,
       DATE '1950-01-01' + (i * 7919 %% 27000)::int,
       '01', '',
       CASE WHEN i %% 5 < 3 THEN 'married' ELSE 'unmarried' END,
       CASE WHEN i < %(inflow)s THEN
            (ARRAY['410102','130102','510104','140105','610102','620102','370102','150102',
                   '150302','150602','640104','230102','340102','430102','320102'])[1 + i %% 15]
            ELSE '150203' END,
       '', '', '', '',
       CASE WHEN i < %(inflow)s THEN 'inflow'
            WHEN i < %(inflow)s + %(outflow)s THEN 'outflow' ELSE 'registered' END,
       grids.code, grids.id,
       CASE WHEN i >= %(inflow)s AND i < %(inflow)s + %(outflow)s THEN '330102' ELSE '' END,
       CASE WHEN i >= %(inflow)s AND i < %(inflow)s + %(outflow)s
            THEN %(as_of)s::date - (i %% 3650)::int END,
       CASE WHEN i >= %(inflow)s AND i < %(inflow)s + %(outflow)s THEN NULL
            ELSE %(as_of)s::date - (i * 31 %% 5000)::int END,
       CASE WHEN i >= %(inflow)s AND i < %(inflow)s + %(outflow)s
            THEN %(as_of)s::date - (i %% 3650)::int END,
       now(), now()
FROM generate_series(0::bigint, %(total)s - 1) AS i CROSS JOIN g
JOIN grids ON grids.n = i %% g.c
"""

FILL_RESIDENCES = """
INSERT INTO people_residence (person_id, grid_id, area_code, arrived_on, departed_on,
    housing_type, address, move_reason, departed_to_code, created_at, updated_at)
SELECT id, grid_id, area_code, arrived_city_on, NULL,
       CASE WHEN id %% 10 < 6 THEN 'rented' ELSE 'own' END, '', '', '', now(), now()
FROM people_person WHERE status <> 'outflow'
"""

FILL_JOBS = """
INSERT INTO people_employment (person_id, industry, occupation, employer, area_code,
    started_on, ended_on, created_at, updated_at)
SELECT id, CASE WHEN id %% 10 < 7 THEN 'H' ELSE 'C' END, '', '', area_code, NULL, NULL,
       now(), now()
FROM people_person WHERE id %% 3 <> 0
"""

FILL_RECORDS = """
INSERT INTO services_serviceevent (person_id, service_type_id, date, outcome, details, note,
    area_code, created_at)
SELECT p.id, t.id, %(as_of)s::date - 100, 'completed', '{}', '', p.area_code, now()
FROM people_person p, services_servicetype t
WHERE t.code = 'health_record' AND p.status <> 'outflow' AND p.id %% 4 <> 0
"""

HAND_SQL = """
SELECT
  count(*) FILTER (WHERE f) AS floating,
  count(*) FILTER (WHERE i) AS inflow,
  count(*) FILTER (WHERE o) AS outflow,
  count(*) FILTER (WHERE f AND sex = 'F' AND marital_status = 'married'
                   AND birth_date <= %(d15)s AND birth_date > %(d50)s) AS married_women,
  count(*) FILTER (WHERE i AND rented) AS rented,
  count(*) FILTER (WHERE i) AS living_here
FROM (
  SELECT p.sex, p.marital_status, p.birth_date,
         (p.status = 'inflow' AND p.arrived_city_on <= %(d)s
          AND (p.left_city_on IS NULL OR p.left_city_on > %(d)s)) AS i,
         (p.status = 'outflow' AND (p.outflow_since IS NULL OR p.outflow_since <= %(d)s)) AS o,
         (p.status = 'inflow' AND p.arrived_city_on <= %(d)s
          AND (p.left_city_on IS NULL OR p.left_city_on > %(d)s))
         OR (p.status = 'outflow' AND (p.outflow_since IS NULL OR p.outflow_since <= %(d)s))
           AS f,
         r.id IS NOT NULL AS rented
  FROM people_person p
  LEFT JOIN people_residence r
    ON r.person_id = p.id AND r.housing_type = 'rented' AND r.arrived_on <= %(d)s
   AND (r.departed_on IS NULL OR r.departed_on > %(d)s)
  WHERE p.area_code LIKE %(prefix)s
) AS x
"""


def fill(as_of: dt.date, scale: float) -> None:
    from django.db import connection

    inflow, outflow = int(520_000 * scale), int(80_000 * scale)
    total = inflow + outflow + int(2_200_000 * scale)
    params = {"inflow": inflow, "outflow": outflow, "total": total, "as_of": as_of}
    with connection.cursor() as cursor:
        for label, sql in (
            ("people", FILL_SQL),
            ("residences", FILL_RESIDENCES),
            ("jobs", FILL_JOBS),
            ("health records", FILL_RECORDS),
        ):
            start = time.perf_counter()
            cursor.execute(sql, params)
            print(f"fill {label}: {cursor.rowcount:,} rows, {time.perf_counter() - start:.1f} s")
        cursor.execute("VACUUM ANALYZE")


def timed(fn, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--source", choices=["fill", "demo"], default="fill")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--as-of", default="2026-11-29")
    parser.add_argument("--reuse", action="store_true", help="keep the filled database as is")
    args = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    as_of = dt.date.fromisoformat(args.as_of)
    if not args.reuse:
        recreate_database(url)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from parity.reports.figures import figures, headline

    if not args.reuse:
        call_command("migrate", verbosity=0)
        call_command("load_areas", verbosity=0)
        call_command("load_catalog", verbosity=0)
        call_command("load_schedule", verbosity=0)
        start = time.perf_counter()
        if args.source == "demo":
            call_command("demo", scale=args.scale, as_of=as_of, verbosity=1)
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        else:
            fill(as_of, args.scale)
        print(f"filled ({args.source}, scale {args.scale}) in {time.perf_counter() - start:.1f} s")
    city = settings.PARITY_CITY_CODE
    d = as_of
    params = {
        "d": d,
        "d15": d.replace(year=d.year - 15),
        "d50": d.replace(year=d.year - 50),
        "prefix": city + "%",
    }

    def hand():
        with connection.cursor() as cursor:
            cursor.execute(HAND_SQL, params)
            return cursor.fetchone()

    hand()  # warm the cache for both
    t_hand, row = timed(hand, args.repeat)
    t_head, head = timed(lambda: headline(d, city), args.repeat)
    t_all, result = timed(lambda: figures(as_of=d, area=city), args.repeat)
    print(f"hand-written query: {t_hand:.3f} s -> {row}")
    print(f"headline() alone:   {t_head:.3f} s")
    print(f"figures():          {t_all:.3f} s")
    print(
        f"floating {result.floating:,} inflow {result.inflow:,} outflow {result.outflow:,} "
        f"married women {result.married_women:,} rented {result.rented_share}% "
        f"growth {result.growth}x"
    )
    print(f"ratio figures() / hand query: {t_all / t_hand:.2f}x")
    print(f"ratio headline() / hand query: {t_head / t_hand:.2f}x")
    assert row is not None
    assert (row[0], row[1], row[2], row[3], row[4]) == (
        result.floating,
        result.inflow,
        result.outflow,
        result.married_women,
        result.rented,
    ), "the hand-written query and figures() disagree"


if __name__ == "__main__":
    main()
