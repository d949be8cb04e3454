"""Page-time tour: every page and API list of the URL configuration, as each role loads it
over HTTP from gunicorn on PostgreSQL with the scale-1 demo city, one user at a time.

    .venv/bin/python bench/pages.py [--repeat 5] [--roles ROLE ...] [--match TEXT]
        [--workers 2] [--max-p95 1.0] [--json FILE]
    make bench-pages

Uses BENCH_DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/parity_city1), a
database ``parity demo --scale 1`` filled, refreshed (``refresh_immunization``,
``refresh_indicators``) as ``make run`` does. The routes come from the access matrix's
registry (``parity/core/tests/access_routes.py``), which the test suite keeps complete: every
GET door that lists or reads is visited, its URL filled with real records of the busiest
grid (the person, the household, the pregnancy, … that the page is about) and the role's
own area, plus the variants in ``VARIANTS`` (a filter, a search, the second page). Each role
has a realistic scope: a grid worker of the most populous grid, its community's officer,
its district's official and a city official (as in ``bench/load.py``).

Each URL is fetched once to warm up and ``--repeat`` times measured, in turn for all URLs
(so every URL sees the same load). It prints p50 / p95 in ms and the SQL statements per
request (``X-Parity-Queries``, set by ``PARITY_QUERY_COUNT_HEADER``), the slowest ten, and a
static file's time as the baseline of the same run; it exits 1 when any route's p95 is over
``--max-p95`` seconds (default 1). A role refused by design (403) is listed, not timed.
Not a test: the figures go in bench/README.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from load import DEFAULT_URL, ROOT, STATIC, free_port, setup_django, signed_in_session, wait_for  # noqa: E402

# Extra queries a user sends on list pages: a filter, a search, the next page.
VARIANTS: dict[str, list[dict[str, str]]] = {
    "web:person_list": [{"status": "inflow"}, {"q": "王"}, {"page": "2"}],
    "web:household_list": [{"page": "2"}],
    "web:dwelling_list": [{"page": "2"}],
    "web:audit_list": [{"page": "2"}],
    "services:worklist": [{"page": "2"}],
    "services:keygroup_members": [{"page": "2"}],
    "immunization:overdue": [{"page": "2"}],
    "maternal:pregnant_list": [{"page": "2"}],
    "maternal:overdue_list": [{"page": "2"}],
    "maternal:children_overdue_list": [{"page": "2"}],
    "certificates:missing_list": [{"page": "2"}],
    "certificates:permit_eligible_list": [{"page": "2"}],
    "api:person-list": [{"status": "inflow"}, {"page": "2"}],
    "api:household-list": [{"page": "2"}],
    "api:service-event-list": [{"page": "2"}],
    "api:vaccination-list": [{"page": "2"}],
}
# Doors whose GET starts a file download for the whole scope: exports, not pages.
EXPORT_SUFFIXES = (".xlsx", ".csv")

ROLES = {
    # name: (role, how far up from the busiest grid the user's area is; None: the city)
    "grid_worker": ("grid_worker", 0),
    "community_officer": ("community_officer", 1),
    "district_official": ("official", 3),
    "city_official": ("official", None),
}


@dataclass
class Visit:
    role: str
    route: str
    url: str
    status: int = 0
    times: list[float] | None = None
    queries: int | None = None
    note: str = ""

    @property
    def p50(self) -> float:
        return statistics.median(self.times) if self.times else 0.0

    @property
    def p95(self) -> float:
        if not self.times:
            return 0.0
        ordered = sorted(self.times)
        return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def busiest_grid():
    from django.db.models import Count

    from parity.areas.models import Area
    from parity.people.models import Person

    top = Person.objects.values("area_code").annotate(n=Count("id")).order_by("-n").first()
    if top is None:
        raise SystemExit("the database has no people: generate the demo city first")
    return Area.objects.get(code=top["area_code"])


def _first(model_label: str, area_code: str, **filters):
    """The first record of a model in the area's subtree (widening to the district's and
    the city's when the grid has none), or None when the city has none."""
    from django.apps import apps

    model = apps.get_model(model_label)
    field = getattr(model, "area_code_field", "area_code")
    for prefix in (area_code, area_code[:6], area_code[:4]):
        row = (
            model.objects.filter(**{f"{field}__startswith": prefix}, **filters)
            .order_by("pk")
            .first()
        )
        if row is not None:
            return row
    return None


