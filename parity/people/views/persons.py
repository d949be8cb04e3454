from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from parity.accounts.permissions import CHANGE, REVEAL, VIEW, allows, in_scope, scope_code
from parity.areas.choices import Level
from parity.areas.origins import lookup
from parity.core.concurrency import is_stale, show_conflict, version_of
from parity.core.filters import filtered
from parity.core.forms import apply_errors
from parity.core.pagination import paginate
from parity.core.search import search_data, search_redirect
from parity.core.views import area_choices, form_page, person_for, record_form_view
from parity.dedup.selectors import duplicate_warnings, survivor_for
from parity.people import actions
from parity.people import forms as people_forms
from parity.people.actions import PERSON_EDITABLE, REVEALABLE
from parity.people.choices import Sex, Status
from parity.people.filters import PersonFilterSet
from parity.people.models import Employment, HouseholdMember, Person, Residence
from parity.people.selectors import person_programme_links
from parity.services.views.person import person_services


def _area_choices(user) -> list[tuple[str, str]]:
    # Down to communities for wide scopes; a community or grid user also sees grids.
    scope = user.area.level if user.area_id and not user.is_superuser else Level.CITY
    return [("", _("全部区划")), *area_choices(user, max_level=max(Level.COMMUNITY, scope + 1))]


@login_required
def person_list(request):
    # The search box may hold an ID or phone number: it is posted, never put in the URL.
    if request.method == "POST":
        fields = [name for name in PersonFilterSet.base_filters if name != "q"]
        return search_redirect(request, reverse("web:person_list"), text_field="q", fields=fields)
    people = (
        Person.objects.restrict(request.user, VIEW)
        .in_code_range(scope_code(request.user, VIEW) or "")
        .select_related("grid")
    )
    data = search_data(request, text_field="q")
    filterset = PersonFilterSet(data, queryset=people)
    form = filterset.form
    form.fields["area"].widget = forms.Select(choices=_area_choices(request.user))
    for name, choices in (("status", Status.choices), ("sex", Sex.choices)):
        form.fields[name].widget = forms.Select(choices=[("", _("全部")), *choices])
    for name in ("floating", "grid", "hukou_province"):
        form.fields[name].widget = forms.HiddenInput()
    page = paginate(request, filtered(filterset))
    response = render(
        request,
        "people/person_list.html",
        {"filter": filterset, "page": page, "can_register": allows(request.user, CHANGE)},
    )
    if data.get("q"):
        response["Cache-Control"] = "private, no-store"  # the page shows what was searched
    return response


@login_required
def person_detail(request, pk: int):
    try:
        person = person_for(request, pk)
    except Http404:
        # An old link to a person merged into another leads to the one kept.
        survivor = survivor_for(request.user, pk)
        if survivor is None:
            raise
        messages.info(request, _("该人员已与他人合并,现显示保留的人员"))
        return redirect("web:person_detail", pk=survivor)
    user = request.user
    residences = list(
        Residence.objects.restrict(user, VIEW)
        .filter(person=person)
        .select_related("grid", "dwelling")
    )
    membership = (
        HouseholdMember.objects.restrict(user, VIEW)
        .filter(person=person)
        .select_related("household")
        .first()
    )
    members = (
        HouseholdMember.objects.restrict(user, VIEW)
        .filter(household_id=membership.household_id)
        .select_related("person")
        .order_by("id")
        if membership
        else []
    )
    employments = Employment.objects.restrict(user, VIEW).filter(person=person)
    can_change = in_scope(user, person.area_code, CHANGE)
    today = timezone.localdate()
    return render(
        request,
        "people/person_detail.html",
        {
            **person_services(user, person, today),
            "person": person,
            "programme_links": person_programme_links(person, today),
            "origin": lookup(person.hukou_code),
            "outflow_region": lookup(person.outflow_region_code)
            if person.outflow_region_code
            else None,
            "residences": residences,
            "open_residence": next((r for r in residences if r.departed_on is None), None),
            "membership": membership,
            "members": members,
            "employments": employments,
            "can_change": can_change,
            "can_reveal": allows(user, REVEAL) and in_scope(user, person.area_code, REVEAL),
            "today": today,
        },
    )


@login_required
@require_POST
def person_reveal(request, pk: int, field: str):
    if field not in REVEALABLE:
        raise PermissionDenied
    person = person_for(request, pk)
    value = actions.person_reveal(acting_user=request.user, person=person, field=field)
    template = (
        "people/_revealed.html" if request.headers.get("HX-Request") else "people/revealed.html"
    )
    return render(request, template, {"person": person, "field": field, "value": value})


@login_required
def person_register(request):
    if not allows(request.user, CHANGE):
        raise PermissionDenied
    initial = {}
    if request.GET.get("dwelling"):
        initial["dwelling"] = request.GET["dwelling"]
    form = people_forms.PersonRegisterForm(request.POST or None, user=request.user, initial=initial)
    if not form.fields["grid"].queryset.exists():  # type: ignore[attr-defined]
        raise PermissionDenied
    if request.method == "POST" and form.is_valid():
        try:
            person = actions.person_register(acting_user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("已登记 %(name)s") % {"name": person.name})
            for warning in duplicate_warnings(request.user, person):
                messages.warning(request, warning)
            return redirect("web:person_detail", pk=person.pk)
    return form_page(request, form, title=_("人员登记"), submit=_("登记"))


def _edit_initial(person: Person) -> dict:
    return {**{key: getattr(person, key) for key in PERSON_EDITABLE}, "version": version_of(person)}


@login_required
def person_edit(request, pk: int):
    person = person_for(request, pk, CHANGE)
    initial = _edit_initial(person)
    form = people_forms.PersonEditForm(request.POST or None, person=person, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        phone = data.pop("phone") or None
        version = data.pop("version")
        try:
            actions.person_update(
                acting_user=request.user,
                person=person,
                phone=phone,
                expected_version=version,
                **data,
            )
        except ValidationError as exc:
            if is_stale(exc):
                # Show the current values, so that the user redoes their edit on them.
                person = person_for(request, pk, CHANGE)
                form = people_forms.PersonEditForm(person=person, initial=_edit_initial(person))
                show_conflict(form, exc)
            else:
                apply_errors(form, exc)
        else:
            messages.success(request, _("已保存"))
            return redirect("web:person_detail", pk=person.pk)
    return form_page(request, form, title=_("修改人员信息"), person=person)


residence_move = record_form_view(
    people_forms.ResidenceMoveForm,
    actions.residence_move,
    title=gettext_lazy("迁居登记"),
    success=gettext_lazy("已登记迁居"),
    back="web:person_detail",
    permission=CHANGE,
    form_user=True,
)


residence_close = record_form_view(
    people_forms.ResidenceCloseForm,
    actions.residence_close,
    title=gettext_lazy("离开登记"),
    success=gettext_lazy("已登记离开"),
    back="web:person_detail",
    permission=CHANGE,
)


employment_record = record_form_view(
    people_forms.EmploymentForm,
    actions.employment_record,
    title=gettext_lazy("就业登记"),
    success=gettext_lazy("已记录就业信息"),
    back="web:person_detail",
    permission=CHANGE,
)
