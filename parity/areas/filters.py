"""The area FilterSet, shared by the area lists and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from parity.areas.choices import Level
from parity.areas.models import Area


class AreaFilterSet(django_filters.FilterSet):
    parent = django_filters.CharFilter(field_name="parent__code", label=_("上级区划代码"))
    level = django_filters.TypedChoiceFilter(choices=Level.choices, coerce=int, label=_("层级"))
    within = django_filters.CharFilter(
        field_name="code", lookup_expr="startswith", label=_("区划代码(含下级)")
    )
    q = django_filters.CharFilter(field_name="name", lookup_expr="contains", label=_("名称"))

    class Meta:
        model = Area
        fields = ["parent", "level", "within", "q"]