def side_for(grid) -> Any:
    """The records a page is asked about, found in the busiest grid as the access matrix's
    ``Side`` holds them for its small world."""
    from parity.core.tests.access_world import Side

    code = grid.code
    pregnancy = _first("maternal.Pregnancy", code, status="open")
    vaccination = _first("immunization.VaccinationRecord", code)
    return Side(
        grid=grid,
        district=code[:6],
        woman=pregnancy.person if pregnancy else _first("people.Person", code, sex="F"),
        child=vaccination.person if vaccination else None,
        lodger=_first("people.Person", code),
        dwelling=_first("housing.Dwelling", code),
        household=_first("people.Household", code),
        employment=_first("people.Employment", code),
        event=_first("services.ServiceEvent", code),
        visit=_first("services.Visit", code),
        vaccination=vaccination,
        pregnancy=pregnancy,
        delivered=_first("maternal.Pregnancy", code, status="delivered"),
        child_check=_first("maternal.ChildHealthCheck", code),
        certificate=_first("certificates.MarriageCertificate", code),
        permit=_first("certificates.ResidencePermit", code),
        campaign=_first("immunization.Campaign", code),
        saved=_first("services.KeyGroupList", code),
        target=_first("indicators.Target", code),
        department=_first("accounts.Department", code),
        staff=_first("services.ProviderStaff", code),
        transfer=_first("people.TransferRequest", code),
        area=code,
    )


def role_users(grid) -> dict[str, Any]:
    from parity.accounts.models import User
    from parity.areas.models import Area

    users = {}
    for name, (role, up) in ROLES.items():
        area = grid
        if up is None:
            area = Area.objects.get(level=1)
        else:
            for _ in range(up):
                area = area.parent
        user, _created = User.objects.update_or_create(
            username=f"bench-{name}", defaults={"role": role, "area": area, "is_active": True}
        )
        users[name] = user
    return users


def plan(side, users, *, match: str = "") -> list[Visit]:
    """Every (role, URL) to visit: each GET list or read door of the registry."""
    from dataclasses import replace

    from django.urls import NoReverseMatch, reverse

    from parity.core.tests.access_routes import LIST, READ, ROUTES, World

    world = World(users=users, inside=side, outside=side, areas={}, today=dt.date.today())
    visits = []
    for name, user in users.items():
        mine = replace(side, area=user.area.code)
        for route, doors in ROUTES.items():
            door = doors.get("GET")
            if door is None or door.kind not in (LIST, READ) or (match and match not in route):
                continue
            try:
                kwargs = door.kw(mine, world) if door.kw else {}
                query = door.query(mine, world) if door.query else {}
                path = reverse(route, kwargs=kwargs)
            except (AttributeError, NoReverseMatch) as error:
                visits.append(Visit(name, route, "", note=f"no record to ask about ({error})"))
                continue
            if path.endswith(EXPORT_SUFFIXES) or "export" in route:
                continue  # a download of the whole scope: bench/exports.py times those
            if query.get("format") in ("xlsx", "csv"):
                # The registry asks for the page's download: the tour opens the page.
                query = {k: v for k, v in query.items() if k != "format"}
            for extra in [{}, *VARIANTS.get(route, [])]:
                qs = urllib.parse.urlencode({**query, **extra})
                visits.append(Visit(name, route, path + (f"?{qs}" if qs else "")))
    return visits


