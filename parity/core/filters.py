"""Filters that every app's FilterSets share."""

import django_filters
from django.utils.translation import gettext_lazy as _


def area_prefix_filter(field_name: str = "area_code") -> django_filters.CharFilter:
    """A node of the area tree and everything below it (area codes nest by prefix)."""
    return django_filters.CharFilter(
        field_name=field_name, lookup_expr="startswith", label=_("区划代码(含下级)")
    )
