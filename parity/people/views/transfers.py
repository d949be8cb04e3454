"""跨辖区迁入申请: a user asks the area that holds a person to let them move in; that area
accepts or rejects. Thin views over ``parity.people.actions``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parity.accounts.permissions import CHANGE, VIEW, allows, in_scope, scope_code
from parity.core.pagination import paginate
from parity.core.views import submit
from parity.people import actions
from parity.people import forms as people_forms
from parity.people.models import TransferRequest


def _visible_transfer(request, pk: int) -> TransferRequest:
    return get_object_or_404(
        TransferRequest.objects.restrict(request.user, VIEW).select_related("person", "grid"),
        pk=pk,
    )


@login_required
def transfer_list(request):
    """Requests waiting for this area's decision, and those this area made."""
    user = request.user
    code = scope_code(user, VIEW)
    if code is None:
        raise PermissionDenied
    transfers = TransferRequest.objects.restrict(user, VIEW).select_related("person", "grid")
    # A wide scope can hold both sides of a request: it is then in both boxes.
    incoming = transfers.filter(from_area_code__startswith=code)
    outgoing = transfers.filter(area_code__startswith=code)
    box = "outgoing" if request.GET.get("box") == "outgoing" else "incoming"
    page = paginate(request, incoming if box == "incoming" else outgoing)
    return render(
        request,
        "people/transfer_list.html",
        {
            "box": box,
            "page": page,
            "pending_incoming": incoming.pending().count(),
            "can_request": allows(user, CHANGE),
        },
    )


@login_required
def transfer_new(request):
    if not allows(request.user, CHANGE):
        raise PermissionDenied
    form = people_forms.TransferRequestForm(request.POST or None, user=request.user)
    if not form.fields["grid"].queryset.exists():  # type: ignore[attr-defined]
        raise PermissionDenied
    done = submit(
        request, form, lambda data: actions.transfer_request(acting_user=request.user, **data)
    )
    if done:
        messages.success(request, _("已提交迁入申请,等待原登记辖区确认"))
        return redirect("web:transfer_detail", pk=done.value.pk)
    return render(
        request,
        "web/form_page.html",
        {"form": form, "title": _("迁入申请"), "submit": _("提交申请")},
    )


@login_required
def transfer_detail(request, pk: int):
    transfer = _visible_transfer(request, pk)
    user = request.user
    # The holding side may decide; the asking side sees the person only once they are its.
    holds = in_scope(user, transfer.person.area_code, CHANGE) or in_scope(
        user, transfer.from_area_code, CHANGE
    )
    return render(
        request,
        "people/transfer_detail.html",
        {
            "transfer": transfer,
            "sees_person": in_scope(user, transfer.person.area_code, VIEW),
            "can_decide": transfer.status == "pending" and holds,
            "can_cancel": transfer.status == "pending"
            and in_scope(user, transfer.area_code, CHANGE),
            "form": people_forms.TransferDecisionForm(),
        },
    )


@login_required
@require_POST
def transfer_decide(request, pk: int, decision: str):
    transfer = _visible_transfer(request, pk)
    form = people_forms.TransferDecisionForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        if decision == "accept":
            actions.transfer_accept(acting_user=request.user, transfer=transfer, reason=reason)
            messages.success(request, _("已同意迁入,该人员已迁至申请网格"))
        elif decision == "reject":
            actions.transfer_reject(acting_user=request.user, transfer=transfer, reason=reason)
            messages.success(request, _("已拒绝该迁入申请"))
        elif decision == "cancel":
            actions.transfer_cancel(acting_user=request.user, transfer=transfer)
            messages.success(request, _("已撤回该迁入申请"))
        else:
            raise PermissionDenied
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect("web:transfer_detail", pk=transfer.pk)
