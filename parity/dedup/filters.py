"""The review queue's filter, shared by the page and the API."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from parity.dedup.choices import PairStatus
from parity.dedup.models import DuplicatePair


class PairFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        label=_("状态"), choices=PairStatus.choices, empty_label=None
    )
    min_score = django_filters.NumberFilter(
        label=_("最低相似度"), field_name="score", lookup_expr="gte"
    )

    class Meta:
        model = DuplicatePair
        fields = ["status", "min_score"]
