"""The service catalog, and coverage: who is entitled, who was served, floating and
registered side by side, with the people behind every figure."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from parity.accounts.models import Department
from parity.accounts.permissions import VIEW
from parity.core.downloads import export_file
from parity.core.pagination import paginate
from parity.core.views import area_choices, as_of, chosen_area, home_area
from parity.people.choices import FLOATING, Status
from parity.people.models import Person
from parity.services.choices import Category
from parity.services.describe import delivery_text, rule_text
from parity.services.eligibility import delivered_q
from parity.services.exports import people_rows, person_headers
from parity.services.models import ServiceType
from parity.services.selectors import (
    CoverageRow,
    coverage_snapshot,
    eligible_people,
    missing_people,
    snapshot_coverage,
    with_rules,
)


@login_required
def catalog(request):
    home_area(request.user)  # the catalog is for users with a role that may view
    services = with_rules(ServiceType.objects.active())
    on = as_of(request)
    by_category: dict[str, list] = {}
    for service in services:
        rule = service.rule_on(on)
        by_category.setdefault(service.category, []).append(
            {
                "service": service,
                "rule": rule_text(rule.rule) if rule else _("尚未生效"),
                "delivery": delivery_text(service),
            }
        )
    labels = dict(Category.choices)
    return render(
        request,
        "services/catalog.html",
        {"categories": [(labels[c], rows) for c, rows in by_category.items()], "on": on},
    )


@login_required
def catalog_detail(request, code: str):
    home_area(request.user)
    service = get_object_or_404(with_rules(ServiceType.objects.all()), code=code)
    on = as_of(request)
    current = service.rule_on(on)
    rules = [
        {
            "rule": r,
            "text": rule_text(r.rule),
            "current": current is not None and r.pk == current.pk,
        }
        for r in service._prefetched_rules  # type: ignore[attr-defined]
    ]
    providers = (
        Department.objects.restrict(request.user, VIEW)
        .filter(kind=service.department_kind)
        .select_related("area")
        .order_by("area__code", "name")
    )
    return render(
        request,
        "services/catalog_detail.html",
        {
            "service": service,
            "rules": rules,
            "delivery": delivery_text(service),
            "providers": providers[:20],
            "provider_count": providers.count(),
        },
    )


def _cell(eligible: int, delivered: int, rate, on_demand: bool) -> dict:
    # An on-demand service is never missing: it is delivered when asked for.
    missing = 0 if on_demand else eligible - delivered
    return {"eligible": eligible, "delivered": delivered, "missing": missing, "rate": rate}


def _coverage_row(row: CoverageRow) -> dict:
    on_demand = row.service.on_demand
    return {
        "service": row.service,
        "floating": _cell(
            row.floating_eligible, row.floating_delivered, row.floating_rate, on_demand
        ),
        "registered": _cell(
            row.registered_eligible, row.registered_delivered, row.registered_rate, on_demand
        ),
        "gap": row.gap,
    }


@login_required
def coverage(request):
    """Coverage of every service on an area node, read from the newest indicator snapshot
    on or before the date (the figures the dashboard shows): one query however large the
    area. The drill-down lists rebuild the people on the snapshot's date."""
    area = chosen_area(request)
    on = as_of(request)
    snapshot = coverage_snapshot(on)
    node = area or home_area(request.user)
    rows = []
    if snapshot is not None and node is not None:
        rows = [_coverage_row(row) for row in snapshot_coverage(snapshot, node.code)]
    return render(
        request,
        "services/coverage.html",
        {
            "area": area,
            "on": on,
            "snapshot": snapshot,
            "rows": rows,
            "choices": area_choices(request.user),
        },
    )


WHICH = {
    "eligible": gettext_lazy("应享"),
    "delivered": gettext_lazy("已享"),
    "missing": gettext_lazy("未享"),
}
GROUPS = {"floating": FLOATING, "registered": (Status.REGISTERED,)}


@login_required
def coverage_people(request, code: str):
    """The people behind one coverage figure: eligible, delivered or missing."""
    service = get_object_or_404(with_rules(ServiceType.objects.all()), code=code)
    area = chosen_area(request)
    on = as_of(request)
    which = request.GET.get("which", "eligible")
    group = request.GET.get("group", "")
    if which not in WHICH or (group and group not in GROUPS):
        raise Http404
    people = Person.objects.restrict(request.user, VIEW)
    if area is not None:
        # Also as a range: the page reads the area's stretch of the list index in order.
        people = people.in_area(area.code).in_code_range(area.code)
    if group:
        people = people.filter(status__in=GROUPS[group])
    if which == "missing":
        chosen = missing_people(service, on, people)
    else:
        chosen = eligible_people(service, on, people)
        if which == "delivered":
            chosen = chosen.filter(delivered_q(service, on))
    chosen = chosen.select_related("grid").order_by("area_code", "name", "id")
    which_label = str(WHICH[which])
    group_label = {"floating": _("流动人口"), "registered": _("户籍人口")}.get(group, "")
    title = f"{service.name} · {group_label}{which_label}"
    if request.GET.get("format") == "xlsx":
        return export_file(
            request,
            filename=title.replace(" · ", "-"),
            title=service.name,
            headers=person_headers(),
            rows=people_rows(chosen),
            count=chosen,
        )
    return render(
        request,
        "services/coverage_people.html",
        {
            "service": service,
            "area": area,
            "on": on,
            "which": which,
            "group": group,
            "title": title,
            "page": paginate(request, chosen),
        },
    )
