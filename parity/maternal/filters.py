"""The FilterSets of pregnancies and child health checks, shared by the web lists and the
API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from parity.core.filters import IdFilter, area_prefix_filter
from parity.maternal import selectors
from parity.maternal.choices import PregnancyStatus
from parity.maternal.models import ChildHealthCheck, Pregnancy


class PregnancyFilterSet(django_filters.FilterSet):
    person = IdFilter(field_name="person_id", label=_("人员"))
    status = django_filters.ChoiceFilter(choices=PregnancyStatus.choices, label=_("状态"))
    area = area_prefix_filter("person__area_code")
    overdue_on = django_filters.DateFilter(method="filter_overdue", label=_("该日有逾期检查"))

    class Meta:
        model = Pregnancy
        fields = ["person", "status", "area", "overdue_on"]

    def filter_overdue(self, queryset, name, value):
        return selectors.pregnancies_overdue(value, queryset) if value else queryset


class ChildCheckFilterSet(django_filters.FilterSet):
    person = IdFilter(field_name="person_id", label=_("儿童"))
    area = area_prefix_filter("person__area_code")

    class Meta:
        model = ChildHealthCheck
        fields = ["person", "area"]
