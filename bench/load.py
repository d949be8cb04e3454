"""Load test: concurrent users of every role on the list pages, the dashboard, the work list
and the API, against gunicorn on PostgreSQL, next to a static file served under the same
load in the same run (the baseline: what the server answers when no page is computed).

    .venv/bin/python bench/load.py [--users 50] [--duration 120] [--workers 3]
        [--spawn-rate 10] [--only ROLE ...] [--max-p95 1.0] [--think 0.1 1.0]

Uses BENCH_DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/parity_city1), a
database that ``parity demo --scale 1`` filled (``bench/report.py --source demo`` keeps
one). Everything stays on 127.0.0.1: gunicorn on a free port, locust (headless, bounded by
``--duration``) in a separate process. Each simulated user is one of four roles with a
realistic scope — a grid worker of the most populous grid, that grid's community officer,
its district's official and a city official — logged in through a session made here
(two-factor verified where the deployment requires it) and picks its role's pages at
random with ``--think`` seconds between them (by default 0.1 to 1: a stress, not a person
reading a page).

It prints p50 / p95 / p99 and the failures per page and per role, and exits 1 when any
request failed or (with ``--max-p95``) any page's p95 exceeds the bound. Not a test: it
prints figures for bench/README.md.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/parity_city1"
STATIC = "/static/web/parity.css"

# The pages each role opens in a working day (first page, a filter, a search, a drill-down).
COMMON = [
    "/",
    "/people/",
    "/people/?status=inflow",
    "/people/?q=%E7%8E%8B",  # 王
    "/households/",
    "/dwellings/",
    "/dashboard/",
    "/services/keygroups/",
    "/immunization/overdue/",
    "/maternal/pregnant/",
    "/maternal/overdue/",
    "/certificates/missing/",
    "/api/v1/persons/",
    "/api/v1/persons/?status=inflow",
    "/api/v1/households/",
]
ROLE_PAGES = {
    "grid_worker": [*COMMON, "/services/worklist/", "/api/v1/worklist/"],
    "community_officer": [*COMMON, "/services/worklist/", "/certificates/permits/eligible/"],
    "district_official": [*COMMON, "/reports/", "/indicators/assessment/"],
    "city_official": [*COMMON, "/reports/", "/indicators/assessment/", "/services/coverage/"],
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def signed_in_session(user) -> str:
    """A signed-in session for ``user``, as after the password and the second factor (a
    TOTP device is created for the bench user), stamped for the session limits."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from parity.accounts.sessions import SEEN_AT, SIGNED_IN_AT

    device, _created = TOTPDevice.objects.get_or_create(
        user=user, name="bench", defaults={"confirmed": True}
    )
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session[SIGNED_IN_AT] = session[SEEN_AT] = time.time()
    session.create()
    return session.session_key or ""


def role_sessions() -> dict[str, dict]:
    """One bench user per role, scoped as the people who use each role are."""
    from django.db.models import Count

    from parity.accounts.models import User
    from parity.areas.models import Area
    from parity.people.models import Person

    busiest = Person.objects.values("area_code").annotate(n=Count("id")).order_by("-n").first()
    if busiest is None:
        raise SystemExit("the database has no people: generate the demo city first")
    grid = Area.objects.get(code=busiest["area_code"])
    community, district = grid.parent, grid.parent.parent.parent
    city = Area.objects.get(level=1)
    scopes = {
        "grid_worker": ("grid_worker", grid),
        "community_officer": ("community_officer", community),
        "district_official": ("official", district),
        "city_official": ("official", city),
    }
    sessions = {}
    for name, (role, area) in scopes.items():
        user, _created = User.objects.update_or_create(
            username=f"bench-{name}", defaults={"role": role, "area": area, "is_active": True}
        )
        sessions[name] = {
            "cookie": signed_in_session(user),
            "area": f"{area.code} {area.name}",
            "pages": ROLE_PAGES[name],
        }
    return sessions


