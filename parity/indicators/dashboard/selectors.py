"""Reads behind the dashboard: the user's node of the area tree, its headline figures,
equalization table, child nodes and chart data, all from the latest indicator snapshot
(``parity.indicators.selectors``), never from the registry.

A user sees the dashboard of the nodes inside their own area subtree only (the
``VIEW`` scope of the permission gate); nodes above it are not shown, not even in the
breadcrumbs.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from parity.accounts.permissions import ASSESS, VIEW, city_wide, scope_code
from parity.areas.models import Area
from parity.areas.origins import lookup
from parity.indicators import selectors
from parity.indicators.choices import (
    AGE_GROUP_FLOORS,
    DOSE_CATEGORY,
    AgeGroup,
    Dimension,
    RefreshStatus,
    category_label,
)
from parity.indicators.compute import DIMENSION_LEVELS, TREND_MONTHS
from parity.indicators.models import Indicator, IndicatorValue, Snapshot
from parity.indicators.selectors import Measures
from parity.people.choices import HousingType, Industry, Sex, StayClass
from parity.people.models import Person, stay_class_expression

# Origins beyond the largest few are summed into one bar.
TOP_ORIGINS = 12
HISTORY_SNAPSHOTS = 24


# --- the node ---------------------------------------------------------------------------


def can_refresh(user) -> bool:
    """Whether the user may recompute the cache (the rule of ``indicators_refresh``)."""
    return city_wide(user, ASSESS)


def root_node(user) -> Area | None:
    """The node the dashboard opens on: the user's own area, or the city for city-wide
    users; ``None`` for a user who may see nothing."""
    code = scope_code(user, VIEW)
    if code is None:
        return None
    if code:
        return user.area
    city = Area.objects.filter(code=settings.PARITY_CITY_CODE).first()
    return city or Area.objects.root()


def visible_node(user, code: str) -> Area | None:
    """The node with this code if it lies inside the user's subtree."""
    return Area.objects.restrict(user, VIEW).filter(code=code).first()


def breadcrumbs(user, node: Area) -> list[Area]:
    """The node's ancestors from the user's own root down, in one query (none above the
    user's scope)."""
    scope = scope_code(user, VIEW) or ""
    codes = [node.code[:n] for n in range(max(len(scope), 1), len(node.code))]
    if not codes:
        return []
    return list(Area.objects.restrict(user, VIEW).filter(code__in=codes).order_by("code"))


def children(user, node: Area) -> list[Area]:
    """The node's children the user may see (all of them, ``user=None``, for a node that
    was already checked to be inside the user's subtree)."""
    areas = Area.objects.filter(parent=node).order_by("code")
    return list(areas if user is None else areas.restrict(user, VIEW))


# --- the equalization table -------------------------------------------------------------


@dataclass
class Group:
    category: str
    label: str
    rows: list[Measures] = field(default_factory=list)


@dataclass
class Table:
    """The equalization table of a node: indicators grouped by category, the per-dose
    vaccination indicators apart (they are many and collapsed on the page)."""

    rows: list[Measures]
    groups: list[Group]
    doses: list[Measures]
    index: Decimal | None


def equalization(snapshot: Snapshot, area_code: str) -> Table:
    rows = selectors.equalization_table(snapshot, area_code)
    groups: dict[str, Group] = {}
    doses = []
    for row in rows:
        category = row.indicator.category
        if category == DOSE_CATEGORY:
            doses.append(row)
            continue
        if category not in groups:
            groups[category] = Group(category, category_label(category))
        groups[category].rows.append(row)
    return Table(
        rows=rows,
        groups=list(groups.values()),
        doses=doses,
        index=selectors.equalization_index(rows),
    )


def indicator_on(snapshot: Snapshot, indicator: Indicator, area_code: str) -> Measures | None:
    """One indicator's totals on one node."""
    value = IndicatorValue.objects.filter(
        snapshot=snapshot, indicator=indicator, area_code=area_code, dimension=""
    ).first()
    if value is None:
        return None
    return Measures(
        indicator=indicator,
        area_code=area_code,
        floating_num=value.floating_num,
        floating_den=value.floating_den,
        registered_num=value.registered_num,
        registered_den=value.registered_den,
    )


# --- child nodes ------------------------------------------------------------------------


