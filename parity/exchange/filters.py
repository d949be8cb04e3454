"""The 协查 list's filters (the web list; the inbox API takes no filters)."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from parity.exchange.choices import Direction, RequestStatus, Urgency
from parity.exchange.models import VerificationRequest


class RequestFilterSet(django_filters.FilterSet):
    direction = django_filters.ChoiceFilter(choices=Direction.choices, label=_("方向"))
    status = django_filters.ChoiceFilter(choices=RequestStatus.choices, label=_("状态"))
    urgency = django_filters.ChoiceFilter(choices=Urgency.choices, label=_("紧急程度"))

    class Meta:
        model = VerificationRequest
        fields = ["direction", "status", "urgency"]
