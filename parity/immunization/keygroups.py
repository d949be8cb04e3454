"""The immunization key group: children overdue for a vaccine (on the work list)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import F, OuterRef, QuerySet, Subquery
from django.utils.translation import gettext_lazy as _

from parity.services.keygroups import KeyGroup, register_key_group


def children_overdue_group(on: dt.date) -> QuerySet[Any]:
    from parity.immunization.models import DoseDue
    from parity.immunization.selectors import children_overdue

    first = DoseDue.objects.filter(person=OuterRef("pk"), overdue_on__lte=on).order_by(
        "overdue_on", "vaccine__code"
    )
    return children_overdue(on).annotate(
        since=F("overdue_since"),
        detail=Subquery(first.values("vaccine__name")[:1]),
    )


def register() -> None:
    register_key_group(
        KeyGroup(
            "vaccine_overdue",
            _("疫苗接种逾期儿童"),
            children_overdue_group,
            urgency=10,
            description=_("按国家免疫规划有剂次逾期未种的儿童(按每晚刷新的应种剂次表)"),
            record_url_name="immunization:person",
            record_label=_("记录接种"),
        )
    )