@dataclass
class ChildRow:
    area: Area
    floating: int
    index: Decimal | None
    measures: Measures | None


def children_rows(
    user, snapshot: Snapshot, node: Area, indicator: Indicator | None
) -> list[ChildRow]:
    """The drill-down table: each child node with its floating population, its
    equalization index and, when one is chosen, an indicator's measures."""
    areas = children(user, node)
    if not areas:
        return []
    floating = selectors.children_figures(snapshot, node.code, "floating")
    index = selectors.children_index(snapshot, node.code)
    measures: dict[str, Measures] = {}
    if indicator is not None:
        measures = {
            m.area_code: m for m in selectors.children_table(snapshot, indicator, node.code)
        }
    return [
        ChildRow(
            area=area,
            floating=floating.get(area.code, 0),
            index=index.get(area.code),
            measures=measures.get(area.code),
        )
        for area in areas
    ]


# --- headline figures -------------------------------------------------------------------


@dataclass
class Headline:
    key: str
    label: str
    value: int | Decimal | None
    url: str = ""
    main: bool = False


def headlines(
    figures: dict[str, dict[str, int]], node: Area, snapshot: Snapshot, index: Decimal | None
) -> list[Headline]:
    """The node's headline figures, each linked to the list of people it counts where
    one exists (the person list, the key groups)."""
    people = reverse("web:person_list")
    groups = "services:keygroup_members"
    on = snapshot.as_of.isoformat()

    def total(name: str) -> int:
        return figures.get(name, {}).get("", 0)

    def group(code: str) -> str:
        return f"{reverse(groups, args=[code])}?area={node.code}&on={on}"

    return [
        Headline("floating", _("流动人口"), total("floating"),
                 f"{people}?floating=true&area={node.code}", main=True),
        Headline("inflow", _("流入人口"), total("inflow"),
                 f"{people}?status=inflow&area={node.code}"),
        Headline("outflow", _("流出人口"), total("outflow"),
                 f"{people}?status=outflow&area={node.code}"),
        Headline("registered", _("户籍人口"), total("registered"),
                 f"{people}?status=registered&area={node.code}"),
        Headline("married_women", _("流动育龄已婚妇女"), total("married_women")),
        Headline("pregnant", _("现孕流动人口"), total("pregnant"), group("pregnant")),
        Headline("no_certificate", _("未办婚育证明"), total("no_certificate"),
                 group("no_certificate")),
        Headline("index", _("均等化指数"), index, "#equalization"),
    ]  # fmt: skip


# --- chart data -------------------------------------------------------------------------


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _series(items: list[tuple[str, int]]) -> dict:
    return {"labels": [label for label, _n in items], "values": [n for _l, n in items]}


def _choice_items(counts: dict[str, int], choices) -> list[tuple[str, int]]:
    """(label, count) in the order of the choices; unknown codes last, as written."""
    order = [code for code, _label in choices]
    labels = dict(choices)
    codes = sorted(
        (code for code in counts if code),
        key=lambda c: (order.index(c) if c in order else len(order), c),
    )
    return [(str(labels.get(code, code)), counts[code]) for code in codes]


def province_name(code: str) -> str:
    if len(code) == 2 and code.isdigit():
        name = lookup(code + "0000").province
        if name:
            return name
    return _("未知地区")


def origin_items(counts: dict[str, int]) -> list[tuple[str, int]]:
    """Provinces of origin by size, the smallest summed into 其他."""
    ranked = sorted(((n, code) for code, n in counts.items() if code), reverse=True)
    items = [(province_name(code), n) for n, code in ranked[:TOP_ORIGINS]]
    rest = sum(n for n, _code in ranked[TOP_ORIGINS:])
    if rest:
        items.append((_("其他"), rest))
    return items


def months_back(as_of: dt.date, months: int = TREND_MONTHS) -> list[str]:
    first = as_of.replace(day=1)
    return [(first - relativedelta(months=n)).strftime("%Y-%m") for n in range(months - 1, -1, -1)]