def wait_for(port: int, seconds: float = 60) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"gunicorn did not listen on {port} within {seconds} s")


def read_stats(prefix: str) -> list[dict[str, str]]:
    with open(f"{prefix}_stats.csv", newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--spawn-rate", type=float, default=10)
    parser.add_argument("--duration", type=int, default=120, help="seconds of load")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument("--only", nargs="*", choices=sorted(ROLE_PAGES), help="roles to run")
    parser.add_argument("--max-p95", type=float, default=None, help="fail above (seconds)")
    parser.add_argument(
        "--think",
        type=float,
        nargs=2,
        default=(0.1, 1.0),
        metavar=("MIN", "MAX"),
        help="seconds a user waits between two pages (default 0.1 1.0; a person reading a "
        "page takes several seconds)",
    )
    args = parser.parse_args()
    if not 0 <= args.think[0] <= args.think[1] <= 600:
        raise SystemExit("--think wants MIN <= MAX, both between 0 and 600 seconds")
    if not 1 <= args.duration <= 1800:
        raise SystemExit("--duration must be between 1 and 1800 seconds")
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    setup_django(url)
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)
    sessions = role_sessions()
    if args.only:
        sessions = {k: v for k, v in sessions.items() if k in args.only}
    port = free_port()
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "false", "ALLOWED_HOSTS": "127.0.0.1"}
    workdir = Path(tempfile.mkdtemp(prefix="parity-load-"))
    plan = workdir / "plan.json"
    content = {"sessions": sessions, "static": STATIC, "think": args.think}
    plan.write_text(json.dumps(content), encoding="utf-8")
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "config.wsgi", "-b", f"127.0.0.1:{port}",
         "-w", str(args.workers), "--preload", "--timeout", "120", "--log-level", "warning"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    try:
        wait_for(port)
        started = time.perf_counter()
        subprocess.run(
            [str(ROOT / ".venv/bin/locust"), "-f", str(ROOT / "bench/locustfile.py"),
             "--headless", "--host", f"http://127.0.0.1:{port}",
             "-u", str(args.users), "-r", str(args.spawn_rate), "-t", f"{args.duration}s",
             "--stop-timeout", "60", "--csv", str(workdir / "load"), "--only-summary",
             "--loglevel", "WARNING"],
            cwd=ROOT, env={**env, "PARITY_LOAD_PLAN": str(plan)}, check=False,
        )  # fmt: skip
        elapsed = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=60)
    report(read_stats(str(workdir / "load")), sessions, args, elapsed)


def report(rows: list[dict[str, str]], sessions: dict, args, elapsed: float) -> None:
    def ms(value: str) -> str:
        return "—" if value in ("", "N/A") else f"{float(value):,.0f}"

    print(
        f"\n{platform.node()}: {os.cpu_count()} cores, {args.users} users, "
        f"{args.workers} gunicorn workers, {args.think[0]}-{args.think[1]} s between pages, "
        f"{elapsed:.0f} s of load"
    )
    for name, session in sessions.items():
        print(f"  {name}: {session['area']}")
    print("\n| page | requests | failures | p50 ms | p95 ms | p99 ms |\n|---|---|---|---|---|---|")
    failures = 0
    slow = []
    for row in rows:
        failures += int(row["Failure Count"]) if row["Name"] != "Aggregated" else 0
        print(
            f"| {row['Name']} | {row['Request Count']} | {row['Failure Count']} | "
            f"{ms(row['50%'])} | {ms(row['95%'])} | {ms(row['99%'])} |"
        )
        if (
            args.max_p95
            and row["Name"] != "Aggregated"
            and row["95%"] not in ("", "N/A")
            and float(row["95%"]) > args.max_p95 * 1000
        ):
            slow.append(row["Name"])
    if failures or slow:
        print(f"\n{failures} failed requests; p95 over the bound: {', '.join(slow) or 'none'}")
        raise SystemExit(1)


if __name__ == "__main__":
    main()
