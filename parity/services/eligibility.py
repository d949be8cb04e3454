"""Eligibility rules as data, turned into SQL.

A rule is a JSON object; every key is optional and all given keys must hold:

==================  =====================================================================
``age_min``         completed years of age, at least (inclusive)
``age_max``         completed years of age, at most (inclusive): 49 means "under 50"
``age_min_months``  completed months, at least
``age_max_months``  completed months, at most
``sex``             ``"F"`` or ``"M"``
``marital_status``  list of ``MaritalStatus`` values
``statuses``        list of residency statuses; default ``["inflow", "registered"]``,
                    i.e. everyone living in the city, floating or not
``min_stay_months`` months since arrival in the city for the current stay
``flags``           list of named predicates registered by the apps (``pregnant``, …)
==================  =====================================================================

The rule never mentions "floating" unless a service is by law only for migrants (the
residence permit): the same rule then gives a floating and a registered person with the
same facts the same answer. ``rule_q`` turns a rule into a ``Q`` over ``Person`` for a
date, so one person and a whole city are judged by the same SQL.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, OuterRef, Q
from django.utils.translation import gettext as _

from parity.people.choices import MaritalStatus, Sex, Status
from parity.people.selectors import resident_q
from parity.services.choices import DELIVERED_OUTCOMES
from parity.services.models import ServiceEvent

DEFAULT_STATUSES = [Status.INFLOW.value, Status.REGISTERED.value]


@dataclass(frozen=True)
class Predicate:
    name: str
    label: Any
    build: Callable[[dt.date], Q]


# name → predicate over Person on a date. Apps add theirs in AppConfig.ready().
FLAGS: dict[str, Predicate] = {}
# name → "delivered" predicate over Person on a date, for services judged from records.
DELIVERED: dict[str, Predicate] = {}


def register_flag(name: str, label, build: Callable[[dt.date], Q]) -> None:
    FLAGS[name] = Predicate(name, label, build)


def register_delivered(name: str, label, build: Callable[[dt.date], Q]) -> None:
    DELIVERED[name] = Predicate(name, label, build)


_INT_KEYS = ("age_min", "age_max", "age_min_months", "age_max_months", "min_stay_months")
RULE_KEYS = {*_INT_KEYS, "sex", "marital_status", "statuses", "flags"}


def validate_rule(rule: Any) -> dict[str, Any]:
    """Check a rule before it is saved; every problem is named."""
    if not isinstance(rule, dict):
        raise ValidationError(_("资格条件应为 JSON 对象"), code="invalid")
    errors: list[ValidationError] = []
    for key in sorted(set(rule) - RULE_KEYS):
        errors.append(ValidationError(_("未知的条件:%(key)s") % {"key": key}, code="invalid"))
    for key in _INT_KEYS:
        if key in rule and (
            not isinstance(rule[key], int) or isinstance(rule[key], bool) or rule[key] < 0
        ):
            errors.append(ValidationError(_("%(key)s 应为非负整数") % {"key": key}, code="invalid"))
    for low, high in (("age_min", "age_max"), ("age_min_months", "age_max_months")):
        if (
            isinstance(rule.get(low), int)
            and isinstance(rule.get(high), int)
            and rule[low] > rule[high]
        ):
            errors.append(
                ValidationError(
                    _("%(low)s 不能大于 %(high)s") % {"low": low, "high": high}, code="invalid"
                )
            )
    if "sex" in rule and rule["sex"] not in Sex.values:
        errors.append(ValidationError(_("sex 应为 F 或 M"), code="invalid"))
    for key, allowed in (
        ("marital_status", MaritalStatus.values),
        ("statuses", Status.values),
        ("flags", list(FLAGS)),
    ):
        if key not in rule:
            continue
        values = rule[key]
        if not isinstance(values, list) or not values:
            errors.append(ValidationError(_("%(key)s 应为非空列表") % {"key": key}, code="invalid"))
            continue
        for value in values:
            if value not in allowed:
                errors.append(
                    ValidationError(
                        _("%(key)s 中的 %(value)s 不是可选值") % {"key": key, "value": value},
                        code="invalid",
                    )
                )
    if errors:
        raise ValidationError(errors)
    return rule


def rule_q(rule: dict[str, Any], on: dt.date) -> Q:
    """The rule as a filter over ``Person`` on a date."""
    statuses = rule.get("statuses") or DEFAULT_STATUSES
    q = Q(status__in=statuses)
    if set(statuses) - {Status.OUTFLOW}:
        # Inflow and registered people count only while they live in the city.
        q &= Q(status=Status.OUTFLOW) | resident_q(on)
    if "age_min" in rule:
        q &= Q(birth_date__lte=on - relativedelta(years=rule["age_min"]))
    if "age_max" in rule:
        q &= Q(birth_date__gt=on - relativedelta(years=rule["age_max"] + 1))
    if "age_min_months" in rule:
        q &= Q(birth_date__lte=on - relativedelta(months=rule["age_min_months"]))
    if "age_max_months" in rule:
        q &= Q(birth_date__gt=on - relativedelta(months=rule["age_max_months"] + 1))
    if "sex" in rule:
        q &= Q(sex=rule["sex"])
    if "marital_status" in rule:
        q &= Q(marital_status__in=rule["marital_status"])
    if "min_stay_months" in rule:
        q &= Q(arrived_city_on__lte=on - relativedelta(months=rule["min_stay_months"]))
    for flag in rule.get("flags", []):
        q &= FLAGS[flag].build(on)
    return q


def delivered_q(service_type, on: dt.date) -> Q:
    """Whether the service counts as delivered to a ``Person`` on the date."""
    if service_type.delivered_by:
        return DELIVERED[service_type.delivered_by].build(on)

    events = ServiceEvent.objects.filter(
        person=OuterRef("pk"),
        service_type=service_type,
        date__lte=on,
        outcome__in=DELIVERED_OUTCOMES,
    )
    if service_type.validity_days:
        events = events.filter(date__gt=on - dt.timedelta(days=service_type.validity_days))
    if service_type.required_count <= 1:
        return Q(Exists(events))
    counted = (
        events.order_by()
        .values("person")
        .annotate(n=Count("pk"))
        .filter(n__gte=service_type.required_count)
    )
    return Q(Exists(counted))
