"""The dashboard's tables as .xlsx downloads (``parity.core.exports``), with the same
scope rules as the pages: a node outside the user's subtree is a 404, people are masked."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.utils.translation import gettext as _

from parity.core.downloads import export_file
from parity.indicators.choices import Dimension
from parity.indicators.dashboard import selectors as dashboard
from parity.indicators.dashboard.views import (
    EXPORT_LIMIT,
    PARTS,
    SIDES,
    indicator_for,
    node_for,
    people_behind,
    people_query,
    shown_snapshot,
)
from parity.indicators.selectors import Measures
from parity.services.exports import people_rows, person_headers


def _snapshot(request):
    """The computation the user's dashboard shows (the latest, or the date they picked)."""
    snapshot = shown_snapshot(request)
    if snapshot is None:
        raise Http404
    return snapshot


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def measure_headers() -> list[str]:
    return [
        _("流动人口分子"),
        _("流动人口分母"),
        _("流动人口比率(%)"),
        _("户籍人口分子"),
        _("户籍人口分母"),
        _("户籍人口比率(%)"),
        _("差距(百分点)"),
        _("比值(流动/户籍)"),
    ]


def measure_cells(m: Measures | None) -> list:
    if m is None:
        return [None] * 8
    return [
        m.floating_num,
        m.floating_den,
        _number(m.floating_rate),
        m.registered_num,
        m.registered_den,
        _number(m.registered_rate),
        _number(m.gap),
        _number(m.ratio),
    ]


def _table(request, filename: str, title: str, headers, rows):
    """A table of figures (one row per area, indicator or category: never long) as .xlsx,
    sent at once."""
    return export_file(
        request, filename=filename, title=title, headers=headers, rows=rows, count=None
    )


def _filename(*parts: str) -> str:
    return "-".join(p for p in parts if p)


@login_required
def equalization_xlsx(request, code: str):
    node = node_for(request, code)
    snapshot = _snapshot(request)
    table = dashboard.equalization(snapshot, node.code)
    headers = [_("指标类别"), _("指标代码"), _("指标"), *measure_headers(), _("计入均等化指数")]
    rows: list[list] = [
        [
            dashboard.category_label(m.indicator.category),
            m.indicator.code,
            m.indicator.display_name,
            *measure_cells(m),
            _("是") if m.indicator.in_index else _("否"),
        ]
        for m in table.rows
    ]
    rows.append([_("均等化指数"), "", "", *([None] * 8), _number(table.index)])
    title = _("均等化指标")
    return _table(request, _filename(title, node.name, snapshot.as_of.isoformat()), title, headers,
                  rows)  # fmt: skip


@login_required
def children_xlsx(request, code: str):
    node = node_for(request, code)
    snapshot = _snapshot(request)
    table = dashboard.equalization(snapshot, node.code)
    wanted = request.GET.get("indicator", "")
    indicator = next((r.indicator for r in table.rows if r.indicator.code == wanted), None)
    rows = dashboard.children_rows(request.user, snapshot, node, indicator)
    headers = [_("区划代码"), _("名称"), _("流动人口"), _("均等化指数")]
    if indicator is not None:
        headers += [f"{indicator.display_name} {h}" for h in measure_headers()]

    def cells(row: dashboard.ChildRow) -> list:
        base = [row.area.code, row.area.name, row.floating, _number(row.index)]
        return base + (measure_cells(row.measures) if indicator is not None else [])

    title = _("下级区划")
    return _table(
        request,
        _filename(title, node.name, snapshot.as_of.isoformat()),
        title,
        headers,
        (cells(row) for row in rows),
    )


@login_required
def indicator_children_xlsx(request, code: str, indicator_code: str):
    node = node_for(request, code)
    indicator = indicator_for(indicator_code)
    snapshot = _snapshot(request)
    rows = dashboard.children_rows(request.user, snapshot, node, indicator)
    headers = [_("区划代码"), _("名称"), *measure_headers()]
    title = indicator.display_name
    return _table(
        request,
        _filename(indicator.code, node.name, snapshot.as_of.isoformat()),
        title,
        headers,
        ([row.area.code, row.area.name, *measure_cells(row.measures)] for row in rows),
    )


@login_required
def indicator_breakdown_xlsx(request, code: str, indicator_code: str, dimension: str):
    node = node_for(request, code)
    indicator = indicator_for(indicator_code)
    snapshot = _snapshot(request)
    found = [b for b in dashboard.breakdowns(snapshot, indicator, node) if b.dimension == dimension]
    if not found:
        raise Http404
    breakdown = found[0]
    headers = [str(Dimension(dimension).label), *measure_headers()]
    rows: Iterable[list] = ([label, *measure_cells(m)] for label, m in breakdown.rows)
    return _table(
        request,
        _filename(indicator.code, dimension, node.name, snapshot.as_of.isoformat()),
        f"{indicator.display_name} {breakdown.label}",
        headers,
        rows,
    )


@login_required
def indicator_people_xlsx(request, code: str, indicator_code: str):
    """The people behind a figure, masked, at most ``EXPORT_LIMIT`` rows."""
    node = node_for(request, code)
    indicator = indicator_for(indicator_code)
    snapshot = _snapshot(request)
    side, part, _dimension, _category = people_query(request, indicator)
    chosen = people_behind(request, node, indicator, snapshot)[:EXPORT_LIMIT]
    return export_file(
        request,
        filename=_filename(indicator.code, str(SIDES[side]), str(PARTS[part]), node.name),
        title=indicator.display_name,
        headers=[*person_headers(), _("区划代码")],
        rows=people_rows(chosen, "area_code"),
        count=chosen,
    )
