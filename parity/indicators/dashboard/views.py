"""The dashboard (数据看板): a node of the user's area subtree with its headline figures,
equalization table, charts and child nodes; one indicator drilled down by child node and
category; the people behind a figure. Every page reads an indicator snapshot
(``parity.indicators.dashboard.selectors``), never recomputes the registry: the latest,
or the one of the date the user picked (``shown_snapshot``); a node outside the user's
subtree is a 404."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parity.accounts.permissions import VIEW, scope_code
from parity.areas.models import Area
from parity.core.pagination import paginate
from parity.indicators import selectors
from parity.indicators.actions import indicators_refresh_start
from parity.indicators.choices import Dimension, Unit
from parity.indicators.dashboard import selectors as dashboard
from parity.indicators.models import Indicator, Snapshot

SIDES = {
    "floating": gettext_lazy("流动人口"),
    "registered": gettext_lazy("户籍人口"),
    "all": gettext_lazy("全部人口"),
}
PARTS = {
    "denominator": gettext_lazy("统计对象(分母)"),
    "numerator": gettext_lazy("已达标(分子)"),
    "missing": gettext_lazy("未达标"),
}


def node_for(request, code: str | None) -> Area:
    """The node asked for, inside the user's subtree (else 404); the user's own root when
    no code is given. A user who may see nothing is refused (403)."""
    if scope_code(request.user, VIEW) is None:
        raise PermissionDenied
    node = dashboard.root_node(request.user) if code is None else None
    if code is not None:
        node = dashboard.visible_node(request.user, code)
    if node is None:
        raise Http404
    return node


# The statistics date a user picked on the dashboard, kept in their session so that every
# dashboard page and download shows the same computation until they go back to the latest.
PINNED_DATE = "dashboard_as_of"
LATEST = "latest"


def shown_snapshot(request) -> Snapshot | None:
    """The computation the dashboard shows this user: the newest, or, once they picked a
    date (``?as_of=YYYY-MM-DD``; ``?as_of=latest`` goes back), the newest on or before
    it. A date that is not one, or that no computation precedes, is said so and the
    newest is shown."""
    asked = request.GET.get("as_of")
    if asked is not None:
        request.session.pop(PINNED_DATE, None)
        if asked not in ("", LATEST):
            try:
                day = dt.date.fromisoformat(asked)
            except ValueError:
                messages.error(
                    request,
                    _("统计日期“%(value)s”不是有效的日期,应为“2026-06-30”这样的格式;"
                      "下面是最新的数据。") % {"value": asked[:20]},
                )  # fmt: skip
            else:
                request.session[PINNED_DATE] = day.isoformat()
    pinned = request.session.get(PINNED_DATE)
    if pinned:
        snapshot = selectors.latest_snapshot(dt.date.fromisoformat(pinned))
        if snapshot is not None:
            return snapshot
        request.session.pop(PINNED_DATE, None)
        messages.warning(
            request,
            _("%(date)s 及以前没有计算过指标;下面是最新的数据。") % {"date": pinned},
        )
    return selectors.latest_snapshot()


def date_choice(request, snapshot: Snapshot) -> dict:
    """What the date picker needs: the dates computed, the one shown, and whether the
    user is looking at an earlier one than the newest."""
    dates = selectors.snapshot_dates()
    # The page's other parameters (the indicator chosen, the people list's side and
    # part), kept when the date changes; a page number would not mean the same list.
    keep = [(k, v) for k, v in request.GET.items() if k not in ("as_of", "page")]
    return {
        "dates": dates,
        "shown": snapshot.as_of,
        "pinned": bool(dates) and snapshot.as_of != dates[0],
        "keep": keep,
        "latest_query": urlencode([*keep, ("as_of", LATEST)]),
    }


def indicator_for(code: str) -> Indicator:
    return get_object_or_404(Indicator, code=code)


def _empty(request, node: Area):
    return render(
        request,
        "indicators/dashboard/empty.html",
        {"node": node, "can_refresh": dashboard.can_refresh(request.user)},
    )


def _chosen(table: dashboard.Table, code: str) -> Indicator | None:
    """The indicator picked for the drill-down (``?indicator=``), among those on the node."""
    return next((row.indicator for row in table.rows if row.indicator.code == code), None)


def _with_query(url: str, indicator: Indicator | None) -> str:
    return f"{url}?indicator={indicator.code}" if indicator is not None else url


@login_required
def dashboard_page(request, code: str | None = None):
    node = node_for(request, code)
    snapshot = shown_snapshot(request)
    if snapshot is None:
        return _empty(request, node)
    user = request.user
    chosen = request.GET.get("indicator", "")
    if chosen and not Indicator.objects.filter(code=chosen).exists():
        chosen = ""
    # The body is the same for every user who may see the node (their scope is checked
    # above): the finished computation's stamp in the key retires it after a refresh.
    body = _body(snapshot, node, chosen, request)
    return render(
        request,
        "indicators/dashboard/page.html",
        {
            "node": node,
            "snapshot": snapshot,
            "breadcrumbs": dashboard.breadcrumbs(user, node),
            "body": mark_safe(body),  # noqa: S308 - rendered by our own template above
            "can_refresh": dashboard.can_refresh(user),
            "when": date_choice(request, snapshot),
        },
    )


# A cached dashboard body lives this long at most (seconds); a refresh retires it at once.
BODY_SECONDS = 3600
# Levels whose bodies are rendered as soon as the indicators are computed (city,
# districts, streets): the pages most visited the morning after.
PRERENDER_LEVELS = (1, 2, 3)


def _body(snapshot, node: Area, chosen: str, request=None) -> str:
    """The node's body from the cache, rendered and stored on a miss. The node was
    checked to be inside the user's subtree, so every child may be listed."""
    stamp = snapshot.finished_at.isoformat() if snapshot.finished_at else ""
    key = ":".join(("dashboard", str(snapshot.pk), stamp, node.code, chosen,
                    get_language() or ""))  # fmt: skip
    body = cache.get(key)
    if body is None:
        context = _body_context(None, snapshot, node, chosen)
        body = render_to_string("indicators/dashboard/_body.html", context, request)
        cache.set(key, body, BODY_SECONDS)
    return body


