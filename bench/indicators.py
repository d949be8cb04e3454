"""Benchmark: every built-in indicator for every area node of the demo city, cold and
cached, next to the plain SQL count of the population they cover; and the dashboard's page
time under concurrent users on loopback, next to a page that reads no figures.

    .venv/bin/python bench/indicators.py [--generate --scale 1] [--repeat 2]
        [--users 20] [--requests 30] [--think MIN MAX] [--workers-refresh 2] [--skip-refresh]
        [--skip-load]

Uses BENCH_DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/parity_city1), a
database that ``parity demo`` filled (``bench/report.py --source demo`` keeps one); with
``--generate`` it is dropped and generated afresh at ``--scale``. Measured in the same run:

- **plain count**: one SQL statement counting the people the indicators cover (living in
  the city on the date) by grid and status, the cost of one pass over the registry;
- **cold**: ``compute.refresh`` of every active indicator and the dashboard figures for
  every node (what ``parity refresh_indicators`` does), with the time of each part, on one
  connection (sequential, the baseline) and on ``--workers`` connections, interleaved;
- **cached**: the equalization table and figures of every node read from the cache, as
  the pages read them;
- **dashboard**: ``gunicorn`` serving the app on 127.0.0.1 (``--workers``, default 4),
  ``--users`` threads each requesting ``--requests`` dashboard pages of the city, its
  districts and streets, logged in as a city official, waiting ``--think`` seconds
  (uniform between MIN and MAX; default 0: a closed loop, each user asks again the moment
  a page arrives) between two pages; p50 and p95 of the page time, next to the same load
  on the login page (a page that reads no figures).

Not a test: it prints figures for bench/README.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import os
import platform
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from import_people import recreate_database  # noqa: E402
from load import free_port, signed_in_session  # noqa: E402

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/parity_city1"

PLAIN_COUNT = """
SELECT area_code, status, count(*) FROM people_person
WHERE status IN ('inflow', 'registered') AND arrived_city_on <= %(d)s
  AND (left_city_on IS NULL OR left_city_on > %(d)s)
