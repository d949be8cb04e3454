"""Reads of target assessment (目标考核): each area's score on its yearly targets, and the
ranking of the child nodes of an area (the districts of the city, the streets of a
district).

Definitions (the assessment page and the .docx report print the same text, ``DEFINITIONS``):

actual (实际值)
    the target's measure (``choices.Measure``: floating rate, overall rate, or the
    floating ÷ registered ratio as a percent) of the indicator's totals on the area node,
    read from the year's snapshot (``selectors.snapshot_for_year``: the newest finished
    computation dated in that year), two decimals, as on the equalization table.
achievement (完成度)
    min(actual ÷ target, 1). A target of 0 is met whenever an actual exists. A target
    whose actual is undefined (no denominator; for the ratio, no registered comparison;
    no snapshot in the year) is listed as 无数据 (no data) and left out of both sums.
score (得分)
    100 × Σ(weight × achievement) ÷ Σ(weight) over the targets that have data (and the
    two-way items, below), two decimals. No score when nothing has data or the weights of
    what has data add up to 0.
met (达标)
    achievement = 1, i.e. actual ≥ target.
ranking (排名)
    child nodes by score, highest first, then by code; equal scores (at two decimals)
    share a rank (1, 1, 3). Nodes without a score are listed last, without a rank. The
    equalization index of each node (``selectors.children_index``) is shown beside it
    but does not enter the score.

Two-way assessment (双向考核)
    ``TWO_WAY_SOURCES`` is a registry of callables ``(year, area_code) -> list[ScoredItem]``
    for the exchange app (cases from other regions: on-time feedback, free services to
    their migrants). Each item enters the area's score like a target: its weight in
    Σ(weight), weight × achievement (capped to 0–1) in the numerator; an item whose
    achievement is ``None`` is "no data" and left out. The exchange app registers its
    source in its ``AppConfig.ready`` (``parity.exchange.indicators.assessment_source``:
    通报率, 反馈率, 及时反馈率 and the free-service rate of the partner's people, over
    the year's monthly cycles); a source with a ``many(year, codes)`` attribute is asked
    once for all the areas of a ranking.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from parity.areas.models import Area
from parity.indicators.models import IndicatorValue, Snapshot, Target
from parity.indicators.selectors import Measures, children_index, snapshot_for_year

ONE = Decimal(1)
ZERO = Decimal(0)
HUNDRED = Decimal(100)

DEFINITIONS: list[tuple[object, object]] = [
    (
        _("实际值"),
        _(
            "目标所选考核口径(流动人口比率、全体人口比率或流动/户籍比值×100)在该年度最新一次"
            "指标计算结果中的数值,保留两位小数。"
        ),
    ),
    (
        _("完成度"),
        _(
            "实际值÷目标值,最高为100%;目标值为0时,只要有实际值即为100%。"
            "没有实际值(分母为0、没有户籍人口对照或该年度尚未计算)的目标记为“无数据”,"
            "不计入得分。"
        ),
    ),
    (
        _("得分"),
        _(
            "100×Σ(权重×完成度)÷Σ(权重),只计有数据的目标(以及双向考核项目),"
            "保留两位小数;没有任何有数据的目标时不计分。"
        ),
    ),
    (_("达标"), _("完成度为100%,即实际值不低于目标值。")),
    (
        _("排名"),
        _("按得分从高到低排列,得分相同(两位小数)名次相同;没有得分的区域列在最后,不排名次。"),
    ),
    (
        _("均等化指数"),
        _(
            "计入指数的各项指标的流动/户籍比值(最高为1)的平均数×100;100表示流动人口在每项"
            "指标上都不低于户籍人口。只作参考,不计入得分。"
        ),
    ),
    (
        _("双向考核"),
        _(
            "对其他地区的案件的办理情况按同样方法计入得分,每项权重为1:通报率(按期通报并经"
            "对方确认÷应通报)、协查反馈率(已反馈÷收到)、协查及时反馈率(按期反馈÷已反馈)、"
            "合作地区流入育龄妇女免费服务率,按全年各统计月(上月21日至本月20日)合计;"
            "没有案件的项目不计分;该地区对相应区域协作指标另设目标时按目标计分,不重复计入。"
        ),
    ),
]


def _round(value: Decimal, places: str = "0.01") -> Decimal:
    return value.quantize(Decimal(places), rounding=ROUND_HALF_UP)


def achievement(actual: Decimal | None, target: Decimal) -> Decimal | None:
    """min(actual ÷ target, 1), as a fraction; 1 for a target of 0 once an actual exists;
    ``None`` (no data) without an actual."""
    if actual is None:
        return None
    if target <= 0:
        return ONE
    return max(min(actual / target, ONE), ZERO)


@dataclass(frozen=True)
class ScoredItem:
    """One thing an area is scored on besides its targets (a two-way assessment item):
    ``achievement`` is a fraction (capped to 0–1 when scored), ``None`` for no data."""

    label: str
    weight: Decimal
    achievement: Decimal | None
    actual: Decimal | None = None
    target: Decimal | None = None
    source: str = ""


TwoWaySource = Callable[[int, str], list[ScoredItem]]
# Filled by the exchange app (双向考核); see the module's docstring.
TWO_WAY_SOURCES: list[TwoWaySource] = []


@dataclass(frozen=True)
class TargetResult:
    """A target with its actual value in the year's snapshot."""

    target: Target
    actual: Decimal | None

    @property
    def achievement(self) -> Decimal | None:
        return achievement(self.actual, self.target.value)

    @property
    def achievement_percent(self) -> Decimal | None:
        value = self.achievement
        return None if value is None else _round(value * HUNDRED)

    @property
    def no_data(self) -> bool:
        return self.actual is None

    @property
    def met(self) -> bool:
        return self.achievement == ONE


