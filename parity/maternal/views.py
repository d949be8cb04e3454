"""Maternal and child care pages. Thin: parse, call one action or selector, render."""

from __future__ import annotations

from dateutil.relativedelta import relativedelta
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from parity.accounts.permissions import SERVE, VIEW, in_scope
from parity.core.pagination import paginate
from parity.core.sorting import sort_list
from parity.core.views import (
    as_of,
    handle_form,
    in_chosen_area,
    list_context,
    person_for,
    person_record_for,
    wants_xlsx,
    xlsx_response,
)
from parity.maternal import actions, forms, schedule, selectors
from parity.maternal.choices import AntenatalPoint, ChildCheckPoint, PostpartumKind
from parity.maternal.models import Pregnancy
from parity.people.models import Person

POINT_LABELS = {
    **dict(AntenatalPoint.choices),
    **dict(PostpartumKind.choices),
    **dict(ChildCheckPoint.choices),
}


# --- a woman's page ------------------------------------------------------------------------


@login_required
def person_page(request, pk: int):
    person = person_for(request, pk)
    today = timezone.localdate()
    pregnancies = []
    for pregnancy in selectors.pregnancies_of(person):
        visits = list(pregnancy.visits.all())
        postpartum = list(pregnancy.postpartum_visits.all())
        pregnancies.append(
            {
                "pregnancy": pregnancy,
                "open": pregnancy.is_open_on(today),
                "age": pregnancy.gestational_age_on(min(today, pregnancy.delivered_on or today)),
                "antenatal": schedule.antenatal_items(pregnancy, visits, today),
                "postpartum": schedule.postpartum_items(pregnancy, postpartum, today),
                "visits": visits,
                "postpartum_visits": postpartum,
                "overdue": schedule.pregnancy_overdue(pregnancy, visits, postpartum, today),
            }
        )
    return render(
        request,
        "maternal/person.html",
        {
            "person": person,
            "pregnancies": pregnancies,
            "has_open": any(p["pregnancy"].status == "open" for p in pregnancies),
            "is_child": person.birth_date
            > today - relativedelta(years=schedule.CHILD_PROGRAMME_YEARS),
            "can_serve": in_scope(request.user, person.area_code, SERVE),
            "today": today,
        },
    )


@login_required
def pregnancy_register(request, pk: int):
    person = person_for(request, pk, SERVE)
    form = forms.PregnancyRegisterForm(request.POST or None)
    return handle_form(
        request,
        form,
        lambda data: actions.pregnancy_register(acting_user=request.user, person=person, **data),
        title=_("孕产妇建册"),
        person=person,
        success=_("已建册"),
        back="maternal:person",
    )


@login_required
def antenatal_visit_record(request, pk: int):
    pregnancy = person_record_for(request, Pregnancy, pk, SERVE)
    form = forms.AntenatalVisitForm(request.POST or None, user=request.user)
    return handle_form(
        request,
        form,
        lambda data: actions.antenatal_visit_record(
            acting_user=request.user, pregnancy=pregnancy, **data
        ),
        title=_("记录产前检查"),
        person=pregnancy.person,
        success=_("已记录产前检查"),
        back="maternal:person",
    )


@login_required
def delivery_record(request, pk: int):
    pregnancy = person_record_for(request, Pregnancy, pk, SERVE)
    form = forms.DeliveryForm(request.POST or None, user=request.user)
    return handle_form(
        request,
        form,
        lambda data: actions.delivery_record(acting_user=request.user, pregnancy=pregnancy, **data),
        title=_("分娩登记"),
        person=pregnancy.person,
        success=_("已登记分娩"),
        back="maternal:person",
    )


@login_required
def pregnancy_end(request, pk: int):
    pregnancy = person_record_for(request, Pregnancy, pk, SERVE)
    form = forms.PregnancyEndForm(request.POST or None)
    return handle_form(
        request,
        form,
        lambda data: actions.pregnancy_end(acting_user=request.user, pregnancy=pregnancy, **data),
        title=_("终止妊娠登记"),
        person=pregnancy.person,
        success=_("已登记终止妊娠"),
        back="maternal:person",
    )


@login_required
def postpartum_visit_record(request, pk: int):
    pregnancy = person_record_for(request, Pregnancy, pk, SERVE)
    form = forms.PostpartumVisitForm(request.POST or None, user=request.user)
    return handle_form(
        request,
        form,
        lambda data: actions.postpartum_visit_record(
            acting_user=request.user, pregnancy=pregnancy, **data
        ),
        title=_("记录产后访视"),
        person=pregnancy.person,
        success=_("已记录产后访视"),
        back="maternal:person",
    )


# --- a child's page ------------------------------------------------------------------------


@login_required
def child_checks(request, pk: int):
    child = person_for(request, pk)
    today = timezone.localdate()
    checks = list(selectors.child_checks_of(child))
    discharged_on = actions.discharge_of(child)
    return render(
        request,
        "maternal/child_checks.html",
        {
            "person": child,
            "items": schedule.child_items(child, checks, today, discharged_on),
            "checks": checks,
            "overdue": schedule.child_overdue(child, checks, today, discharged_on),
            "in_programme": schedule.child_in_programme(child, today),
            "can_serve": in_scope(request.user, child.area_code, SERVE),
            "today": today,
        },
    )


