"""Benchmark: ``parity demo`` into a fresh PostgreSQL database, with a baseline measured
in the same run: a raw ``COPY`` of as many person rows (same columns, pre-formatted) into a
plain table without indexes, constraints or triggers.

    .venv/bin/python bench/demo_generate.py [--scale 1] [--seed 2014] [--as-of 2025-06-30]

Uses BENCH_DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/parity_demo): the
database is dropped, created and migrated. Prints the time of each stage, the total, the
peak RSS of this process and rows per second, for bench/README.md. Not a test.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from import_people import recreate_database  # noqa: E402

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/parity_demo"


def baseline(people: int) -> float:
    """Seconds for a raw COPY of ``people`` person-like rows into a plain table."""
    from django.db import connection

    from parity.demo.columns import COLUMNS

    columns = ", ".join(COLUMNS["people_person"])

    line = (
        "{pk}\t2025-06-30 01:00:00+00\t2025-06-30 01:00:00+00\tv1:" + "A" * 60 + "\t"
        + "0" * 64 + "\t150203********123X\t王小明\tM\t1990-01-01\t01\tjunior\tmarried\t"
        "150203\tagricultural\t\t\t\tregistered\t150203001001001\t1\t\t\\N\t2020-01-01\t\\N\n"
    )  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE bench_person (LIKE people_person INCLUDING DEFAULTS)")
        start = time.perf_counter()
        for first in range(0, people, 200_000):
            text = "".join(line.format(pk=pk) for pk in range(first, min(first + 200_000, people)))
            with cursor.cursor.copy(f"COPY bench_person ({columns}) FROM STDIN") as copy:
                copy.write(text.encode())
        return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=2014)
    parser.add_argument("--as-of", type=dt.date.fromisoformat, default=dt.date(2025, 6, 30))
    args = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    recreate_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from parity.demo.generate import demo_city_generate

    call_command("migrate", verbosity=0)
    start = time.perf_counter()
    result = demo_city_generate(
        acting_user=None,
        scale=args.scale,
        seed=args.seed,
        as_of=args.as_of,
        progress=False,
        log=lambda message: print(message, flush=True),
    )
    total = time.perf_counter() - start
    rows = sum(result.rows.values())
    people = result.rows["people_person"]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\nscale {args.scale}: {rows:,} rows in {total:.1f} s ({rows / total:,.0f} rows/s)")
    print(f"peak RSS of this process: {peak:,.0f} MiB")
    for table, count in sorted(result.rows.items(), key=lambda kv: -kv[1]):
        print(f"  {table:36} {count:>12,}")
    seconds = baseline(people)
    print(
        f"baseline: raw COPY of {people:,} person rows into a plain table: {seconds:.1f} s "
        f"({people / seconds:,.0f} rows/s); the demo's people are "
        f"{people / total:,.0f} persons/s over the whole run"
    )


if __name__ == "__main__":
    main()
