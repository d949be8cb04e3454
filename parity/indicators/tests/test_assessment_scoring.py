"""Scoring targets (目标考核): achievement capped at 1, weights, each measure, a target of
0, targets without data, the ranking of districts with ties, and the two-way hook."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from parity.indicators.assessment import selectors as assessment
from parity.indicators.assessment.selectors import (
    ScoredItem,
    achievement,
    area_score,
    district_ranking,
    score_of,
)
from parity.indicators.models import Target
from parity.indicators.tests.assessment_data import (
    CITY,
    DONGHE,
    KUNDULUN,
    QINGSHAN,
    YEAR,
    make_indicator,
    make_snapshot,
    put,
)

pytestmark = pytest.mark.django_db


def target(areas, code, indicator, value, *, measure="floating_rate", weight=1, year=YEAR):
    return Target.objects.create(
        year=year, area=areas[code], indicator=indicator, value=value,
        measure=measure, weight=weight,
    )  # fmt: skip


@pytest.fixture
def a(db):
    return make_indicator("a", sort_order=1)


@pytest.fixture
def b(db):
    return make_indicator("b", sort_order=2)


@pytest.fixture
def snapshot(db):
    return make_snapshot()


def test_achievement_is_actual_over_target_capped_at_one():
    assert achievement(Decimal("45"), Decimal("90")) == Decimal("0.5")
    assert achievement(Decimal("99"), Decimal("90")) == Decimal(1)
    assert achievement(Decimal("0"), Decimal("0")) == Decimal(1)
    assert achievement(None, Decimal("90")) is None


def test_the_score_weights_achievements_and_skips_items_without_data():
    pairs = [(Decimal(2), Decimal(1)), (Decimal(1), Decimal("0.5")), (Decimal(5), None)]
    assert score_of(pairs) == Decimal("83.33")
    assert score_of([(Decimal(1), None)]) is None
    assert score_of([(Decimal(0), Decimal("0.5"))]) is None


def test_an_area_scores_its_targets_on_the_years_snapshot(areas, a, b, snapshot):
    # Given: a met target (96% ≥ 90%, weight 2) and a half-met one (40% of 80%, weight 1).
    put(snapshot, a, KUNDULUN, (96, 100))
    put(snapshot, b, KUNDULUN, (40, 100))
    target(areas, KUNDULUN, a, 90, weight=2)
    target(areas, KUNDULUN, b, 80, weight=1)
    # When
    result = area_score(YEAR, areas[KUNDULUN])
    # Then: 100 × (2 × 1 + 1 × 0.5) ÷ 3
    assert [r.actual for r in result.results] == [Decimal("96.00"), Decimal("40.00")]
    assert [r.achievement_percent for r in result.results] == [Decimal("100.00"), Decimal("50.00")]
    assert result.score == Decimal("83.33")
    assert (result.met, result.total, result.no_data) == (1, 2, 0)


def test_the_ratio_measure_is_floating_over_registered_as_a_percent(areas, a, snapshot):
    # Floating 45/50 = 90%, registered 95/100 = 95%: the ratio is 94.74%.
    put(snapshot, a, KUNDULUN, (45, 50), (95, 100))
    target(areas, KUNDULUN, a, 100, measure="ratio")
    result = area_score(YEAR, areas[KUNDULUN])
    assert result.results[0].actual == Decimal("94.74")
    assert result.score == Decimal("94.74")


def test_the_overall_rate_pools_floating_and_registered_people(areas, a, snapshot):
    # (30 + 70) / (50 + 150) = 50%, against a target of 80%.
    put(snapshot, a, KUNDULUN, (30, 50), (70, 150))
    target(areas, KUNDULUN, a, 80, measure="overall_rate")
    result = area_score(YEAR, areas[KUNDULUN])
    assert result.results[0].actual == Decimal("50.00")
    assert result.score == Decimal("62.50")


def test_a_target_of_zero_is_met_whenever_there_is_an_actual(areas, a, snapshot):
    put(snapshot, a, KUNDULUN, (0, 10))
    target(areas, KUNDULUN, a, 0)
    result = area_score(YEAR, areas[KUNDULUN])
    assert result.results[0].met
    assert result.score == Decimal("100.00")


def test_a_target_without_data_is_listed_and_left_out_of_the_score(areas, a, b, snapshot):
    # a has no denominator; b has no registered side, so no ratio.
    put(snapshot, a, KUNDULUN, (0, 0))
    put(snapshot, b, KUNDULUN, (30, 100))
    target(areas, KUNDULUN, a, 90, weight=5)
    target(areas, KUNDULUN, b, 60, measure="ratio")
    result = area_score(YEAR, areas[KUNDULUN])
    assert [r.no_data for r in result.results] == [True, True]
    assert result.score is None
    assert (result.met, result.total, result.no_data) == (0, 2, 2)

    c = make_indicator("c", sort_order=3)
    put(snapshot, c, KUNDULUN, (30, 100))
    target(areas, KUNDULUN, c, 60)
    assert area_score(YEAR, areas[KUNDULUN]).score == Decimal("50.00")


def test_targets_are_judged_on_the_newest_finished_snapshot_of_their_year(areas, a, snapshot):
    put(snapshot, a, KUNDULUN, (50, 100))
    later = make_snapshot(dt.date(2026, 12, 31))
    put(later, a, KUNDULUN, (90, 100))
    running = make_snapshot(dt.date(2026, 12, 31) - dt.timedelta(days=1), status="running")
    put(running, a, KUNDULUN, (10, 100))
    next_year = make_snapshot(dt.date(2027, 1, 31))
    put(next_year, a, KUNDULUN, (10, 100))
    target(areas, KUNDULUN, a, 90)
    assert area_score(YEAR, areas[KUNDULUN]).score == Decimal("100.00")


def test_without_a_snapshot_in_the_year_every_target_has_no_data(areas, a):
    put(make_snapshot(dt.date(2025, 12, 31)), a, KUNDULUN, (90, 100))
    target(areas, KUNDULUN, a, 90)
    result = area_score(YEAR, areas[KUNDULUN])
    assert result.results[0].no_data and result.score is None


def test_districts_are_ranked_by_score_with_ties_sharing_a_rank(areas, a, b, snapshot):
    # Given: 东河区 at 90 (81 of 90; its second target has no value: left out),
    # 青山区 at 90 ((1 + 0.8) / 2), 昆都仑区 at 80, 九原区 with a target but no data.
    put(snapshot, a, DONGHE, (81, 100))
    target(areas, DONGHE, a, 90)
    target(areas, DONGHE, b, 100)
    put(snapshot, a, QINGSHAN, (90, 100))
    put(snapshot, b, QINGSHAN, (80, 100))
    target(areas, QINGSHAN, a, 90)
    target(areas, QINGSHAN, b, 100)
    put(snapshot, a, KUNDULUN, (72, 100))
    target(areas, KUNDULUN, a, 90)
    put(snapshot, b, "150207", (0, 0))
    target(areas, "150207", b, 50)
    # When
    ranking = district_ranking(YEAR, CITY)
    # Then
    by_code = {item.area.code: item for item in ranking}
    assert [by_code[c].score for c in (DONGHE, QINGSHAN, KUNDULUN)] == [
        Decimal("90.00"),
        Decimal("90.00"),
        Decimal("80.00"),
    ]
    head = [(item.area.code, item.rank) for item in ranking[:3]]
    assert head == [(DONGHE, 1), (QINGSHAN, 1), (KUNDULUN, 3)]
    # Every district is listed; those without a score last, by code, without a rank.
    assert len(ranking) == 10
    rest = ranking[3:]
    assert all(item.rank is None for item in rest)
    assert [item.area.code for item in rest] == sorted(item.area.code for item in rest)
    assert (by_code["150207"].total, by_code["150207"].no_data) == (1, 1)
    assert (by_code[QINGSHAN].met, by_code[QINGSHAN].total) == (1, 2)
    assert (by_code[DONGHE].met, by_code[DONGHE].total, by_code[DONGHE].no_data) == (0, 2, 1)


def test_the_ranking_shows_each_districts_equalization_index(areas, a, snapshot):
    put(snapshot, a, KUNDULUN, (45, 100), (90, 100))
    put(snapshot, a, QINGSHAN, (90, 100), (90, 100))
    by_code = {item.area.code: item for item in district_ranking(YEAR, CITY)}
    assert by_code[KUNDULUN].index == Decimal("50.00")
    assert by_code[QINGSHAN].index == Decimal("100.00")
    assert by_code[DONGHE].index is None


def test_a_districts_ranking_ranks_its_streets(areas, a, snapshot):
    put(snapshot, a, "150203001", (50, 100))
    put(snapshot, a, "150203002", (100, 100))
    target(areas, "150203001", a, 100)
    target(areas, "150203002", a, 100)
    ranking = district_ranking(YEAR, KUNDULUN)
    assert [(i.area.code, i.rank) for i in ranking[:2]] == [("150203002", 1), ("150203001", 2)]
    assert all(i.area.code.startswith(KUNDULUN) for i in ranking)


def test_two_way_sources_are_summed_into_the_score(areas, a, snapshot, monkeypatch):
    # Given: a met target (weight 1) and a fake exchange source for 昆都仑区 only.
    put(snapshot, a, KUNDULUN, (95, 100))
    target(areas, KUNDULUN, a, 90)
    calls = []

    def exchange(year, area_code):
        calls.append((year, area_code))
        if area_code != KUNDULUN:
            return []
        return [
            ScoredItem(label="协查按时反馈率", weight=Decimal(1), achievement=Decimal("0.5")),
            ScoredItem(label="未到期", weight=Decimal(3), achievement=None),
        ]

    monkeypatch.setattr(assessment, "TWO_WAY_SOURCES", [exchange])
    # When
    ranking = {i.area.code: i for i in district_ranking(YEAR, CITY)}
    # Then: (1 × 1 + 1 × 0.5) ÷ 2; the item without data is left out.
    assert ranking[KUNDULUN].score == Decimal("75.00")
    assert [e.label for e in ranking[KUNDULUN].extra] == ["协查按时反馈率", "未到期"]
    assert (YEAR, QINGSHAN) in calls
    assert ranking[QINGSHAN].score is None


def test_the_exchange_app_registers_its_two_way_source_once():
    from parity.exchange.indicators import assessment_source

    assert [assessment_source] == assessment.TWO_WAY_SOURCES


def test_the_ranking_reads_a_fixed_number_of_queries(
    areas, a, b, snapshot, django_assert_num_queries
):
    for code in (DONGHE, KUNDULUN):
        put(snapshot, a, code, (50, 100))
        target(areas, code, a, 90)
    # Five for the targets and values, one for the exchange's two-way source (no partner
    # region registered: it looks no further; with partners it reads a fixed five more,
    # parity/exchange/tests/test_indicators.py).
    with django_assert_num_queries(6) as few:
        district_ranking(YEAR, CITY)
    for code in ("150205", "150206", "150207", QINGSHAN):
        put(snapshot, a, code, (50, 100))
        put(snapshot, b, code, (50, 100))
        target(areas, code, a, 90)
        target(areas, code, b, 90)
    with django_assert_num_queries(len(few.captured_queries)):
        district_ranking(YEAR, CITY)
