"""The FilterSets of vaccination records and overdue children, shared by the web lists and
the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from parity.core.filters import IdFilter
from parity.immunization.models import VaccinationRecord
from parity.people.models import Person


class VaccinationFilterSet(django_filters.FilterSet):
    person = IdFilter(field_name="person_id", label=_("人员"))
    vaccine = django_filters.CharFilter(field_name="vaccine__code", label=_("疫苗代码"))
    campaign = IdFilter(field_name="campaign_id", label=_("强化免疫活动"))
    area = django_filters.CharFilter(
        field_name="area_code", lookup_expr="startswith", label=_("区划代码(含下级)")
    )
    date_from = django_filters.DateFilter(field_name="date", lookup_expr="gte", label=_("起始日期"))
    date_to = django_filters.DateFilter(field_name="date", lookup_expr="lte", label=_("截止日期"))

    class Meta:
        model = VaccinationRecord
        fields = ["person", "vaccine", "campaign", "area", "date_from", "date_to"]


class OverdueFilterSet(django_filters.FilterSet):
    area = django_filters.CharFilter(
        field_name="area_code", lookup_expr="startswith", label=_("区划代码(含下级)")
    )

    class Meta:
        model = Person
        fields = ["area"]
