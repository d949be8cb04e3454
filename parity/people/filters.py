"""The people app's FilterSets (persons, households, employment, residences), shared by the
HTML lists, the API and exports (netbox style)."""

from __future__ import annotations

import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parity.core import crypto
from parity.core.filters import IdFilter, area_prefix_filter
from parity.people import idnumber
from parity.people.choices import Industry, Sex, Status
from parity.people.models import Employment, Household, Person, Residence
from parity.people.selectors import floating_on, status_on


class PersonFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("姓名/身份证号码/电话/地址"))
    status = django_filters.ChoiceFilter(
        choices=Status.choices, method="filter_status", label=_("人口类别")
    )
    floating = django_filters.BooleanFilter(method="filter_floating", label=_("流动人口"))
    sex = django_filters.ChoiceFilter(choices=Sex.choices, label=_("性别"))
    area = area_prefix_filter()
    grid = IdFilter(field_name="grid_id", label=_("网格"))
    hukou_province = django_filters.CharFilter(
        method="filter_hukou_province", label=_("户籍省份代码")
    )

    class Meta:
        model = Person
        fields = ["q", "status", "floating", "sex", "area", "grid", "hukou_province"]

    def filter_q(self, queryset, name, value: str):
        value = value.strip()
        if not value:
            return queryset
        compact = idnumber.normalize(value)
        if len(compact) in (15, 18) and compact[:17].isdigit():
            # Exact ID number: look it up by its blind index, never by scanning ciphertext.
            try:
                number = idnumber.parse(compact).number
            except idnumber.IDNumberError:
                return queryset.none()
            return queryset.filter(id_hash=crypto.blind_index(number))
        if compact.isdigit() and len(compact) == 11:
            return queryset.filter(phone_hash=crypto.blind_index(compact))
        # A name, or part of the address of the person's current stay (or its dwelling).
        stays = Residence.objects.filter(person=OuterRef("pk"), departed_on__isnull=True).filter(
            Q(address__contains=value) | Q(dwelling__address__contains=value)
        )
        return queryset.filter(Q(name__contains=value) | Q(Exists(stays)))

    def filter_status(self, queryset, name, value: str):
        """Inflow or outflow today (``people.selectors``: an inflow person who has left
        the city is not counted), or registered."""
        return status_on(queryset, value, timezone.localdate()) if value else queryset

    def filter_floating(self, queryset, name, value):
        """In the floating population today (``people.selectors``), or registered."""
        if value is None:
            return queryset
        if value:
            return floating_on(queryset, timezone.localdate())
        return queryset.registered()

    def filter_hukou_province(self, queryset, name, value: str):
        return queryset.filter(hukou_code__startswith=value.strip()[:2]) if value else queryset


class HouseholdFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        field_name="head__name", lookup_expr="contains", label=_("户主姓名")
    )
    area = area_prefix_filter()
    person = IdFilter(field_name="members__person_id", label=_("成员"))

    class Meta:
        model = Household
        fields = ["q", "area", "person"]


class EmploymentFilterSet(django_filters.FilterSet):
    person = IdFilter(field_name="person_id", label=_("人员"))
    industry = django_filters.ChoiceFilter(choices=Industry.choices, label=_("行业"))
    area = area_prefix_filter()

    class Meta:
        model = Employment
        fields = ["person", "industry", "area"]


class ResidenceFilterSet(django_filters.FilterSet):
    person = IdFilter(field_name="person_id", label=_("人员"))
    area = django_filters.CharFilter(
        field_name="area_code", lookup_expr="startswith", label=_("区划代码(含下级)")
    )
    grid = django_filters.CharFilter(field_name="grid__code", label=_("网格代码"))
    open = django_filters.BooleanFilter(
        field_name="departed_on", lookup_expr="isnull", label=_("在住")
    )

    class Meta:
        model = Residence
        fields = ["person", "area", "grid", "open"]
