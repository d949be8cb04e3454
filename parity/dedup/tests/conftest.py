"""Two records of one woman (a typo in the ID number) with a history on each side."""

from __future__ import annotations

import datetime as dt

import pytest

from parity.conftest import make_id
from parity.dedup import actions
from parity.dedup.models import DuplicatePair

FIRST_ID = make_id("150203", "19900101", 124)
TYPO_ID = make_id("150203", "19900101", 184)  # one digit of the sequence mistyped


@pytest.fixture
def service_type(db):
    from parity.services.models import ServiceType

    return ServiceType.objects.create(
        code="health_record",
        name="居民健康档案",
        name_en="Health record",
        category="health",
        department_kind="health_centre",
    )


@pytest.fixture
def twins(register, areas):
    """The same woman registered twice in the owner's grid, a month apart."""
    first = register(id_number=FIRST_ID, name="王晓丽", arrived_on=dt.date(2024, 1, 10))
    second = register(id_number=TYPO_ID, name="王小丽", arrived_on=dt.date(2024, 2, 20))
    return first, second


@pytest.fixture
def pair(twins) -> DuplicatePair:
    first, second = twins
    # Registering the second queued the pair already (the registration check).
    return DuplicatePair.objects.get(low_id=first.pk, high_id=second.pk)


@pytest.fixture
def merge_as(pair):
    def _merge(user, survivor=None, **winners):
        return actions.pair_merge(
            acting_user=user, pair=pair, survivor_id=survivor or pair.low_id, winners=winners
        )

    return _merge
