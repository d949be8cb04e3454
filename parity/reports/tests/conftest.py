"""A small city for the report: people in two districts built with the registry's and the
services' own actions, so that every figure has something to count and something to
leave out."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.utils import timezone

from parity.accounts.choices import DepartmentKind
from parity.conftest import GRID, OTHER_GRID, make_id
from parity.immunization.actions import campaign_create, campaign_draw_targets
from parity.immunization.models import Vaccine
from parity.maternal.actions import pregnancy_register
from parity.people.actions import employment_record
from parity.services.actions import department_register, service_record, staff_register
from parity.services.choices import StaffRole
from parity.services.models import ServiceType

_seq = itertools.count(100)


def female_id(address: str, birth: str) -> str:
    return make_id(address, birth, (next(_seq) * 2) % 1000)


def male_id(address: str, birth: str) -> str:
    return make_id(address, birth, (next(_seq) * 2 + 1) % 1000)


@pytest.fixture
def as_of() -> dt.date:
    return timezone.localdate()


@pytest.fixture
def city(register, admin_user, areas, catalog, as_of):
    """People in 昆都仑区 (the owner's grid) and one inflow person in 青山区."""
    years = dt.timedelta(days=365)

    def person(key, id_number, *, grid=GRID, **extra):
        made[key] = register(id_number=id_number, name=key, grid=grid, by=admin_user, **extra)
        return made[key]

    made: dict = {}
    person("new_henan", male_id("410102", "19900101"), arrived_on=as_of - dt.timedelta(days=30))
    person(
        "wife_hebei",
        female_id("130102", "19900301"),
        arrived_on=as_of - 3 * years,
        marital_status="married",
    )
    person(
        "old_hohhot",
        female_id("150102", "19700101"),
        arrived_on=as_of - 15 * years,
        marital_status="married",
        housing_type="own",
    )
    person(
        "girl_henan",
        female_id("410102", f"{as_of.year - 14}0101"),
        arrived_on=as_of - 2 * years,
    )
    person("worker_sichuan", male_id("510104", "19850505"), arrived_on=as_of - 8 * years)
    person(
        "local", male_id("150203", "19800101"), housing_type="own", arrived_on=dt.date(1980, 1, 1)
    )
    person(
        "gone",
        female_id("150203", "19920202"),
        marital_status="married",
        outflow_region_code="330102",
        outflow_since=as_of - 2 * years,
    )
    person(
        "elsewhere",
        male_id("410102", "19950101"),
        grid=OTHER_GRID,
        arrived_on=as_of - 1 * years,
    )
    employment_record(acting_user=admin_user, person=made["wife_hebei"], industry="H")
    employment_record(acting_user=admin_user, person=made["worker_sichuan"], industry="C")
    employment_record(
        acting_user=admin_user,
        person=made["new_henan"],
        industry="F",
        started_on=as_of - 3 * years,
        ended_on=as_of - 1 * years,
    )
    health = ServiceType.objects.get(code="health_record")
    for key in ("wife_hebei", "local", "elsewhere"):
        service_record(
            acting_user=admin_user,
            person=made[key],
            service_type=health,
            date=as_of - 10 * dt.timedelta(days=1),
        )
    pregnancy_register(
        acting_user=admin_user,
        person=made["wife_hebei"],
        lmp=as_of - dt.timedelta(days=60),
        registered_on=as_of - dt.timedelta(days=30),
    )
    centre = department_register(
        acting_user=admin_user,
        name="沼潭街道社区卫生服务中心",
        kind=DepartmentKind.HEALTH_CENTRE,
        area=areas["150203001"],
    )
    department_register(
        acting_user=admin_user, name="沼潭小学", kind=DepartmentKind.SCHOOL, area=areas["150203001"]
    )
    department_register(
        acting_user=admin_user,
        name="青山卫生院",
        kind=DepartmentKind.TOWNSHIP_HOSPITAL,
        area=areas["150204001"],
    )
    staff_register(
        acting_user=admin_user,
        name="王协管",
        role=StaffRole.HEALTH_SUPERVISION_ASSISTANT,
        department=centre,
    )
    staff_register(acting_user=admin_user, name="李医生", role=StaffRole.DOCTOR, department=centre)
    made["centre"] = centre
    return made


@pytest.fixture
def polio(city, register, admin_user, areas, as_of):
    """Three floating children in the owner's grid on a campaign's target list."""
    for n in range(3):
        born = as_of - dt.timedelta(days=400 + 30 * n)
        city[f"child{n}"] = register(
            id_number=male_id("410102", born.strftime("%Y%m%d")),
            name=f"child{n}",
            by=admin_user,
            arrived_on=born,
        )
    campaign = campaign_create(
        acting_user=admin_user,
        name="脊灰强化免疫",
        vaccine=Vaccine.objects.get(code="bOPV"),
        area=areas["150203"],
        rule={"age_max_months": 47, "statuses": ["inflow"]},
        rounds=[(as_of - dt.timedelta(days=20), as_of - dt.timedelta(days=10))],
    )
    campaign_draw_targets(acting_user=admin_user, campaign=campaign)
    return campaign
