"""The FilterSets of vaccination records and overdue children, shared by the web lists and
the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from parity.core.filters import IdFilter, area_prefix_filter
from parity.immunization.models import VaccinationRecord
from parity.people.models import Person


class VaccinationFilterSet(django_filters.FilterSet):
    person = IdFilter(field_name="person_id", label=_("人员"))
    vaccine = django_filters.CharFilter(field_name="vaccine__code", label=_("疫苗代码"))
    campaign = IdFilter(field_name="campaign_id", label=_("强化免疫活动"))
    area = area_prefix_filter()
    date_from = django_filters.DateFilter(field_name="date", lookup_expr="gte", label=_("起始日期"))
    date_to = django_filters.DateFilter(field_name="date", lookup_expr="lte", label=_("截止日期"))

    class Meta:
        model = VaccinationRecord
        fields = ["person", "vaccine", "campaign", "area", "date_from", "date_to"]


class OverdueFilterSet(django_filters.FilterSet):
    """The overdue children (the page and the API): a node of the area tree and everything
    below it."""

    area = area_prefix_filter()

    class Meta:
        model = Person
        fields = ["area"]
