"""Immunization pages: a child's schedule and the record form, overdue children, campaigns.
Every query starts from ``.restrict(request.user, ...)``: what a user may not see is 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from parity.accounts.permissions import SERVE, VIEW, in_scope
from parity.areas.models import Area
from parity.core.downloads import export_file
from parity.core.filters import filtered
from parity.core.forms import apply_errors
from parity.core.pagination import paginate
from parity.core.params import query_id
from parity.core.sorting import sort_list
from parity.core.views import person_for
from parity.immunization import actions, exports
from parity.immunization.filters import OverdueFilterSet
from parity.immunization.forms import VaccinationForm
from parity.immunization.models import Campaign, CampaignTarget, VaccinationRecord
from parity.immunization.selectors import (
    CoverageRow,
    campaign_children,
    campaign_coverage,
    campaign_targets,
    child_schedule,
    children_for_rows,
    children_overdue,
    children_overdue_rows,
    overdue_dose_labels,
)
from parity.people.models import Person


@login_required
def child_page(request, pk: int):
    """A child's doses given, due, overdue and upcoming, and the record form."""
    person = person_for(request, pk)
    today = timezone.localdate()
    can_record = in_scope(request.user, person.area_code, SERVE)
    if request.method == "POST" and not can_record:
        raise PermissionDenied
    view = child_schedule(person, today)
    form = (
        VaccinationForm(request.POST or None, view=view, preselect=request.GET.get("dose", ""))
        if can_record
        else None
    )
    if form is not None and request.method == "POST" and form.is_valid():
        vaccine, dose = form.cleaned_data["dose"]
        try:
            actions.vaccination_record(
                acting_user=request.user,
                person=person,
                vaccine=vaccine,
                dose=dose,
                date=form.cleaned_data["date"],
                site=form.cleaned_data["site"],
                **form.norm_details(),
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict") and "vaccine" in exc.error_dict:
                exc.error_dict.setdefault("dose", []).extend(exc.error_dict.pop("vaccine"))
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                _("已记录 %(vaccine)s 第%(dose)s剂")
                % {"vaccine": vaccine.display_name, "dose": dose},
            )
            return redirect("immunization:person", pk=person.pk)
    return render(
        request,
        "immunization/child.html",
        {"person": person, "view": view, "form": form, "today": today},
    )


@login_required
def records_export(request, pk: int):
    """A child's vaccination records with what 预防接种工作规范 asks each to carry."""
    person = get_object_or_404(Person.objects.restrict(request.user, VIEW), pk=pk)
    records = (
        VaccinationRecord.objects.restrict(request.user, VIEW)
        .filter(person=person)
        .select_related("person", "vaccine", "site", "campaign")
        .order_by("date", "id")
    )
    return export_file(
        request,
        filename=_("接种记录"),
        title=_("接种记录"),
        headers=exports.record_headers(),
        rows=exports.record_rows(records),
        count=records,
    )


def _chosen_people(request):
    people = Person.objects.restrict(request.user, VIEW).select_related("grid")
    filterset = OverdueFilterSet(request.GET, queryset=people)
    chosen = filtered(filterset)  # a bad parameter is a 400
    area = filterset.form.cleaned_data.get("area") or ""
    return area, chosen


def _overdue_people(request):
    today = timezone.localdate()
    area, chosen = _chosen_people(request)
    return today, area, children_overdue(today, people=chosen)


# Sortable columns of the overdue list; without ``?sort=`` it is in urgency order.
OVERDUE_SORTS = {
    "name": (_lazy("姓名"), ("name",)),
    "birth_date": (_lazy("出生日期"), ("birth_date",)),
    "overdue_since": (_lazy("最早逾期日期"), ("overdue_since",)),
    "overdue_count": (_lazy("逾期剂次"), ("overdue_count",)),
}


