"""Maternal key groups: women currently pregnant (现孕对象), pregnancies with an overdue
visit, children overdue for a health check."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import CharField, F, QuerySet, Value
from django.utils.translation import gettext_lazy as _

from parity.maternal.choices import AntenatalPoint, PostpartumKind
from parity.maternal.selectors import (
    children_overdue_checks,
    pregnant_on,
    pregnant_overdue_people,
)
from parity.services.keygroups import KeyGroup, choice_label, register_key_group


def pregnant_group(on: dt.date) -> QuerySet[Any]:
    return pregnant_on(on).annotate(since=F("lmp"), detail=Value("", output_field=CharField()))


def pregnancy_overdue_group(on: dt.date) -> QuerySet[Any]:
    return pregnant_overdue_people(on).annotate(
        since=F("overdue_since"),
        point=F("overdue_point"),
        detail=choice_label("point", AntenatalPoint, PostpartumKind),
    )


def child_check_overdue_group(on: dt.date) -> QuerySet[Any]:
    return children_overdue_checks(on).annotate(since=F("overdue_since"), detail=F("overdue_point"))


def register() -> None:
    register_key_group(
        KeyGroup(
            "pregnant",
            _("现孕对象"),
            pregnant_group,
            on_worklist=False,
            description=_("在本市居住、正在怀孕的妇女"),
        )
    )
    register_key_group(
        KeyGroup(
            "pregnancy_overdue",
            _("孕产期检查逾期"),
            pregnancy_overdue_group,
            urgency=5,
            urgent=True,
            recent_first=True,
            description=_("有产前检查或产后访视逾期未做的孕产妇"),
            record_url_name="maternal:person",
            record_label=_("记录产检或访视"),
        )
    )
    register_key_group(
        KeyGroup(
            "child_check_overdue",
            _("儿童健康检查逾期"),
            child_check_overdue_group,
            urgency=20,
            urgent_under_months=24,
            recent_first=True,
            description=_("0–6岁儿童健康检查逾期未做"),
            record_url_name="maternal:child_check_record",
            record_label=_("记录健康检查"),
        )
    )
