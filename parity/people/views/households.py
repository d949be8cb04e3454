from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from parity.accounts.permissions import CHANGE, VIEW, allows, in_scope, scope_code
from parity.core.filters import filtered
from parity.core.pagination import paginate
from parity.core.params import query_id
from parity.core.sorting import sort_list
from parity.core.sql import SubqueryCount
from parity.core.views import submit
from parity.people import actions
from parity.people import forms as people_forms
from parity.people.filters import HouseholdFilterSet
from parity.people.models import Household, HouseholdMember, Person

# By place (the index ``people_household_list``, either way). Not by the head's name: it
# is on another table, so no index can give that order, and a city-wide page would sort
# all 800,000 households of the scale-1 city joined to their heads.
HOUSEHOLD_SORTS = {
    "area": (_lazy("住址"), ("area_code",)),
}


@login_required
def household_list(request):
    households = (
        Household.objects.restrict(request.user, VIEW)
        .in_code_range(scope_code(request.user, VIEW) or "")
        .select_related("head")
        .annotate(
            member_count=SubqueryCount(HouseholdMember.objects.filter(household=OuterRef("pk")))
        )
        .order_by("area_code", "id")
    )
    filterset = HouseholdFilterSet(request.GET, queryset=households)
    rows, sorting = sort_list(request.GET, filtered(filterset), HOUSEHOLD_SORTS)
    return render(
        request,
        "people/household_list.html",
        {
            "filter": filterset,
            "page": paginate(request, rows),
            "sorting": sorting,
            "can_create": allows(request.user, CHANGE),
        },
    )


def _visible_household(request, pk: int) -> Household:
    return get_object_or_404(
        Household.objects.restrict(request.user, VIEW).select_related("head"), pk=pk
    )


@login_required
def household_detail(request, pk: int):
    household = _visible_household(request, pk)
    members = (
        HouseholdMember.objects.restrict(request.user, VIEW)
        .filter(household=household)
        .select_related("person")
        .order_by("id")
    )
    return render(
        request,
        "people/household_detail.html",
        {
            "household": household,
            "members": members,
            "can_change": in_scope(request.user, household.area_code, CHANGE),
        },
    )


@login_required
def household_create(request):
    if not allows(request.user, CHANGE):
        raise PermissionDenied
    head = None
    person_pk = query_id(request.GET, "person") or query_id(request.POST, "person")
    if person_pk is not None:
        head = get_object_or_404(Person.objects.restrict(request.user, VIEW), pk=person_pk)
    form = people_forms.HouseholdCreateForm(request.POST or None, user=request.user, head=head)
    done = submit(
        request,
        form,
        lambda data: actions.household_create(
            acting_user=request.user, head=data["head"], address=data["address"]
        ),
    )
    if done:
        messages.success(request, _("已创建家庭户"))
        return redirect("web:household_detail", pk=done.value.pk)
    return render(
        request,
        "web/form_page.html",
        {
            "form": form,
            "title": _("新建家庭户"),
            "person": head,
            "hidden": {"person": head.pk} if head else {},
            "submit": _("创建"),
        },
    )


@login_required
def household_add_member(request, pk: int):
    household = _visible_household(request, pk)
    if not in_scope(request.user, household.area_code, CHANGE):
        raise PermissionDenied
    form = people_forms.HouseholdMemberForm(request.POST or None, user=request.user)
    if submit(
        request,
        form,
        lambda data: actions.household_add_member(
            acting_user=request.user, household=household, **data
        ),
    ):
        messages.success(request, _("已添加家庭成员"))
        return redirect("web:household_detail", pk=household.pk)
    return render(
        request,
        "web/form_page.html",
        {
            "form": form,
            "title": _("添加家庭成员"),
            "household": household,
            "submit": _("添加"),
        },
    )
