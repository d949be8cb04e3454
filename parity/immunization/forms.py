"""The record-a-vaccination form: the doses the child may have today come first, then the
rest of the schedule for entering past doses from a vaccination card (补录)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parity.accounts.choices import HEALTH_SITE_KINDS
from parity.accounts.models import Department
from parity.core.forms import DateInput, blank
from parity.immunization.choices import DEFAULT_ROUTE, InjectionSite, Route
from parity.immunization.models import ScheduleDose, Vaccine, dose_label
from parity.immunization.rules import FRESH_DAYS
from parity.immunization.selectors import ChildScheduleView


def health_sites(area_code: str):
    """Health sites serving an area: on the node itself, above it or below it."""
    ancestors = [area_code[:n] for n in (4, 6, 9, 12, 15) if n <= len(area_code)]
    return (
        Department.objects.filter(kind__in=HEALTH_SITE_KINDS)
        .filter(Q(area__code__in=ancestors) | Q(area__code__startswith=area_code))
        .order_by("-area__code", "name")
    )


class VaccinationForm(forms.Form):
    dose = forms.ChoiceField(label=_("疫苗及剂次"))
    date = forms.DateField(label=_("接种日期"), widget=DateInput())
    site = forms.ModelChoiceField(
        queryset=Department.objects.none(), label=_("接种单位"), required=False
    )
    batch_number = forms.CharField(label=_("疫苗批号"), max_length=30, required=False)
    manufacturer = forms.CharField(label=_("生产企业"), max_length=100, required=False)
    route = forms.ChoiceField(
        label=_("接种途径"),
        choices=blank(Route.choices),
        required=False,
        help_text=_("不填则按该疫苗的常规途径"),
    )
    injection_site = forms.ChoiceField(
        label=_("接种部位"), choices=blank(InjectionSite.choices), required=False
    )
    vaccinator = forms.CharField(label=_("接种人员"), max_length=50, required=False)

    def __init__(self, *args, view: ChildScheduleView, preselect: str = "", **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("date", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.vaccines = {v.code: v for v in Vaccine.objects.all()}
        now = [(f"{p.vaccine.code}:{p.pending.dose}", p.label) for p in view.valid_today]
        listed = {value for value, _label in now}
        others = [
            (f"{d.vaccine.code}:{d.dose}", dose_label(d.vaccine.display_name, d.dose))
            for d in ScheduleDose.objects.filter(edition__code=view.result.edition.code)
            .select_related("vaccine")
            .order_by("vaccine__sort_order", "dose")
            if f"{d.vaccine.code}:{d.dose}" not in listed
        ]
        choices: list = blank([])
        if now:
            choices.append((_("今天可接种"), now))
        choices.append((_("其他剂次(补录)"), others))
        self.fields["dose"].choices = choices  # type: ignore[attr-defined]
        if now and not self.is_bound:
            # The dose a work-list card names, else the one overdue the longest.
            overdue = sorted(
                (p for p in view.valid_today if p.status == "overdue"),
                key=lambda p: p.pending.overdue_on,
            )
            first = f"{overdue[0].vaccine.code}:{overdue[0].pending.dose}" if overdue else now[0][0]
            self.initial.setdefault("dose", preselect if preselect in listed else first)
        sites = health_sites(view.person.area_code)
        self.fields["site"].queryset = sites  # type: ignore[attr-defined]
        first = sites.first()
        if first is not None:
            self.initial.setdefault("site", first.pk)

    def clean_dose(self):
        code, _sep, number = self.cleaned_data["dose"].partition(":")
        vaccine = self.vaccines.get(code)
        if vaccine is None or not number.isdigit():
            raise forms.ValidationError(_("请选择疫苗及剂次"), code="invalid_choice")
        return vaccine, int(number)

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        day, chosen = cleaned.get("date"), cleaned.get("dose")
        # A dose given these days is written from the vial and the nurse: both are asked
        # for; an older dose copied from a vaccination card (补录) may lack them.
        if day is not None and day >= timezone.localdate() - dt.timedelta(days=FRESH_DAYS):
            for name, label in (("batch_number", _("疫苗批号")), ("vaccinator", _("接种人员"))):
                if not cleaned.get(name, "").strip() and name not in self.errors:
                    self.add_error(
                        name,
                        forms.ValidationError(
                            _("请填写%(label)s") % {"label": label}, code="required"
                        ),
                    )
        if chosen is not None and not cleaned.get("route"):
            cleaned["route"] = DEFAULT_ROUTE.get(chosen[0].code, "")
        return cleaned

    def norm_details(self) -> dict[str, Any]:
        return {
            name: self.cleaned_data.get(name, "")
            for name in ("batch_number", "manufacturer", "route", "injection_site", "vaccinator")
        }
