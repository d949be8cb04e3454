"""``parity demo``: a synthetic city like the source report's, at any scale.

See ``parity.demo.plan`` for the definitions the records are built to satisfy (the
floating population on a date, stay classes, rented, service share, married women).
Deterministic for a seed: one ``random.Random(seed)``, every date derived from the as-of
date. Only the AES-GCM nonces of the sealed ID numbers are random, as they must be.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from tqdm import tqdm

from parity.accounts.choices import HEALTH_SITE_KINDS
from parity.accounts.models import Department, User
from parity.areas.choices import Level
from parity.areas.models import Area
from parity.certificates.eligible import permit_eligibility_rebuild
from parity.core.models import audit
from parity.demo.care import FLOATING, REGISTERED, school_term
from parity.demo.columns import COLUMNS
from parity.demo.names import SURNAMES
from parity.demo.origins import counties_by_province
from parity.demo.plan import G, P, Planner
from parity.demo.sink import Sink, registry_tables
from parity.demo.targets import YEAR_TARGETS, Targets
from parity.demo.tree import SITE_MARK, WORKER_PREFIX, load_city
from parity.demo.writer import Writer
from parity.immunization.actions import schedule_load
from parity.immunization.models import Campaign, CampaignRound, Vaccine
from parity.immunization.schedule_data import read_schedule_file
from parity.indicators.catalog import load_builtin
from parity.indicators.models import Indicator, Target
from parity.people.models import Person
from parity.services.catalog import catalog_load, load_catalog_file
from parity.services.models import ServiceType

DESTINATIONS = ("110105", "120101", "310115", "440305", "330106", "150102", "610102", "370102")


@dataclass
class DemoResult:
    targets: Targets
    stages: list[tuple[str, float, int]] = field(default_factory=list)  # name, seconds, rows
    rows: dict[str, int] = field(default_factory=dict)


def demo_city_wipe() -> None:
    """Delete the registry and its records (every person, dwelling, service event, …),
    the demo's health sites and grid workers. Keeps the area tree, the catalogs and the
    other users."""
    tables = registry_tables()
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
        else:
            for table in tables:
                cursor.execute(f"DELETE FROM {table}")  # FKs are checked at commit
        demo_sites = Department.objects.filter(kind__in=HEALTH_SITE_KINDS, name__endswith=SITE_MARK)
        User.objects.filter(department__in=demo_sites).update(department=None)
        User.objects.filter(username__startswith=WORKER_PREFIX).delete()
        demo_sites.delete()


def demo_city_generate(
    *,
    acting_user,
    scale: float,
    seed: int,
    as_of: dt.date,
    replace: bool = False,
    progress: bool = False,
    log: Callable[[str], None] = lambda _m: None,
) -> DemoResult:
    if scale <= 0:
        raise ValidationError("scale must be positive")
    if Person.objects.exists() and not replace:
        raise ValidationError(
            "The database already holds people: run with --replace to delete the registry "
            "and its records and generate the demo city again."
        )
    targets = Targets.for_scale(scale)
    result = DemoResult(targets=targets)
    rng = random.Random(seed)
    clock = time.perf_counter()

    def stage(name: str, rows: int = 0) -> None:
        nonlocal clock
        now = time.perf_counter()
        result.stages.append((name, now - clock, rows))
        log(f"{name}: {now - clock:.1f} s" + (f", {rows:,} rows" if rows else ""))
        clock = now

    if replace:
        demo_city_wipe()
        stage("wipe")
    if not ServiceType.objects.exists():
        catalog_load(acting_user=acting_user, entries=load_catalog_file())
    if not Vaccine.objects.exists():
        schedule_load(acting_user=acting_user, data=read_schedule_file())
    city = load_city(acting_user=acting_user, targets=targets, rng=rng)
    stage("areas, sites, staff, grid workers")

    context = _context(city, as_of)
    sink = Sink(COLUMNS)
    sink.start_ids()
    # On empty tables (a fresh database, or after --replace) the indexes are built once
    # after the load instead of row by row.
    indexes = sink.drop_indexes() if all(v == 1 for v in sink.next_id.values()) else []
    writer = Writer(sink=sink, rng=rng, context=context)
    grid_names = {a.pk: a.name for a in city.grids}

    try:
        planner = Planner(targets, as_of, rng, len(city.grids))
        planner.round1 = context["rounds"][0][1]
        groups = planner.plan()
        stage("plan of the floating population")

        floating_people = sum(len(g.members) for g in groups)
        with tqdm(total=floating_people, unit="人", desc="floating", disable=not progress) as bar:
            for group in groups:
                _write_floating(writer, group, context, grid_names)
                writer.flush_if_full()
                bar.update(len(group.members))
        writer.seal()
        sink.flush()
        stage("floating population and services", sum(sink.counts.values()))
        before = sum(sink.counts.values())
        _write_registered(writer, targets, rng, context, grid_names, progress)
        writer.close()
        stage("registered residents and services", sum(sink.counts.values()) - before)
        # Written by COPY, without the receivers: every person's day at once, before the
        # indexes are rebuilt (the update of 400,000 people then writes no index entries:
        # 73 s after the rebuild at scale 1).
        eligible = permit_eligibility_rebuild()
        stage("residence permit eligibility", eligible.eligible)
    finally:
        # Also after a failure: a database must never be left without its indexes.
        sink.restore_indexes(indexes)
    stage("indexes rebuilt")
    if connection.vendor == "postgresql":
        # Fresh tables have no statistics: without them the first reports plan badly
        # (measured: parity report 27 s before, 11 s after, at scale 1).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        stage("statistics")
    result.rows = dict(sink.counts)
    made = year_targets_set(acting_user=acting_user, year=as_of.year, on=as_of)
    stage("assessment targets", made)
    audit(
        acting_user=acting_user,
        action="demo.generate",
        object_type="people.person",
        after={"scale": scale, "seed": seed, "as_of": as_of.isoformat(), "rows": result.rows},
    )
    return result


def year_targets_set(*, acting_user, year: int, on: dt.date) -> int:
    """The demo's yearly targets (``YEAR_TARGETS``) on the city, its districts and their
    streets, so that the assessment page has scores and a ranking. Loads the built-in
    indicators if there are none; a target already set (by a user, or a run before) is
    kept. Returns the number of targets created."""
    if not Indicator.objects.exists():
        load_builtin(on)
    indicators = {i.code: i for i in Indicator.objects.filter(is_active=True)}
    areas = Area.objects.filter(level__lte=Level.STREET)
    wanted = [
        Target(
            year=year, area=area, indicator=indicators[t.indicator], measure=t.measure,
            value=t.value, weight=t.weight, note=t.note,
        )
        for area in areas
        for t in YEAR_TARGETS
        if t.indicator in indicators
    ]  # fmt: skip
    have = set(Target.objects.filter(year=year).values_list("area_id", "indicator_id"))
    new = [t for t in wanted if (t.area_id, t.indicator_id) not in have]
    for target in new[:1]:
        target.full_clean()
    Target.objects.bulk_create(new, batch_size=500)
    if new:
        audit(
            acting_user=acting_user,
            action="target.import",
            object_type="indicators.target",
            after={"year": year, "created": len(new), "source": "demo"},
        )
    return len(new)


def _context(city, as_of: dt.date) -> dict:
    today = as_of.toordinal()
    campaign_area = Area.objects.filter(level=1).order_by("code").get()
    bopv = Vaccine.objects.get(code="bOPV")
    campaign = Campaign.objects.create(
        name=f"{as_of.year - 1}–{as_of.year}年脊灰强化免疫(流动儿童)",
        vaccine=bopv,
        area=campaign_area,
        area_code=campaign_area.code,
        rule={"age_max_months": 59, "statuses": ["inflow"]},
        note="演示数据",
    )
    rounds = []
    for number, start in ((1, today - 300), (2, today - 270)):
        round_ = CampaignRound.objects.create(
            campaign=campaign,
            number=number,
            start_on=dt.date.fromordinal(start),
            end_on=dt.date.fromordinal(start + 9),
        )
        rounds.append((round_.pk, start, start + 9))
    stamp = f"{as_of.isoformat()} 01:00:00"
    if connection.vendor == "postgresql":
        stamp += "+00"
    home = set(counties_by_province().get(city.districts[0].code[:2], []))
    return {
        "today": today,
        "stamp": stamp,
        "grids": [(a.pk, a.code) for a in city.grids],
        "sites": city.site_of_district,
        "all_sites": [s.pk for s in city.sites],
        "workers": city.worker_of_grid,
        "types": dict(ServiceType.objects.values_list("code", "pk")),
        "vaccines": dict(Vaccine.objects.values_list("code", "pk")),
        "campaign": campaign.pk,
        "rounds": rounds,
        "district_codes": {d.code: d.code if d.code in home else "150203" for d in city.districts},
        "term": school_term(as_of),
    }


def _write_floating(writer: Writer, g: G, c: dict, grid_names: dict[int, str]) -> None:
    rng, today = writer.rng, c["today"]
    grid = c["grids"][g.grid]
    area = grid[1]
    if g.status == "outflow":
        p = g.members[0]
        hukou = c["district_codes"].get(area[:6], "150203")
        pk = writer.person(
            p, status="outflow", hukou=hukou, grid=grid, arrived=None, left=g.arrived,
            outflow=(rng.choice(DESTINATIONS), g.arrived),
        )  # fmt: skip
        if p.record_on:
            writer.event(pk, "health_record", p.record_on, area)
        return
    dwelling, address = writer.dwelling(grid, g.housing, grid_names[grid[0]])
    ids: list[tuple[int, str]] = []
    for index, p in enumerate(g.members):
        arrived = max(g.arrived, p.birth)
        pk = writer.person(
            p, status="inflow", hukou=g.hukou, grid=grid, arrived=arrived, left=g.left or None
        )
        ids.append((pk, p.relation))
        reason = ("work" if rng.random() < 0.8 else "relatives") if index == 0 else "family"
        writer.residence(
            pk, dwelling, address, grid, arrived, g.left or None, g.housing, reason,
            g.hukou if g.left else "",
        )  # fmt: skip
        if g.left:
            continue
        age = (today - p.birth) // 365
        if p.industry:
            # Started by the as-of date: every planned job counts, so the service share
            # is the plan's 70% exactly (it drifted with the draws otherwise).
            started = min(arrived + rng.randint(0, 60), today)
            writer.job(pk, p.industry, started, area)
            writer.insurance(pk, started, area, FLOATING)
        if p.record_on:
            writer.event(pk, "health_record", p.record_on, area)
        if age < 7:
            writer.vaccinations(pk, p.birth, area, FLOATING, arrived)
            writer.child_checks(pk, p.birth, area, FLOATING, arrived)
        if 6 <= age <= 14:
            writer.school(pk, p.birth, area, FLOATING, arrived)
        if age >= 65:
            writer.elderly(pk, area, FLOATING, arrived)
        writer.everyday(pk, age, area, FLOATING, arrived)
        if p.target:
            writer.campaign(pk, area, p.vaccinated)
        if p.sex == "F" and 18 <= age <= 49:
            writer.woman(pk, p, g, area, g.hukou)
        if p.industry and today - arrived > 200 and rng.random() < 0.45:
            writer.permit(pk, arrived, area, "employment")
        if index == 0 and rng.random() < 0.15:
            writer.visit(pk, grid[0], area, rng.randint(max(arrived, today - 365), today))
    if len(ids) > 1:
        writer.household(ids, address, area)


def _write_registered(writer, targets, rng, c, grid_names, progress) -> None:
    """Registered residents, generated and written as they come: families in their own
    homes (a few renting), with exactly ``records_registered`` health records drawn by
    selection sampling (each person with probability wanted / remaining)."""
    today = c["today"]
    remaining, wanted = targets.registered, targets.records_registered

    with tqdm(total=targets.registered, unit="人", desc="registered", disable=not progress) as bar:
        while remaining > 0:
            grid = c["grids"][rng.randrange(len(c["grids"]))]
            area = grid[1]
            hukou = c["district_codes"].get(area[:6], "150203")
            surname = rng.choice(SURNAMES)
            head_birth = today - rng.randint(20 * 365, 85 * 365)
            members = [P(rng.choice("MF"), head_birth, "head", surname)]
            if rng.random() < 0.7:
                youngest = today - rng.randint(20 * 365, 24 * 365)
                spouse_birth = min(head_birth + rng.randint(-1500, 1500), youngest)
                spouse_sex = "F" if members[0].sex == "M" else "M"
                members.append(P(spouse_sex, spouse_birth, "spouse", rng.choice(SURNAMES)))
                eldest = head_birth + 20 * 365
                for _ in range(rng.choice((0, 1, 1, 1, 2))):
                    if eldest > today - 1:
                        break
                    low = max(eldest, today - 30 * 365)
                    child = P(rng.choice("MF"), rng.randint(low, today - 1), "child", surname)
                    child.marital = "unmarried" if today - child.birth < 22 * 365 else "married"
                    members.append(child)
            else:
                members[0].marital = rng.choice(("unmarried", "married", "widowed", "divorced"))
            members = members[:remaining]
            moved_in = today - rng.randint(0, 25 * 365)
            housing = "own" if rng.random() < 0.8 else "rented"
            address = f"{grid_names[grid[0]][:4]}{rng.randint(1, 60)}号院"
            ids = []
            mother: tuple[int, P] | None = None
            children: list[tuple[int, P]] = []
            for p in members:
                arrived = max(moved_in, p.birth)
                pk = writer.person(
                    p, status="registered", hukou=hukou, grid=grid, arrived=arrived, left=None
                )
                ids.append((pk, p.relation))
                writer.residence(pk, None, address, grid, arrived, None, housing, "", "")
                age = (today - p.birth) // 365
                if 18 <= age < 60 and rng.random() < 0.7:
                    industry = rng.choice("CEFGHIJKLMNOPQRS")
                    started = today - rng.randint(30, 3650)
                    writer.job(pk, industry, started, area)
                    writer.insurance(pk, started, area, REGISTERED)
                if rng.random() * remaining < wanted:
                    wanted -= 1
                    writer.event(pk, "health_record", rng.randint(today - 3650, today), area)
                if age < 7:
                    writer.vaccinations(pk, p.birth, area, REGISTERED, p.birth)
                    children.append((pk, p))
                if 6 <= age <= 14:
                    writer.school(pk, p.birth, area, REGISTERED, arrived)
                if age >= 65:
                    writer.elderly(pk, area, REGISTERED, arrived)
                writer.everyday(pk, age, area, REGISTERED, arrived)
                if p.sex == "F" and p.marital == "married" and 15 <= age <= 49 and not mother:
                    mother = (pk, p)
                remaining -= 1
            _registered_care(writer, mother, children, area)
            if len(ids) > 1:
                writer.household(ids, address, area)
            writer.flush_if_full()
            bar.update(len(members))


def _registered_care(
    writer: Writer,
    mother: tuple[int, P] | None,
    children: list[tuple[int, P]],
    area: str,
) -> None:
    """A registered family's mother and children under 7: her family planning and, for a
    child born in the last year, her delivery of it (the child linked); the children's
    health checks, the newborn's first visit counted from the discharge."""
    today = writer.today
    newborn: tuple[int, int] | None = None
    discharged = 0
    if mother is not None:
        pk, p = mother
        newborn = next(((c, q.birth) for c, q in children if q.birth >= today - 364), None)
        discharged = writer.family_planning(pk, p.birth, area, REGISTERED, p.birth, newborn)
    for pk, p in children:
        linked = newborn is not None and newborn[0] == pk
        writer.child_checks(pk, p.birth, area, REGISTERED, p.birth, discharged if linked else 0)
