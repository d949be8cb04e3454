"""Targets scored on a real computation: a tiny city registered with the registry's own
actions, the cache filled by ``compute.refresh``, and the score checked against counts
taken from what was registered."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pytest

from parity.conftest import GRID, OTHER_GRID, make_id
from parity.indicators.assessment.actions import target_set
from parity.indicators.assessment.selectors import district_ranking
from parity.indicators.compute import refresh
from parity.indicators.models import Indicator
from parity.indicators.tests.assessment_data import AS_OF, CITY, KUNDULUN, QINGSHAN, YEAR

pytestmark = pytest.mark.django_db


def percent(num: int, den: int) -> Decimal:
    return (Decimal(100) * num / den).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def test_scores_follow_the_computed_rates_of_a_tiny_city(
    register, outsider, admin_user, areas, catalog
):
    # Given: in 昆都仑区 two floating women and a floating man, a registered woman and a
    # registered man; in 青山区 one floating woman. The indicator counts women.
    # (A target is one per indicator: the ratio is set on a second copy of it.)
    women, women_too = (
        Indicator.objects.create(
            code=code, name=code, category="test", numerator={"sex": "F"}, in_index=True
        )
        for code in ("women", "women_too")
    )
    register(id_number=make_id(seq=102))
    register(id_number=make_id(seq=104))
    register(id_number=make_id(seq=105))
    register(id_number=make_id(address="150203", seq=106))
    register(id_number=make_id(address="150203", seq=107))
    register(id_number=make_id(seq=108), grid=OTHER_GRID, by=outsider)
    assert GRID.startswith(KUNDULUN) and OTHER_GRID.startswith(QINGSHAN)
    for code, indicator, value, measure in (
        (KUNDULUN, women, 80, "floating_rate"),
        (KUNDULUN, women_too, 100, "ratio"),
        (QINGSHAN, women, 90, "floating_rate"),
    ):
        target_set(
            acting_user=admin_user, year=YEAR, area=areas[code], indicator=indicator,
            value=value, measure=measure,
        )  # fmt: skip
    # When
    refresh(as_of=AS_OF, acting_user=admin_user)
    ranking = {item.area.code: item for item in district_ranking(YEAR, CITY)}
    # Then: 昆都仑区 floating 2/3, registered 1/2 (ratio 133.33%, capped at 1).
    floating = percent(2, 3)
    kundulun = ranking[KUNDULUN]
    assert [r.actual for r in kundulun.results] == [floating, percent(4, 3)]
    expected = (Decimal(100) * (floating / 80 + 1) / 2).quantize(Decimal("0.01"), ROUND_HALF_UP)
    assert kundulun.score == expected == Decimal("91.67")
    assert ranking[QINGSHAN].score == Decimal("100.00")
    assert (ranking[QINGSHAN].rank, kundulun.rank) == (1, 2)
    # The index: mean of min(ratio, 1) over the two indicators of 昆都仑区.
    assert kundulun.index == Decimal("100.00")
