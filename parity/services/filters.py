"""The FilterSets of service events and home visits, shared by the web lists and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from parity.core.filters import IdFilter, area_prefix_filter
from parity.services.choices import Outcome
from parity.services.models import ServiceEvent, Visit


class ServiceEventFilterSet(django_filters.FilterSet):
    person = IdFilter(field_name="person_id", label=_("人员"))
    type = django_filters.CharFilter(field_name="service_type__code", label=_("服务项目代码"))
    date_from = django_filters.DateFilter(field_name="date", lookup_expr="gte", label=_("起始日期"))
    date_to = django_filters.DateFilter(field_name="date", lookup_expr="lte", label=_("截止日期"))
    outcome = django_filters.ChoiceFilter(choices=Outcome.choices, label=_("结果"))
    area = area_prefix_filter()

    class Meta:
        model = ServiceEvent
        fields = ["person", "type", "date_from", "date_to", "outcome", "area"]


class VisitFilterSet(django_filters.FilterSet):
    person = IdFilter(field_name="person_id", label=_("人员"))
    date_from = django_filters.DateFilter(
        field_name="visited_on", lookup_expr="gte", label=_("起始日期")
    )
    date_to = django_filters.DateFilter(
        field_name="visited_on", lookup_expr="lte", label=_("截止日期")
    )
    area = area_prefix_filter()

    class Meta:
        model = Visit
        fields = ["person", "date_from", "date_to", "area"]
