"""After a merge the report's figures and the indicators count the person once."""

from __future__ import annotations

import datetime as dt

import pytest

from parity.conftest import DISTRICT, make_id
from parity.dedup import actions
from parity.dedup.models import DuplicatePair
from parity.indicators.actions import indicator_define
from parity.indicators.compute import refresh
from parity.indicators.models import IndicatorValue
from parity.reports.figures import figures

AS_OF = dt.date(2026, 6, 30)
COUNTED = ("floating", "inflow", "living_here", "rented", "stay_6m_to_5y")


def _women(snapshot) -> tuple[int, int]:
    """The district's women among adults, as the indicator counts them (numerator,
    denominator; floating and registered together)."""
    value = IndicatorValue.objects.get(
        snapshot=snapshot, indicator__code="adult_women", area_code=DISTRICT, dimension=""
    )
    return (
        value.floating_num + value.registered_num,
        value.floating_den + value.registered_den,
    )


@pytest.mark.django_db
def test_a_merge_leaves_one_person_in_the_report_and_the_indicators(
    register, colleague, admin_user
):
    # One woman from Henan registered twice in the same grid, with a sequence typo and the
    # same phone (the registration check queues the pair), and a neighbour counted once.
    first = register(
        id_number=make_id("410102", "19900101", 124),
        name="王晓丽",
        phone="13812345678",
        arrived_on=dt.date(2024, 1, 10),
    )
    second = register(
        id_number=make_id("410102", "19900101", 184),
        name="王晓丽",
        phone="13812345678",
        arrived_on=dt.date(2024, 2, 20),
    )
    register(id_number=make_id("410102", "19800505", 333), name="李强")
    indicator_define(
        acting_user=admin_user, code="adult_women", name="成年女性占比", category="custom",
        denominator={"age_min": 18}, numerator={"sex": "F"},
    )  # fmt: skip

    before = figures(as_of=AS_OF, area=DISTRICT)
    assert before.inflow == 3
    assert _women(refresh(as_of=AS_OF)) == (2, 3)

    pair = DuplicatePair.objects.get(low_id=first.pk, high_id=second.pk)
    actions.pair_merge(acting_user=colleague, pair=pair, survivor_id=first.pk, winners={})

    after = figures(as_of=AS_OF, area=DISTRICT)
    for name in COUNTED:
        assert getattr(after, name) == getattr(before, name) - 1, name
    assert after.origin_provinces == before.origin_provinces == 1
    assert _women(refresh(as_of=AS_OF)) == (1, 2)
