"""Benchmark: ``figures(as_of, city)`` (every figure of ``parity report``) next to
hand-written SQL, measured in the same run on the same PostgreSQL database:

- ``hand_all``: every count the report prints, by the report's definitions, written by
  hand as one statement (HAND_ALL_SQL): the like-for-like baseline;
- ``hand``: the five headline counts (floating, inflow, outflow, married women 15–49,
  rented) as one query over all the area's people (HAND_SQL, the baseline of the first
  measurements);
- ``hand_floating``: the same five counts written for the index of the floating
  population (HAND_SQL_FLOATING).

    .venv/bin/python bench/report.py [--source fill|demo] [--scale 1] [--repeat 3]
        [--as-of 2026-11-29] [--seed 2014] [--reuse] [--parts] [--no-jit]

Uses BENCH_DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/parity_bench_report):
dropped and created afresh, migrated, loaded with the demo area tree and the catalog, then
filled either by ``--source fill`` (this script's own generate_series INSERTs: people,
residences, jobs, health records; fast, crude) or ``--source demo`` (``parity demo
--scale S --seed N --as-of D``, then ``refresh_immunization`` as ``make run`` does, then
``VACUUM ANALYZE``). ``--reuse`` measures a database filled before, as it is: nothing is
dropped, migrated or generated (the way to measure again the kept scale-1 demo city,
BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/parity_city1). ``--parts`` also
times each family of figures on its own; ``--no-jit`` runs everything with ``SET jit =
off``, to compare. It asserts that every hand query gives the report's numbers. Not a
test: it prints figures for bench/README.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import sys
import time
from pathlib import Path

from dateutil.relativedelta import relativedelta

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from import_people import recreate_database  # noqa: E402

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/parity_bench_report"


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

# The same five counts written for the index of the floating population
# (``people_person_floating``): every counted row is an inflow or outflow person, so
# saying so changes no count and lets PostgreSQL read the index instead of the table.
HAND_SQL_FLOATING = HAND_SQL.replace(
    "WHERE p.area_code LIKE %(prefix)s",
    "WHERE p.area_code LIKE %(prefix)s AND p.status IN ('inflow', 'outflow')",
)
assert HAND_SQL_FLOATING != HAND_SQL

# Every count that ``parity report`` prints, by the report's definitions
# (parity/reports/figures.py), written by hand as one statement: what someone who knows
# the schema would write instead of the report's selectors. Run with JIT off: on this
# one large statement PostgreSQL's JIT compiles for about 2 s, which a hand-writer would
# notice and turn off (the report's own queries are small enough that JIT costs little).
HAND_ALL_SQL = """
SELECT * FROM
(SELECT sum(i) AS inflow, sum(o) AS outflow, sum(i10) AS inflow_10y, sum(o10) AS outflow_10y,
        sum(mw) AS married_women, count(*) FILTER (WHERE i > 0) AS origin_provinces,
        coalesce(sum(i + o) FILTER (WHERE prov <> %(home)s), 0) AS floating_outside_province,
        sum(s1) AS stay_under_6m, sum(s2) AS stay_6m_to_5y, sum(s3) AS stay_over_5y
 FROM (SELECT left(hukou_code, 2) AS prov,
              count(*) FILTER (WHERE i) AS i, count(*) FILTER (WHERE o) AS o,
              count(*) FILTER (WHERE status = 'inflow' AND arrived_city_on <= %(d10)s
                               AND (left_city_on IS NULL OR left_city_on > %(d10)s)) AS i10,
              count(*) FILTER (WHERE status = 'outflow'
                               AND (outflow_since IS NULL OR outflow_since <= %(d10)s)) AS o10,
              count(*) FILTER (WHERE (i OR o) AND sex = 'F' AND marital_status = 'married'
                               AND birth_date <= %(d15)s AND birth_date > %(d50)s) AS mw,
              count(*) FILTER (WHERE i AND arrived_city_on > %(d6m)s) AS s1,
              count(*) FILTER (WHERE i AND arrived_city_on <= %(d6m)s
                               AND arrived_city_on >= %(d5y)s) AS s2,
              count(*) FILTER (WHERE i AND arrived_city_on < %(d5y)s) AS s3
       FROM (SELECT p.*,
                    (status = 'inflow' AND arrived_city_on <= %(d)s
                     AND (left_city_on IS NULL OR left_city_on > %(d)s)) AS i,
                    (status = 'outflow' AND (outflow_since IS NULL OR outflow_since <= %(d)s)) AS o
             FROM people_person p
             WHERE area_code LIKE %(prefix)s AND status IN ('inflow', 'outflow')) p
       GROUP BY 1) g) people,
