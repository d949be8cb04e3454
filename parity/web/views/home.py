from __future__ import annotations

import django_filters
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parity.accounts.choices import Role
from parity.accounts.permissions import AUDIT, allows, in_scope
from parity.areas.choices import Level
from parity.areas.models import Area
from parity.areas.selectors import area_breadcrumbs, user_root_area
from parity.core.audit_words import action_choices, object_choices
from parity.core.filters import area_prefix_filter, filtered
from parity.core.models import AuditEvent
from parity.core.pagination import paginate
from parity.indicators.selectors import latest_snapshot
from parity.people.choices import Status
from parity.people.selectors import people_by_status, recently_changed_people
from parity.services.keygroups import work_list
from parity.services.worklist_rows import person_rows
from parity.web.selectors import (
    area_children_and_totals,
    area_children_and_totals_from,
    area_totals_from,
)

HOME_WORKLIST_ROWS = 5


def _worklist_preview(user) -> dict:
    """A grid worker opens Parity on their work list: its most urgent people come first."""
    if user.role != Role.GRID_WORKER or user.area_id is None or user.area.level != Level.GRID:
        return {}
    rows = person_rows(work_list(user.area.code, timezone.localdate()))
    return {"worklist": rows[:HOME_WORKLIST_ROWS], "worklist_total": len(rows)}


@login_required
def home(request):
    # The figures of the user's area are the dashboard's and the area page's (the newest
    # snapshot), so that the three pages agree; counted only before any snapshot exists.
    root = user_root_area(request.user)
    whole = root is not None and in_scope(request.user, root.code)
    snapshot = latest_snapshot() if whole else None
    if snapshot is not None:
        assert root is not None  # the whole node is in scope: there is one
        counts = area_totals_from(snapshot, root)
    else:
        counts = people_by_status(request.user, timezone.localdate())
    return render(
        request,
        "web/home.html",
        {
            **_worklist_preview(request.user),
            "counts": counts,
            "statuses": [(s, counts[s.value]) for s in Status],
            "floating": counts["floating"],
            "recent": recently_changed_people(request.user),
            "root": root,
            "snapshot": snapshot,
        },
    )


@login_required
def area_detail(request, code: str | None = None):
    if code is None:
        node = user_root_area(request.user)
        if node is None:
            raise Http404
    else:
        node = Area.objects.visible_to(request.user).filter(code=code).first()
        if node is None:
            raise Http404
    node_in_scope = in_scope(request.user, node.code)
    # A node in the user's scope shows the dashboard's figures (the newest snapshot);
    # above the scope, or before any snapshot, the user's own people are counted.
    snapshot = latest_snapshot() if node_in_scope else None
    if snapshot is not None:
        children, counts = area_children_and_totals_from(snapshot, request.user, node)
    else:
        children, counts = area_children_and_totals(request.user, node, timezone.localdate())
    return render(
        request,
        "web/area_detail.html",
        {
            "node": node,
            "breadcrumbs": area_breadcrumbs(request.user, node),
            "children": children,
            "statuses": [(s, counts[s.value]) for s in Status],
            "in_scope": node_in_scope,
            "snapshot": snapshot,
        },
    )


class AuditEventFilterSet(django_filters.FilterSet):
    action = django_filters.ChoiceFilter(
        choices=action_choices, label=_("操作"), empty_label=_("全部")
    )
    object_type = django_filters.ChoiceFilter(
        choices=object_choices, label=_("对象"), empty_label=_("全部")
    )
    area = area_prefix_filter()

    class Meta:
        model = AuditEvent
        fields = ["action", "object_type", "area"]


@login_required
def audit_list(request):
    if not allows(request.user, AUDIT):
        raise PermissionDenied
    events = AuditEvent.objects.restrict(request.user, AUDIT).select_related("actor")
    filterset = AuditEventFilterSet(request.GET, queryset=events)
    return render(
        request,
        "web/audit_list.html",
        {"filter": filterset, "page": paginate(request, filtered(filterset))},
    )
