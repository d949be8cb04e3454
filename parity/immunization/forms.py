"""The record-a-vaccination form: the doses the child may have today come first, then the
rest of the schedule for entering past doses from a vaccination card (补录)."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parity.accounts.choices import HEALTH_SITE_KINDS
from parity.accounts.models import Department
from parity.immunization.models import ScheduleDose, Vaccine
from parity.immunization.selectors import ChildScheduleView
from parity.web.forms import DateInput, blank


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

    def __init__(self, *args, view: ChildScheduleView, preselect: str = "", **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("date", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.vaccines = {v.code: v for v in Vaccine.objects.all()}
        now = [(f"{p.vaccine.code}:{p.pending.dose}", p.label) for p in view.valid_today]
        listed = {value for value, _label in now}
        others = [
            (f"{d.vaccine.code}:{d.dose}", f"{d.vaccine.name} 第{d.dose}剂")
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
