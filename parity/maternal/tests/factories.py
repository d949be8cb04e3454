"""Test helpers shared by the maternal and certificates tests."""

from __future__ import annotations

from pathlib import Path

import yaml

from parity.services.models import EligibilityRule, ServiceType

CATALOG = Path(__file__).resolve().parents[2] / "services" / "data" / "catalog.yaml"
_FIELDS = ("name", "name_en", "category", "department_kind", "validity_days", "delivered_by")


def load_catalog() -> dict[str, ServiceType]:
    """The service catalog as the services app ships it (its loader is not ours to call)."""
    types = {}
    for order, entry in enumerate(yaml.safe_load(CATALOG.read_text(encoding="utf-8"))):
        defaults = {key: entry[key] for key in _FIELDS if key in entry}
        defaults.update(
            required_count=entry.get("required_count", 1),
            on_demand=entry.get("on_demand", False),
            details_schema=entry.get("details_schema", []),
            sort_order=order,
        )
        service, _ = ServiceType.objects.update_or_create(code=entry["code"], defaults=defaults)
        for rule in entry.get("rules", []):
            EligibilityRule.objects.update_or_create(
                service_type=service,
                effective_from=rule["effective_from"],
                defaults={"rule": rule["rule"], "note": rule.get("note", "")},
            )
        types[service.code] = service
    return types