def index_history(area_code: str) -> list[tuple[dt.date, Decimal | None]]:
    """The node's equalization index at each of the latest finished snapshots, oldest
    first, in one query."""
    latest = Snapshot.objects.filter(status=RefreshStatus.DONE).order_by("-as_of")
    values = IndicatorValue.objects.filter(
        snapshot__in=latest.values("pk")[:HISTORY_SNAPSHOTS],
        area_code=area_code,
        dimension="",
        indicator__is_active=True,
        indicator__in_index=True,
    ).select_related("indicator", "snapshot")
    by_date: dict[dt.date, list[Measures]] = {}
    for v in values:
        by_date.setdefault(v.snapshot.as_of, []).append(Measures.of(v))
    return [(day, selectors.equalization_index(rows)) for day, rows in sorted(by_date.items())]


def gap_chart(rows: list[ChildRow], indicator: Indicator | None, url_of) -> dict | None:
    """Bars per child node: the equalization index, or the chosen indicator's gap."""
    if not rows:
        return None
    if indicator is None:
        values = [_number(row.index) for row in rows]
        name = _("均等化指数")
    else:
        values = [_number(row.measures.gap) if row.measures else None for row in rows]
        name = _("差距(百分点)")
    if all(v is None for v in values):
        return None
    return {
        "kind": "bars",
        "name": name,
        "labels": [row.area.name for row in rows],
        "values": values,
        "urls": [url_of(row.area) for row in rows],
        "max": 100 if indicator is None else None,
    }


def trend_chart(figures: dict[str, dict[str, int]], as_of: dt.date) -> dict | None:
    months = months_back(as_of)
    arrivals, departures = figures.get("arrivals", {}), figures.get("departures", {})
    if not any(arrivals.get(m) or departures.get(m) for m in months):
        return None
    return {
        "kind": "lines",
        "labels": months,
        "series": [
            {"name": _("流入(来本市)"), "values": [arrivals.get(m, 0) for m in months]},
            {"name": _("离开本市"), "values": [departures.get(m, 0) for m in months]},
        ],
    }


def index_history_chart(area_code: str) -> dict | None:
    points = index_history(area_code)
    if len(points) < 2:
        return None
    return {
        "kind": "lines",
        "labels": [day.isoformat() for day, _i in points],
        "series": [{"name": _("均等化指数"), "values": [_number(i) for _d, i in points]}],
        "max": 100,
    }


def rate_history_chart(indicator: Indicator, area_code: str) -> dict | None:
    points = selectors.history(indicator, area_code)
    if len(points) < 2:
        return None
    return {
        "kind": "lines",
        "labels": [day.isoformat() for day, _m in points],
        "series": [
            {"name": _("流动人口"), "values": [_number(m.floating_rate) for _d, m in points]},
            {"name": _("户籍人口"), "values": [_number(m.registered_rate) for _d, m in points]},
        ],
        "max": 100,
        "percent": True,
    }


def distribution_charts(figures: dict[str, dict[str, int]]) -> dict[str, dict | None]:
    """Origins, length of stay, housing and industries of the node's floating people."""

    def chart(kind: str, items: list[tuple[str, int]]) -> dict | None:
        return {"kind": kind, **_series(items)} if any(n for _l, n in items) else None

    return {
        "origins": chart("hbars", origin_items(figures.get("origin", {}))),
        "stay": chart("pie", _choice_items(figures.get("stay", {}), StayClass.choices)),
        "housing": chart("pie", _choice_items(figures.get("housing", {}), HousingType.choices)),
        "industry": chart("hbars", _choice_items(figures.get("industry", {}), Industry.choices)),
    }


# --- breakdowns and the people behind a figure -----------------------------------------

DIMENSION_CHOICES = {
    Dimension.SEX: Sex.choices,
    Dimension.AGE_GROUP: AgeGroup.choices,
    Dimension.STAY_CLASS: StayClass.choices,
}


def category_name(dimension: str, category: str) -> str:
    if dimension == Dimension.ORIGIN_PROVINCE:
        return province_name(category)
    if dimension == Dimension.PARTNER:
        # deferred: another app's dimension, read only for an indicator that keeps it
        from parity.exchange.indicators import partner_label

        return partner_label(category)
    labels = dict(DIMENSION_CHOICES.get(Dimension(dimension), []))
    return str(labels.get(category, category or _("未填写")))


@dataclass
class Breakdown:
    dimension: str
    label: str
    rows: list[tuple[str, Measures]]


