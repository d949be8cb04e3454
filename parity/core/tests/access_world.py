"""The small world the access-control matrix runs in: one user per role, and two copies of
every kind of record, one in grid 150203001001001 (inside the role users' scope) and one in
grid 150204001001001 (the outsider's grid, outside it).

Built once per test module (``build_world``); each test then runs in a savepoint rolled back
after it, so a write that succeeds leaves nothing behind for the next case.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from django.apps import apps
from django.db import connection
from django.utils import timezone

from parity.accounts.choices import DepartmentKind, Role
from parity.accounts.models import Department, User
from parity.areas.actions import BUNDLED_TREE, area_tree_load, load_tree_file
from parity.areas.models import Area
from parity.conftest import COMMUNITY, DISTRICT, GRID, OTHER_GRID, make_id

OTHER_DISTRICT = "150204"
CITY = "1502"
THIRD_GRID = "150202001001001"

# Names no page shows unless it shows that person.
IN_NAMES = ("秦内人", "秦内童", "秦内客")
OUT_NAMES = ("楚外人", "楚外童", "楚外客")


@dataclass
class Side:
    """The records hanging on one grid, and the area code a page is asked about for them."""

    grid: Area
    district: str
    woman: Any
    child: Any
    lodger: Any
    dwelling: Any
    household: Any
    employment: Any
    event: Any
    visit: Any
    vaccination: Any
    pregnancy: Any
    delivered: Any
    child_check: Any
    certificate: Any
    permit: Any
    campaign: Any
    saved: Any
    target: Any
    department: Any
    staff: Any
    # The area code routes keyed by area use: the viewer's own area when inside.
    area: str = ""
    names: tuple[str, ...] = field(default=())
    # A pending request from a third area (青山区's neighbour 东河区) to move this side's
    # lodger there: this side holds the person and decides, the other side sees nothing.
    transfer: Any = None

    # The viewer's own side: a write to this side's record sends values from it (a move
    # into the viewer's own grid), so that scope is checked on the record, not the values.
    home: Side | None = None

    def seen_from(self, home: Side, code: str) -> Side:
        from dataclasses import replace

        return replace(self, area=code, home=home)

    @property
    def mine(self) -> Side:
        return self.home or self

    @property
    def secrets(self) -> tuple[str, ...]:
        """What must never appear in an answer to a user who may not see this side."""
        people = (self.woman, self.child, self.lodger)
        return (*self.names, *(p.id_masked for p in people), *self.id_numbers)

    @property
    def id_numbers(self) -> tuple[str, ...]:
        return tuple(p.id_number for p in (self.woman, self.child, self.lodger))


@dataclass
class World:
    users: dict[str, User]
    inside: Side
    outside: Side
    areas: dict[str, Area]
    today: dt.date


ROLE_USERS = {
    # role key: (role, area code, superuser)
    "admin": (Role.ADMIN, CITY, True),
    "official": (Role.OFFICIAL, DISTRICT, False),
    "community_officer": (Role.COMMUNITY_OFFICER, COMMUNITY, False),
    "grid_worker": (Role.GRID_WORKER, GRID, False),
    "service_provider": (Role.SERVICE_PROVIDER, DISTRICT, False),
    "auditor": (Role.AUDITOR, DISTRICT, False),
    "outsider": (Role.GRID_WORKER, OTHER_GRID, False),
}


def _side(admin, areas, grid: str, district: str, names, seq: int, today) -> Side:
    from parity.certificates.actions import certificate_record, permit_apply
    from parity.housing.actions import dwelling_register
    from parity.immunization.actions import campaign_create, vaccination_record
    from parity.immunization.models import Vaccine
    from parity.indicators.assessment.actions import target_set
    from parity.indicators.models import Indicator
    from parity.maternal.actions import child_check_record, delivery_record, pregnancy_register
    from parity.people import actions as people
    from parity.services.actions import (
        department_register,
        key_group_save,
        service_record,
        staff_register,
        visit_record,
    )
    from parity.services.models import ServiceType

    woman_name, child_name, lodger_name = names
    born = today - dt.timedelta(days=200)
    dwelling = dwelling_register(
        acting_user=admin, address=f"{woman_name}之屋", grid=areas[grid], dwelling_type="rented"
    )
    woman = people.person_register(
        acting_user=admin,
        id_number=make_id("410102", "19950310", seq),
        name=woman_name,
        grid=areas[grid],
        arrived_on=dt.date(2023, 1, 5),
        housing_type="rented",
        dwelling=dwelling,
        marital_status="married",
    )
    child = people.person_register(
        acting_user=admin,
        id_number=make_id("410102", born.strftime("%Y%m%d"), seq + 1),
        name=child_name,
        grid=areas[grid],
        arrived_on=born,
        housing_type="rented",
    )
    lodger = people.person_register(
        acting_user=admin,
        id_number=make_id("410102", "19920808", seq + 2),
        name=lodger_name,
        grid=areas[grid],
        arrived_on=dt.date(2023, 2, 1),
        housing_type="rented",
    )
    household = people.household_create(acting_user=admin, head=woman)
    people.household_add_member(
        acting_user=admin, household=household, person=child, relation="child"
    )
    employment = people.employment_record(acting_user=admin, person=woman, industry="E")
    health = ServiceType.objects.get(code="health_record")
    event = service_record(
        acting_user=admin, person=woman, service_type=health, date=today - dt.timedelta(days=9)
    )
    visit = visit_record(
        acting_user=admin, person=woman, visited_on=today - dt.timedelta(days=8), outcome="met"
    )
    department = department_register(
        acting_user=admin,
        name=f"{woman_name}卫生站",
        kind=DepartmentKind.HEALTH_STATION,
        area=areas[grid],
    )
    staff = staff_register(
        acting_user=admin, name=f"{woman_name}医生", role="doctor", department=department
    )
    vaccination = vaccination_record(
        acting_user=admin,
        person=child,
        vaccine=Vaccine.objects.get(code="HepB"),
        dose=1,
        date=born,
    )
    delivered = pregnancy_register(
        acting_user=admin,
        person=woman,
        lmp=today - dt.timedelta(days=400),
        registered_on=today - dt.timedelta(days=340),
    )
    delivery_record(
        acting_user=admin,
        pregnancy=delivered,
        delivered_on=today - dt.timedelta(days=130),
        place="hospital",
        outcome="live_birth",
    )
    delivered.refresh_from_db()
    pregnancy = pregnancy_register(
        acting_user=admin, person=woman, lmp=today - dt.timedelta(days=100)
    )
    child_check = child_check_record(
        acting_user=admin, child=child, date=today - dt.timedelta(days=7)
    )
    certificate = certificate_record(
        acting_user=admin,
        person=woman,
        region_code="410102",
        number=f"HY-{seq}",
        issued_on=dt.date(2023, 6, 1),
    )
    permit = permit_apply(acting_user=admin, person=woman, basis="residence")
    campaign = campaign_create(
        acting_user=admin,
        name=f"{woman_name}强化免疫",
        vaccine=Vaccine.objects.get(code="bOPV"),
        area=areas[grid],
        rule={"age_max_months": 47},
        rounds=[(today - dt.timedelta(days=5), today + dt.timedelta(days=5))],
    )
    saved = key_group_save(acting_user=admin, group="pregnant", on=today, area_code=grid)
    target = target_set(
        acting_user=admin,
        year=today.year,
        area=areas[district],
        indicator=Indicator.objects.get(code="health_record"),
        value=90,
    )
    return Side(
        grid=areas[grid],
        district=district,
        woman=woman,
        child=child,
        lodger=lodger,
        dwelling=dwelling,
        household=household,
        employment=employment,
        event=event,
        visit=visit,
        vaccination=vaccination,
        pregnancy=pregnancy,
        delivered=delivered,
        child_check=child_check,
        certificate=certificate,
        permit=permit,
        campaign=campaign,
        saved=saved,
        target=target,
        department=department,
        staff=staff,
        area=district,
        names=(*names, f"{woman_name}之屋", f"{woman_name}医生", f"{woman_name}卫生站"),
    )


def build_world() -> World:
    from parity.immunization.actions import schedule_load
    from parity.immunization.schedule_data import read_schedule_file
    from parity.indicators.catalog import load_builtin
    from parity.indicators.compute import refresh
    from parity.people.actions import transfer_request
    from parity.services.catalog import catalog_load, load_catalog_file

    today = timezone.localdate()
    area_tree_load(acting_user=None, tree=load_tree_file(BUNDLED_TREE))
    areas = {a.code: a for a in Area.objects.all()}
    catalog_load(acting_user=None, entries=load_catalog_file())
    schedule_load(acting_user=None, data=read_schedule_file())
    load_builtin(today)
    users = {}
    for key, (role, code, superuser) in ROLE_USERS.items():
        users[key] = User.objects.create_user(
            username=f"m-{key}",
            role=role,
            area=areas[code],
            is_superuser=superuser,
            is_staff=superuser,
        )
    users["service_provider"].department = Department.objects.create(
        name="区妇幼保健所", kind=DepartmentKind.HEALTH_CENTRE, area=areas[DISTRICT]
    )
    users["service_provider"].save(update_fields=["department"])
    admin = users["admin"]
    inside = _side(admin, areas, GRID, DISTRICT, IN_NAMES, 612, today)
    outside = _side(admin, areas, OTHER_GRID, OTHER_DISTRICT, OUT_NAMES, 712, today)
    third = User.objects.create_user(
        username="m-third", role=Role.GRID_WORKER, area=areas[THIRD_GRID]
    )
    for side in (inside, outside):
        side.transfer = transfer_request(
            acting_user=third,
            id_number=side.lodger.id_number,
            grid=areas[THIRD_GRID],
            arrived_on=today,
            housing_type="rented",
        )
    refresh(as_of=today, acting_user=None)
    return World(users=users, inside=inside, outside=outside, areas=areas, today=today)


# --- what the tests compare --------------------------------------------------------------

# Tables a refused write must leave exactly as they were (all of Parity's own records;
# the area tree, the catalogs and the immunization schedule are reference data).
_STATIC = {"areas", "contenttypes", "sessions", "auth", "admin", "authtoken"}
# A login stamps ``last_login``: a user's row counts by what it allows, not when it was used.
_USER_COLUMNS = ("id", "role", "area_id", "is_active", "is_superuser", "is_staff", "department_id")


@lru_cache(maxsize=1)
def _queries() -> tuple[tuple[str, str], ...]:
    """One plain SELECT per table (the ORM's per-query overhead would double the matrix's
    time: every refused write takes two fingerprints)."""
    quote = connection.ops.quote_name
    found = []
    for model in apps.get_models():
        meta = model._meta
        if meta.app_label in _STATIC or meta.proxy or not meta.managed:
            continue
        assert meta.pk is not None and meta.pk.column is not None
        columns = ", ".join(map(quote, _USER_COLUMNS)) if model is User else "*"
        sql = f"SELECT {columns} FROM {quote(meta.db_table)} ORDER BY {quote(meta.pk.column)}"
        found.append((meta.label, sql))
    return tuple(found)


def state() -> dict[str, str]:
    """A fingerprint of every row of Parity's records, table by table."""
    found = {}
    with connection.cursor() as cursor:
        for label, sql in _queries():
            cursor.execute(sql)
            rows = cursor.fetchall()
            found[label] = hashlib.sha1(repr(rows).encode()).hexdigest() + f":{len(rows)}"
    return found


def body_text(response) -> str:
    """Everything an answer shows, whether a page, JSON, a CSV or an .xlsx file."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    kind = response.get("Content-Type", "")
    if "spreadsheetml" in kind or content[:2] == b"PK":
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(content), read_only=True)
        return "\n".join(
            " ".join("" if v is None else str(v) for v in row)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
        )
    text = content.decode("utf-8-sig", errors="replace")
    if "json" in kind:
        try:
            return json.dumps(json.loads(text), ensure_ascii=False)
        except ValueError:
            return text
    return text
