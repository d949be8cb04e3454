"""Benchmark: import N generated people rows into PostgreSQL through the staging path and
the row path, next to two raw COPYs measured in the same run: the CSV into a plain text
table, and the rows the import wrote into the same tables with the same indexes (the fair
limit).

    .venv/bin/python bench/import_people.py [--rows 600000] [--workers N] [--keep] [--again]
        [--only staging|rows]

Uses BENCH_DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/parity_bench): the
database is dropped and created afresh, migrated and loaded with the demo area tree.
Not a test: it prints figures for bench/README.md. Besides wall time it reports the CPU
time of this Python process and of the PostgreSQL backends that wrote the chunks (read from
/proc, Linux only), per row: on a machine shared with other jobs the wall time varies, the
CPU per row much less.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import platform
import random
import resource
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/parity_bench"


def recreate_database(url: str) -> None:
    import psycopg

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    admin_url = urlunparse(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(url: str) -> None:
    import psycopg

    parts = urlparse(url)
    admin_url = urlunparse(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{parts.path.lstrip("/")}" WITH (FORCE)')


SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"  # noqa: E501
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉兰萍红梅鹏飞鑫宇浩然子涵欣怡梓轩雨桐俊杰晨阳建国建华志强春梅海燕丹丹"  # noqa: E501
ORIGINS = [
    "150102", "150105", "150121", "150302", "150402", "150502", "150602", "150621",
    "150802", "150821", "150902", "150921", "140105", "140602", "140902", "130102",
    "130702", "610102", "610802", "620102", "640104", "410102", "411302", "370102",
    "230102", "510104", "340102", "430102", "320102", "110105",
]  # fmt: skip
LOCAL = ["150202", "150203", "150204", "150205", "150206", "150207", "150221", "150222"]
HOUSING = ["出租房屋"] * 6 + ["自有住房", "单位宿舍", "工地工棚", "其他"]
REASONS = ["务工经商"] * 5 + ["随迁家属", "投亲靠友", "婚姻嫁娶", "学习培训", "其他"]
EDUCATION = ["小学", "初中", "初中", "高中/中专", "大学专科", "大学本科"]
MARITAL = ["未婚", "已婚", "已婚", "已婚", "离婚"]
INDUSTRY = ["批发和零售业", "住宿和餐饮业", "建筑业", "制造业", "交通运输、仓储和邮政业", "F", "H"]


def generate_csv(path: Path, rows: int, grids: list[str], seed: int = 2014) -> None:
    from parity.people.idnumber import with_check_digit
    from parity.people.imports import HEADERS

    rng = random.Random(seed)
    base = dt.date(1950, 1, 1).toordinal()
    seen: set[str] = set()
    with open(path, "w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(HEADERS)
        for n in range(rows):
            outflow = n % 20 == 0
            origin = rng.choice(LOCAL) if outflow or n % 7 == 0 else rng.choice(ORIGINS)
            while True:
                birth = dt.date.fromordinal(base + rng.randrange(365 * 55))
                body = f"{origin}{birth:%Y%m%d}{rng.randrange(1000):03d}"
                if body not in seen:
                    seen.add(body)
                    break
            id_number = with_check_digit(body)
            arrival = dt.date(2010, 1, 1) + dt.timedelta(days=rng.randrange(5000))
            arrival = max(arrival, birth)
            working = rng.random() < 0.6
            out.writerow(
                [
                    rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
                    id_number,
                    "汉族" if rng.random() < 0.9 else "蒙古族",
                    rng.choice(EDUCATION),
                    rng.choice(MARITAL),
                    "",
                    "农业户口" if rng.random() < 0.6 else "非农业户口",
                    f"1{rng.choice('3589')}{rng.randrange(10**9):09d}"
                    if rng.random() < 0.9
                    else "",
                    rng.choice(grids),
                    f"{rng.randrange(1, 300)}号院{rng.randrange(1, 30)}号楼"
                    f"{rng.randrange(101, 2400)}",
                    "" if outflow else arrival.isoformat(),
                    "" if outflow else rng.choice(HOUSING),
                    "" if outflow else rng.choice(REASONS),
                    "110105" if outflow else "",
                    "2023-05-01" if outflow else "",
                    rng.choice(INDUSTRY) if working else "",
                    "职员" if working else "",
                    f"包头市第{rng.randrange(1, 500)}商贸有限公司" if working else "",
                ]
            )


def copy_baseline(path: Path) -> float:
    """Seconds for a raw COPY of the CSV into a plain table of text columns."""
    from django.db import connection

    from parity.people.imports import HEADERS

    columns = ", ".join(f"c{i} text" for i in range(len(HEADERS)))
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_copy")
        cursor.execute(f"CREATE TABLE bench_copy ({columns})")
    connection.commit() if not connection.get_autocommit() else None
    started = time.perf_counter()
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy("COPY bench_copy FROM STDIN WITH (FORMAT csv, HEADER true)") as copy,
        open(path, "rb") as handle,
    ):
        while block := handle.read(1 << 20):
            copy.write(block)
    elapsed = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM bench_copy")
        copied = cursor.fetchone()[0]
        cursor.execute("DROP TABLE bench_copy")
    assert copied == rows_in(path), copied
    return elapsed


class CpuMeter:
    """CPU seconds of this process and of every backend that ran ``PeopleWriter.write``
    (sampled from /proc after each chunk, before the writer's connection closes)."""

    def __init__(self) -> None:
        self.tick = os.sysconf("SC_CLK_TCK")
        self.first: dict[int, float] = {}
        self.last: dict[int, float] = {}

    def backend(self, pid: int) -> float:
        try:
            with open(f"/proc/{pid}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:  # PostgreSQL on another machine: only this process is measured
            return 0.0
        return (int(fields[11]) + int(fields[12])) / self.tick

    def install(self) -> None:
        from parity.people.imports import staging, writer

        self._wrap(writer.PeopleWriter, "write")
        self._wrap(staging.StagingWriter, "write_staged")

    def _wrap(self, cls, name: str) -> None:
        from django.db import connection

        write = getattr(cls, name)
        meter = self

        def measured(self, chunk):
            connection.ensure_connection()
            pid = connection.connection.info.backend_pid
            meter.first.setdefault(pid, meter.backend(pid))
            try:
                return write(self, chunk)
            finally:
                meter.last[pid] = meter.backend(pid)

        setattr(cls, name, measured)

    def start(self) -> None:
        self.first.clear()
        self.last.clear()
        self.own = self.python()
        self.children = self.python(resource.RUSAGE_CHILDREN)

    @staticmethod
    def python(*who: int) -> float:
        """This process and its finished children (validation processes, if any)."""
        return sum(
            usage.ru_utime + usage.ru_stime
            for usage in map(
                resource.getrusage, who or (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
            )
        )

    def report(self, rows: int) -> str:
        python = self.python() - self.own
        children = self.python(resource.RUSAGE_CHILDREN) - self.children
        backends = sum(self.last[pid] - self.first[pid] for pid in self.last)
        return (
            f"CPU per row: Python {python / rows * 1e6:.1f} µs (validation process "
            f"{children / rows * 1e6:.1f}), PostgreSQL backends "
            f"{backends / rows * 1e6:.1f} µs ({len(self.last)} connections), total "
            f"{(python + backends) / rows * 1e6:.1f} µs"
        )


TABLES = ("people_person", "people_residence", "people_employment")


def dump_tables() -> dict[str, bytes]:
    """The rows an import wrote, as COPY text, table by table (ids included)."""
    from django.db import connection

    dumped = {}
    with connection.cursor() as cursor:
        for table in TABLES:
            with cursor.cursor.copy(f"COPY {table} TO STDOUT") as copy:
                dumped[table] = b"".join(bytes(block) for block in copy)
    return dumped


def empty_tables() -> None:
    """Empty people, residences, jobs and the audit trail, as before the first import."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(TABLES)}, core_auditevent CASCADE")
        cursor.execute(f"VACUUM ANALYZE {', '.join(TABLES)}")


def copy_into_tables(dumped: dict[str, bytes]) -> float:
    """Seconds for COPYing the rows an import wrote back into the emptied real tables, with
    their indexes, constraints and foreign keys (checked at the commit), in one
    transaction: what any import of this file must at least cost the database."""
    from django.db import connection, transaction

    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        for table in TABLES:
            with cursor.cursor.copy(f"COPY {table} FROM STDIN") as copy:
                copy.write(dumped[table])
    return time.perf_counter() - started


def rows_in(path: Path) -> int:
    with open(path, encoding="utf-8", newline="") as handle:
        return sum(1 for _ in csv.reader(handle)) - 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=600_000)
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        help="validation processes (staging) or writer connections (rows); default: auto",
    )
    parser.add_argument("--again", action="store_true", help="then import the same file again")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--profile", action="store_true", help="cProfile the import")
    parser.add_argument(
        "--only", choices=["staging", "rows"], help="measure one path (default: both)"
    )
    args = parser.parse_args()

    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    recreate_database(url)

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection

    from parity.areas.actions import BUNDLED_TREE, area_tree_load, load_tree_file
    from parity.areas.models import Area
    from parity.people.imports import import_people
    from parity.people.models import Employment, Person, Residence

    call_command("migrate", verbosity=0)
    area_tree_load(acting_user=None, tree=load_tree_file(BUNDLED_TREE))
    admin = get_user_model().objects.create_superuser("bench", password=None)
    grids = list(Area.objects.grids().values_list("code", flat=True))

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "people.csv"
        started = time.perf_counter()
        generate_csv(path, args.rows, grids)
        print(f"generated {args.rows:,} rows in {time.perf_counter() - started:.1f} s", flush=True)

        copy_seconds = copy_baseline(path)
        print(f"COPY baseline: {copy_seconds:.2f} s, {args.rows / copy_seconds:,.0f} rows/s")

        meter = CpuMeter()
        meter.install()
        paths = [args.only] if args.only else ["staging", "rows"]
        seconds: dict[str, float] = {}
        dumped: dict[str, bytes] = {}
        for name in paths:
            empty_tables()
            meter.start()
            started = time.perf_counter()
            options = {"workers": args.workers, "staging": name == "staging"}
            if args.profile:
                import cProfile
                import pstats

                profiler = cProfile.Profile()
                result = profiler.runcall(
                    import_people, path, acting_user=admin, progress=True, **options
                )
                pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)
            else:
                result = import_people(path, acting_user=admin, progress=True, **options)
            seconds[name] = time.perf_counter() - started
            print(
                f"import_people, {name} path: {seconds[name]:.2f} s, "
                f"{args.rows / seconds[name]:,.0f} rows/s (created {result.created:,}, "
                f"updated {result.updated:,}, unchanged {result.unchanged:,}, "
                f"errors {len(result.errors):,})"
            )
            print("  " + meter.report(args.rows), flush=True)
            dumped = dumped or dump_tables()

        # The fair limit: the rows the import wrote, COPYed into the same (emptied) tables.
        empty_tables()
        connection.ensure_connection()
        pid = connection.connection.info.backend_pid
        backend = meter.backend(pid)
        own = meter.python()
        fair_seconds = copy_into_tables(dumped)
        print(
            f"COPY into the real tables (people, residences, jobs, all indexes): "
            f"{fair_seconds:.2f} s, {args.rows / fair_seconds:,.0f} rows/s; CPU per row: "
            f"Python {(meter.python() - own) / args.rows * 1e6:.1f} µs, PostgreSQL "
            f"{(meter.backend(pid) - backend) / args.rows * 1e6:.1f} µs"
        )
        for name, spent in seconds.items():
            print(
                f"ratio {name} path / COPY into the real tables: {fair_seconds / spent:.3f}; "
                f"/ COPY into a text table: {copy_seconds / spent:.3f}"
            )
        if args.again:
            # The tables now hold exactly what an import of the file writes.
            name = paths[0]
            meter.start()
            started = time.perf_counter()
            again = import_people(
                path, acting_user=admin, workers=args.workers, staging=name == "staging"
            )
            spent = time.perf_counter() - started
            print(
                f"import again, {name} path: {spent:.2f} s, {args.rows / spent:,.0f} rows/s "
                f"(created {again.created:,}, updated {again.updated:,}, "
                f"unchanged {again.unchanged:,})"
            )
            print("  " + meter.report(args.rows))
        print(
            f"rows now: {Person.objects.count():,} people, {Residence.objects.count():,} "
            f"residences, {Employment.objects.count():,} jobs"
        )
        print(
            f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
            f"PostgreSQL {connection.pg_version}, {dt.date.today()}"
        )
    connection.close()
    if not args.keep:
        drop_database(url)


if __name__ == "__main__":
    main()
