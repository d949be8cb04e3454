"""Forms behind the maternal and child care pages; actions do the validation that
matters, and their errors land on these fields (``parity.core.forms.apply_errors``)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parity.accounts.models import Department
from parity.areas.models import Area
from parity.core.forms import DateInput
from parity.maternal.choices import BirthOutcome, DeliveryPlace, EndReason, PostpartumKind
from parity.people.models import Person
from parity.services.choices import Outcome


def provider_field(user) -> forms.ModelChoiceField:
    """Departments in the user's area and above it (the street's health centre)."""
    return forms.ModelChoiceField(
        queryset=Department.objects.filter(area__in=Area.objects.visible_to(user)).order_by("name"),
        label=_("服务机构"),
        required=False,
    )


def _today():
    return timezone.localdate()


class ServedForm(forms.Form):
    """Date, provider, outcome and note: what every recorded visit has."""

    date = forms.DateField(label=_("日期"), widget=DateInput(), initial=_today)
    outcome = forms.ChoiceField(label=_("结果"), choices=Outcome.choices, initial=Outcome.COMPLETED)
    note = forms.CharField(label=_("备注"), max_length=200, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"] = provider_field(user)
        self.order_fields(["date", "provider", "outcome", "note"])


class PregnancyRegisterForm(forms.Form):
    lmp = forms.DateField(label=_("末次月经"), widget=DateInput())
    registered_on = forms.DateField(label=_("建册日期"), widget=DateInput(), initial=_today)
    note = forms.CharField(label=_("备注"), max_length=200, required=False)


class AntenatalVisitForm(ServedForm):
    pass


class PostpartumVisitForm(ServedForm):
    kind = forms.ChoiceField(label=_("类别"), choices=PostpartumKind.choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_fields(["kind", "date", "provider", "outcome", "note"])


class ChildCheckForm(ServedForm):
    pass


class DeliveryForm(forms.Form):
    delivered_on = forms.DateField(label=_("分娩日期"), widget=DateInput())
    place = forms.ChoiceField(label=_("分娩地点"), choices=DeliveryPlace.choices)
    hospital = forms.CharField(label=_("助产机构"), max_length=100, required=False)
    outcome = forms.ChoiceField(label=_("妊娠结局"), choices=BirthOutcome.choices)
    discharged_on = forms.DateField(
        label=_("出院日期"),
        widget=DateInput(),
        required=False,
        help_text=_("产后访视和新生儿访视在出院后7天内;不填按分娩日期计"),
    )
    child = forms.ModelChoiceField(
        queryset=Person.objects.none(),
        label=_("新生儿"),
        required=False,
        help_text=_("已登记的新生儿(出生日期与分娩日期相同)"),
    )
    note = forms.CharField(label=_("备注"), max_length=200, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Babies of the last year and a bit; the action checks the birth date.
        babies = Person.objects.restrict(user, "view").filter(
            birth_date__gte=timezone.localdate() - dt.timedelta(days=400)
        )
        self.fields["child"].queryset = babies.order_by("-birth_date", "name")  # type: ignore[attr-defined]


class PregnancyEndForm(forms.Form):
    ended_on = forms.DateField(label=_("终止日期"), widget=DateInput())
    reason = forms.ChoiceField(label=_("终止原因"), choices=EndReason.choices)
    note = forms.CharField(label=_("备注"), max_length=200, required=False)
