import datetime as dt

import pytest

from parity.services.models import EligibilityRule, ServiceType


@pytest.fixture
def make_service(db):
    def _make(code: str, rule: dict, *, effective_from=dt.date(2009, 1, 1), **fields):
        defaults = {
            "name": code,
            "name_en": code,
            "category": "health",
            "department_kind": "health_centre",
        }
        service = ServiceType.objects.create(code=code, **{**defaults, **fields})
        EligibilityRule.objects.create(
            service_type=service, effective_from=effective_from, rule=rule
        )
        return service

    return _make
