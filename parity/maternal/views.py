"""Maternal and child care pages. Thin: parse, call one action or selector, render."""

from __future__ import annotations

import datetime as dt

from dateutil.relativedelta import relativedelta
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from parity.accounts.permissions import SERVE, VIEW, in_scope
from parity.core.params import query_date
from parity.maternal import actions, forms, schedule, selectors
from parity.maternal.choices import AntenatalPoint, ChildCheckPoint, PostpartumKind
from parity.maternal.exports import wants_xlsx, xlsx_response
from parity.maternal.models import Pregnancy
from parity.people.models import Person
from parity.web.forms import apply_errors
from parity.web.pagination import paginate

POINT_LABELS = {
    **dict(AntenatalPoint.choices),
    **dict(PostpartumKind.choices),
    **dict(ChildCheckPoint.choices),
}


def _as_of(request) -> dt.date:
    """The as-of date of a list (``?on=YYYY-MM-DD``), today by default."""
    return query_date(request.GET)


def _visible_person(request, pk: int) -> Person:
    return get_object_or_404(
        Person.objects.restrict(request.user, VIEW).select_related("grid"), pk=pk
    )


def _servable_person(request, pk: int) -> Person:
    person = _visible_person(request, pk)
    if not in_scope(request.user, person.area_code, SERVE):
        raise PermissionDenied
    return person


def _servable_pregnancy(request, pk: int) -> Pregnancy:
    pregnancy = get_object_or_404(
        Pregnancy.objects.restrict(request.user, VIEW).select_related("person"), pk=pk
    )
    if not in_scope(request.user, pregnancy.person.area_code, SERVE):
        raise PermissionDenied
    return pregnancy


def _form_page(request, form, *, title: str, person: Person, submit: str = ""):
    return render(
        request,
        "web/form_page.html",
        {"form": form, "title": title, "person": person, "submit": submit or _("保存")},
    )


def _handle(request, form, call, *, title: str, person: Person, success: str, back: str):
    """Validate the form, call the action with its data, redirect or show the errors."""
    if request.method == "POST" and form.is_valid():
        try:
            call(form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, success)
            return redirect(back, pk=person.pk)
    return _form_page(request, form, title=title, person=person)


# --- a woman's page ------------------------------------------------------------------------


@login_required
def person_page(request, pk: int):
    person = _visible_person(request, pk)
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
    person = _servable_person(request, pk)
    form = forms.PregnancyRegisterForm(request.POST or None)
    return _handle(
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
    pregnancy = _servable_pregnancy(request, pk)
    form = forms.AntenatalVisitForm(request.POST or None, user=request.user)
    return _handle(
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
    pregnancy = _servable_pregnancy(request, pk)
    form = forms.DeliveryForm(request.POST or None, user=request.user)
    return _handle(
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
    pregnancy = _servable_pregnancy(request, pk)
    form = forms.PregnancyEndForm(request.POST or None)
    return _handle(
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
    pregnancy = _servable_pregnancy(request, pk)
    form = forms.PostpartumVisitForm(request.POST or None, user=request.user)
    return _handle(
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
    child = _visible_person(request, pk)
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
    child = _servable_person(request, pk)
    form = forms.ChildCheckForm(request.POST or None, user=request.user)
    return _handle(
        request,
        form,
        lambda data: actions.child_check_record(acting_user=request.user, child=child, **data),
        title=_("记录儿童健康检查"),
        person=child,
        success=_("已记录儿童健康检查"),
        back="maternal:child_checks",
    )


# --- lists ---------------------------------------------------------------------------------


def _list(request, template: str, rows, *, title: str, export):
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
    for row in page.object_list:
        row.overdue_label = POINT_LABELS.get(getattr(row, "overdue_point", ""), "")
    return render(request, template, {"page": page, "title": title, "on": _as_of(request)})


def _grid(person: Person) -> str:
    return person.grid.path if person.grid is not None else ""


@login_required
def overdue_list(request):
    """Pregnancies with an overdue visit (产检/产后访视逾期)."""
    on = _as_of(request)
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
        export=(
            headers,
            lambda p: [
                p.person.name,
                p.person.id_masked,
                _grid(p.person),
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
    on = _as_of(request)
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
                _grid(p),
                p.lmp,
                schedule.gestational_week(p.lmp, on),
                schedule.expected_delivery(p.lmp),
            ],
        ),
    )


@login_required
def children_overdue_list(request):
    """Children 0–6 with an overdue health check."""
    on = _as_of(request)
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
                _grid(p),
                p.birth_date,
                str(POINT_LABELS.get(p.overdue_point, "")),
                p.overdue_since,
            ],
        ),
    )