GROUP BY area_code, status
"""


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def median_of(fn, repeat: int) -> float:
    fn()  # warm-up, untimed
    return statistics.median(timed(fn) for _ in range(repeat))


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def generate(url: str, scale: float, as_of: dt.date) -> None:
    from django.core.management import call_command

    recreate_database(url)
    call_command("migrate", verbosity=0)
    call_command("demo", scale=scale, seed=1, as_of=as_of, verbosity=1)
    call_command("refresh_immunization", as_of=as_of.isoformat(), verbosity=0)


def measure_refresh(
    as_of: dt.date, repeat: int, workers: list[int]
) -> tuple[dict[int, list[float]], dict[int, dict[str, float]], int]:
    """``repeat`` rounds, each refreshing once with every number of ``workers`` (the
    rounds interleaved, so that the machine's load weighs on each alike): the wall times
    and, per part, its best time, by number of workers."""
    from parity.indicators.compute import refresh

    runs: dict[int, list[float]] = {n: [] for n in workers}
    parts: dict[int, dict[str, float]] = {n: {} for n in workers}
    rows = 0
    for _ in range(repeat):
        for n in workers:
            timings: dict[str, float] = {}
            start = time.perf_counter()
            snapshot = refresh(as_of=as_of, workers=n, timings=timings)
            runs[n].append(time.perf_counter() - start)
            rows = snapshot.rows
            for name, seconds in timings.items():
                parts[n][name] = min(parts[n].get(name, float("inf")), seconds)
    return runs, parts, rows


def measure_cached(as_of: dt.date, repeat: int) -> tuple[float, int]:
    from parity.areas.models import Area
    from parity.indicators import selectors
    from parity.indicators.selectors import latest_snapshot

    snapshot = latest_snapshot(as_of)
    assert snapshot is not None and snapshot.as_of == as_of
    codes = list(Area.objects.values_list("code", flat=True))

    def read_all() -> None:
        for code in codes:
            rows = selectors.equalization_table(snapshot, code)
            selectors.equalization_index(rows)
            selectors.figures(snapshot, code)

    return median_of(read_all, repeat), len(codes)


def bench_user_session() -> str:
    """A city official, signed in as after the password and the second factor (the session
    stamped for the idle and absolute limits, as ``bench/load.py`` makes its users'): the
    session key for the cookie."""
    from parity.accounts.models import User
    from parity.areas.models import Area

    user, _created = User.objects.get_or_create(
        username="bench-official",
        defaults={"role": "official", "area": Area.objects.get(level=1)},
    )
    return signed_in_session(user)


def load(
    port: int,
    paths: list[str],
    cookie: str,
    users: int,
    requests: int,
    think: tuple[float, float] = (0.0, 0.0),
) -> tuple[list[float], int]:
    """``users`` threads, each with its own keep-alive connection, ``requests`` pages each,
    ``think`` seconds (uniform between the two) between two of its pages."""
    times: list[float] = []
    failures = 0
    lock = threading.Lock()

    def user(seed: int) -> None:
        nonlocal failures
        rng = random.Random(seed)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        for _ in range(requests):
            if think[1]:
                time.sleep(rng.uniform(*think))
            path = rng.choice(paths)
            start = time.perf_counter()
            conn.request(
                "GET", path, headers={"Cookie": f"sessionid={cookie}", "Host": "127.0.0.1"}
            )
            response = conn.getresponse()
            response.read()
            elapsed = time.perf_counter() - start
            with lock:
                times.append(elapsed)
                failures += response.status != 200
        conn.close()

    threads = [threading.Thread(target=user, args=(n,)) for n in range(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return times, failures


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def measure_dashboard(
    url: str, users: int, requests: int, workers: int, think: tuple[float, float]
) -> dict[str, float]:
    from django.core.cache import cache
    from django.core.management import call_command

    from parity.areas.models import Area
    from parity.indicators.selectors import latest_snapshot
    from parity.indicators.signals import indicators_computed

    # DEBUG is off below, as in production: the pages need the static files' manifest.
    call_command("collectstatic", interactive=False, verbosity=0)
    cookie = bench_user_session()
    codes = list(Area.objects.filter(level__lte=3).values_list("code", flat=True))
    paths = ["/dashboard/"] + [f"/dashboard/{code}/" for code in codes]
    port = free_port()
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "false", "ALLOWED_HOSTS": "127.0.0.1"}
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "config.wsgi", "-b", f"127.0.0.1:{port}",
         "-w", str(workers), "--preload", "--log-level", "warning"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        _times, failed = load(port, ["/accounts/login/"], cookie, 4, 5)  # start the workers
        if failed:
            raise SystemExit(f"the login page failed {failed} times out of 20: see the log above")
        login, login_failures = load(port, ["/accounts/login/"], cookie, users, requests, think)
        # Cold: no page rendered yet since the figures were computed.
        cache.clear()
        cold, cold_failures = load(port, paths, cookie, users, requests, think)
        # As after `parity refresh_indicators`: city, district and street pages prepared.
        cache.clear()
        started = time.perf_counter()
        indicators_computed.send(sender=None, snapshot=latest_snapshot())
        prepared_s = time.perf_counter() - started
        pages, failures = load(port, paths, cookie, users, requests, think)
    finally:
        server.terminate()
        server.wait(timeout=30)
    return {
        "requests": len(pages),
        "failures": failures + login_failures + cold_failures,
        "p50": percentile(pages, 50),
        "p95": percentile(pages, 95),
        "cold_p50": percentile(cold, 50),
        "cold_p95": percentile(cold, 95),
        "login_p50": percentile(login, 50),
        "login_p95": percentile(login, 95),
        "prepared_s": prepared_s,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--generate", action="store_true")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--as-of", type=dt.date.fromisoformat, default=dt.date.today())
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument(
        "--workers-refresh", type=int, default=2, help="connections of the parallel refresh"
    )
    parser.add_argument("--skip-refresh", action="store_true", help="use the cache as it is")
    parser.add_argument("--skip-load", action="store_true", help="no dashboard load test")
    parser.add_argument(
        "--think",
        type=float,
        nargs=2,
        default=(0.0, 0.0),
        metavar=("MIN", "MAX"),
        help="seconds a dashboard user waits between two pages (default 0 0: closed loop)",
    )
    args = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    setup_django(url)

    from django.core.management import call_command
    from django.db import connection

    from parity.indicators.catalog import load_builtin
    from parity.indicators.models import Indicator
    from parity.people.models import Person

    if args.generate:
        generate(url, args.scale, args.as_of)
    call_command("migrate", verbosity=0)
    load_builtin(args.as_of)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    people = Person.objects.count()
    indicators = Indicator.objects.active().count()
    print(
        f"{platform.node()} · {os.cpu_count()} cores · load {os.getloadavg()[0]:.1f} · "
        f"{people:,} people · {indicators} indicators · as of {args.as_of}"
    )

    def plain() -> None:
        with connection.cursor() as cursor:
            cursor.execute(PLAIN_COUNT, {"d": args.as_of})
            cursor.fetchall()

    plain_s = median_of(plain, args.repeat)
    print(f"plain count of the population by grid and status: {plain_s:.2f} s")
    if not args.skip_refresh:
        counts = [1, args.workers_refresh]
        runs, parts, rows = measure_refresh(args.as_of, args.repeat, counts)
        best = {n: min(r) for n, r in runs.items()}
        for n in counts:
            print(f"cold, {n} connection(s): full refresh "
                  f"{', '.join(f'{r:.1f}' for r in runs[n])} s ({rows:,} rows); best "
                  f"{best[n]:.1f} s = {best[n] / plain_s:.1f}× the plain count")  # fmt: skip
            slowest = sorted(parts[n].items(), key=lambda kv: -kv[1])
            print("  slowest parts: " + ", ".join(f"{c} {s:.2f} s" for c, s in slowest[:10]))
            print(f"  sum of the parts: {sum(parts[n].values()):.1f} s")
        n = args.workers_refresh
        print(f"parallel / sequential, best of each: {best[n] / best[1]:.2f} "
              f"(load now {os.getloadavg()[0]:.1f})")  # fmt: skip
    cached_s, nodes = measure_cached(args.as_of, args.repeat)
    print(
        f"cached: every indicator and figure of all {nodes:,} nodes read in {cached_s:.2f} s "
        f"({1000 * cached_s / nodes:.1f} ms a node) = {cached_s / plain_s:.2f}× the plain count"
    )
    if not args.skip_load:
        result = measure_dashboard(url, args.users, args.requests, args.workers, args.think)
        ms = {k: f"{1000 * v:.0f} ms" for k, v in result.items()}
        print(
            f"dashboard, {args.users} users × {args.requests} pages each, {args.workers} "
            f"workers, {args.think[0]:g}-{args.think[1]:g} s between pages, "
            f"city/district/street pages at random (load {os.getloadavg()[0]:.1f}):\n"
            f"  prepared by the refresh ({result['prepared_s']:.1f} s): p50 {ms['p50']}, "
            f"p95 {ms['p95']} = {result['p95'] / result['login_p95']:.1f}× the login page's\n"
            f"  cold (nothing rendered yet): p50 {ms['cold_p50']}, p95 {ms['cold_p95']}\n"
            f"  login page under the same load: p50 {ms['login_p50']}, p95 {ms['login_p95']}\n"
            f"  {result['failures']} failed requests"
        )


if __name__ == "__main__":
    main()