def score_of(pairs: Iterable[tuple[Decimal, Decimal | None]]) -> Decimal | None:
    """100 × Σ(weight × achievement) ÷ Σ(weight) over (weight, achievement) pairs that
    have an achievement; ``None`` when the weights of those add up to 0."""
    total_weight = ZERO
    weighted = ZERO
    for weight, value in pairs:
        if value is None:
            continue
        total_weight += weight
        weighted += weight * max(min(value, ONE), ZERO)
    if total_weight <= 0:
        return None
    return _round(HUNDRED * weighted / total_weight)


@dataclass
class AreaScore:
    """An area's targets for a year with their results, its two-way items, its score and,
    in a ranking, its rank and equalization index."""

    area: Area
    year: int
    results: list[TargetResult] = field(default_factory=list)
    extra: list[ScoredItem] = field(default_factory=list)
    index: Decimal | None = None
    rank: int | None = None

    @property
    def score(self) -> Decimal | None:
        pairs = [(r.target.weight, r.achievement) for r in self.results]
        pairs += [(item.weight, item.achievement) for item in self.extra]
        return score_of(pairs)

    @property
    def total(self) -> int:
        return len(self.results)

    @property
    def met(self) -> int:
        return sum(1 for r in self.results if r.met)

    @property
    def no_data(self) -> int:
        return sum(1 for r in self.results if r.no_data)


@dataclass
class Assessment:
    """What the assessment page and its downloads show for a year and an area: the area's
    own targets and the ranking of its child nodes."""

    year: int
    area: Area
    snapshot: Snapshot | None
    own: AreaScore
    ranking: list[AreaScore]

    @property
    def as_of(self) -> dt.date | None:
        return self.snapshot.as_of if self.snapshot else None


