"""The schedule as data: read ``data/schedule.yaml``, write it to the tables, and build the
engine's ``Schedule`` from the tables.

The tables are the truth the engine reads (an edition added in the admin or a later
file takes effect without code); the YAML file is how the national editions ship.
``apply_schedule`` is shared by the data migration (with historical models) and by
``schedule_load`` / ``parity load_schedule``; it is idempotent.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ImproperlyConfigured

from parity.immunization.models import ScheduleDose, Vaccine
from parity.immunization.schedule import DoseRule, Edition, Schedule, Span, VaccineInfo

BUNDLED_SCHEDULE = Path(__file__).resolve().parent / "data" / "schedule.yaml"


def read_schedule_file(path: Path | str = BUNDLED_SCHEDULE) -> dict[str, Any]:
    with open(path, encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    # Building the engine from the file checks every age, interval and reference.
    Schedule.from_data(data)
    return data


def bundled_schedule() -> Schedule:
    """The shipped schedule straight from the file (for tests and tools without a DB)."""
    return Schedule.from_data(read_schedule_file())


@dataclass
class LoadResult:
    vaccines: int = 0
    editions: int = 0
    doses: int = 0
    changed: int = 0


def _months_only(span: Span | None) -> int | None:
    if span is None:
        return None
    if span.days:
        raise ValueError(f"this age must be whole months or years: {span}")
    return span.months


def apply_schedule(data: dict[str, Any], Vaccine, ScheduleEdition, ScheduleDose) -> LoadResult:
    """Create or update the vaccines, editions and doses in ``data``; remove doses of those
    editions that the data no longer lists. Model classes are passed in so that a
    migration can use its historical models."""
    engine = Schedule.from_data(data)
    result = LoadResult()
    vaccines = {}
    for order, raw in enumerate(data["vaccines"], start=1):
        info = engine.vaccines[raw["code"]]
        fields = {
            "name": info.name,
            "series": info.series,
            "live": info.live,
            "injectable": info.injectable,
            "preferred": info.preferred,
            "sort_order": order * 10,
        }
        vaccine, created = Vaccine.objects.get_or_create(code=info.code, defaults=fields)
        if not created and any(getattr(vaccine, k) != v for k, v in fields.items()):
            for key, value in fields.items():
                setattr(vaccine, key, value)
            vaccine.save()
            result.changed += 1
        result.changed += created
        vaccines[info.code] = vaccine
        result.vaccines += 1
    for edition in engine.editions:
        fields = {
            "name": edition.name,
            "effective_from": edition.effective_from,
            "grace_months": _months_only(edition.grace),
            "catch_up_until_months": _months_only(edition.catch_up_until),
            "live_spacing_days": edition.live_spacing_days,
        }
        row, created = ScheduleEdition.objects.get_or_create(code=edition.code, defaults=fields)
        if not created and any(getattr(row, k) != v for k, v in fields.items()):
            for key, value in fields.items():
                setattr(row, key, value)
            row.save()
            result.changed += 1
        result.changed += created
        result.editions += 1
        existing = {(d.vaccine_id, d.dose): d for d in ScheduleDose.objects.filter(edition=row)}
        keep = set()
        for rule in edition.doses:
            vaccine = vaccines[rule.vaccine]
            values = {
                "position": rule.position,
                "min_age_months": rule.age.months,
                "min_age_days": rule.age.days,
                "complete_before_months": _months_only(rule.complete_before),
                "min_interval_months": rule.interval.months if rule.interval else 0,
                "min_interval_days": rule.interval.days if rule.interval else 0,
                "give_before_months": _months_only(rule.give_before),
                "skin_test_from_months": _months_only(rule.skin_test_from),
            }
            keep.add((vaccine.pk, rule.dose))
            dose = existing.get((vaccine.pk, rule.dose))
            if dose is None:
                ScheduleDose.objects.create(edition=row, vaccine=vaccine, dose=rule.dose, **values)
                result.changed += 1
            elif any(getattr(dose, k) != v for k, v in values.items()):
                for key, value in values.items():
                    setattr(dose, key, value)
                dose.save()
                result.changed += 1
            result.doses += 1
        for dose_key, stale in existing.items():
            if dose_key not in keep:
                stale.delete()
                result.changed += 1
    return result


def _span(months: int | None, days: int = 0) -> Span | None:
    return None if months is None else Span(months, days)


def schedule_from_db() -> Schedule:
    """The engine over the tables: two queries."""
    vaccines = [
        VaccineInfo(v.code, v.name, v.series, v.live, v.injectable, v.preferred)
        for v in Vaccine.objects.all()
    ]
    doses: dict[int, list[DoseRule]] = {}
    by_id = {}
    for d in ScheduleDose.objects.select_related("vaccine", "edition").order_by("edition_id", "id"):
        by_id[d.edition_id] = d.edition
        interval = Span(d.min_interval_months, d.min_interval_days)
        doses.setdefault(d.edition_id, []).append(
            DoseRule(
                vaccine=d.vaccine.code,
                dose=d.dose,
                position=d.position,
                age=Span(d.min_age_months, d.min_age_days),
                complete_before=_span(d.complete_before_months),
                interval=interval if interval else None,
                give_before=_span(d.give_before_months),
                skin_test_from=_span(d.skin_test_from_months),
            )
        )
    editions = [
        Edition(
            code=e.code,
            name=e.name,
            effective_from=e.effective_from,
            doses=tuple(doses[e.pk]),
            grace=Span(e.grace_months),
            catch_up_until=Span(e.catch_up_until_months),
            live_spacing_days=e.live_spacing_days,
        )
        for e in by_id.values()
    ]
    if not editions:
        raise ImproperlyConfigured("no immunization schedule in the database: run load_schedule")
    return Schedule(vaccines, editions)
