"""Eligibility rules and delivery criteria in plain Chinese, for the catalog pages.

``rule_text({"sex": "F", "age_min": 15, "age_max": 49, "marital_status": ["married"]})``
reads "女性,15–49岁,已婚": the same data the SQL is built from, so the page cannot say
something different from what is computed.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from parity.people.choices import MaritalStatus, Sex, Status
from parity.services.eligibility import DEFAULT_STATUSES, DELIVERED, FLAGS

SEP = ","


def _range(low: int | None, high: int | None, unit: str) -> str:
    if low is not None and high is not None:
        return f"{low}–{high}{unit}"
    if low is not None:
        return _("%(n)s%(unit)s及以上") % {"n": low, "unit": unit}
    return _("%(n)s%(unit)s及以下") % {"n": high, "unit": unit}


def rule_parts(rule: dict[str, Any]) -> list[str]:
    parts: list[str] = []
    if "sex" in rule:
        parts.append(_("女性") if rule["sex"] == Sex.FEMALE else _("男性"))
    if "age_min" in rule or "age_max" in rule:
        parts.append(_range(rule.get("age_min"), rule.get("age_max"), _("岁")))
    if "age_min_months" in rule or "age_max_months" in rule:
        parts.append(_range(rule.get("age_min_months"), rule.get("age_max_months"), _("月龄")))
    if rule.get("marital_status"):
        labels = dict(MaritalStatus.choices)
        parts.append(_("或").join(str(labels.get(m, m)) for m in rule["marital_status"]))
    statuses = rule.get("statuses")
    if statuses and sorted(statuses) != sorted(DEFAULT_STATUSES):
        labels = dict(Status.choices)
        parts.append(_("仅限") + "、".join(str(labels.get(s, s)) for s in statuses))
    if "min_stay_months" in rule:
        parts.append(_("在本市居住满%(n)s个月") % {"n": rule["min_stay_months"]})
    for flag in rule.get("flags", []):
        predicate = FLAGS.get(flag)
        parts.append(str(predicate.label) if predicate else flag)
    return parts


def rule_text(rule: dict[str, Any]) -> str:
    parts = rule_parts(rule)
    return SEP.join(parts) if parts else _("所有在本市居住的人员")


def delivery_text(service) -> str:
    """How the service counts as delivered to a person."""
    if service.on_demand:
        return _("按需提供:本人申请时提供,不计为缺失")
    if service.delivered_by:
        predicate = DELIVERED.get(service.delivered_by)
        label = str(predicate.label) if predicate else service.delivered_by
        return _("按记录判定:%(label)s") % {"label": label}
    if service.validity_days:
        if service.required_count > 1:
            return _("最近%(days)s天内至少%(n)s次服务记录") % {
                "days": service.validity_days,
                "n": service.required_count,
            }
        return _("最近%(days)s天内有服务记录") % {"days": service.validity_days}
    if service.required_count > 1:
        return _("累计至少%(n)s次服务记录") % {"n": service.required_count}
    return _("有过一次服务记录即为已提供")
