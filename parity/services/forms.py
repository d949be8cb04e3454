"""Forms behind the services pages. Details are checked by ``details.clean_details`` and
dates by ``actions.check_service_date``, the functions the API and file imports use."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Case, IntegerField, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parity.accounts.choices import HEALTH_SITE_KINDS, DepartmentKind
from parity.accounts.models import Department
from parity.accounts.permissions import CHANGE
from parity.accounts.selectors import provider_departments as provider_queryset
from parity.areas.choices import Level
from parity.areas.models import Area
from parity.core.forms import DateInput, blank
from parity.services.choices import DetailType, Outcome, StaffRole, VisitOutcome
from parity.services.details import clean_details
from parity.services.models import ServiceType
from parity.services.recording import check_general_record

DETAIL_PREFIX = "d_"


class VisitForm(forms.Form):
    visited_on = forms.DateField(label=_("走访日期"), widget=DateInput())
    outcome = forms.ChoiceField(
        label=_("走访结果"), choices=VisitOutcome.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("情况记录"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("visited_on", timezone.localdate())


def _detail_field(spec: dict[str, Any]) -> forms.Field:
    """A text field whatever the type (``clean_details`` converts and checks), with the
    widget that suits the type on a phone."""
    kind = spec.get("type", DetailType.TEXT)
    label = spec["label"]
    required = bool(spec.get("required"))
    messages = {"required": _("请填写%(label)s") % {"label": label}}
    widget: forms.Widget
    if kind == DetailType.CHOICE:
        choices = [(c, c) for c in spec.get("choices") or []]
        widget = forms.Select(choices=blank(choices))
    elif kind == DetailType.BOOLEAN:
        widget = forms.Select(choices=[("", "---------"), ("是", _("是")), ("否", _("否"))])
    elif kind == DetailType.DATE:
        widget = DateInput()
    elif kind in (DetailType.INTEGER, DetailType.DECIMAL):
        attrs: dict[str, Any] = {
            "inputmode": "decimal" if kind == DetailType.DECIMAL else "numeric"
        }
        attrs["step"] = "any" if kind == DetailType.DECIMAL else "1"
        for bound in ("min", "max"):
            if bound in spec:
                attrs[bound] = spec[bound]
        widget = forms.NumberInput(attrs=attrs)
    else:
        widget = forms.TextInput()
    return forms.CharField(
        label=label, required=required, error_messages=messages, widget=widget, max_length=500
    )


class ServiceRecordForm(forms.Form):
    service_type = forms.ModelChoiceField(
        queryset=ServiceType.objects.active(), label=_("服务项目"), empty_label=None
    )
    date = forms.DateField(label=_("服务日期"), widget=DateInput())
    provider = forms.ModelChoiceField(
        queryset=Department.objects.none(), label=_("服务机构"), required=False
    )
    outcome = forms.ChoiceField(label=_("结果"), choices=Outcome.choices, initial=Outcome.COMPLETED)
    note = forms.CharField(label=_("备注"), max_length=200, required=False)

    def __init__(self, *args, user, service_type: ServiceType | None, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("date", timezone.localdate())
        self.service = service_type
        providers = provider_queryset(user)
        if service_type is not None:
            self.initial.setdefault("service_type", service_type.pk)
            # The kind of department that delivers this service first.
            providers = providers.annotate(
                fits=Case(
                    When(kind=service_type.department_kind, then=Value(0)),
                    default=Value(1),
                    output_field=IntegerField(),
                )
            ).order_by("fits", "area__code", "name")
        cast(forms.ModelChoiceField, self.fields["provider"]).queryset = providers
        if service_type is not None and "provider" not in self.initial:
            # The one department of the right kind nearby is almost always the provider.
            fitting = list(providers.filter(kind=service_type.department_kind)[:2])
            if len(fitting) == 1:
                self.initial["provider"] = fitting[0].pk
        self.fields["service_type"].widget.attrs["class"] = "js-service-type"
        self.schema = list(service_type.details_schema) if service_type else []
        for spec in self.schema:
            self.fields[DETAIL_PREFIX + spec["name"]] = _detail_field(spec)

    def detail_fields(self):
        return [self[DETAIL_PREFIX + spec["name"]] for spec in self.schema]

    def main_fields(self):
        return [f for f in self.visible_fields() if not f.name.startswith(DETAIL_PREFIX)]

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        chosen = cleaned.get("service_type")
        if chosen is not None:
            try:
                check_general_record(chosen)
            except ValidationError as exc:
                self.add_error(None, exc)
                return cleaned
        if chosen is not None and self.service is not None and chosen.pk != self.service.pk:
            # The type changed without the details being reloaded: ask again.
            raise ValidationError(_("服务项目已更改,请重新填写明细"), code="invalid")
        raw = {
            spec["name"]: cleaned.get(DETAIL_PREFIX + spec["name"])
            for spec in self.schema
            if DETAIL_PREFIX + spec["name"] not in self.errors
        }
        try:
            cleaned["details"] = clean_details([s for s in self.schema if s["name"] in raw], raw)
        except ValidationError as exc:
            for name, errors in exc.error_dict.items():
                self.add_error(DETAIL_PREFIX + name, errors)
        return cleaned

    def action_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "service_type": data["service_type"],
            "date": data["date"],
            "provider": data.get("provider"),
            "outcome": data["outcome"],
            "details": data.get("details", {}),
            "note": data.get("note", ""),
        }


class DepartmentForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=100)
    kind = forms.ChoiceField(
        label=_("类别"),
        choices=blank(DepartmentKind.choices),
        initial=HEALTH_SITE_KINDS[0],
    )
    area = forms.ModelChoiceField(queryset=Area.objects.none(), label=_("所属区划"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = (  # type: ignore[attr-defined]
            Area.objects.restrict(user, CHANGE).filter(level__lte=Level.COMMUNITY).order_by("code")
        )


class StaffForm(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=50)
    role = forms.ChoiceField(label=_("岗位"), choices=blank(StaffRole.choices))
    department = forms.ModelChoiceField(queryset=Department.objects.none(), label=_("所在机构"))
    phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = (  # type: ignore[attr-defined]
            Department.objects.restrict(user, CHANGE).select_related("area").order_by("area__code")
        )