@login_required
def child_check_record(request, pk: int):
    child = person_for(request, pk, SERVE)
    form = forms.ChildCheckForm(request.POST or None, user=request.user)
    return handle_form(
        request,
        form,
        lambda data: actions.child_check_record(acting_user=request.user, child=child, **data),
        title=_("记录儿童健康检查"),
        person=child,
        success=_("已记录儿童健康检查"),
        back="maternal:child_checks",
    )


# --- lists ---------------------------------------------------------------------------------


# Sortable columns of the two overdue lists: each is computed whole for its own order
# (the earliest overdue first), so any of its columns sorts as cheaply.
PREGNANCY_OVERDUE_SORTS = {
    "name": (_lazy("姓名"), ("person__name",)),
    "expected_delivery": (_lazy("预产期"), ("expected_delivery_on",)),
    "overdue_since": (_lazy("逾期起始日"), ("overdue_since",)),
}
CHILD_OVERDUE_SORTS = {
    "name": (_lazy("姓名"), ("name",)),
    "birth_date": (_lazy("出生日期"), ("birth_date",)),
    "overdue_since": (_lazy("逾期起始日"), ("overdue_since",)),
}


def _list(
    request,
    template: str,
    rows,
    *,
    title: str,
    export,
    area_field: str = "area_code",
    sorts: dict | None = None,
):
    rows = in_chosen_area(request, rows, area_field)
    sorting = None
    if sorts:
        rows, sorting = sort_list(request.GET, rows, sorts)
    if wants_xlsx(request):
        return xlsx_response(
            request,
            title,
            export[0],
            (export[1](row) for row in rows.iterator(chunk_size=2000)),
            rows,
        )
    page = paginate(request, rows)
    page.object_list = list(page.object_list)
    on = as_of(request)
    for row in page.object_list:
        row.overdue_label = POINT_LABELS.get(getattr(row, "overdue_point", ""), "")
        lmp = getattr(row, "lmp", None)
        if lmp is not None:
            row.gestational_week = schedule.gestational_week(lmp, on)
            row.expected_delivery = schedule.expected_delivery(lmp)
    return render(request, template, {**list_context(request, page, title), "sorting": sorting})


@login_required
def overdue_list(request):
    """Pregnancies with an overdue visit (产检/产后访视逾期)."""
    on = as_of(request)
    rows = selectors.pregnancies_overdue(on, Pregnancy.objects.restrict(request.user, VIEW))
    headers = [
        _("姓名"),
        _("身份证号码"),
        _("网格"),
        _("末次月经"),
        _("预产期"),
        _("逾期项目"),
        _("逾期起始日"),
    ]
    return _list(
        request,
        "maternal/overdue_list.html",
        rows,
        title=_("产检逾期孕产妇"),
        area_field="person__area_code",
        sorts=PREGNANCY_OVERDUE_SORTS,
        export=(
            headers,
            lambda p: [
                p.person.name,
                p.person.id_masked,
                p.person.grid_name,
                p.lmp,
                p.expected_delivery_on,
                str(POINT_LABELS.get(p.overdue_point, "")),
                p.overdue_since,
            ],
        ),
    )


@login_required
def pregnant_list(request):
    """Women currently pregnant (现孕对象)."""
    on = as_of(request)
    rows = selectors.pregnant_on(on, Person.objects.restrict(request.user, VIEW))
    headers = [
        _("姓名"),
        _("身份证号码"),
        _("人口类别"),
        _("网格"),
        _("末次月经"),
        _("孕周"),
        _("预产期"),
    ]
    return _list(
        request,
        "maternal/pregnant_list.html",
        rows,
        title=_("现孕对象"),
        export=(
            headers,
            lambda p: [
                p.name,
                p.id_masked,
                str(p.get_status_display()),
                p.grid_name,
                p.lmp,
                schedule.gestational_week(p.lmp, on),
                schedule.expected_delivery(p.lmp),
            ],
        ),
    )


@login_required
def children_overdue_list(request):
    """Children 0–6 with an overdue health check."""
    on = as_of(request)
    rows = selectors.children_overdue_checks(on, Person.objects.restrict(request.user, VIEW))
    headers = [
        _("姓名"),
        _("身份证号码"),
        _("人口类别"),
        _("网格"),
        _("出生日期"),
        _("逾期项目"),
        _("逾期起始日"),
    ]
    return _list(
        request,
        "maternal/children_overdue_list.html",
        rows,
        title=_("儿童健康检查逾期"),
        sorts=CHILD_OVERDUE_SORTS,
        export=(
            headers,
            lambda p: [
                p.name,
                p.id_masked,
                str(p.get_status_display()),
                p.grid_name,
                p.birth_date,
                str(POINT_LABELS.get(p.overdue_point, "")),
                p.overdue_since,
            ],
        ),
    )