@login_required
def overdue_list(request):
    """Children overdue for a vaccine (a key group), in the user's area: in urgency order
    the narrow rows are paged, then the page's children read by id."""
    today = timezone.localdate()
    area, chosen = _chosen_people(request)
    areas = Area.objects.restrict(request.user, VIEW).filter(level__lte=4).order_by("code")
    people, sorting = sort_list(request.GET, children_overdue(today, people=chosen), OVERDUE_SORTS)
    if sorting.key:
        # A chosen order sorts the whole list's people; the urgency order pages narrow rows
        # one age band at a time instead, which no other order can use.
        page = paginate(request, people)
    else:
        page = paginate(request, children_overdue_rows(today, people=chosen))
        page.object_list = children_for_rows(
            page.object_list, Person.objects.select_related("grid")
        )
    labels = overdue_dose_labels([p.pk for p in page.object_list], today)
    for child in page.object_list:
        child.overdue_doses = labels.get(child.pk, "")
    return render(
        request,
        "immunization/overdue_list.html",
        {"page": page, "today": today, "area": area, "areas": areas, "sorting": sorting},
    )


@login_required
def overdue_export(request):
    _today, _area, people = _overdue_people(request)
    return export_file(
        request,
        filename=_("逾期未种儿童"),
        title=_("逾期未种儿童"),
        headers=exports.overdue_headers(),
        rows=exports.overdue_rows(people),
        count=people,
    )


@login_required
def campaign_list(request):
    campaigns = (
        Campaign.objects.restrict(request.user, VIEW)
        .select_related("vaccine", "area")
        .prefetch_related("rounds")
    )
    return render(
        request, "immunization/campaign_list.html", {"page": paginate(request, campaigns)}
    )


def _campaign(request, pk: int) -> Campaign:
    return get_object_or_404(
        Campaign.objects.restrict(request.user, VIEW).select_related("vaccine", "area"), pk=pk
    )


def _targets(request, campaign: Campaign):
    visible = CampaignTarget.objects.restrict(request.user, VIEW)
    return campaign_targets(campaign, queryset=visible)


def _coverage_area(request, campaign: Campaign) -> Area:
    """The node whose children the coverage table lists: the campaign's area, or a node
    below it that the user asks for and may see; a user with a narrower scope starts at
    their own node."""
    code = request.GET.get("area", "").strip()
    visible = Area.objects.restrict(request.user, VIEW).filter(code__startswith=campaign.area_code)
    if code:
        return get_object_or_404(visible, code=code)
    user_area = request.user.area if not request.user.is_superuser else None
    if user_area is not None and user_area.code.startswith(campaign.area_code):
        return user_area
    return campaign.area


@login_required
def campaign_detail(request, pk: int):
    campaign = _campaign(request, pk)
    area = _coverage_area(request, campaign)
    number = query_id(request.GET, "round")
    visible = CampaignTarget.objects.restrict(request.user, VIEW)
    rows, total = campaign_coverage(campaign, area, round_number=number, queryset=visible)
    rounds = list(campaign.rounds.all())
    # Summed over rounds the rows count doses (人次); the dashboard and the report count
    # children (人数): both are shown, labelled.
    children = None
    if number is None and len(rounds) > 1:
        children = CoverageRow(
            area.code, area.name, *campaign_children(campaign, area, queryset=visible)
        )
    targets = _targets(request, campaign)
    if number is not None:
        targets = targets.filter(round__number=number)
    return render(
        request,
        "immunization/campaign_detail.html",
        {
            "campaign": campaign,
            "rounds": rounds,
            "area": area,
            "rows": rows,
            "total": total,
            "children": children,
            "round_number": number,
            "page": paginate(request, targets),
            "can_draw": in_scope(request.user, campaign.area_code, SERVE),
            "child_level": area.level < 5,
        },
    )


@login_required
def campaign_targets_export(request, pk: int):
    campaign = _campaign(request, pk)
    targets = _targets(request, campaign)
    return export_file(
        request,
        filename=_("应种名单"),
        title=campaign.name,
        headers=exports.target_headers(),
        rows=exports.target_rows(targets),
        count=targets,
    )


@login_required
@require_POST
def campaign_draw(request, pk: int):
    campaign = _campaign(request, pk)
    count = actions.campaign_draw_targets(acting_user=request.user, campaign=campaign)
    messages.success(request, _("已生成应种名单:%(n)s 人次") % {"n": count})
    return redirect("immunization:campaign_detail", pk=campaign.pk)
