"""The FilterSets of marriage certificates and residence permits, shared by the web lists
and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from parity.certificates.choices import PermitStatus
from parity.certificates.models import MarriageCertificate, ResidencePermit
from parity.core.filters import IdFilter, area_prefix_filter


class CertificateFilterSet(django_filters.FilterSet):
    person = IdFilter(field_name="person_id", label=_("人员"))
    area = area_prefix_filter("person__area_code")
    checked = django_filters.BooleanFilter(
        field_name="checked_on", lookup_expr="isnull", exclude=True, label=_("已查验")
    )

    class Meta:
        model = MarriageCertificate
        fields = ["person", "area", "checked"]


class PermitFilterSet(django_filters.FilterSet):
    person = IdFilter(field_name="person_id", label=_("人员"))
    status = django_filters.ChoiceFilter(choices=PermitStatus.choices, label=_("状态"))
    area = area_prefix_filter("person__area_code")

    class Meta:
        model = ResidencePermit
        fields = ["person", "status", "area"]
