"""Fixtures for immunization tests: the bundled schedule (no database), a registered child,
a health site, and the "vaccination" service type the catalog defines."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from parity.accounts.choices import DepartmentKind
from parity.accounts.models import Department
from parity.conftest import GRID, make_id
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
