"""Fixtures for immunization tests: the bundled schedule (no database), a registered child,
a health site, the "vaccination" service type the catalog defines, and a campaign."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.utils import timezone

from parity.accounts.choices import DepartmentKind
from parity.accounts.models import Department
from parity.conftest import GRID, make_id
from parity.immunization.actions import campaign_create, campaign_draw_targets
from parity.immunization.models import Vaccine
from parity.immunization.schedule_data import bundled_schedule
from parity.services.models import ServiceType

_seq = itertools.count(1)


@pytest.fixture(scope="session")
def schedule():
    return bundled_schedule()


@pytest.fixture
def vaccination_service(db):
    service_type, _ = ServiceType.objects.get_or_create(
        code="vaccination",
        defaults={
            "name": "预防接种",
            "name_en": "Vaccination",
            "category": "health",
            "department_kind": "health_centre",
            "delivered_by": "immunization_up_to_date",
            "details_schema": [
                {"name": "vaccine", "label": "疫苗", "type": "text", "required": True},
                {"name": "dose", "label": "剂次", "type": "integer", "min": 1, "max": 9},
            ],
        },
    )
    return service_type


@pytest.fixture
def child(register, vaccination_service):
    """Register a child born on the date (in the owner's grid unless told)."""

    def _child(
        born: dt.date, *, name: str = "小明", grid: str = GRID, address: str = "410102", **extra
    ):
        return register(
            id_number=make_id(address, born.strftime("%Y%m%d"), next(_seq) % 1000),
            name=name,
            grid=grid,
            arrived_on=born,
            **extra,
        )

    return _child


@pytest.fixture
def site(areas):
    return Department.objects.create(
        name="沼潭街道社区卫生服务中心",
        kind=DepartmentKind.HEALTH_CENTRE,
        area=areas["150203001"],
    )


def months_ago(n: int) -> dt.date:
    today = timezone.localdate()
    year, month = divmod(today.month - 1 - n, 12)
    return dt.date(today.year + year, month + 1, min(today.day, 28))


@pytest.fixture
def campaign(admin_user, areas, child):
    """A polio campaign in 昆都仑区 (150203) with three floating children on its list."""
    for n in range(3):
        child(months_ago(10 + n), name=f"儿童{n}")
    made = campaign_create(
        acting_user=admin_user,
        name="脊灰强化免疫",
        vaccine=Vaccine.objects.get(code="bOPV"),
        area=areas["150203"],
        rule={"age_max_months": 47, "statuses": ["inflow"]},
        rounds=[(timezone.localdate() - dt.timedelta(days=3), timezone.localdate())],
    )
    campaign_draw_targets(acting_user=admin_user, campaign=made)
    return made
