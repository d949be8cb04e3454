"""The dwelling registration form."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from parity.areas.forms import grid_field, preselect_single_grid
from parity.areas.models import Area
from parity.core.forms import blank
from parity.people import validators
from parity.people.choices import HousingType, LandlordKind
from parity.people.forms import lookup_person


class DwellingRegisterForm(forms.Form):
    address = forms.CharField(label=_("地址"), max_length=200)
    grid = forms.ModelChoiceField(queryset=Area.objects.none(), label=_("网格"))
    dwelling_type = forms.ChoiceField(label=_("房屋类型"), choices=blank(HousingType.choices))
    is_let = forms.BooleanField(label=_("是否出租"), required=False)
    landlord_kind = forms.ChoiceField(
        label=_("房东类型"), choices=blank(LandlordKind.choices), required=False
    )
    landlord_name = forms.CharField(label=_("房东/单位名称"), max_length=100, required=False)
    landlord_phone = forms.CharField(label=_("房东电话"), max_length=20, required=False)
    landlord_id_number = forms.CharField(
        label=_("房东身份证号码"),
        max_length=24,
        required=False,
        help_text=_("房东已在本平台登记时填写,用于关联"),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["grid"] = grid_field(user)
        preselect_single_grid(self)

    def clean_landlord_phone(self):
        return validators.clean_phone(self.cleaned_data.get("landlord_phone", ""))

    def clean_landlord_id_number(self):
        raw = self.cleaned_data.get("landlord_id_number", "").strip()
        return lookup_person(self.user, raw, "view") if raw else None

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        if cleaned.get("is_let") and not (
            cleaned.get("landlord_name") or cleaned.get("landlord_id_number")
        ):
            self.add_error("landlord_name", _("出租房屋须填写房东"))
        return cleaned
