"""Benchmark: the work lists of every grid of a city of 600,000 floating people.

Each grid's list and each key group's size, next to the plain SQL count of the same people
by grid, measured in the same run:

    .venv/bin/python bench/worklist.py [--people 600000] [--repeat 3] [--keep] [--reuse]
        [--skip-per-grid] [--no-jit] [--explain CODE]

Uses BENCH_DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/parity_bench_worklist):
the database is dropped and created afresh, migrated, given an area tree of about 2,000
grids and filled in SQL (``INSERT … SELECT … FROM generate_series`` with deterministic
pseudo-random expressions) with floating people and what the key groups look at. ID
numbers are not real ciphertext here (``id_number_enc`` is a placeholder, ``id_hash`` a
unique md5 pair, ``id_masked`` plausible): the work lists never decrypt them.

Every figure is taken warm: each measurement runs once untimed, then the median of
``--repeat`` runs is reported. ``--keep`` keeps the database, ``--reuse`` measures a kept
one again (after a change to a key group, say) without generating it anew.
Not a test: it prints figures for bench/README.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from import_people import drop_database, recreate_database  # noqa: E402

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/parity_bench_worklist"
# The as-of date of every list: fixed, so that the generated data and the figures do not
# depend on the day the benchmark runs.
ON = dt.date(2026, 11, 29)
CITY = "1502"
# (code, name, streets): the city's ten districts with their real codes; street counts
# roughly follow population, so that the tree has about 2,000 grids.
DISTRICTS = [
    ("150202", "东河区", 10),
    ("150203", "昆都仑区", 13),
    ("150204", "青山区", 11),
    ("150205", "石拐区", 3),
    ("150206", "白云鄂博矿区", 2),
    ("150207", "九原区", 9),
    ("150221", "土默特右旗", 8),
    ("150222", "固阳县", 4),
    ("150223", "达尔罕茂明安联合旗", 4),
    ("150271", "稀土高新区", 6),
]
COMMUNITIES_PER_STREET = 5
GRIDS_PER_COMMUNITY = (5, 6, 6, 6)  # cycled: 5.75 a community on average
COMMUNITY_NAMES = "阳光和平友谊团结幸福富强光明新华建设胜利文化春风民主振华青年钢铁"

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"  # noqa: E501
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华玉萍红梅鹏飞鑫宇浩然涵欣怡轩雨桐俊晨阳建国志春燕丹"  # noqa: E501
ORIGINS = [
    "150102", "150105", "150121", "150302", "150402", "150502", "150602", "150621",
    "150802", "150821", "150902", "150921", "140105", "140602", "140902", "130102",
    "130702", "610102", "610802", "620102", "640104", "410102", "411302", "370102",
    "230102", "510104", "340102", "430102", "320102", "110105",
]  # fmt: skip
LOCAL = ["150202", "150203", "150204", "150205", "150206", "150207", "150221", "150222"]
DESTINATIONS = ["110105", "120101", "130102", "150102", "310101", "440305", "610102"]

T = TypeVar("T")


def build_tree() -> dict[str, Any]:
    """City → 10 districts → streets → communities → grids, codes nesting by prefix."""
    districts = []
    n_grid = 0
    for code, name, streets in DISTRICTS:
        street_nodes = []
        for s in range(1, streets + 1):
            street_code = f"{code}{s:03d}"
            communities = []
            for c in range(1, COMMUNITIES_PER_STREET + 1):
                community_code = f"{street_code}{c:03d}"
                i = (s * 7 + c) % (len(COMMUNITY_NAMES) // 2)
                community_name = f"{COMMUNITY_NAMES[2 * i : 2 * i + 2]}{s}-{c}社区"
                grids = []
                for g in range(1, GRIDS_PER_COMMUNITY[n_grid % 4] + 1):
                    grids.append({"code": f"{community_code}{g:03d}", "name": f"第{g}网格"})
                n_grid += 1
                communities.append(
                    {"code": community_code, "name": community_name, "children": grids}
                )
            street_nodes.append(
                {"code": street_code, "name": f"{name}第{s}街道", "children": communities}
            )
        districts.append({"code": code, "name": name, "children": street_nodes})
    return {"code": CITY, "name": "包头市", "children": districts}


def sql_array(values: list[str]) -> str:
    return "ARRAY[" + ", ".join(f"'{v}'" for v in values) + "]"


def pick(values: list[str], r: str) -> str:
    """One of ``values``, chosen by the pseudo-random SQL expression ``r`` in [0, 1)."""
    return f"({sql_array(values)})[1 + floor({r} * {len(values)})::int]"


def generate(people: int) -> dict[str, int]:
    """Fill the registry and the service tables in SQL; returns the rows per table."""
    from django.db import connection

    from parity.maternal import schedule
    from parity.services.models import ServiceType

    on = f"DATE '{ON.isoformat()}'"
    types = dict(ServiceType.objects.values_list("code", "id"))
    steps: list[tuple[str, str]] = []

    def step(label: str, sql: str) -> None:
        steps.append((label, sql))

    # r(n, k): a deterministic pseudo-random number in [0, 1) for row n and salt k.
    step(
        "functions",
        """
        CREATE OR REPLACE FUNCTION bench_r(n bigint, salt int) RETURNS double precision
        LANGUAGE sql IMMUTABLE PARALLEL SAFE
        AS $$ SELECT (hashint8(n * 128 + salt) & 2147483647)::double precision / 2147483648.0 $$;
        DROP TABLE IF EXISTS bench_grid;
        CREATE UNLOGGED TABLE bench_grid AS
            SELECT (row_number() OVER (ORDER BY code) - 1)::int AS idx, id, code
            FROM areas_area WHERE level = 5;
        CREATE UNIQUE INDEX ON bench_grid (idx);
        """,
    )
    # Ages: 8% under 7, 7% 7–17, 55% 18–49, 20% 50–59, 10% 60–79 (a working-age
    # population); 48% women; one in seven (80,000) outflow. Half of the people live in
    # the first 60% of the grids (the urban districts), which are so about 2.5 times as
    # full as the rural ones.
    age_days = """CASE
        WHEN bench_r(n, 2) < 0.08 THEN floor(bench_r(n, 3) * 2555)
        WHEN bench_r(n, 2) < 0.15 THEN 2558 + floor(bench_r(n, 3) * 4015)
        WHEN bench_r(n, 2) < 0.70 THEN 6576 + floor(bench_r(n, 3) * 11684)
        WHEN bench_r(n, 2) < 0.90 THEN 18263 + floor(bench_r(n, 3) * 3650)
        ELSE 21916 + floor(bench_r(n, 3) * 7300) END::int"""
    # 15% arrived in the last six months, the rest over the twelve years before.
    arrived_ago = """CASE WHEN bench_r(n, 6) < 0.15 THEN floor(bench_r(n, 7) * 182)
        ELSE 183 + floor(bench_r(n, 7) * 4380) END::int"""
    grids = "(SELECT count(*) FROM bench_grid)"
    education = pick(
        ["primary", "junior", "junior", "senior", "college", "bachelor"], "bench_r(n, 15)"
    )
    destination = pick(DESTINATIONS, "bench_r(n, 18)")
    local, origin = pick(LOCAL, "bench_r(n, 5)"), pick(ORIGINS, "bench_r(n, 5)")
    step(
        "people",
        f"""
        INSERT INTO people_person (
            id, id_number_enc, id_hash, id_masked, name, sex, birth_date, ethnicity,
            education, marital_status, hukou_code, hukou_type, phone_enc, phone_hash,
            phone_masked, status, area_code, grid_id, outflow_region_code, outflow_since,
            arrived_city_on, left_city_on, created_at, updated_at)
        SELECT n, 'bench-placeholder-not-ciphertext:' || n,
            md5('id' || n) || md5('di' || n),
            hukou || '********' || lpad((n % 10000)::text, 4, '0'),
            substr('{SURNAMES}', 1 + floor(bench_r(n, 10) * {len(SURNAMES)})::int, 1)
                || substr('{GIVEN}', 1 + floor(bench_r(n, 11) * {len(GIVEN)})::int, 1)
                || CASE WHEN bench_r(n, 12) < 0.7
                   THEN substr('{GIVEN}', 1 + floor(bench_r(n, 13) * {len(GIVEN)})::int, 1)
                   ELSE '' END,
            sex, birth, CASE WHEN bench_r(n, 14) < 0.9 THEN '01' ELSE '11' END,
            CASE WHEN age < 2557 THEN ''
                 ELSE {education} END,
            CASE WHEN age < 7300 THEN 'unmarried'
                 WHEN bench_r(n, 16) < 0.70 THEN 'married'
                 WHEN bench_r(n, 16) < 0.95 THEN 'unmarried' ELSE 'divorced' END,
            hukou, CASE WHEN bench_r(n, 17) < 0.6 THEN 'agricultural' ELSE 'non_agricultural' END,
            '', '', '',
            CASE WHEN outflow THEN 'outflow' ELSE 'inflow' END,
            g.code, g.id,
            CASE WHEN outflow THEN {destination} ELSE '' END,
            CASE WHEN outflow THEN {on} - floor(bench_r(n, 19) * 3000)::int END,
            CASE WHEN outflow THEN NULL ELSE greatest({on} - arrived_ago, birth) END,
            NULL, now(), now()
        FROM (
            SELECT n, outflow, age, {on} - age AS birth, arrived_ago,
                CASE WHEN bench_r(n, 4) < 0.48 THEN 'F' ELSE 'M' END AS sex,
                CASE WHEN outflow THEN {local} ELSE {origin} END AS hukou,
                CASE WHEN bench_r(n, 8) < 0.5 THEN floor(bench_r(n, 9) * {grids})
                     ELSE floor(bench_r(n, 9) * floor(0.6 * {grids})) END::int AS grid_idx
            FROM (
                SELECT n, n % 15 IN (0, 7) AS outflow, {age_days} AS age,
                       {arrived_ago} AS arrived_ago
                FROM generate_series(1, {people}) AS n
            ) AS base
        ) AS p
        JOIN bench_grid g ON g.idx = p.grid_idx
        ORDER BY n;
        SELECT setval(pg_get_serial_sequence('people_person', 'id'), {people});
        """,
    )
    # One open residence for everyone living here; one in five moved once within the
    # city (a closed residence before it).
    housing = pick(["rented"] * 6 + ["own", "dormitory", "work_site", "other"], "bench_r(id, 20)")
    reason = pick(["work"] * 6 + ["family", "relatives", "marriage", "study"], "bench_r(id, 21)")
    moved = f"bench_r(id, 22) < 0.2 AND {on} - arrived_city_on >= 60"
    step(
        "residences",
        f"""
        INSERT INTO people_residence (person_id, dwelling_id, address, grid_id, area_code,
            arrived_on, departed_on, housing_type, move_reason, departed_to_code,
            created_at, updated_at)
        SELECT id, NULL, (1 + id % 299) || '号院' || (1 + id % 29) || '号楼', grid_id, area_code,
            arrived_city_on, arrived_city_on + ({on} - arrived_city_on) / 2,
            'rented', 'work', '', now(), now()
        FROM people_person WHERE status = 'inflow' AND {moved};
        INSERT INTO people_residence (person_id, dwelling_id, address, grid_id, area_code,
            arrived_on, departed_on, housing_type, move_reason, departed_to_code,
            created_at, updated_at)
        SELECT id, NULL, (1 + id % 300) || '号院' || (1 + id % 30) || '号楼', grid_id, area_code,
            CASE WHEN {moved} THEN arrived_city_on + ({on} - arrived_city_on) / 2
                 ELSE arrived_city_on END,
            NULL, {housing}, {reason}, '', now(), now()
        FROM people_person WHERE status = 'inflow';
        """,
    )
    # Jobs: 80% of people of working age (18–59) living here, about 60% of them all;
    # 15% of those jobs have ended.
    industry = pick(["F", "H", "E", "C", "G", "O", "S"], "bench_r(id, 23)")
    step(
        "employments",
        f"""
        INSERT INTO people_employment (person_id, industry, occupation, employer, started_on,
            ended_on, area_code, created_at, updated_at)
        SELECT id, {industry}, '职员',
            '包头市第' || (1 + id % 500) || '商贸有限公司', started,
            CASE WHEN bench_r(id, 24) < 0.15 AND {on} - started > 30
                 THEN started + floor(bench_r(id, 25) * ({on} - started))::int END,
            area_code, now(), now()
        FROM (
            SELECT id, area_code,
                arrived_city_on + floor(bench_r(id, 26)
                    * least(365, {on} - arrived_city_on))::int AS started
            FROM people_person
            WHERE status = 'inflow' AND birth_date <= {on} - 6576 AND birth_date > {on} - 21914
                AND bench_r(id, 27) < 0.8
        ) AS j;
        """,
    )

    def events(label: str, stage: str, then: str) -> None:
        """Stage rows with a service event id drawn from the events' own sequence, write
        the events, then ``then`` (the rows that point to them) from the same stage."""
        step(
            label,
            f"""
            DROP TABLE IF EXISTS stage;
            CREATE UNLOGGED TABLE stage AS
                SELECT nextval(pg_get_serial_sequence('services_serviceevent', 'id'))
                       AS event_id, s.*
                FROM ({stage}) AS s;
            INSERT INTO services_serviceevent (id, person_id, service_type_id, date,
                provider_id, outcome, details, note, area_code, recorded_by_id, created_at)
            SELECT event_id, person_id, service_type_id, date, NULL, outcome, '{{}}', '',
                area_code, NULL, now()
            FROM stage;
            {then}
            DROP TABLE stage;
            """,
        )

    # Health records for 60% of those here six months or more (5% of the attempts were
    # refused, which does not count), 20% of the newcomers; health education for 30% of
    # everyone here, employment services for 10%: the other events the index holds.
    events(
        "health records",
        f"""
        SELECT id AS person_id, {types["health_record"]} AS service_type_id,
            arrived_city_on + floor(bench_r(id, 30) * ({on} - arrived_city_on + 1))::int AS date,
            CASE WHEN bench_r(id, 31) < 0.05 THEN 'refused' ELSE 'completed' END AS outcome,
            area_code
        FROM people_person
        WHERE status = 'inflow' AND CASE WHEN arrived_city_on <= {on} - 183
            THEN bench_r(id, 32) < 0.6 ELSE bench_r(id, 32) < 0.2 END
        UNION ALL
        SELECT id, {types["health_education"]}, {on} - floor(bench_r(id, 33) * 365)::int,
            'completed', area_code
        FROM people_person WHERE status = 'inflow' AND bench_r(id, 34) < 0.3
        UNION ALL
        SELECT id, {types["employment_service"]}, {on} - floor(bench_r(id, 35) * 700)::int,
            'completed', area_code
        FROM people_person WHERE status = 'inflow' AND bench_r(id, 36) < 0.1
        """,
        "",
    )
    # Home visits: 60% of the people living here visited in the last six months, 40%
    # also in the year before, 20% once more before that (the rest never).
    outcome = pick(["met", "met", "met", "family", "not_home"], "bench_r(id, 44)")
    step(
        "visits",
        f"""
        INSERT INTO services_visit (person_id, visited_on, visitor_id, outcome, note,
            area_code, created_at)
        SELECT id, {on} - first_day - floor(bench_r(id, 40 + k) * days)::int, NULL,
            {outcome}, '',
            area_code, now()
        FROM people_person,
            (VALUES (1, 0.6, 0, 180), (2, 0.4, 180, 365), (3, 0.2, 545, 730))
                AS v(k, share, first_day, days)
        WHERE status = 'inflow' AND bench_r(id, 39) < share
            AND {on} - first_day - floor(bench_r(id, 40 + k) * days)::int >= arrived_city_on;
        """,
    )
    # Pending doses as the nightly refresh would leave them: two series pending for
    # each child under 7 (one in five with a dose overdue), one for those 7–17 (one in
    # twenty overdue). Overdue a month after due, as the schedule's grace.
    step(
        "doses due",
        f"""
        INSERT INTO immunization_dosedue (person_id, vaccine_id, dose, due_on, earliest_on,
            overdue_on, skin_test, computed_on, area_code, birth_date)
        SELECT id, vaccine, dose, due, due, due + 30, false, {on}, area_code, birth_date
        FROM (
            SELECT p.id, p.area_code, p.birth_date,
                (SELECT array_agg(id ORDER BY id) FROM immunization_vaccine)
                    [1 + (p.id + k) % (SELECT count(*) FROM immunization_vaccine)] AS vaccine,
                1 + floor(bench_r(p.id, 50 + k) * 3)::int AS dose,
                greatest(p.birth_date, CASE WHEN bench_r(p.id, 52 + k) < overdue_share
                     THEN {on} - 31 - floor(bench_r(p.id, 54 + k) * 400)::int
                     ELSE {on} + floor(bench_r(p.id, 54 + k) * 180)::int END) AS due
            FROM people_person p,
                 LATERAL (VALUES (1), (2)) AS v(k),
                 LATERAL (SELECT CASE WHEN p.birth_date > {on} - 2557 THEN 0.2 / 2
                                      ELSE 0.05 END AS overdue_share) AS s
            WHERE p.status = 'inflow' AND p.birth_date > {on} - 6574
                AND (k = 1 OR p.birth_date > {on} - 2557)
        ) AS d;
        """,
    )
    # Child health checks: 85% of the checks whose window has opened since the child
    # came here were done, within the window.
    windows = ", ".join(
        f"('{w.point}', {w.start}, {w.end}, {60 + 2 * i})" for i, w in enumerate(schedule.CHILD)
    )
    events(
        "child checks",
        f"""
        SELECT person_id, {types["child_health"]} AS service_type_id, date,
            'completed' AS outcome, area_code, point
        FROM (
            SELECT p.id AS person_id, p.area_code, w.point, p.arrived_city_on,
                p.birth_date + w.start_day
                    + floor(bench_r(p.id, w.salt) * (w.end_day - w.start_day + 1))::int AS date,
                bench_r(p.id, w.salt + 1) AS r
            FROM people_person p, (VALUES {windows}) AS w(point, start_day, end_day, salt)
            WHERE p.status = 'inflow' AND p.birth_date > {on} - 2557
                AND p.birth_date + w.start_day <= {on}
        ) AS c
        WHERE r < 0.85 AND date <= {on} AND date >= arrived_city_on
        """,
        """
        INSERT INTO maternal_childhealthcheck (person_id, date, point, late, event_id, area_code)
        SELECT person_id, date, point, false, event_id, area_code FROM stage;
        """,
    )
    # Pregnancies of women 18–49 living here: 8.5% open (about 2% of everyone), 1%
    # delivered in the last 84 days (postpartum care), 6.5% delivered earlier.
    woman = (
        f"status = 'inflow' AND sex = 'F' AND birth_date <= {on} - 6576 "
        f"AND birth_date > {on} - 18262"
    )
    step(
        "pregnancies",
        f"""
        INSERT INTO maternal_pregnancy (person_id, registered_on, lmp, status, delivered_on,
            discharged_on, place, hospital, outcome, child_id, ended_on, end_reason, note,
            area_code, created_at, updated_at)
        SELECT id, least({on}, lmp + 42 + floor(bench_r(id, 82) * 56)::int), lmp, 'open',
            NULL, NULL, '', '', '', NULL, NULL, '', '', area_code, now(), now()
        FROM (SELECT id, area_code, {on} - floor(bench_r(id, 81) * 280)::int AS lmp
              FROM people_person WHERE {woman} AND bench_r(id, 80) < 0.085) AS o;
        INSERT INTO maternal_pregnancy (person_id, registered_on, lmp, status, delivered_on,
            discharged_on, place, hospital, outcome, child_id, ended_on, end_reason, note,
            area_code, created_at, updated_at)
        SELECT id, delivered - 215, delivered - 275 + floor(bench_r(id, 82) * 14)::int,
            'delivered', delivered, delivered + 2, 'hospital', '包头市妇幼保健院',
            'live_birth', NULL, NULL, '', '', area_code, now(), now()
        FROM (SELECT id, area_code,
                  CASE WHEN bench_r(id, 80) < 0.095
                       THEN {on} - floor(bench_r(id, 81) * 84)::int
                       ELSE {on} - 85 - floor(bench_r(id, 81) * 1500)::int END AS delivered
              FROM people_person
              WHERE {woman} AND bench_r(id, 80) >= 0.085 AND bench_r(id, 80) < 0.16) AS d;
        """,
    )
    antenatal = ", ".join(
        f"('{w.point}', {w.start}, {w.end}, {90 + 2 * i})" for i, w in enumerate(schedule.ANTENATAL)
    )
    # Antenatal visits: 85% of the windows opened before delivery were kept.
    events(
        "antenatal visits",
        f"""
        SELECT person_id, {types["maternal_health"]} AS service_type_id, date,
            'completed' AS outcome, area_code, pregnancy_id, point, (date - lmp) / 7 AS week
        FROM (
            SELECT g.id AS pregnancy_id, g.person_id, g.area_code, g.lmp, g.delivered_on,
                w.point, g.lmp + w.start_day
                    + floor(bench_r(g.id, w.salt) * (w.end_day - w.start_day + 1))::int AS date,
                bench_r(g.id, w.salt + 1) AS r
            FROM maternal_pregnancy g, (VALUES {antenatal}) AS w(point, start_day, end_day, salt)
            WHERE g.lmp + w.start_day <= {on}
        ) AS v
        WHERE r < 0.85 AND date <= {on} AND date >= lmp
            AND (delivered_on IS NULL OR date < delivered_on)
        """,
        """
        INSERT INTO maternal_antenatalvisit (pregnancy_id, date, gestational_week, point, late,
            event_id, area_code)
        SELECT pregnancy_id, date, week, point, false, event_id, area_code FROM stage;
        """,
    )
    # Postpartum: the home visit made for 85%, the 42-day check for 75%.
    events(
        "postpartum visits",
        f"""
        SELECT person_id, {types["maternal_health"]} AS service_type_id, date,
            'completed' AS outcome, area_code, pregnancy_id, kind
        FROM (
            SELECT id AS pregnancy_id, person_id, area_code, 'home_visit' AS kind,
                discharged_on + floor(bench_r(id, 100) * 8)::int AS date,
                bench_r(id, 101) AS r, 0.85 AS share
            FROM maternal_pregnancy WHERE status = 'delivered'
            UNION ALL
            SELECT id, person_id, area_code, 'check_42d',
                delivered_on + 42 + floor(bench_r(id, 102) * 15)::int,
                bench_r(id, 103), 0.75
            FROM maternal_pregnancy WHERE status = 'delivered'
        ) AS v
        WHERE r < share AND date <= {on}
        """,
        """
        INSERT INTO maternal_postpartumvisit (pregnancy_id, kind, date, completed, late,
            event_id, area_code)
        SELECT pregnancy_id, kind, date, true, false, event_id, area_code FROM stage;
        """,
    )
    # Marriage-and-childbearing certificates: 60% of women 18–49 living here hold one,
    # issued before they came; 90% of those had it checked here.
    step(
        "certificates",
        f"""
        INSERT INTO certificates_marriagecertificate (person_id, region_code, number,
            issued_on, electronic, valid_until, marital_status, children_count, checked_on,
            checked_late, check_outcome, check_event_id, area_code, created_at, updated_at)
        SELECT id, hukou_code, 'HY' || id, issued, bench_r(id, 111) < 0.3, NULL,
            marital_status, floor(bench_r(id, 112) * 3)::int,
            CASE WHEN bench_r(id, 113) < 0.9
                 THEN least({on}, arrived_city_on + floor(bench_r(id, 114) * 45)::int) END,
            false, CASE WHEN bench_r(id, 113) < 0.9 THEN 'verified' ELSE '' END,
            NULL, area_code, now(), now()
        FROM (SELECT id, hukou_code, marital_status, arrived_city_on, area_code,
                  least(arrived_city_on, {on}) - 1 - floor(bench_r(id, 115) * 700)::int AS issued
              FROM people_person WHERE {woman} AND bench_r(id, 110) < 0.6) AS c;
        """,
    )
    # Residence permits: 35% of those here six months or more applied, six months to a
    # year and a half after arriving; issued 15 days later.
    events(
        "residence permits",
        f"""
        SELECT id AS person_id, {types["residence_permit"]} AS service_type_id,
            applied AS date, 'completed' AS outcome, area_code
        FROM (SELECT id, area_code,
                  least({on}, arrived_city_on + 183 + floor(bench_r(id, 121) * 400)::int)
                      AS applied
              FROM people_person
              WHERE status = 'inflow' AND arrived_city_on <= {on} - 183
                  AND bench_r(id, 120) < 0.35) AS a
        """,
        f"""
        INSERT INTO certificates_residencepermit (person_id, basis, applied_on, issued_on,
            first_valid_until, number, status, apply_event_id, issue_event_id, area_code,
            created_at, updated_at)
        SELECT person_id, 'employment', date,
            CASE WHEN date + 15 <= {on} THEN date + 15 END,
            CASE WHEN date + 15 <= {on} THEN date + 15 + 365 END,
            CASE WHEN date + 15 <= {on} THEN 'JZ' || person_id ELSE '' END,
            CASE WHEN date + 15 <= {on} THEN 'issued' ELSE 'applied' END,
            event_id, NULL, area_code, now(), now()
        FROM stage;
        """,
    )
    step("cleanup", "DROP TABLE bench_grid; DROP FUNCTION bench_r(bigint, int);")

    for label, sql in steps:
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(sql)
        print(f"  {label}: {time.perf_counter() - started:.1f} s", flush=True)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"  VACUUM ANALYZE: {time.perf_counter() - started:.1f} s", flush=True)
    return table_sizes()


TABLES = [
    "people_person",
    "people_residence",
    "people_employment",
    "services_serviceevent",
    "services_visit",
    "immunization_dosedue",
    "maternal_childhealthcheck",
    "maternal_pregnancy",
    "maternal_antenatalvisit",
    "maternal_postpartumvisit",
    "certificates_marriagecertificate",
    "certificates_residencepermit",
]


def table_sizes() -> dict[str, int]:
    from django.db import connection

    with connection.cursor() as cursor:
        counts = {}
        for table in TABLES:
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - fixed names
            counts[table] = cursor.fetchone()[0]
    return counts


def measure(run: Callable[[], T], repeat: int) -> tuple[float, T]:
    """Warm run untimed, then the median wall time of ``repeat`` runs."""
    result = run()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


BASELINE_SQL = (
    "SELECT area_code, count(*) FROM people_person "
    "WHERE status IN ('inflow', 'outflow') GROUP BY area_code"
)


def explain(code: str) -> None:
    """EXPLAIN ANALYZE of the key group's city-wide query, as the work list runs it."""
    from django.db import connection

    from parity.services.keygroups import KEY_GROUPS

    built = KEY_GROUPS[code].build(ON).filter(area_code__startswith=CITY)
    query = built.values_list("area_code", "pk", "name", "id_masked", "since", "detail")
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
        print("\n".join(row[0] for row in cursor.fetchall()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=600_000)
    parser.add_argument("--repeat", type=int, default=3, help="timed runs (median reported)")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse", action="store_true", help="measure a kept database again")
    parser.add_argument(
        "--explain", action="append", default=[], metavar="CODE", help="EXPLAIN ANALYZE a group"
    )
    parser.add_argument(
        "--no-jit", action="store_true", help="measure with SET jit = off (stock: on)"
    )
    parser.add_argument(
        "--skip-per-grid", action="store_true", help="skip the grid-by-grid loop (the long part)"
    )
    args = parser.parse_args()

    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    if not args.reuse:
        recreate_database(url)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from parity.areas.actions import area_tree_load
    from parity.areas.models import Area
    from parity.people.models import Person
    from parity.services.catalog import catalog_load, load_catalog_file
    from parity.services.keygroups import KEY_GROUPS, members, work_list, work_lists_by_grid

    if not args.reuse:
        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        catalog_load(acting_user=None, entries=load_catalog_file())
        area_tree_load(acting_user=None, tree=build_tree())
        print(f"migrated, catalog and area tree in {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        print(f"generating {args.people:,} floating people:", flush=True)
        sizes = generate(args.people)
        print(
            f"generated in {time.perf_counter() - started:.1f} s (not part of the figures): "
            + ", ".join(f"{table} {n:,}" for table, n in sizes.items()),
            flush=True,
        )
    if args.no_jit:
        with connection.cursor() as cursor:
            cursor.execute("SET jit = off")
    grids = list(Area.objects.grids().order_by("code").values_list("code", flat=True))
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        jit = cursor.fetchone()[0]
    print(f"{len(grids):,} grids; lists as of {ON}; median of {args.repeat} warm runs; jit {jit}")

    for code in args.explain:
        print(f"\nEXPLAIN ANALYZE {code}:")
        explain(code)
    if args.explain:
        print()

    def baseline():
        with connection.cursor() as cursor:
            cursor.execute(BASELINE_SQL)
            return cursor.fetchall()

    base_seconds, counted = measure(baseline, args.repeat)
    people = sum(n for _code, n in counted)
    print(
        f"baseline, plain SQL count by grid: {base_seconds:.3f} s "
        f"({people:,} people in {len(counted):,} grids)",
        flush=True,
    )

    def ratio(seconds: float) -> str:
        return f"{seconds / base_seconds:,.1f}x the baseline"

    def per_grid():
        return {code: work_list(code, ON) for code in grids}

    lists = None
    if not args.skip_per_grid:
        seconds, lists = measure(per_grid, args.repeat)
        items = sum(len(w.items) for w in lists.values())
        persons = sum(len(w.people()) for w in lists.values())
        print(
            f"work_list per grid ({len(grids):,} calls): {seconds:.2f} s, {items:,} items for "
            f"{persons:,} people, {1000 * seconds / len(grids):.1f} ms a grid; {ratio(seconds)}",
            flush=True,
        )

    seconds, by_grid = measure(lambda: work_lists_by_grid(CITY, ON), args.repeat)
    same = "not compared"
    if lists is not None:
        same = (
            "yes"
            if set(by_grid) <= set(grids)
            and all(
                by_grid[code].items == lists[code].items
                if code in by_grid
                else not lists[code].items
                for code in grids
            )
            else "NO"
        )
    print(
        f"work_lists_by_grid, one pass for the city: {seconds:.2f} s, "
        f"{sum(len(w.items) for w in by_grid.values()):,} items in {len(by_grid):,} grids "
        f"(same items as per grid: {same}); {ratio(seconds)}",
        flush=True,
    )

    everyone = Person.objects.all()
    total = 0.0
    print("key groups, members for the whole city (members(code, on, people).count()):")
    for code, group in KEY_GROUPS.items():
        seconds, count = measure(lambda code=code: members(code, ON, everyone).count(), args.repeat)
        total += seconds
        flag = "" if group.on_worklist else " (not on the work list)"
        print(f"  {code:<22} {count:>8,}  {seconds:7.3f} s  {ratio(seconds)}{flag}", flush=True)
    print(f"  {'all':<22} {'':>8}  {total:7.3f} s  {ratio(total)}")
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"PostgreSQL {connection.pg_version}, {dt.date.today()}"
    )
    connection.close()
    if not args.keep:
        drop_database(url)


if __name__ == "__main__":
    main()
