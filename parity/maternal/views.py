"""Maternal and child care pages. Thin: parse, call one action or selector, render."""

from __future__ import annotations

from dateutil.relativedelta import relativedelta
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from parity.accounts.permissions import SERVE, VIEW, in_scope
from parity.core.pagination import paginate
from parity.core.views import (
    as_of,
    in_chosen_area,
    list_context,
    person_for,
    record_form_view,
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


pregnancy_register = record_form_view(
    forms.PregnancyRegisterForm,
    actions.pregnancy_register,
    title=gettext_lazy("孕产妇建册"),
    success=gettext_lazy("已建册"),
    back="maternal:person",
    permission=SERVE,
)


antenatal_visit_record = record_form_view(
    forms.AntenatalVisitForm,
    actions.antenatal_visit_record,
    title=gettext_lazy("记录产前检查"),
    success=gettext_lazy("已记录产前检查"),
    back="maternal:person",
    permission=SERVE,
    record=Pregnancy,
    arg="pregnancy",
    form_user=True,
)


delivery_record = record_form_view(
    forms.DeliveryForm,
    actions.delivery_record,
    title=gettext_lazy("分娩登记"),
    success=gettext_lazy("已登记分娩"),
    back="maternal:person",
    permission=SERVE,
    record=Pregnancy,
    arg="pregnancy",
    form_user=True,
)


pregnancy_end = record_form_view(
    forms.PregnancyEndForm,
    actions.pregnancy_end,
    title=gettext_lazy("终止妊娠登记"),
    success=gettext_lazy("已登记终止妊娠"),
    back="maternal:person",
    permission=SERVE,
    record=Pregnancy,
    arg="pregnancy",
)


postpartum_visit_record = record_form_view(
    forms.PostpartumVisitForm,
    actions.postpartum_visit_record,
    title=gettext_lazy("记录产后访视"),
    success=gettext_lazy("已记录产后访视"),
    back="maternal:person",
    permission=SERVE,
    record=Pregnancy,
    arg="pregnancy",
    form_user=True,
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


child_check_record = record_form_view(
    forms.ChildCheckForm,
    actions.child_check_record,
    title=gettext_lazy("记录儿童健康检查"),
    success=gettext_lazy("已记录儿童健康检查"),
    back="maternal:child_checks",
    permission=SERVE,
    arg="child",
    form_user=True,
)


# --- lists ---------------------------------------------------------------------------------


def _list(request, template: str, rows, *, title: str, export, area_field: str = "area_code"):
    rows = in_chosen_area(request, rows, area_field)
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
    return render(request, template, list_context(request, page, title))


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
