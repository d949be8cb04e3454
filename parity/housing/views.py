from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from parity.accounts.permissions import CHANGE, VIEW, allows, in_scope
from parity.core.filters import filtered
from parity.core.pagination import paginate
from parity.core.sorting import sort_list
from parity.core.sql import SubqueryCount
from parity.core.views import submit
from parity.housing import actions
from parity.housing.filters import DwellingFilterSet
from parity.housing.forms import DwellingRegisterForm
from parity.housing.models import Dwelling
from parity.people.models import Residence

# Sortable columns, each read from an index (``Dwelling.Meta.indexes``).
DWELLING_SORTS = {
    "address": (_lazy("地址"), ("address",)),
    "area": (_lazy("网格"), ("area_code", "address")),
}


@login_required
def dwelling_list(request):
    dwellings = (
        Dwelling.objects.restrict(request.user, VIEW)
        .select_related("grid")
        .annotate(
            resident_count=SubqueryCount(
                Residence.objects.filter(dwelling=OuterRef("pk"), departed_on__isnull=True)
            )
        )
        # The page order (the resident count is computed for the page's rows only).
        .order_by("area_code", "address", "id")
    )
    filterset = DwellingFilterSet(request.GET, queryset=dwellings)
    rows, sorting = sort_list(request.GET, filtered(filterset), DWELLING_SORTS)
    return render(
        request,
        "housing/dwelling_list.html",
        {
            "filter": filterset,
            "page": paginate(request, rows),
            "sorting": sorting,
            "can_create": allows(request.user, CHANGE),
        },
    )


@login_required
def dwelling_detail(request, pk: int):
    dwelling = get_object_or_404(
        Dwelling.objects.restrict(request.user, VIEW).select_related("grid", "landlord_person"),
        pk=pk,
    )
    residents = (
        Residence.objects.open()
        .restrict(request.user, VIEW)
        .filter(dwelling=dwelling)
        .select_related("person")
        .order_by("arrived_on", "id")
    )
    return render(
        request,
        "housing/dwelling_detail.html",
        {
            "dwelling": dwelling,
            "residents": residents,
            "can_change": in_scope(request.user, dwelling.area_code, CHANGE),
        },
    )


@login_required
def dwelling_register(request):
    if not allows(request.user, CHANGE):
        raise PermissionDenied
    form = DwellingRegisterForm(request.POST or None, user=request.user)
    if not form.fields["grid"].queryset.exists():  # type: ignore[attr-defined]
        raise PermissionDenied

    def register(data):
        data = dict(data)
        data["landlord_person"] = data.pop("landlord_id_number")
        return actions.dwelling_register(acting_user=request.user, **data)

    if done := submit(request, form, register):
        messages.success(request, _("已登记房屋"))
        return redirect("web:dwelling_detail", pk=done.value.pk)
    return render(
        request,
        "web/form_page.html",
        {"form": form, "title": _("房屋登记"), "submit": _("登记")},
    )
