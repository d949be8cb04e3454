"""The grid worker's work list: who in the grid is due or overdue for what, most urgent
first, with the two things to do about it one tap away."""

from __future__ import annotations

from collections import Counter

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from parity.accounts.permissions import SERVE, VIEW, allows
from parity.areas.choices import Level
from parity.core.downloads import export_file
from parity.core.views import area_choices, chosen_area
from parity.people.models import Residence
from parity.services.keygroups import KEY_GROUPS, work_list
from parity.services.worklist_rows import PersonRow, add_details, person_rows

PER_PAGE = 30


def _add_addresses(user, rows: list[PersonRow]) -> None:
    """Where to find each person on the page: one query for the whole page."""
    if not rows:
        return
    by_person = {row.person_id: row for row in rows}
    open_stays = (
        Residence.objects.restrict(user, VIEW)
        .filter(person_id__in=by_person, departed_on__isnull=True)
        .values_list("person_id", "address", "dwelling__address", "grid__path")
    )
    for person_id, address, dwelling_address, grid in open_stays:
        by_person[person_id].address = address or dwelling_address or ""
        by_person[person_id].grid = grid or ""


def _export(request, area, rows: list[PersonRow], on):
    """The work list as the page orders it, one line per item, for a round of visits."""
    _add_addresses(request.user, rows)
    add_details(rows, on)
    lines = (
        [
            row.name,
            row.id_masked,
            row.address or row.grid,
            str(due.item.group.label),
            due.detail,
            due.item.since,
            due.days,
        ]
        for row in rows
        for due in row.items
    )
    return export_file(
        request,
        filename=_("工作清单"),
        title=f"{_('工作清单')} {area.name}",
        headers=[
            _("姓名"),
            _("身份证号码"),
            _("住址"),
            _("待办事项"),
            _("说明"),
            _("起始日期"),
            _("已等天数"),
        ],
        rows=lines,
        count=sum(len(row.items) for row in rows),
    )


@login_required
def worklist(request):
    user = request.user
    area = chosen_area(request)
    on = timezone.localdate()
    group = request.GET.get("group", "")
    if group not in KEY_GROUPS:
        group = ""
    # Street-wide and wider lists are too long to work through: ask for a community or grid.
    ready = area is not None and area.level >= Level.COMMUNITY
    counts: Counter[str] = Counter()
    page = None
    total = 0
    if ready:
        assert area is not None
        result = work_list(area.code, on)
        everyone = person_rows(result)
        total = len(everyone)
        for row in everyone:
            counts.update({d.item.group.code for d in row.items})
        rows = person_rows(result, group) if group else everyone
        if request.GET.get("format") == "xlsx":
            return _export(request, area, rows, on)
        page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
        _add_addresses(user, list(page.object_list))
        add_details(list(page.object_list), on)
    single_area = area is not None and area.pk == user.area_id and area.level == Level.GRID
    return render(
        request,
        "services/worklist.html",
        {
            "area": area,
            "on": on,
            "ready": ready,
            "page": page,
            "total": total,
            "group": group,
            "chips": [
                (code, KEY_GROUPS[code].label, n)
                for code in KEY_GROUPS
                if (n := counts.get(code, 0))
            ],
            "choices": [] if single_area else area_choices(user, min_level=Level.STREET),
            "can_serve": allows(user, SERVE),
        },
    )