def prerender(sender, snapshot, **kwargs) -> None:
    """Receiver of ``indicators_computed``: the bodies of the most visited nodes, in the
    default language, rendered before anyone asks (only the newest snapshot is shown)."""
    if selectors.latest_snapshot() != snapshot:
        return
    with translation.override(settings.LANGUAGE_CODE):
        for node in Area.objects.filter(level__in=PRERENDER_LEVELS).order_by("code"):
            _body(snapshot, node, "")


def _body_context(user, snapshot, node: Area, chosen: str) -> dict:
    table = dashboard.equalization(snapshot, node.code)
    indicator = _chosen(table, chosen)
    figures = selectors.figures(snapshot, node.code)
    rows = dashboard.children_rows(user, snapshot, node, indicator)

    def child_url(area: Area) -> str:
        return _with_query(reverse("web:dashboard_node", args=[area.code]), indicator)

    charts = {
        "gaps": dashboard.gap_chart(rows, indicator, child_url),
        "trend": dashboard.trend_chart(figures, snapshot.as_of),
        "history": dashboard.rate_history_chart(indicator, node.code)
        if indicator is not None
        else dashboard.index_history_chart(node.code),
        **dashboard.distribution_charts(figures),
    }
    return {
        "node": node,
        "headlines": dashboard.headlines(figures, node, snapshot, table.index),
        "table": table,
        "indicator": indicator,
        "children": rows,
        "charts": charts,
    }


@login_required
@require_POST
def dashboard_refresh(request):
    """Recompute the cache for today (in the request, or started in the background: see
    ``PARITY_REFRESH_INLINE``), then go back to the node."""
    if not dashboard.can_refresh(request.user):
        raise PermissionDenied
    snapshot = indicators_refresh_start(acting_user=request.user, as_of=timezone.localdate())
    if snapshot is None:
        messages.info(request, _("已开始重新计算今天的指标,完成后刷新本页即可看到新的数据。"))
    else:
        messages.success(
            request,
            _("已重新计算 %(date)s 的指标(用时 %(seconds).1f 秒)")
            % {"date": snapshot.as_of.isoformat(), "seconds": snapshot.seconds or 0},
        )
    code = request.POST.get("area", "")
    if code and dashboard.visible_node(request.user, code) is not None:
        return redirect("web:dashboard_node", code=code)
    return redirect("web:dashboard")


