"""Key groups (重点对象): each registered group with its size in the user's area, its
members on a date, and lists saved on a date for follow-up."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parity.accounts.permissions import VIEW, scope_code
from parity.core.downloads import export_file
from parity.core.pagination import paginate
from parity.core.views import area_choices, as_of, chosen_area
from parity.people.models import Person
from parity.services import actions
from parity.services.exports import people_rows, person_cells, person_headers
from parity.services.keygroups import KEY_GROUPS
from parity.services.models import KeyGroupList, KeyGroupMember
from parity.services.selectors import group_counts, group_members


def _area_code(request, area) -> str:
    """The prefix a key group is read for: the chosen area (``chosen_area`` keeps it inside
    the user's scope), else the user's scope."""
    if area is not None:
        return area.code
    scope = scope_code(request.user, VIEW)
    if scope is None:
        raise PermissionDenied
    return scope


@login_required
def keygroup_list(request):
    area = chosen_area(request)
    on = as_of(request)
    code = _area_code(request, area)
    counts = group_counts(on, area_code=code)
    groups = [{"group": group, "count": counts[name]} for name, group in KEY_GROUPS.items()]
    return render(
        request,
        "services/keygroup_list.html",
        {"groups": groups, "area": area, "on": on, "choices": area_choices(request.user)},
    )


@login_required
def keygroup_members(request, code: str):
    group = KEY_GROUPS.get(code)
    if group is None:
        raise Http404
    area = chosen_area(request)
    on = as_of(request)
    area_code = _area_code(request, area)
    chosen = group_members(code, on, area_code=area_code)
    chosen = chosen.order_by(*KEY_GROUPS[code].member_order)  # type: ignore[misc]
    if request.GET.get("format") == "xlsx":
        return export_file(
            request,
            filename=str(group.label),
            title=str(group.label),
            headers=[*person_headers(), _("起始日期"), _("说明")],
            rows=people_rows(chosen, "since", "detail"),
            count=chosen,
        )
    if group.page_rows is not None and group.page_people is not None:
        # Narrow rows paged, then the page's people read by id (the group's own path).
        people = Person.objects.filter(area_code__startswith=area_code)
        page = paginate(request, group.page_rows(on, people))
        page.object_list = group.page_people(page.object_list, on)
    else:
        page = paginate(request, chosen)
    return render(
        request,
        "services/keygroup_members.html",
        {
            "group": group,
            "area": area,
            "on": on,
            "page": page,
            "choices": area_choices(request.user),
        },
    )


@login_required
@require_POST
def keygroup_save(request, code: str):
    if code not in KEY_GROUPS:
        raise Http404
    area = chosen_area(request)
    on = as_of(request)
    try:
        saved = actions.key_group_save(
            acting_user=request.user,
            group=code,
            on=on,
            area_code=area.code if area is not None else None,
        )
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
        return redirect("services:keygroup_members", code=code)
    messages.success(request, _("已保存名单:%(n)d 人") % {"n": saved.size})
    return redirect("services:keygroup_saved_detail", pk=saved.pk)


@login_required
def saved_list(request):
    if scope_code(request.user, VIEW) is None:
        raise Http404
    lists = KeyGroupList.objects.restrict(request.user, VIEW).select_related("created_by")
    page = paginate(request, lists)
    for saved in page.object_list:
        group = KEY_GROUPS.get(saved.group)
        saved.label = group.label if group else saved.group
    return render(request, "services/saved_list.html", {"page": page})


@login_required
def saved_detail(request, pk: int):
    saved = get_object_or_404(KeyGroupList.objects.restrict(request.user, VIEW), pk=pk)
    group = KEY_GROUPS.get(saved.group)
    # A snapshot, but never a way to see people who have since left the user's area.
    visible = Person.objects.restrict(request.user, VIEW)
    rows = (
        KeyGroupMember.objects.filter(saved_list=saved, person__in=visible)
        .select_related("person", "person__grid")
        .order_by("since", "person__area_code", "person_id")
    )
    label = group.label if group else saved.group
    if request.GET.get("format") == "xlsx":
        return export_file(
            request,
            filename=f"{label}-{saved.as_of:%Y%m%d}",
            title=str(label),
            headers=[*person_headers(), _("起始日期"), _("说明")],
            rows=(
                [*person_cells(m.person), m.since, m.detail] for m in rows.iterator(chunk_size=2000)
            ),
            count=rows,
        )
    return render(
        request,
        "services/saved_detail.html",
        {"saved": saved, "label": label, "page": paginate(request, rows)},
    )
