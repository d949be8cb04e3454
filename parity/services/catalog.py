"""Loading the service catalog from data (``data/catalog.yaml``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from parity.accounts.choices import DepartmentKind
from parity.core.models import audit
from parity.services.choices import Category
from parity.services.details import validate_schema
from parity.services.eligibility import DELIVERED, validate_rule
from parity.services.models import EligibilityRule, ServiceType

BUNDLED_CATALOG = Path(__file__).parent / "data" / "catalog.yaml"
_FIELDS = (
    "name",
    "name_en",
    "category",
    "department_kind",
    "description",
    "validity_days",
    "required_count",
    "delivered_by",
    "on_demand",
    "details_schema",
)


@dataclass
class CatalogResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def _clean_entry(position: int, entry: dict[str, Any]) -> tuple[dict[str, Any], list]:
    where = _("第 %(n)d 项(%(code)s)") % {"n": position, "code": entry.get("code", "?")}
    try:
        if not entry.get("code") or not entry.get("name"):
            raise ValidationError(_("缺少 code 或 name"))
        if entry.get("category") not in Category.values:
            raise ValidationError(_("类别 %(c)s 无效") % {"c": entry.get("category")})
        if entry.get("department_kind") not in DepartmentKind.values:
            raise ValidationError(_("部门类别 %(c)s 无效") % {"c": entry.get("department_kind")})
        if entry.get("delivered_by") and entry["delivered_by"] not in DELIVERED:
            raise ValidationError(_("完成判定 %(c)s 未注册") % {"c": entry["delivered_by"]})
        validate_schema(entry.get("details_schema", []))
        rules = []
        for rule in entry.get("rules") or []:
            effective = rule.get("effective_from")
            if not isinstance(effective, dt.date):
                raise ValidationError(_("资格条件缺少生效日期"))
            rules.append((effective, validate_rule(rule.get("rule") or {}), rule.get("note", "")))
        if not rules:
            raise ValidationError(_("至少需要一条资格条件"))
    except ValidationError as exc:
        raise ValidationError(f"{where}: {'; '.join(exc.messages)}") from exc
    values = {
        "name": entry["name"],
        "name_en": entry.get("name_en", ""),
        "category": entry["category"],
        "department_kind": entry["department_kind"],
        "description": entry.get("description", ""),
        "validity_days": entry.get("validity_days"),
        "required_count": entry.get("required_count", 1),
        "delivered_by": entry.get("delivered_by", ""),
        "on_demand": bool(entry.get("on_demand", False)),
        "details_schema": entry.get("details_schema", []),
        "sort_order": position,
    }
    return values, rules


@transaction.atomic
def catalog_load(*, acting_user, entries: list[dict[str, Any]]) -> CatalogResult:
    """Create or update service types and their rules; validates everything first."""
    cleaned = [(e["code"], *_clean_entry(i, e)) for i, e in enumerate(entries, 1)]
    result = CatalogResult()
    existing = {s.code: s for s in ServiceType.objects.prefetch_related("rules")}
    for code, values, rules in cleaned:
        service = existing.get(code)
        if service is None:
            service = ServiceType.objects.create(code=code, **values)
            result.created += 1
            changed = True
        else:
            changed = any(getattr(service, k) != v for k, v in values.items())
            if changed:
                for key, value in values.items():
                    setattr(service, key, value)
                service.save()
        current = {(r.effective_from, _canonical(r.rule), r.note) for r in service.rules.all()}
        wanted = {(d, _canonical(r), n) for d, r, n in rules}
        if current != wanted:
            service.rules.all().delete()
            EligibilityRule.objects.bulk_create(
                EligibilityRule(service_type=service, effective_from=d, rule=r, note=n)
                for d, r, n in rules
            )
            changed = True
        if code in existing:
            result.updated += changed
            result.unchanged += not changed
    if result.created or result.updated:
        audit(
            acting_user=acting_user,
            action="catalog.load",
            object_type="services.servicetype",
            after={"created": result.created, "updated": result.updated},
        )
    return result


def _canonical(rule: dict[str, Any]) -> str:
    return yaml.safe_dump(rule, sort_keys=True)


def load_catalog_file(path: Path = BUNDLED_CATALOG) -> list[dict[str, Any]]:
    with open(path, encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    if not isinstance(data, list):
        raise ValidationError(_("服务目录文件应为列表"))
    return data
