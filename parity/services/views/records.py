"""Recording a home visit and a service delivered to a person."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from parity.accounts.permissions import SERVE
from parity.core.params import query_id
from parity.core.views import person_for, safe_next, submit
from parity.services import actions
from parity.services.forms import ServiceRecordForm, VisitForm
from parity.services.models import ServiceType
from parity.services.recording import record_page_url


@login_required
def visit_record(request, pk: int):
    person = person_for(request, pk, SERVE)
    form = VisitForm(request.POST or None)
    back = safe_next(request, reverse("web:person_detail", args=[person.pk]))
    if submit(
        request,
        form,
        lambda data: actions.visit_record(acting_user=request.user, person=person, **data),
    ):
        messages.success(request, _("已记录对 %(name)s 的走访") % {"name": person.name})
        return redirect(back)
    return render(
        request,
        "services/record_form.html",
        {"form": form, "person": person, "title": _("记录走访"), "back": back},
    )


def _service_type(request) -> ServiceType | None:
    """The service the form is for: the posted one, a reload's choice, ``?type=CODE``."""
    types = ServiceType.objects.active()
    data = request.POST if request.method == "POST" else request.GET
    chosen_id = query_id(data, "service_type")
    if chosen_id is not None:
        chosen = types.filter(pk=chosen_id).first()
        if chosen is not None:
            return chosen
    code = request.GET.get("type", "")
    if code:
        chosen = types.filter(code=code).first()
        if chosen is not None:
            return chosen
    return types.first()


def _to_own_page(request, url: str):
    """Off to the page that records this service; htmx's reload of the details follows a
    full-page redirect only when told so."""
    if request.headers.get("HX-Request"):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


@login_required
def service_record(request, pk: int):
    person = person_for(request, pk, SERVE)
    service = _service_type(request)
    own_url = record_page_url(service.code, person.pk) if service is not None else None
    if request.method != "POST" and own_url is not None:
        return _to_own_page(request, own_url)
    form = ServiceRecordForm(request.POST or None, user=request.user, service_type=service)
    back = safe_next(request, reverse("web:person_detail", args=[person.pk]))
    if submit(
        request,
        form,
        lambda data: actions.service_record(
            acting_user=request.user, person=person, **form.action_kwargs()
        ),
    ):
        messages.success(
            request,
            _("已记录 %(name)s 的“%(service)s”")
            % {"name": person.name, "service": form.cleaned_data["service_type"]},
        )
        return redirect(back)
    return render(
        request,
        "services/record_form.html",
        {
            "form": form,
            "person": person,
            "title": _("记录服务"),
            "back": back,
            "service": service,
            "details": True,
            "own_url": own_url,
        },
    )