(SELECT count(*) AS rented FROM people_person p
 WHERE area_code LIKE %(prefix)s AND status = 'inflow' AND arrived_city_on <= %(d)s
   AND (left_city_on IS NULL OR left_city_on > %(d)s)
   AND EXISTS (SELECT 1 FROM people_residence r
               WHERE r.person_id = p.id AND r.housing_type = 'rented' AND r.arrived_on <= %(d)s
                 AND (r.departed_on IS NULL OR r.departed_on > %(d)s))) rented,
(SELECT count(DISTINCT e.person_id) AS employed,
        count(DISTINCT e.person_id) FILTER (WHERE e.industry = ANY(%(service)s))
          AS employed_service
 FROM people_employment e JOIN people_person p ON p.id = e.person_id
 WHERE p.area_code LIKE %(prefix)s AND p.status IN ('inflow', 'outflow')
   AND ((p.status = 'inflow' AND p.arrived_city_on <= %(d)s
         AND (p.left_city_on IS NULL OR p.left_city_on > %(d)s))
        OR (p.status = 'outflow' AND (p.outflow_since IS NULL OR p.outflow_since <= %(d)s)))
   AND (e.started_on IS NULL OR e.started_on <= %(d)s)
   AND (e.ended_on IS NULL OR e.ended_on > %(d)s)) jobs,
(SELECT count(*) AS health_records,
        count(*) FILTER (WHERE p.status <> 'registered') AS health_records_floating
 FROM people_person p
 WHERE p.area_code LIKE %(prefix)s
   AND ((p.status IN ('inflow', 'registered') AND p.arrived_city_on <= %(d)s
         AND (p.left_city_on IS NULL OR p.left_city_on > %(d)s))
        OR (p.status = 'outflow' AND (p.outflow_since IS NULL OR p.outflow_since <= %(d)s)))
   AND EXISTS (SELECT 1 FROM services_serviceevent e
               WHERE e.person_id = p.id AND e.date <= %(d)s
                 AND e.service_type_id = (SELECT id FROM services_servicetype
                                          WHERE code = 'health_record')
                 AND e.outcome IN ('completed', 'referred'))) records,
(SELECT count(*) AS pregnant FROM people_person p
 WHERE p.area_code LIKE %(prefix)s AND p.status IN ('inflow', 'outflow')
   AND ((p.status = 'inflow' AND p.arrived_city_on <= %(d)s
         AND (p.left_city_on IS NULL OR p.left_city_on > %(d)s))
        OR (p.status = 'outflow' AND (p.outflow_since IS NULL OR p.outflow_since <= %(d)s)))
   AND EXISTS (SELECT 1 FROM maternal_pregnancy g
               WHERE g.person_id = p.id AND g.registered_on <= %(d)s
                 AND (g.delivered_on IS NULL OR g.delivered_on > %(d)s)
                 AND (g.ended_on IS NULL OR g.ended_on > %(d)s))) pregnant,
(SELECT count(*) AS no_certificate FROM people_person p
 WHERE p.area_code LIKE %(prefix)s AND p.status = 'inflow' AND p.sex = 'F'
   AND p.birth_date <= %(d18)s AND p.birth_date > %(d50)s
   AND p.arrived_city_on <= %(d)s AND (p.left_city_on IS NULL OR p.left_city_on > %(d)s)
   AND NOT EXISTS (SELECT 1 FROM certificates_marriagecertificate c
                   WHERE c.person_id = p.id AND c.issued_on <= %(d)s
                     AND (c.valid_until IS NULL OR c.valid_until >= %(d)s))) nocert,
(SELECT count(DISTINCT t.person_id) AS campaign_targets,
        count(DISTINCT t.person_id) FILTER (WHERE EXISTS (
          SELECT 1 FROM immunization_vaccinationrecord v
          WHERE v.campaign_id = t.campaign_id AND v.person_id = t.person_id))
          AS campaign_vaccinated
 FROM immunization_campaigntarget t
 WHERE t.area_code LIKE %(prefix)s AND t.campaign_id = (
   SELECT c.id FROM immunization_campaign c
   JOIN immunization_campaignround r ON r.campaign_id = c.id
   WHERE (c.area_code = ANY(%(prefixes)s) OR c.area_code LIKE %(prefix)s)
     AND r.start_on <= %(d)s
   ORDER BY r.start_on DESC, c.created_at DESC, c.id DESC LIMIT 1)) campaign,
