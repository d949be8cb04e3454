"""Reads of the indicator cache: equalization tables, drill-down, breakdowns, the index.

Pages and exports read only the cache (``IndicatorValue`` / ``AreaFigure`` of the latest
finished ``Snapshot``), never the registry: a city-wide page costs a few indexed reads.
The people behind a figure come from ``people_behind``, which rebuilds the indicator's
definition as a filter over ``Person`` (restricted by the caller).

Equalization measures, for an indicator on an area node:

floating rate / registered rate
    numerator ÷ denominator × 100 for each side (``None`` when the denominator is 0).
gap
    registered rate − floating rate, in percentage points: positive when floating people
    trail registered ones.
ratio
    floating rate ÷ registered rate (``None`` when either is undefined or the registered
    rate is 0).
equalization index (均等化指数)
    for an area: the mean over the indicators marked ``in_index`` that have both rates of
    min(ratio, 1), × 100. 100 means floating people do at least as well as registered
    ones on every such indicator; an indicator without a registered comparison (for
    migrants only, like the residence permit) is left out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, QuerySet

from parity.indicators.choices import RefreshStatus, Unit
from parity.indicators.compute import level_of
from parity.indicators.definition import denominator_q, numerator_q
from parity.indicators.models import AreaFigure, Indicator, IndicatorValue, Snapshot
from parity.people.choices import FLOATING, Status
from parity.people.models import Person

HUNDRED = Decimal(100)


def _round(value: Decimal, places: str = "0.01") -> Decimal:
    return value.quantize(Decimal(places), rounding=ROUND_HALF_UP)


def rate(num: int, den: int) -> Decimal | None:
    """Percent, two decimals; ``None`` without a denominator."""
    if not den:
        return None
    return _round(HUNDRED * num / den)


@dataclass(frozen=True)
class Measures:
    """One row of the equalization table: an indicator on an area node (and, for a
    breakdown, one category)."""

    indicator: Indicator
    area_code: str
    floating_num: int
    floating_den: int
    registered_num: int
    registered_den: int
    category: str = ""

    @classmethod
    def of(cls, value: IndicatorValue) -> Measures:
        """The measures of one cached row (its ``indicator`` selected with it)."""
        return cls(
            indicator=value.indicator,
            area_code=value.area_code,
            category=value.category,
            floating_num=value.floating_num,
            floating_den=value.floating_den,
            registered_num=value.registered_num,
            registered_den=value.registered_den,
        )

    @property
    def floating_rate(self) -> Decimal | None:
        return rate(self.floating_num, self.floating_den)

    @property
    def registered_rate(self) -> Decimal | None:
        return rate(self.registered_num, self.registered_den)

    @property
    def overall_rate(self) -> Decimal | None:
        return rate(
            self.floating_num + self.registered_num, self.floating_den + self.registered_den
        )

    @property
    def gap(self) -> Decimal | None:
        """Percentage points by which floating people trail registered ones."""
        f, r = self.floating_rate, self.registered_rate
        if f is None or r is None:
            return None
        return _round(r - f)

    @property
    def ratio(self) -> Decimal | None:
        """Floating rate ÷ registered rate, from the counts (not the rounded rates)."""
        if not self.floating_den or not self.registered_den or not self.registered_num:
            return None
        value = Decimal(self.floating_num * self.registered_den) / Decimal(
            self.registered_num * self.floating_den
        )
        return _round(value, "0.0001")

    def value_of(self, measure: str) -> Decimal | None:
        """A target's measure (``choices.Measure``) as a percent."""
        if measure == "ratio":
            return None if self.ratio is None else _round(self.ratio * HUNDRED)
        return getattr(self, measure)


def equalization_index(rows: Iterable[Measures]) -> Decimal | None:
    """Mean of min(ratio, 1) × 100 over the rows of indicators in the index that have a
    ratio (see the module's docstring); ``None`` when no row qualifies."""
    ratios = [
        min(row.ratio, Decimal(1))
        for row in rows
        if row.indicator.in_index and row.ratio is not None
    ]
    if not ratios:
        return None
    return _round(HUNDRED * sum(ratios, Decimal(0)) / len(ratios))


def latest_snapshot(on_or_before: dt.date | None = None) -> Snapshot | None:
    """The newest finished computation (on or before a date, if given)."""
    snapshots = Snapshot.objects.filter(status=RefreshStatus.DONE)
    if on_or_before is not None:
        snapshots = snapshots.filter(as_of__lte=on_or_before)
    return snapshots.order_by("-as_of").first()


def snapshot_dates() -> list[dt.date]:
    """The dates of the finished computations, newest first (the dashboard's choice of
    dates: the last days and every month's end, as ``compute.prune`` keeps them)."""
    return list(
        Snapshot.objects.filter(status=RefreshStatus.DONE)
        .order_by("-as_of")
        .values_list("as_of", flat=True)
    )


def snapshot_for_year(year: int) -> Snapshot | None:
    """The newest finished computation dated in a year (what the year's targets are
    judged on)."""
    return (
        Snapshot.objects.filter(status=RefreshStatus.DONE, as_of__year=year)
        .order_by("-as_of")
        .first()
    )


def _measures(values: QuerySet[IndicatorValue]) -> list[Measures]:
    return [Measures.of(v) for v in values.select_related("indicator")]


