"""FilterSets of the immunization pages (the API keeps its own in ``parity.api`` for now)."""

from __future__ import annotations

import django_filters

from parity.core.filters import area_prefix_filter
from parity.people.models import Person


class OverdueChildFilterSet(django_filters.FilterSet):
    """The overdue children's list: a node of the area tree and everything below it."""

    area = area_prefix_filter()

    class Meta:
        model = Person
        fields = ["area"]
