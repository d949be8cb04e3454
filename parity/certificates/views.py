"""Certificate and residence permit pages. Thin: parse, call one action or selector, render."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from parity.accounts.permissions import SERVE, VIEW, in_scope
from parity.certificates import actions, forms, rules, selectors
from parity.certificates.choices import CheckOutcome
from parity.certificates.models import MarriageCertificate, ResidencePermit
from parity.core.pagination import paginate, paginate_narrow
from parity.core.views import (
    as_of,
    in_chosen_area,
    list_context,
    person_for,
    record_form_view,
    wants_xlsx,
    xlsx_response,
)
from parity.people.models import Person

# --- certificates --------------------------------------------------------------------------


@login_required
def person_page(request, pk: int):
    person = person_for(request, pk)
    today = timezone.localdate()
    certificates = list(selectors.certificates_of(person))
    return render(
        request,
        "certificates/person.html",
        {
            "person": person,
            "certificates": certificates,
            "state": rules.certificate_state(person, certificates, today),
            "check_due_on": rules.check_due_on(person.arrived_city_on),
            "can_serve": in_scope(request.user, person.area_code, SERVE),
        },
    )


certificate_record = record_form_view(
    forms.CertificateRecordForm,
    actions.certificate_record,
    title=_lazy("登记婚育证明"),
    success=_lazy("已登记婚育证明"),
    back="certificates:person",
    permission=SERVE,
    form_user=True,
    outcome=lambda c: (
        selectors.check_request_message(c)
        if c.check_outcome == CheckOutcome.FAILED
        else (True, _("已登记婚育证明"))
    ),
)


certificate_check = record_form_view(
    forms.CertificateCheckForm,
    actions.certificate_check,
    title=_lazy("查验婚育证明"),
    success=_lazy("已查验"),
    back="certificates:person",
    permission=SERVE,
    record=MarriageCertificate,
    arg="certificate",
    form_user=True,
    outcome=selectors.check_request_message,
)


# --- permits -------------------------------------------------------------------------------


@login_required
def permit_page(request, pk: int):
    person = person_for(request, pk)
    today = timezone.localdate()
    permits = [
        {
            "permit": permit,
            "standing": rules.permit_state(permit, permit.endorsements.all(), today),
            "endorsements": list(permit.endorsements.all()),
        }
        for permit in selectors.permits_of(person)
    ]
    arrived = person.arrived_city_on
    return render(
        request,
        "certificates/permit.html",
        {
            "person": person,
            "permits": permits,
            "has_active": any(p["permit"].status in ("applied", "issued") for p in permits),
            "eligible_from": rules.eligible_from(arrived) if arrived else None,
            "can_serve": in_scope(request.user, person.area_code, SERVE),
        },
    )


permit_apply = record_form_view(
    forms.PermitApplyForm,
    actions.permit_apply,
    title=_lazy("申领居住证"),
    success=_lazy("已受理居住证申领"),
    back="certificates:permit",
    permission=SERVE,
    form_user=True,
)


permit_issue = record_form_view(
    forms.PermitIssueForm,
    actions.permit_issue,
    title=_lazy("发放居住证"),
    success=_lazy("已发证"),
    back="certificates:permit",
    permission=SERVE,
    record=ResidencePermit,
    arg="permit",
    form_user=True,
)


permit_endorse = record_form_view(
    forms.PermitEndorseForm,
    actions.permit_endorse,
    title=_lazy("居住证签注"),
    success=_lazy("已签注"),
    back="certificates:permit",
    permission=SERVE,
    record=ResidencePermit,
    arg="permit",
    form_user=True,
)


# --- lists ---------------------------------------------------------------------------------


def _list(request, template: str, rows, *, title: str, headers, row, narrow=()):
    """``narrow``: the computed figures of a grouped list, paged alone
    (``paginate_narrow``) before the page's people are read."""
    rows = in_chosen_area(request, rows)
    if wants_xlsx(request):
        return xlsx_response(
            request, title, headers, (row(p) for p in rows.iterator(chunk_size=2000)), rows
        )
    if narrow:
        page = paginate_narrow(request, rows, narrow, Person.objects.select_related("grid"))
    else:
        page = paginate(request, rows)
    return render(request, template, list_context(request, page, title))


@login_required
def missing_list(request):
    """Women 18–49 without a certificate (未办理婚育证明对象)."""
    on = as_of(request)
    rows = selectors.women_without_certificate(on, Person.objects.restrict(request.user, VIEW))
    return _list(
        request,
        "certificates/missing_list.html",
        rows,
        title=_("未办理婚育证明对象"),
        headers=[
            _("姓名"),
            _("身份证号码"),
            _("户籍地代码"),
            _("网格"),
            _("来本市日期"),
            _("应查验期限届满次日"),
        ],
        row=lambda p: [p.name, p.id_masked, p.hukou_code, p.grid_name, p.arrived_city_on, p.since],
        # Paged on the floating population's index alone (it holds every column the
        # filter reads), then the page's fifty women read by id: a district's or the
        # city's list no longer reads every woman's whole row to sort them.
        narrow=("since",),
    )


@login_required
def permit_eligible_list(request):
    """People eligible for a residence permit without one."""
    on = as_of(request)
    rows = selectors.permit_eligible_without_permit(on, Person.objects.restrict(request.user, VIEW))
    return _list(
        request,
        "certificates/permit_eligible_list.html",
        rows,
        title=_("符合条件未申领居住证"),
        headers=[
            _("姓名"),
            _("身份证号码"),
            _("户籍地代码"),
            _("网格"),
            _("来本市日期"),
            _("符合条件日期"),
        ],
        row=lambda p: [p.name, p.id_masked, p.hukou_code, p.grid_name, p.arrived_city_on, p.since],
        narrow=("since",),
    )