(SELECT count(*) AS health_sites FROM accounts_department s JOIN areas_area a ON a.id = s.area_id
 WHERE a.code LIKE %(prefix)s AND s.kind = ANY(%(site_kinds)s)) sites,
(SELECT count(*) AS supervision_assistants FROM services_providerstaff s
 WHERE s.active AND s.area_code LIKE %(prefix)s
   AND s.role = 'health_supervision_assistant') staff,
(SELECT count(*) AS grids,
        count(*) FILTER (WHERE
          EXISTS (SELECT 1 FROM core_auditevent x
                  WHERE x.area_code = g.code AND x.action <> 'person.reveal'
                    AND x.at >= %(start)s AND x.at < %(end)s)
       OR EXISTS (SELECT 1 FROM services_visit x WHERE x.area_code = g.code
                    AND x.created_at >= %(start)s AND x.created_at < %(end)s)
       OR EXISTS (SELECT 1 FROM people_person x WHERE x.area_code = g.code
                    AND x.updated_at >= %(start)s AND x.updated_at < %(end)s)
       OR EXISTS (SELECT 1 FROM people_residence x WHERE x.area_code = g.code
                    AND x.updated_at >= %(start)s AND x.updated_at < %(end)s)
       OR EXISTS (SELECT 1 FROM services_serviceevent x WHERE x.area_code = g.code
                    AND x.created_at >= %(start)s AND x.created_at < %(end)s)) AS grids_used
 FROM areas_area g WHERE g.level = 5 AND g.code LIKE %(prefix)s) grids
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


def runs(values: list[float]) -> str:
    return ", ".join(f"{v:.2f}" for v in values)


