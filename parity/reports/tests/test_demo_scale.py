"""The demo city at a small scale reproduces the report's figures, computed by the report
from the records, and the report follows when the records change."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import transaction

from parity.people.actions import residence_close
from parity.people.models import Person
from parity.reports.figures import figures

SCALE = 0.002  # 1,200 floating people
AS_OF = dt.date(2025, 6, 30)
CITY = "1502"


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("demo", scale=SCALE, seed=11, as_of=AS_OF, verbosity=0)
        yield
        transaction.set_rollback(True)


def about(value: int, figure: float, slack: int = 1) -> bool:
    """``value`` is ``figure × SCALE`` within rounding (± ``slack``)."""
    return abs(value - figure * SCALE) <= slack


@pytest.mark.django_db
def test_the_report_regenerates_the_source_report_s_figures_at_a_small_scale(demo):
    f = figures(as_of=AS_OF, area=CITY)
    assert about(f.floating, 600_000) and about(f.inflow, 520_000) and about(f.outflow, 80_000)
    assert f.growth == Decimal("8.00") or abs(f.floating / f.floating_10y - 8) < 0.1
    assert about(f.married_women, 148_000)
    assert f.origin_provinces == 32
    assert f.outside_province_share is not None
    assert abs(f.outside_province_share - Decimal(45)) <= Decimal("0.5")
    shares = [f.stay_under_6m, f.stay_6m_to_5y, f.stay_over_5y]
    assert [round(100 * s / f.living_here) for s in shares] == [30, 47, 23]
    assert f.rented_share is not None
    assert abs(f.rented_share - Decimal(60)) <= Decimal("0.5")
    assert f.service_share is not None
    assert abs(f.service_share - Decimal(70)) <= Decimal("1")
    assert f.campaign is not None
    assert about(f.campaign.targets, 45_349) and about(f.campaign.vaccinated, 44_393)
    assert f.campaign.coverage is not None
    assert abs(f.campaign.coverage - Decimal("97.89")) <= Decimal("0.5")
    assert about(f.health_sites, 697) and about(f.supervision_assistants, 352)
    assert about(f.health_records, 2_020_000, slack=2)
    assert about(f.health_records_floating, 370_000, slack=2)


@pytest.mark.django_db
def test_the_report_follows_people_moving_out(demo, admin_user):
    before = figures(as_of=AS_OF, area=CITY)
    leaving = Person.objects.filter(status="inflow", left_city_on__isnull=True).order_by("pk")[:10]
    for person in leaving:
        residence_close(acting_user=admin_user, person=person, departed_on=AS_OF)
    after = figures(as_of=AS_OF, area=CITY)
    assert (after.inflow, after.floating) == (before.inflow - 10, before.floating - 10)
