"""The dwelling FilterSet, shared by the HTML list and the API."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from parity.core.filters import area_prefix_filter
from parity.housing.models import Dwelling
from parity.people.choices import HousingType


class DwellingFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(field_name="address", lookup_expr="contains", label=_("地址"))
    area = area_prefix_filter()
    grid = django_filters.CharFilter(field_name="grid__code", label=_("网格代码"))
    dwelling_type = django_filters.ChoiceFilter(choices=HousingType.choices, label=_("房屋类型"))
    is_let = django_filters.BooleanFilter(
        label=_("是否出租"),
        widget=forms.Select(choices=[("", _("全部")), ("true", _("出租")), ("false", _("未出租"))]),
    )

    class Meta:
        model = Dwelling
        fields = ["q", "area", "grid", "dwelling_type", "is_let"]
