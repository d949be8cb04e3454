"""Pages of the indicator catalog: the list, and an administrator's new indicator
(validated and previewed on the city before it is saved)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parity.accounts.permissions import DEFINE, VIEW, city_wide, scope_code
from parity.indicators.actions import indicator_define, indicator_set_active
from parity.indicators.definition import validate_definition
from parity.indicators.forms import IndicatorDefineForm
from parity.indicators.models import Indicator
from parity.indicators.selectors import preview_counts


def _can_define(user) -> bool:
    return city_wide(user, DEFINE)


@login_required
def indicator_list(request: HttpRequest) -> HttpResponse:
    if scope_code(request.user, VIEW) is None:
        raise PermissionDenied
    indicators = Indicator.objects.order_by("sort_order", "code")
    return render(
        request,
        "indicators/indicator_list.html",
        {"indicators": indicators, "can_define": _can_define(request.user)},
    )


@login_required
def indicator_new(request: HttpRequest) -> HttpResponse:
    if not _can_define(request.user):
        raise PermissionDenied
    form = IndicatorDefineForm(request.POST or None)
    counts = None
    if request.method == "POST" and form.is_valid():
        denominator, numerator = form.definition()
        fields = {
            "code": form.cleaned_data["code"],
            "name": form.cleaned_data["name"],
            "name_en": form.cleaned_data["name_en"],
            "category": form.cleaned_data["category"],
            "description": form.cleaned_data["description"],
            "description_en": form.cleaned_data["description_en"],
            "period": form.cleaned_data["period"],
            "dimensions": list(form.cleaned_data["dimensions"]),
            "in_index": form.cleaned_data["in_index"],
        }
        if not form.errors:
            try:
                if "preview" in request.POST:
                    validate_definition(
                        denominator=denominator, numerator=numerator,
                        dimensions=fields["dimensions"], period=fields["period"],
                    )  # fmt: skip
                    draft = Indicator(
                        denominator=denominator, numerator=numerator, period=fields["period"]
                    )
                    counts = preview_counts(draft, timezone.localdate())
                else:
                    indicator = indicator_define(
                        acting_user=request.user, denominator=denominator, numerator=numerator,
                        **fields,
                    )  # fmt: skip
                    messages.success(
                        request,
                        _("已保存指标“%(name)s”,下次重新计算时生成数据。")
                        % {"name": indicator.name},
                    )
                    return redirect("indicators:indicator_list")
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    target = {"denominator": "denominator_json", "numerator": "numerator_json"}.get(
                        field, field
                    )
                    for message in errors:
                        form.add_error(target if target in form.fields else None, message)
    return render(request, "indicators/indicator_form.html", {"form": form, "counts": counts})


@login_required
@require_POST
def indicator_toggle(request: HttpRequest, code: str) -> HttpResponse:
    indicator = get_object_or_404(Indicator, code=code)
    indicator_set_active(
        acting_user=request.user, indicator=indicator, active=not indicator.is_active
    )
    return redirect("indicators:indicator_list")
