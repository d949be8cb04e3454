"""The equalization arithmetic: rates, gap, ratio and the index."""

from __future__ import annotations

from decimal import Decimal

from parity.indicators.models import Indicator
from parity.indicators.selectors import Measures, equalization_index, rate


def row(fn, fd, rn, rd, *, in_index=True, code="x") -> Measures:
    return Measures(Indicator(code=code, in_index=in_index), "1502", fn, fd, rn, rd)


def test_a_rate_is_a_percent_with_two_decimals_and_none_without_a_denominator():
    assert rate(1, 3) == Decimal("33.33")
    assert rate(2, 3) == Decimal("66.67")
    assert rate(0, 0) is None


def test_the_gap_is_registered_minus_floating_in_points():
    measures = row(45, 100, 90, 100)
    assert measures.floating_rate == Decimal("45.00")
    assert measures.registered_rate == Decimal("90.00")
    assert measures.gap == Decimal("45.00")
    assert row(95, 100, 90, 100).gap == Decimal("-5.00")


def test_the_ratio_is_floating_over_registered_from_the_counts():
    assert row(1, 3, 2, 3).ratio == Decimal("0.5000")
    assert row(45, 100, 90, 100).ratio == Decimal("0.5000")


def test_gap_and_ratio_are_undefined_without_both_sides():
    for measures in (row(5, 10, 0, 0), row(0, 0, 5, 10), row(5, 10, 0, 10)):
        assert measures.ratio is None
    assert row(5, 10, 0, 0).gap is None
    assert row(5, 10, 0, 10).gap == Decimal("-50.00")


def test_the_overall_rate_pools_both_sides():
    assert row(1, 4, 3, 4).overall_rate == Decimal("50.00")


def test_a_target_measure_reads_the_ratio_as_a_percent():
    measures = row(45, 100, 90, 100)
    assert measures.value_of("ratio") == Decimal("50.00")
    assert measures.value_of("floating_rate") == Decimal("45.00")
    assert measures.value_of("overall_rate") == Decimal("67.50")


def test_the_index_is_the_mean_capped_ratio_of_indicators_in_it():
    rows = [
        row(50, 100, 100, 100),  # ratio 0.5
        row(120, 100, 100, 100),  # ratio 1.2, capped at 1
        row(10, 100, 10, 100, in_index=False),  # left out: not in the index
        row(10, 100, 0, 0),  # left out: no registered comparison
    ]
    assert equalization_index(rows) == Decimal("75.00")


def test_the_index_is_undefined_without_a_comparable_indicator():
    assert equalization_index([row(1, 2, 0, 0)]) is None
    assert equalization_index([]) is None