def interleaved(fns: dict, repeat: int) -> tuple[dict[str, list[float]], dict[str, object]]:
    """Each function once per round, round after round: on a shared machine the load
    changes by the minute, and the ratio is only fair between runs made side by side."""
    times: dict[str, list[float]] = {name: [] for name in fns}
    results: dict[str, object] = {}
    for _ in range(repeat):
        for name, fn in fns.items():
            start = time.perf_counter()
            results[name] = fn()
            times[name].append(time.perf_counter() - start)
    return times, results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--source", choices=["fill", "demo"], default="fill")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--as-of", default="2026-11-29")
    parser.add_argument("--seed", type=int, default=2014, help="the demo's seed (--source demo)")
    parser.add_argument(
        "--reuse", action="store_true", help="measure the database filled before, as it is"
    )
    parser.add_argument("--parts", action="store_true", help="time each family of figures")
    parser.add_argument("--no-jit", action="store_true", help="SET jit = off for the session")
    parser.add_argument(
        "--work-mem", default="", help="SET work_mem for the session (both queries), e.g. 64MB"
    )
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
    from django.db import connection, transaction

    from parity.accounts.choices import HEALTH_SITE_KINDS
    from parity.areas.models import Area
    from parity.people.choices import SERVICE_INDUSTRIES
    from parity.reports.figures import (
        Figures,
        campaign_figures,
        employment_counts,
        figures,
        grid_use,
        health_record_counts,
        key_group_counts,
        people_counts,
        rented_count,
        use_window,
    )

    if not args.reuse:
        call_command("migrate", verbosity=0)
        call_command("load_areas", verbosity=0)
        call_command("load_catalog", verbosity=0)
        call_command("load_schedule", verbosity=0)
        start = time.perf_counter()
        if args.source == "demo":
            call_command("demo", scale=args.scale, seed=args.seed, as_of=as_of, verbosity=1)
            print(f"parity demo: {time.perf_counter() - start:.1f} s", flush=True)
            step = time.perf_counter()
            call_command("refresh_immunization", as_of=as_of.isoformat(), verbosity=0)
            print(f"refresh_immunization: {time.perf_counter() - step:.1f} s", flush=True)
            step = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
            print(f"VACUUM ANALYZE: {time.perf_counter() - step:.1f} s", flush=True)
        else:
            fill(as_of, args.scale)
        print(f"filled ({args.source}, scale {args.scale}) in {time.perf_counter() - start:.1f} s")
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        version = cursor.fetchone()[0].split(" on ")[0]
        cursor.execute("SELECT count(*) FROM people_person")
        people = cursor.fetchone()[0]
        if args.no_jit:
            cursor.execute("SET jit = off")
        if args.work_mem:
            # For both the hand query and the report: the same session settings.
            cursor.execute("SELECT set_config('work_mem', %s, false)", [args.work_mem])
    print(
        f"{dt.datetime.now():%Y-%m-%d %H:%M} · {platform.machine()} · {os.cpu_count()} cores · "
        f"{version} · load average {' '.join(f'{x:.2f}' for x in os.getloadavg())} · "
        f"{people:,} people · as of {as_of}"
        + (" · JIT off" if args.no_jit else "")
        + (f" · work_mem {args.work_mem}" if args.work_mem else ""),
        flush=True,
    )
    city = settings.PARITY_CITY_CODE
    d = as_of
    start, end = use_window(d)
    params = {
        "d": d,
        "d10": d - relativedelta(years=10),
        "d15": d - relativedelta(years=15),
        "d18": d - relativedelta(years=18),
        "d50": d - relativedelta(years=50),
        "d6m": d - relativedelta(months=6),
        "d5y": d - relativedelta(years=5),
        "prefix": city + "%",
        "prefixes": [city[:n] for n in range(1, len(city) + 1)],
        "home": city[:2],
        "service": list(SERVICE_INDUSTRIES),
        "site_kinds": list(HEALTH_SITE_KINDS),
        "start": start,
        "end": end,
    }

    def hand():
        with connection.cursor() as cursor:
            cursor.execute(HAND_SQL, params)
            return cursor.fetchone()

    def hand_floating():
        with connection.cursor() as cursor:
            cursor.execute(HAND_SQL_FLOATING, params)
            return cursor.fetchone()

    def hand_all():
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")
            cursor.execute(HAND_ALL_SQL, params)
            names = [c.name for c in cursor.description]
            return dict(zip(names, cursor.fetchone(), strict=True))

    runners = {
        "hand": hand,
        "hand_floating": hand_floating,
        "hand_all": hand_all,
        "figures": lambda: figures(as_of=d, area=city),
    }
    for fn in runners.values():
        fn()  # warm the cache for all
    times, results = interleaved(runners, args.repeat)
    result = results["figures"]
    assert isinstance(result, Figures)
    medians = {name: statistics.median(values) for name, values in times.items()}
    t_head, _counts = timed(lambda: people_counts(d, city), args.repeat)
    labels = {
        "hand": "hand query, 5 counts:",
        "hand_floating": "  the same, floating only:",
        "hand_all": "hand query, every count:",
        "figures": "figures():",
    }
    for name, label in labels.items():
        print(f"{label:28} {medians[name]:.3f} s (runs: {runs(times[name])})")
    print(f"{'people_counts():':28} {t_head:.3f} s")
    if args.parts:
        area = Area.objects.get(code=city)
        for name, fn in (
            ("rented_count()", lambda: rented_count(d, city)),
            ("employment_counts()", lambda: employment_counts(d, city)),
            ("health_record_counts()", lambda: health_record_counts(d, city)),
            ("key_group_counts()", lambda: key_group_counts(d, city)),
            ("grid_use()", lambda: grid_use(d, city)),
            ("campaign_figures()", lambda: campaign_figures(d, area)),
        ):
            print(f"{name + ':':28} {timed(fn, args.repeat)[0]:.3f} s")
    print(
        f"floating {result.floating:,} inflow {result.inflow:,} outflow {result.outflow:,} "
        f"married women {result.married_women:,} rented {result.rented_share}% "
        f"growth {result.growth}x"
    )
    for name in ("hand_all", "hand", "hand_floating"):
        ratios = [f / h for h, f in zip(times[name], times["figures"], strict=True)]
        print(
            f"ratio figures() / {name}: {medians['figures'] / medians[name]:.2f}x (medians); "
            f"run by run {runs(ratios)}, median {statistics.median(ratios):.2f}x"
        )
    print(f"ratio people_counts() / hand: {t_head / medians['hand']:.2f}x")
    five = (result.floating, result.inflow, result.outflow, result.married_women, result.rented)
    for name in ("hand", "hand_floating"):
        row = results[name]
        assert isinstance(row, tuple) and tuple(row[:5]) == five, f"{name} and figures() disagree"
    every = results["hand_all"]
    assert isinstance(every, dict)
    campaign = result.campaign
    expected = {
        **{key: getattr(result, key) for key in every if hasattr(result, key)},
        "campaign_targets": campaign.targets if campaign else 0,
        "campaign_vaccinated": campaign.vaccinated if campaign else 0,
    }
    disagree = {k: (v, expected[k]) for k, v in every.items() if (v or 0) != expected[k]}
    assert not disagree, f"hand_all and figures() disagree (hand, figures): {disagree}"


if __name__ == "__main__":
    main()
