"""Certificate and permit key groups: women without a marriage-and-childbearing
certificate (未办理婚育证明对象), people eligible for a residence permit without one."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import CharField, QuerySet, Value
from django.utils.translation import gettext_lazy as _

from parity.certificates.selectors import permit_eligible_without_permit, women_without_certificate
from parity.services.keygroups import KeyGroup, register_key_group


def no_certificate_group(on: dt.date) -> QuerySet[Any]:
    return women_without_certificate(on).annotate(detail=Value("", output_field=CharField()))


def permit_eligible_group(on: dt.date) -> QuerySet[Any]:
    return permit_eligible_without_permit(on).annotate(detail=Value("", output_field=CharField()))


def register() -> None:
    register_key_group(
        KeyGroup(
            "no_certificate",
            _("未办理婚育证明对象"),
            no_certificate_group,
            urgency=30,
            description=_("18–49岁流入妇女,来本市超过30天仍未查验婚育证明"),
            record_url_name="certificates:certificate_record",
            record_label=_("查验婚育证明"),
        )
    )
    register_key_group(
        KeyGroup(
            "permit_eligible",
            _("符合条件未办居住证"),
            permit_eligible_group,
            urgency=70,
            description=_("居住满六个月且有合法稳定就业、住所或连续就读,尚未申领居住证"),
            record_url_name="certificates:permit_apply",
            record_label=_("申领居住证"),
        )
    )