def equalization_table(snapshot: Snapshot, area_code: str) -> list[Measures]:
    """Every active indicator on one area node, in the catalog's order."""
    values = IndicatorValue.objects.filter(
        snapshot=snapshot, area_code=area_code, dimension="", indicator__is_active=True
    ).order_by("indicator__sort_order", "indicator__code")
    return _measures(values)


def children_table(snapshot: Snapshot, indicator: Indicator, area_code: str) -> list[Measures]:
    """One indicator on each child node of an area (the drill-down), by code."""
    level = level_of(area_code) + 1
    values = IndicatorValue.objects.filter(
        snapshot=snapshot,
        indicator=indicator,
        area_code__startswith=area_code,
        level=level,
        dimension="",
    ).order_by("area_code")
    return _measures(values)


def children_index(snapshot: Snapshot, area_code: str) -> dict[str, Decimal | None]:
    """The equalization index of each child node of an area, by code."""
    level = level_of(area_code) + 1
    values = IndicatorValue.objects.filter(
        snapshot=snapshot,
        area_code__startswith=area_code,
        level=level,
        dimension="",
        indicator__is_active=True,
        indicator__in_index=True,
    )
    by_area: dict[str, list[Measures]] = {}
    for row in _measures(values):
        by_area.setdefault(row.area_code, []).append(row)
    return {code: equalization_index(rows) for code, rows in sorted(by_area.items())}


def breakdown(
    snapshot: Snapshot, indicator: Indicator, area_code: str, dimension: str
) -> list[Measures]:
    """One indicator on one node, by the categories of a dimension (``choices.Dimension``);
    empty when the dimension is not kept for the node's level."""
    values = IndicatorValue.objects.filter(
        snapshot=snapshot, indicator=indicator, area_code=area_code, dimension=dimension
    ).order_by("category")
    return _measures(values)


def history(
    indicator: Indicator, area_code: str, *, limit: int = 24
) -> list[tuple[dt.date, Measures]]:
    """The indicator on a node at each finished snapshot, oldest first (the trend)."""
    values = (
        IndicatorValue.objects.filter(
            indicator=indicator,
            area_code=area_code,
            dimension="",
            snapshot__status=RefreshStatus.DONE,
        )
        .select_related("snapshot", "indicator")
        .order_by("-snapshot__as_of")[:limit]
    )
    rows = [(v.snapshot.as_of, Measures.of(v)) for v in values]
    return rows[::-1]


def figures(snapshot: Snapshot, area_code: str) -> dict[str, dict[str, int]]:
    """The node's population figures: ``{figure: {category: value}}``; a total has the
    category ``""`` (see ``compute.figure_leaves`` for the names)."""
    result: dict[str, dict[str, int]] = {}
    rows = AreaFigure.objects.filter(snapshot=snapshot, area_code=area_code).values_list(
        "figure", "category", "value"
    )
    for figure, category, value in rows:
        result.setdefault(figure, {})[category] = value
    return result


def children_figures(snapshot: Snapshot, area_code: str, figure: str) -> dict[str, int]:
    """One population figure's total on each child node of an area."""
    level = level_of(area_code) + 1
    rows = AreaFigure.objects.filter(
        snapshot=snapshot, area_code__startswith=area_code, level=level, figure=figure, category=""
    ).values_list("area_code", "value")
    return dict(rows)


def preview_counts(indicator: Indicator, on: dt.date) -> dict[str, int]:
    """The city's counts of an unsaved definition on a date, for the define page: one
    aggregate over the registry (nothing is cached for a draft)."""
    floating, registered = Q(status__in=FLOATING), Q(status=Status.REGISTERED)
    counted = Person.objects.filter(denominator_q(indicator, on)).order_by()
    hits = Q(pk__in=counted.filter(numerator_q(indicator, on)).values("pk"))
    return counted.aggregate(
        floating_den=Count("pk", filter=floating),
        floating_num=Count("pk", filter=floating & hits),
        registered_den=Count("pk", filter=registered),
        registered_num=Count("pk", filter=registered & hits),
    )


SIDES = ("floating", "registered", "all")
PARTS = ("denominator", "numerator", "missing")


def people_behind(indicator: Indicator, as_of: dt.date, people, *, side: str = "floating",
                  part: str = "denominator"):  # fmt: skip
    """The people a cached figure counts, rebuilt from the indicator's definition on the
    snapshot's date: ``part`` is the denominator, the numerator, or those counted and not
    served (``missing``), on one ``side``. ``people`` is already restricted to the user
    (``Person.objects.restrict(user)``) and narrowed to the area node by the caller.
    Grid indicators have no people behind them: the result is empty."""
    if side not in SIDES or part not in PARTS:
        raise ValueError(f"side must be one of {SIDES}, part one of {PARTS}")
    if indicator.unit != Unit.PERSON:
        return people.none()
    chosen = people.filter(denominator_q(indicator, as_of))
    if side == "floating":
        chosen = chosen.filter(status__in=FLOATING)
    elif side == "registered":
        chosen = chosen.filter(status=Status.REGISTERED)
    if part == "numerator":
        chosen = chosen.filter(numerator_q(indicator, as_of))
    elif part == "missing":
        chosen = chosen.exclude(numerator_q(indicator, as_of))
    return chosen
