from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import OuterRef
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from parity.accounts.permissions import CHANGE, VIEW, allows, in_scope
from parity.core.filters import filtered
from parity.core.sql import SubqueryCount
from parity.housing import actions
from parity.housing.filters import DwellingFilterSet
from parity.housing.models import Dwelling
from parity.people.models import Residence
from parity.web import forms as web_forms
from parity.web.pagination import paginate


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
    return render(
        request,
        "web/dwelling_list.html",
        {
            "filter": filterset,
            "page": paginate(request, filtered(filterset)),
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
        "web/dwelling_detail.html",
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
    form = web_forms.DwellingRegisterForm(request.POST or None, user=request.user)
    if not form.fields["grid"].queryset.exists():  # type: ignore[attr-defined]
        raise PermissionDenied
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["landlord_person"] = data.pop("landlord_id_number")
        try:
            dwelling = actions.dwelling_register(acting_user=request.user, **data)
        except ValidationError as exc:
            web_forms.apply_errors(form, exc)
        else:
            messages.success(request, _("已登记房屋"))
            return redirect("web:dwelling_detail", pk=dwelling.pk)
    return render(
        request,
        "web/form_page.html",
        {"form": form, "title": _("房屋登记"), "submit": _("登记")},
    )
