"""Filters that every app's FilterSets share."""

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from parity.core import params


def area_prefix_filter(field_name: str = "area_code") -> django_filters.CharFilter:
    """A node of the area tree and everything below it (area codes nest by prefix)."""
    return django_filters.CharFilter(
        field_name=field_name, lookup_expr="startswith", label=_("区划代码(含下级)")
    )


class IdField(forms.Field):
    """A record id for a filter form, read by the shared parser (parity.core.params)."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        return params.id_value(value)


class IdFilter(django_filters.NumberFilter):
    """Rows referring to one record by id: ``?person=12``. A bad id is a 400, not a 500.
    (A NumberFilter, so that the OpenAPI schema types it from the model's key.)"""

    field_class = IdField

    def get_max_validator(self):
        return None  # id_value already bounds the id


def filtered(filterset: django_filters.FilterSet) -> QuerySet:
    """The filterset's rows for a web page; its first bad parameter is a 400 page, as in
    the API (django-filter would otherwise drop the bad filter and show every row)."""
    if not filterset.is_valid():
        name, errors = next(iter(filterset.errors.as_data().items()))
        raise params.BadParameter(name, errors[0])
    return filterset.qs