def area_scores(
    year: int,
    areas: Sequence[Area],
    *,
    snapshot: Snapshot | None,
    targets: QuerySet[Target] | None = None,
) -> list[AreaScore]:
    """The scores of some areas for a year, in the order given: one query for their
    targets, one for the cached values those targets read (plus the two-way sources).
    ``targets`` is the caller's restricted queryset (all targets by default)."""
    base = Target.objects.all() if targets is None else targets
    by_area: dict[int, AreaScore] = {a.pk: AreaScore(area=a, year=year) for a in areas}
    chosen = list(
        base.filter(year=year, area__in=[a.pk for a in areas])
        .select_related("indicator", "area")
        .order_by("indicator__sort_order", "indicator__code")
    )
    counts: dict[tuple[str, int], tuple[int, int, int, int]] = {}
    if snapshot is not None and chosen:
        rows = IndicatorValue.objects.filter(
            snapshot=snapshot,
            area_code__in={t.area.code for t in chosen},
            indicator__in={t.indicator_id for t in chosen},
            dimension="",
        ).values_list(
            "area_code",
            "indicator_id",
            "floating_num",
            "floating_den",
            "registered_num",
            "registered_den",
        )
        for code, indicator_id, fn, fd, rn, rd in rows:
            counts[(code, indicator_id)] = (fn, fd, rn, rd)
    for target in chosen:
        found = counts.get((target.area.code, target.indicator_id))
        actual = None
        if found is not None:
            measures = Measures(target.indicator, target.area.code, *found)
            actual = measures.value_of(target.measure)
        by_area[target.area_id].results.append(TargetResult(target=target, actual=actual))
    for source in TWO_WAY_SOURCES:
        many = getattr(source, "many", None)
        if many is not None and len({len(a.code) for a in areas}) == 1:
            found = many(year, [a.code for a in areas])
            for area in areas:
                by_area[area.pk].extra.extend(found.get(area.code, []))
            continue
        for area in areas:
            by_area[area.pk].extra.extend(source(year, area.code))
    return [by_area[a.pk] for a in areas]


def area_score(year: int, area: Area, *, targets: QuerySet[Target] | None = None) -> AreaScore:
    """One area's score for a year, on the year's snapshot."""
    return area_scores(year, [area], snapshot=snapshot_for_year(year), targets=targets)[0]


def rank(scores: list[AreaScore]) -> list[AreaScore]:
    """Sort by score (desc) then code; equal scores share a rank (competition ranking:
    1, 1, 3); those without a score go last with no rank."""
    scored = sorted(
        (s for s in scores if s.score is not None),
        key=lambda s: (-(s.score or ZERO), s.area.code),
    )
    unscored = sorted((s for s in scores if s.score is None), key=lambda s: s.area.code)
    previous: Decimal | None = None
    current = 0
    for position, item in enumerate(scored, start=1):
        if item.score != previous:
            current = position
        item.rank = current
        previous = item.score
    for item in unscored:
        item.rank = None
    return [*scored, *unscored]


def district_ranking(
    year: int,
    parent_code: str,
    *,
    snapshot: Snapshot | None = None,
    targets: QuerySet[Target] | None = None,
) -> list[AreaScore]:
    """Every child node of an area (the districts of the city) with its score, targets
    met / total, equalization index and rank; see the module's docstring. ``snapshot``
    defaults to the year's."""
    if snapshot is None:
        snapshot = snapshot_for_year(year)
    children = list(Area.objects.filter(parent__code=parent_code).order_by("code"))
    scores = area_scores(year, children, snapshot=snapshot, targets=targets)
    indexes = children_index(snapshot, parent_code) if snapshot is not None else {}
    for item in scores:
        item.index = indexes.get(item.area.code)
    return rank(scores)


def assessment(year: int, area: Area, *, targets: QuerySet[Target] | None = None) -> Assessment:
    """The area's own targets and the ranking of its child nodes for a year."""
    snapshot = snapshot_for_year(year)
    own = area_scores(year, [area], snapshot=snapshot, targets=targets)[0]
    ranking = district_ranking(year, area.code, snapshot=snapshot, targets=targets)
    return Assessment(year=year, area=area, snapshot=snapshot, own=own, ranking=ranking)