def fetch(port: int, url: str, cookie: str, timeout: float) -> tuple[int, float, int | None]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{url}",
        headers={"Cookie": f"sessionid={cookie}", "Accept-Language": "zh-hans"},
    )
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            response.read()
            status, headers = response.status, response.headers
    except urllib.error.HTTPError as error:
        error.read()
        status, headers = error.code, error.headers
    except TimeoutError:
        return 0, time.perf_counter() - started, None
    elapsed = time.perf_counter() - started
    queries = headers.get("X-Parity-Queries")
    return status, elapsed, int(queries) if queries else None


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="measured fetches per URL")
    parser.add_argument("--roles", nargs="*", choices=sorted(ROLES), help="roles to tour")
    parser.add_argument("--match", default="", help="only routes whose name contains this")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--timeout", type=float, default=90, help="client timeout, seconds")
    parser.add_argument("--max-p95", type=float, default=1.0, help="fail above (seconds)")
    parser.add_argument("--json", type=Path, help="also write every visit here")
    args = parser.parse_args()
    if not 1 <= args.repeat <= 50:
        raise SystemExit("--repeat must be between 1 and 50")
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    setup_django(url)
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)
    grid = busiest_grid()
    users = role_users(grid)
    if args.roles:
        users = {k: v for k, v in users.items() if k in args.roles}
    cookies = {name: signed_in_session(user) for name, user in users.items()}
    visits = plan(side_for(grid), users, match=args.match)
    urllib.request.install_opener(urllib.request.build_opener(NoRedirect))

    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "PARITY_QUERY_COUNT_HEADER": "true",
    }
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "config.wsgi", "-b", f"127.0.0.1:{port}",
         "-w", str(args.workers), "--preload", "--timeout", str(int(args.timeout) + 30),
         "--log-level", "warning"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    static: list[float] = []
    started = time.perf_counter()
    try:
        wait_for(port)
        live = [v for v in visits if v.url]
        for round_ in range(args.repeat + 1):
            static.append(fetch(port, STATIC, "", args.timeout)[1])
            for visit in live:
                if (
                    visit.status in (403, 404)
                    or visit.status >= 500
                    or visit.status == 0
                    and round_
                ):
                    continue  # refused or failed: measured once, not again
                status, elapsed, queries = fetch(port, visit.url, cookies[visit.role], args.timeout)
                visit.status, visit.queries = status, queries
                if round_ == 0:
                    print(f"  {visit.role:18} {elapsed * 1000:9,.0f} ms  {status}  {visit.url}",
                          flush=True)  # fmt: skip
                    continue  # the warm-up
                visit.times = [*(visit.times or []), elapsed]
    finally:
        server.terminate()
        server.wait(timeout=60)
    report(visits, grid, users, static[1:], time.perf_counter() - started, args)


def report(visits: list[Visit], grid, users, static: list[float], elapsed: float, args) -> None:
    def ms(value: float) -> str:
        return f"{value * 1000:,.0f}"

    print(
        f"\n{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, {platform.node()}: "
        f"{os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}, "
        f"{args.workers} gunicorn workers, {args.repeat} rounds, {elapsed:.0f} s"
    )
    for name, user in users.items():
        print(f"  {name}: {user.area.code} {user.area.name}")
    print(f"  static file baseline: p50 {ms(statistics.median(static))} ms")
    print("\n| role | URL | status | p50 ms | p95 ms | queries |\n|---|---|---|---|---|---|")
    slow = []
    for v in visits:
        if not v.url:
            print(f"| {v.role} | {v.route} | — | | | {v.note} |")
            continue
        if not v.times:
            print(f"| {v.role} | `{v.url}` | {v.status or 'timeout'} | | | |")
            if v.status == 0 or v.status >= 500:
                slow.append(v)
            continue
        print(
            f"| {v.role} | `{v.url}` | {v.status} | {ms(v.p50)} | {ms(v.p95)} | "
            f"{v.queries if v.queries is not None else ''} |"
        )
        if v.p95 > args.max_p95:
            slow.append(v)
    timed = sorted((v for v in visits if v.times), key=lambda v: -v.p95)
    print("\nslowest ten:")
    for v in timed[:10]:
        print(f"  {ms(v.p95):>8} ms  {v.role:18} {v.url}  ({v.queries} queries)")
    if args.json:
        args.json.write_text(
            json.dumps([v.__dict__ for v in visits], ensure_ascii=False, indent=1),
            encoding="utf-8",
        )
    if slow:
        print(f"\n{len(slow)} URLs over {args.max_p95} s at p95 or failed:")
        for v in slow:
            print(f"  {v.role} {v.url} {v.status} {ms(v.p95) if v.times else ''}")
        raise SystemExit(1)


if __name__ == "__main__":
    main()
