"""The built-in indicator set: ``data/indicators.yaml`` plus one vaccination-coverage
indicator per dose of the immunization schedule in force."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction

from parity.immunization.choices import ALTERNATIVE_SERIES
from parity.immunization.models import ScheduleDose, ScheduleEdition
from parity.indicators.choices import DOSE_CATEGORY, SERVICE_CATEGORY
from parity.indicators.definition import validate_definition
from parity.indicators.models import Indicator
from parity.services.models import ServiceType

DATA = Path(__file__).resolve().parent / "data" / "indicators.yaml"


def builtin_definitions(on: dt.date) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    entries.extend(_dose_definitions(on))
    entries.extend(_service_definitions(entries))
    return entries


def _service_definitions(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One coverage indicator for each catalog service the other entries leave out, so
    that every service's coverage is computed with the others (the coverage page and API
    read them from the snapshot: ``services.selectors.snapshot_coverage``)."""
    covered = {
        e["denominator"]["service"]
        for e in entries
        if set(e.get("denominator", {})) == {"service"} and e.get("numerator") == e["denominator"]
    }
    return [
        {
            "code": f"service-{service.code}",
            "name": f"{service.name}覆盖率",
            "name_en": f"{service.name_en or service.code} coverage",
            "category": SERVICE_CATEGORY,
            "description": f"按「{service.name}」的享受条件应享的人员中,已享受的比例。",
            "description_en": (
                f"Of the people eligible for {service.name_en or service.code}, "
                "the share who received it."
            ),
            "denominator": {"service": service.code},
            "numerator": {"service": service.code},
            "dimensions": [],
            "in_index": False,
            "sort_order": 400 + order,
        }
        for order, service in enumerate(ServiceType.objects.order_by("sort_order", "code"), 1)
        if service.code not in covered
    ]


def _dose_definitions(on: dt.date) -> list[dict[str, Any]]:
    edition = (
        ScheduleEdition.objects.filter(effective_from__lte=on).order_by("-effective_from").first()
    )
    if edition is None:
        return []
    entries = []
    # Of alternative vaccines (JE-L or JE-I) only the preferred one has indicators; a dose
    # of the other counts towards them (``predicates.dose_received``).
    doses = (
        ScheduleDose.objects.filter(edition=edition)
        .exclude(vaccine__series__in=ALTERNATIVE_SERIES, vaccine__preferred=False)
        .select_related("vaccine")
    )
    for order, row in enumerate(doses.order_by("vaccine__sort_order", "dose"), start=1):
        vaccine, dose = row.vaccine, row.dose
        params = {"vaccine": vaccine.code, "dose": dose}
        entries.append(
            {
                "code": f"dose-{vaccine.code.lower()}-{dose}",
                "name": f"{vaccine.name}第{dose}剂接种率",
                "name_en": f"{vaccine.name_en or vaccine.code} dose {dose} coverage",
                "category": DOSE_CATEGORY,
                "description": (
                    f"7岁以下、已过{vaccine.name}第{dose}剂应种月龄的儿童中,已接种该剂次的比例。"
                ),
                "description_en": (
                    f"Of children under 7 past the age for {vaccine.name_en or vaccine.code} "
                    f"dose {dose}, the share who received that dose."
                ),
                "denominator": {"predicates": [{"name": "dose_due", **params}]},
                "numerator": {"predicates": [{"name": "dose_received", **params}]},
                "dimensions": [],
                "in_index": False,
                "sort_order": 500 + order,
            }
        )
    return entries


def _save_builtin(entry: dict[str, Any], order: int) -> tuple[Indicator, bool]:
    """Create or update one built-in indicator from its definition, checked first."""
    fields = {
        "name": entry["name"],
        "name_en": entry.get("name_en", ""),
        "category": entry["category"],
        "description": entry.get("description", ""),
        "description_en": entry.get("description_en", ""),
        "unit": entry.get("unit", "person"),
        "denominator": entry.get("denominator", {}),
        "numerator": entry.get("numerator", {}),
        "period": entry.get("period", "year"),
        "dimensions": entry.get("dimensions", []),
        "in_index": entry.get("in_index", False),
        "builtin": True,
        "sort_order": entry.get("sort_order", order * 10),
    }
    validate_definition(
        denominator=fields["denominator"], numerator=fields["numerator"],
        unit=fields["unit"], dimensions=fields["dimensions"], period=fields["period"],
    )  # fmt: skip
    return Indicator.objects.update_or_create(code=entry["code"], defaults=fields)


@transaction.atomic
def service_coverage_indicators() -> list[Indicator]:
    """Ensure a coverage indicator for every catalog service, without the rest of the
    built-in set (whose definitions name services a test's small catalog may lack)."""
    made = []
    for order, entry in enumerate(_service_definitions([]), start=1):
        indicator, _created = _save_builtin(entry, order)
        made.append(indicator)
    return made


@transaction.atomic
def load_builtin(on: dt.date) -> tuple[int, int]:
    """Create or update the built-in indicators; an administrator's choice to switch one
    off (``is_active``) is kept. Returns (created, updated)."""
    created = updated = 0
    for order, entry in enumerate(builtin_definitions(on), start=1):
        _indicator, was_created = _save_builtin(entry, order)
        created += was_created
        updated += not was_created
    return created, updated
