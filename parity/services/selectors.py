"""Reads for public services: who is entitled to what on a date, and what is missing.

Everything is computed in SQL from the same rules (``eligibility.rule_q``) for one person
and for a whole area, and floating and registered people are counted side by side.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.db.models import (
    BooleanField,
    CharField,
    Count,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
)

from parity.core.pagination import bounded_count
from parity.indicators.models import Indicator, IndicatorValue, Snapshot
from parity.indicators.selectors import latest_snapshot
from parity.people.choices import FLOATING, Status
from parity.people.models import Employment, Person
from parity.services.eligibility import delivered_q, rule_q
from parity.services.keygroups import KEY_GROUPS, members
from parity.services.models import EligibilityRule, ServiceEvent, ServiceType


def with_rules(services: QuerySet[ServiceType]) -> QuerySet[ServiceType]:
    """Service types with their rules in date order, where ``rule_on`` finds them: two
    queries however many types."""
    rules = EligibilityRule.objects.order_by("effective_from")
    return services.prefetch_related(Prefetch("rules", queryset=rules, to_attr="_prefetched_rules"))


def services_in_force(on: dt.date) -> list[tuple[ServiceType, dict]]:
    """Active service types with the rule in force on the date (those without are skipped)."""
    result = []
    for service in with_rules(ServiceType.objects.active()):
        rule = service.rule_on(on)
        if rule is not None:
            result.append((service, rule.rule))
    return result


@dataclass(frozen=True)
class Entitlement:
    service: ServiceType
    eligible: bool
    delivered: bool

    @property
    def missing(self) -> bool:
        return self.eligible and not self.delivered and not self.service.on_demand


def person_entitlements(person: Person, on: dt.date) -> list[Entitlement]:
    """Every service in force on the date: is the person eligible, was it delivered?"""
    services = services_in_force(on)
    if not services:
        return []
    annotations = {}
    for i, (service, rule) in enumerate(services):
        annotations[f"e{i}"] = ExpressionWrapper(rule_q(rule, on), output_field=BooleanField())
        annotations[f"d{i}"] = ExpressionWrapper(
            delivered_q(service, on), output_field=BooleanField()
        )
    row = Person.objects.filter(pk=person.pk).annotate(**annotations).values(*annotations).get()
    return [
        Entitlement(service, bool(row[f"e{i}"]), bool(row[f"d{i}"]))
        for i, (service, _rule) in enumerate(services)
    ]


@dataclass(frozen=True)
class CoverageRow:
    service: ServiceType
    floating_eligible: int
    floating_delivered: int
    registered_eligible: int
    registered_delivered: int

    @staticmethod
    def _rate(done: int, total: int) -> float | None:
        return round(100 * done / total, 2) if total else None

    @property
    def floating_rate(self) -> float | None:
        return self._rate(self.floating_delivered, self.floating_eligible)

    @property
    def registered_rate(self) -> float | None:
        return self._rate(self.registered_delivered, self.registered_eligible)

    @property
    def gap(self) -> float | None:
        """Percentage points by which floating people trail registered ones."""
        if self.floating_rate is None or self.registered_rate is None:
            return None
        return round(self.registered_rate - self.floating_rate, 2)


def area_coverage(people: QuerySet[Person], on: dt.date) -> list[CoverageRow]:
    """For each service in force: eligible and delivered, floating and registered, in one
    aggregate query over ``people`` (already restricted to the user's area)."""
    services = services_in_force(on)
    if not services:
        return []
    floating, registered = Q(status__in=FLOATING), Q(status=Status.REGISTERED)
    aggregates = {}
    for i, (service, rule) in enumerate(services):
        eligible = rule_q(rule, on)
        delivered = eligible & delivered_q(service, on)
        aggregates[f"fe{i}"] = Count("pk", filter=eligible & floating)
        aggregates[f"fd{i}"] = Count("pk", filter=delivered & floating)
        aggregates[f"re{i}"] = Count("pk", filter=eligible & registered)
        aggregates[f"rd{i}"] = Count("pk", filter=delivered & registered)
    totals = people.order_by().aggregate(**aggregates)
    return [
        CoverageRow(service, totals[f"fe{i}"], totals[f"fd{i}"], totals[f"re{i}"], totals[f"rd{i}"])
        for i, (service, _rule) in enumerate(services)
    ]


def service_indicators() -> dict[str, Indicator]:
    """The active indicator of each catalog service's coverage, by service code: the one
    whose denominator and numerator are both ``{"service": code}`` (eligible by the rule
    in force; delivered), as ``indicators.catalog`` defines one for every service."""
    found: dict[str, Indicator] = {}
    for indicator in Indicator.objects.active().order_by("sort_order", "pk"):
        den, num = indicator.denominator, indicator.numerator
        if set(den) == {"service"} and den == num:
            found.setdefault(den["service"], indicator)
    return found


def coverage_snapshot(on: dt.date) -> Snapshot | None:
    """The computation the coverage figures of a date are read from: the newest finished
    one on or before it (the nightly refresh keeps one a day)."""
    return latest_snapshot(on_or_before=on)


def snapshot_coverage(snapshot: Snapshot, area_code: str) -> list[CoverageRow]:
    """``area_coverage`` of an area node read from a computed snapshot: each service in
    force on the snapshot's date with an active coverage indicator (the figures the
    dashboard shows for the same node and date). One query for the values, whatever the
    size of the area."""
    indicators = service_indicators()
    services = [s for s, _rule in services_in_force(snapshot.as_of) if s.code in indicators]
    values = {
        v.indicator_id: v
        for v in IndicatorValue.objects.filter(
            snapshot=snapshot,
            area_code=area_code,
            dimension="",
            category="",
            indicator__in=[indicators[s.code] for s in services],
        )
    }
    rows = []
    for service in services:
        value = values.get(indicators[service.code].pk)
        counts = (
            (value.floating_den, value.floating_num, value.registered_den, value.registered_num)
            if value is not None
            else (0, 0, 0, 0)  # no one counted in the node: the refresh writes no row
        )
        rows.append(CoverageRow(service, *counts))
    return rows


def eligible_people(service: ServiceType, on: dt.date, people: QuerySet[Person]):
    rule = service.rule_on(on)
    if rule is None:
        return people.none()
    return people.filter(rule_q(rule.rule, on))


def missing_people(service: ServiceType, on: dt.date, people: QuerySet[Person]):
    """Eligible on the date and not delivered: the people a figure's gap is made of."""
    return eligible_people(service, on, people).exclude(delivered_q(service, on))


def group_counts(on: dt.date, *, area_code: str) -> dict[str, int | None]:
    """How many people each key group holds in the area, by code: None for a group that
    PostgreSQL could not count within its share of the page's budget (a district's or
    the city's larger groups), which the page shows as "not counted" rather than wait."""
    budget = settings.PARITY_LIST_COUNT_BUDGET_MS
    bounded = connection.vendor == "postgresql" and not connection.in_atomic_block
    if budget <= 0 or not bounded:  # every count exact, as ``bounded_count`` would
        return {name: members(name, on, area_code=area_code).count() for name in KEY_GROUPS}
    # The groups share one budget (a third of it at most for any one group), so the page
    # waits for its counts no longer than a list waits for its total.
    deadline = time.monotonic() + budget / 1000
    counts: dict[str, int | None] = {}
    for name in KEY_GROUPS:
        left_ms = int((deadline - time.monotonic()) * 1000)
        if left_ms < 1:
            counts[name] = None
            continue
        share = max(1, min(budget // 3, left_ms))
        counts[name] = bounded_count(members(name, on, area_code=area_code), share)
    return counts


def group_members(code: str, on: dt.date, *, area_code: str) -> QuerySet[Person]:
    """A key group's members managed in ``area_code`` (checked against the user's scope by
    the caller) with ``since`` and ``detail`` (what is due, or blank); ``grid`` is joined
    for display."""
    found = members(code, on, area_code=area_code)
    if "detail" not in found.query.annotations:
        found = found.annotate(detail=Value("", output_field=CharField()))
    return found.select_related("grid")


def employed_q(on: dt.date) -> Q:
    """People with a job on the date (the ``employed`` eligibility flag)."""
    jobs = Employment.objects.filter(person=OuterRef("pk")).filter(
        Q(started_on__isnull=True) | Q(started_on__lte=on),
        Q(ended_on__isnull=True) | Q(ended_on__gt=on),
    )
    return Q(Exists(jobs))


def chronic_patient_q(on: dt.date) -> Q:
    """Registered hypertension or diabetes patients on the date (the ``chronic_patient`` flag)."""
    # A patient is registered by the first follow-up: the services records are the register.
    return Q(
        Exists(
            ServiceEvent.objects.filter(
                person=OuterRef("pk"), service_type__code="chronic_followup", date__lte=on
            )
        )
    )