def _indicator_context(request, code: str, indicator_code: str):
    node = node_for(request, code)
    indicator = indicator_for(indicator_code)
    return node, indicator, shown_snapshot(request)


@login_required
def indicator_page(request, code: str, indicator_code: str):
    node, indicator, snapshot = _indicator_context(request, code, indicator_code)
    if snapshot is None:
        return _empty(request, node)
    user = request.user
    rows = dashboard.children_rows(user, snapshot, node, indicator)

    def child_url(area: Area) -> str:
        return reverse("web:dashboard_indicator", args=[area.code, indicator.code])

    charts = {
        "gaps": dashboard.gap_chart(rows, indicator, child_url),
        "history": dashboard.rate_history_chart(indicator, node.code),
    }
    measures = dashboard.indicator_on(snapshot, indicator, node.code)
    missing = {
        "floating": dashboard.cached_count(measures, "floating", "missing"),
        "registered": dashboard.cached_count(measures, "registered", "missing"),
        "all_den": dashboard.cached_count(measures, "all", "denominator"),
    }
    return render(
        request,
        "indicators/dashboard/indicator.html",
        {
            "node": node,
            "indicator": indicator,
            "category": dashboard.category_label(indicator.category),
            "snapshot": snapshot,
            "breadcrumbs": dashboard.breadcrumbs(user, node),
            "measures": measures,
            "missing": missing,
            "children": rows,
            "breakdowns": dashboard.breakdowns(snapshot, indicator, node),
            "keeps_dimensions": bool(indicator.dimensions),
            "has_people": indicator.unit == Unit.PERSON,
            "charts": charts,
            "when": date_choice(request, snapshot),
        },
    )


def people_query(request, indicator: Indicator) -> tuple[str, str, str, str]:
    """``side``, ``part`` and the optional ``dimension`` / ``category`` of a people list
    (404 on anything else)."""
    side = request.GET.get("side", "floating")
    part = request.GET.get("part", "denominator")
    dimension = request.GET.get("dimension", "")
    category = request.GET.get("category", "")[:20]
    if side not in selectors.SIDES or part not in selectors.PARTS:
        raise Http404
    if dimension and (dimension not in Dimension.values or dimension not in indicator.dimensions):
        raise Http404
    return side, part, dimension, category if dimension else ""


def people_behind(request, node: Area, indicator: Indicator, snapshot: Snapshot):
    side, part, dimension, category = people_query(request, indicator)
    return dashboard.figure_people(
        request.user, node, indicator, snapshot.as_of,
        side=side, part=part, dimension=dimension, category=category,
    )  # fmt: skip


@login_required
def indicator_people(request, code: str, indicator_code: str):
    node, indicator, snapshot = _indicator_context(request, code, indicator_code)
    if snapshot is None:
        return _empty(request, node)
    side, part, dimension, category = people_query(request, indicator)
    chosen = people_behind(request, node, indicator, snapshot)
    if dimension:
        cached = None
        category_name = dashboard.category_name(dimension, category)
    else:
        cached = dashboard.cached_count(
            dashboard.indicator_on(snapshot, indicator, node.code), side, part
        )
        category_name = ""
    return render(
        request,
        "indicators/dashboard/people.html",
        {
            "node": node,
            "indicator": indicator,
            "snapshot": snapshot,
            "breadcrumbs": dashboard.breadcrumbs(request.user, node),
            "side": side,
            "part": part,
            "sides": SIDES,
            "parts": PARTS,
            "side_label": SIDES[side],
            "part_label": PARTS[part],
            "dimension": dimension,
            "category_name": category_name,
            "cached": cached,
            "has_people": indicator.unit == Unit.PERSON,
            "page": paginate(request, chosen),
            "export_limit": EXPORT_LIMIT,
            "when": date_choice(request, snapshot),
        },
    )


# Exports of a people list stop here: a larger list is a job for `parity export people`.
EXPORT_LIMIT = 20_000