def breakdowns(snapshot: Snapshot, indicator: Indicator, node: Area) -> list[Breakdown]:
    """The indicator on the node by each dimension it keeps (cached for the city and the
    districts only), one query."""
    dimensions = [d for d in indicator.dimensions if d in Dimension.values]
    if not dimensions or node.level not in DIMENSION_LEVELS:
        return []
    values = IndicatorValue.objects.filter(
        snapshot=snapshot, indicator=indicator, area_code=node.code, dimension__in=dimensions
    ).order_by("dimension", "category")
    by_dimension: dict[str, list[tuple[str, Measures]]] = {d: [] for d in dimensions}
    for v in values:
        measures = Measures(
            indicator, v.area_code, v.floating_num, v.floating_den,
            v.registered_num, v.registered_den, category=v.category,
        )  # fmt: skip
        by_dimension[v.dimension].append((category_name(v.dimension, v.category), measures))
    result = []
    for dimension in dimensions:
        rows = by_dimension[dimension]
        if dimension in (Dimension.ORIGIN_PROVINCE, Dimension.PARTNER):
            rows.sort(key=lambda r: -(r[1].floating_den + r[1].registered_den))
        else:
            order = {c: i for i, (c, _l) in enumerate(DIMENSION_CHOICES[Dimension(dimension)])}
            rows.sort(key=lambda r: order.get(r[1].category, len(order)))
        result.append(Breakdown(dimension, str(Dimension(dimension).label), rows))
    return result


def in_category(
    people: QuerySet[Person], dimension: str, category: str, as_of: dt.date
) -> QuerySet[Person]:
    """Narrow people to one category of a dimension, the way ``compute`` classes them."""
    if dimension == Dimension.SEX:
        return people.filter(sex=category)
    if dimension == Dimension.ORIGIN_PROVINCE:
        if not category:
            return people.filter(hukou_code="")
        return people.filter(hukou_code__startswith=category)
    if dimension == Dimension.PARTNER:
        # deferred: another app's dimension, read only for an indicator that keeps it
        from parity.exchange.indicators import partner_expression

        return people.annotate(_partner=partner_expression()).filter(_partner=category)
    if dimension == Dimension.STAY_CLASS:
        return people.annotate(_stay=stay_class_expression("arrived_city_on", as_of)).filter(
            _stay=category
        )
    if dimension == Dimension.AGE_GROUP:
        # Completed years: a group runs from its floor up to the next group's floor.
        floors = sorted([(0, AgeGroup.CHILD.value)] + [(f, g.value) for g, f in AGE_GROUP_FLOORS])
        for i, (floor, group) in enumerate(floors):
            if group != category:
                continue
            chosen = people
            if floor:
                chosen = chosen.filter(birth_date__lte=as_of - relativedelta(years=floor))
            if i + 1 < len(floors):
                ceiling = as_of - relativedelta(years=floors[i + 1][0])
                chosen = chosen.filter(birth_date__gt=ceiling)
            return chosen
    return people.none()


def figure_people(
    user,
    node: Area,
    indicator: Indicator,
    as_of: dt.date,
    *,
    side: str,
    part: str,
    dimension: str = "",
    category: str = "",
) -> QuerySet[Person]:
    """The people behind a cached figure of a node (one category of a dimension, if
    given), restricted to the user, in a stable order for paging."""
    # The node as a range of codes too: a page is the node's stretch of the list index
    # (area code, name, id), read in order, not a walk from the city's first code.
    people: QuerySet[Person] = (
        Person.objects.restrict(user, VIEW).in_area(node.code).in_code_range(node.code)
    )
    if dimension:
        people = in_category(people, dimension, category, as_of)
    chosen = selectors.people_behind(indicator, as_of, people, side=side, part=part)
    return chosen.select_related("grid").order_by("area_code", "name", "id")


def cached_count(measures: Measures | None, side: str, part: str) -> int | None:
    """What the snapshot counted for a side (floating / registered / all) and part
    (denominator / numerator / missing)."""
    if measures is None:
        return None
    sides = {
        "floating": [(measures.floating_num, measures.floating_den)],
        "registered": [(measures.registered_num, measures.registered_den)],
        "all": [
            (measures.floating_num, measures.floating_den),
            (measures.registered_num, measures.registered_den),
        ],
    }[side]
    num = sum(n for n, _d in sides)
    den = sum(d for _n, d in sides)
    return {"numerator": num, "denominator": den, "missing": den - num}[part]
