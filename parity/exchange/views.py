"""协查 inbox and outbox, a request with the person's facts beside it, the notices feed of a
person, and for officials the partners' queues and the two-way assessment. Thin: parse,
call one action or selector, render."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from parity.accounts.permissions import ASSESS, CHANGE, VIEW, allows, in_scope
from parity.core.choices import ExportFormat
from parity.core.downloads import export_file
from parity.core.forms import apply_errors
from parity.core.models import audit
from parity.core.views import submit
from parity.exchange import actions, selectors
from parity.exchange.choices import Direction, RequestStatus
from parity.exchange.filters import RequestFilterSet
from parity.exchange.forms import AnswerForm, MonthForm, PartnerForm, RejectForm, RequestForm
from parity.exchange.models import Partner, VerificationRequest
from parity.people.models import Person


@login_required
def request_list(request):
    today = timezone.localdate()
    visible = VerificationRequest.objects.restrict(request.user, VIEW)
    direction = request.GET.get("direction") or Direction.INCOMING
    query = request.GET.copy()
    query["direction"] = direction
    filterset = RequestFilterSet(query, queryset=visible)
    rows = selectors.with_state(filterset.qs.order_by("due_on", "id")[:500], today)
    return render(
        request,
        "exchange/requests.html",
        {
            "rows": rows,
            "filter": filterset,
            "direction": direction,
            "overdue": selectors.overdue_count(
                visible.filter(direction=direction),  # type: ignore[arg-type]  # restrict() keeps the class
                today,
            ),
            "title": _("协查收件箱") if direction == Direction.INCOMING else _("协查发件箱"),
        },
    )


def _visible_request(request, pk: int) -> VerificationRequest:
    return get_object_or_404(
        VerificationRequest.objects.restrict(request.user, VIEW).select_related(
            "partner", "person"
        ),
        pk=pk,
    )


@login_required
@require_http_methods(["GET", "POST"])
def request_detail(request, pk: int):
    item = _visible_request(request, pk)
    answer_form, reject_form = AnswerForm(), RejectForm()
    if request.method == "POST":
        if not in_scope(request.user, item.area_code, CHANGE):
            raise PermissionDenied
        verb = request.POST.get("verb")
        try:
            if verb == "accept":
                actions.request_accept(acting_user=request.user, request=item)
                messages.success(request, _("已受理"))
            elif verb == "reject":
                reject_form = RejectForm(request.POST)
                reject_form.is_valid()
                actions.request_reject(
                    acting_user=request.user,
                    request=item,
                    reason=reject_form.cleaned_data["reason"],
                )
                messages.success(request, _("已退回"))
            elif verb == "answer":
                answer_form = AnswerForm(request.POST)
                answer_form.is_valid()
                actions.request_answer(
                    acting_user=request.user,
                    request=item,
                    facts=answer_form.cleaned_data["facts"],
                    checked_by=answer_form.cleaned_data["checked_by"],
                )
                messages.success(request, _("已反馈"))
            else:
                return HttpResponse(status=400)
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                apply_errors(answer_form if verb == "answer" else reject_form, exc)
            else:
                messages.error(request, "; ".join(exc.messages))
        else:
            return redirect("exchange:request", pk=item.pk)
    # The identity the partner sent is personal data: reading it is audited.
    audit(
        acting_user=request.user, action="exchange.request_view", obj=item, area_code=item.area_code
    )
    state = selectors.state_of(item, timezone.localdate())
    identity = item.body()
    return render(
        request,
        "exchange/request.html",
        {
            "item": item,
            "state": state,
            "identity": identity,
            "person": item.person,
            "answer_form": answer_form,
            "reject_form": reject_form,
            "can_change": item.direction == Direction.INCOMING
            and item.status in (RequestStatus.RECEIVED, RequestStatus.ACCEPTED)
            and in_scope(request.user, item.area_code, CHANGE),
            "title": _("协查"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def request_new(request, person_id: int):
    person = get_object_or_404(Person.objects.restrict(request.user, CHANGE), pk=person_id)
    form = RequestForm(request.POST or None)
    done = submit(
        request,
        form,
        lambda data: actions.request_send(acting_user=request.user, person=person, **data),
    )
    if done:
        messages.success(request, _("协查已发出"))
        return redirect("exchange:request", pk=done.value.pk)
    return render(
        request,
        "exchange/request_new.html",
        {"form": form, "person": person, "title": _("发起协查")},
    )


@login_required
def person_notices(request, person_id: int):
    person = get_object_or_404(Person.objects.restrict(request.user, VIEW), pk=person_id)
    feed = selectors.person_notices(person)
    audit(
        acting_user=request.user,
        action="exchange.notices_view",
        obj=person,
        area_code=person.area_code,
    )
    return render(
        request, "exchange/notices.html", {"person": person, **feed, "title": _("通报记录")}
    )


def _official(request) -> None:
    if not allows(request.user, ASSESS) and not request.user.is_superuser:
        raise PermissionDenied


@login_required
def partner_list(request):
    _official(request)
    return render(
        request,
        "exchange/partners.html",
        {
            "rows": selectors.queue_health(),
            "can_manage": actions.can_manage_partners(request.user),
            "title": _("合作地区与发送队列"),
        },
    )


def _administrator(request) -> None:
    if not actions.can_manage_partners(request.user):
        raise PermissionDenied


@login_required
@require_http_methods(["GET", "POST"])
def partner_new(request):
    _administrator(request)
    form = PartnerForm(request.POST if request.method == "POST" else None)
    if done := submit(
        request, form, lambda data: actions.partner_add(acting_user=request.user, **data)
    ):
        messages.success(request, _("已登记合作地区 %(code)s") % {"code": done.value.code})
        return redirect("exchange:partner_edit", pk=done.value.pk)
    return render(
        request,
        "exchange/partner_form.html",
        {"form": form, "partner": None, "title": _("登记合作地区")},
    )


@login_required
@require_http_methods(["GET", "POST"])
def partner_edit(request, pk: int):
    _administrator(request)
    partner = get_object_or_404(Partner, pk=pk)
    initial: dict[str, object] = {
        "code": partner.code,
        "name": partner.name,
        "url": partner.url,
        "active": partner.active,
    }
    form = PartnerForm(initial=initial, editing=True)
    if request.method == "POST":
        if request.POST.get("verb") == "retire":
            retired = actions.partner_key_retire(
                acting_user=request.user, partner=partner, kid=request.POST.get("kid", "")
            )
            if retired:
                messages.success(request, _("已停用该公钥"))
            else:
                messages.error(request, _("未找到可停用的公钥"))
            return redirect("exchange:partner_edit", pk=partner.pk)
        form = PartnerForm(request.POST, initial=initial, editing=True)
        if submit(
            request,
            form,
            lambda data: actions.partner_update(
                acting_user=request.user,
                partner=partner,
                url=data["url"],
                name=data["name"],
                active=data["active"],
                key=data["key"],
            ),
        ):
            messages.success(request, _("已保存"))
            return redirect("exchange:partner_edit", pk=partner.pk)
    return render(
        request,
        "exchange/partner_form.html",
        {
            "form": form,
            "partner": partner,
            "keys": partner.keys.order_by("added_at", "id"),
            "title": _("合作地区:%(code)s") % {"code": partner.code},
        },
    )


@login_required
def assessment(request):
    _official(request)
    form = MonthForm(request.GET or None)
    month = timezone.localdate().replace(day=1)
    if form.is_valid() and form.cleaned_data.get("month"):
        month = form.cleaned_data["month"]
    # deferred: another app's module, needed on this path only
    from parity.accounts.permissions import scope_code

    code = scope_code(request.user, VIEW) or ""
    rows = selectors.two_way(month, area_code=code)
    fmt = request.GET.get("format")
    if fmt in (ExportFormat.XLSX, ExportFormat.CSV):
        return _export(request, rows, month, fmt)
    return render(
        request,
        "exchange/assessment.html",
        {"rows": rows, "month": month, "form": form, "title": _("双向考核")},
    )


HEADERS = [
    "合作地区",
    "区县",
    "应通报",
    "按时通报",
    "通报率%",
    "收到协查",
    "已反馈",
    "按时反馈",
    "反馈率%",
    "及时反馈率%",
    "发出协查",
    "对方已反馈",
    "对方按时反馈",
    "对方反馈率%",
    "对方及时反馈率%",
    "对方流入育龄妇女",
    "获免费服务",
    "免费服务率%",
]


def _export(request, rows, month: dt.date, fmt: str) -> HttpResponseBase:
    """The table as a workbook (the page's link) or CSV, through the shared, audited writer."""
    return export_file(
        request,
        filename=f"{_('双向考核')}-{month:%Y-%m}",
        title=str(_("双向考核")),
        headers=HEADERS,
        rows=[
            [
                r.partner.code,
                r.district,
                r.notices_due,
                r.notices_sent,
                r.notice_rate,
                r.received,
                r.answered,
                r.answered_on_time,
                r.feedback_rate,
                r.timely_rate,
                r.asked,
                r.asked_answered,
                r.asked_on_time,
                r.partner_feedback_rate,
                r.partner_timely_rate,
                r.eligible,
                r.served,
                r.service_rate,
            ]
            for r in rows
        ],
        count=len(rows),
        fmt=fmt,
    )
