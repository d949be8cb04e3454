"""The report's figures, each checked against a count computed here in Python from the
records one person at a time, and the report following changes to the records."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta

from parity.accounts.choices import HEALTH_SITE_KINDS
from parity.accounts.models import Department
from parity.immunization.actions import vaccination_record
from parity.immunization.models import Vaccine
from parity.people.actions import residence_close
from parity.people.choices import SERVICE_INDUSTRIES
from parity.people.models import Person, stay_class
from parity.reports.figures import figures
from parity.services.models import ServiceEvent

pytestmark = pytest.mark.django_db


def lives_here(p: Person, on: dt.date) -> bool:
    return (
        p.arrived_city_on is not None
        and p.arrived_city_on <= on
        and (p.left_city_on is None or p.left_city_on > on)
    )


def is_floating(p: Person, on: dt.date) -> bool:
    if p.status == "inflow":
        return lives_here(p, on)
    return p.status == "outflow" and (p.outflow_since is None or p.outflow_since <= on)


def expected(on: dt.date, prefix: str = "") -> dict:
    """Every figure recomputed person by person."""
    people = [p for p in Person.objects.all() if p.area_code.startswith(prefix)]
    floating = [p for p in people if is_floating(p, on)]
    inflow = [p for p in floating if p.status == "inflow"]
    before = on - relativedelta(years=10)
    classes = [stay_class(p.arrived_city_on, on).value for p in inflow if p.arrived_city_on]

    def current_jobs(p):
        return [
            e
            for e in p.employments.all()
            if (e.started_on is None or e.started_on <= on)
            and (e.ended_on is None or e.ended_on > on)
        ]

    def rented(p):
        return any(
            r.housing_type == "rented"
            and r.arrived_on <= on
            and (r.departed_on is None or r.departed_on > on)
            for r in p.residences.all()
        )

    employed = [p for p in floating if current_jobs(p)]
    with_record = {
        e.person_id
        for e in ServiceEvent.objects.filter(
            service_type__code="health_record", date__lte=on, outcome__in=["completed", "referred"]
        )
    }
    residents = [p for p in people if p.status != "outflow" and lives_here(p, on)]
    return {
        "floating": len(floating),
        "inflow": len(inflow),
        "outflow": len(floating) - len(inflow),
        "floating_10y": sum(is_floating(p, before) for p in people),
        "married_women": sum(
            p.sex == "F" and p.marital_status == "married" and 15 <= p.age_on(on) <= 49
            for p in floating
        ),
        "origin_provinces": len({p.hukou_code[:2] for p in inflow}),
        "floating_outside_province": sum(not p.hukou_code.startswith("15") for p in floating),
        "stay_under_6m": classes.count("under_6m"),
        "stay_6m_to_5y": classes.count("6m_to_5y"),
        "stay_over_5y": classes.count("over_5y"),
        "rented": sum(rented(p) for p in inflow),
        "employed": len(employed),
        "employed_service": sum(
            any(e.industry in SERVICE_INDUSTRIES for e in current_jobs(p)) for p in employed
        ),
        "health_records": sum(p.pk in with_record for p in residents),
        "health_records_floating": sum(
            p.pk in with_record for p in residents if p.status == "inflow"
        ),
    }


def test_every_population_figure_matches_a_count_made_person_by_person(city, as_of):
    result = figures(as_of=as_of, area="1502")
    want = expected(as_of)
    assert {key: getattr(result, key) for key in want} == want
    # The city was built so that none of them is trivially zero.
    assert all(want[key] for key in want), want


def test_the_figures_take_a_fixed_number_of_queries(
    city, polio, as_of, django_assert_max_num_queries
):
    with django_assert_max_num_queries(24):
        figures(as_of=as_of, area="1502")


def test_the_headline_counts_are_what_the_city_was_built_with(city, as_of):
    result = figures(as_of=as_of, area="1502")
    # Inflow: 5 in 昆都仑区 and 1 in 青山区; outflow: one woman registered in 昆都仑区.
    assert (result.floating, result.inflow, result.outflow) == (7, 6, 1)
    # Ten years ago only the woman from Hohhot (arrived 15 years ago) was here.
    assert result.floating_10y == 1
    assert result.growth == Decimal("7.0")
    # The married women 15–49: the one from Hebei and the one who left; not the one of 56.
    assert result.married_women == 2
    assert result.origin_provinces == 4  # 41, 13, 15, 51
    assert result.floating_outside_province == 5  # all but the Hohhot woman and the outflow
    assert (result.stay_under_6m, result.stay_6m_to_5y, result.stay_over_5y) == (1, 3, 2)
    # 5 of the 7 floating people (the outflow one lives elsewhere) rent here.
    assert result.rented == 5 and result.rented_share == Decimal("71.43")
    assert (result.employed, result.employed_service) == (2, 1)
    assert result.service_share == Decimal("50.00")


def test_key_groups_sites_records_and_staff_come_from_their_own_records(city, as_of):
    result = figures(as_of=as_of, area="1502")
    assert result.pregnant == 1
    # Inflow women 18–49 without a certificate: the one from Hebei; the girl of 14 and the
    # woman of 56 are outside the ages.
    assert result.no_certificate == 1
    assert result.health_sites == Department.objects.filter(kind__in=HEALTH_SITE_KINDS).count()
    assert result.health_sites == 2
    assert (result.health_records, result.health_records_floating) == (3, 2)
    assert result.supervision_assistants == 1


def test_the_use_rate_counts_grids_written_to_in_the_last_30_days(city, as_of):
    result = figures(as_of=as_of, area="1502")
    assert result.grids_used == 2  # the owner's grid and the one in 青山区
    assert result.use_rate is not None and result.use_rate > 0
    later = figures(as_of=as_of + dt.timedelta(days=60), area="1502")
    assert later.grids_used == 0


def test_moving_someone_out_lowers_floating_and_inflow(city, admin_user, as_of):
    before = figures(as_of=as_of, area="1502")
    residence_close(acting_user=admin_user, person=city["worker_sichuan"], departed_on=as_of)
    after = figures(as_of=as_of, area="1502")
    assert (after.floating, after.inflow) == (before.floating - 1, before.inflow - 1)
    assert after.employed == before.employed - 1
    # The day before he left he still counted.
    assert figures(as_of=as_of - dt.timedelta(days=1), area="1502").inflow == before.inflow


def test_recording_more_vaccinations_raises_the_coverage(city, polio, admin_user, as_of):
    start = figures(as_of=as_of, area="1502").campaign
    assert start is not None and (start.targets, start.vaccinated) == (3, 0)
    bopv = Vaccine.objects.get(code="bOPV")
    for n in range(2):
        vaccination_record(
            acting_user=admin_user,
            person=city[f"child{n}"],
            vaccine=bopv,
            date=as_of - dt.timedelta(days=15),
            campaign=polio,
        )
    after = figures(as_of=as_of, area="1502").campaign
    assert after is not None and (after.targets, after.vaccinated) == (3, 2)
    assert after.coverage == Decimal("66.67")
    assert after.rounds == 1 and after.name == "脊灰强化免疫"


def test_a_districts_report_counts_only_that_district(city, polio, as_of):
    kundulun = figures(as_of=as_of, area="150203")
    qingshan = figures(as_of=as_of, area="150204")
    assert {k: getattr(kundulun, k) for k in expected(as_of, "150203")} == expected(as_of, "150203")
    assert (qingshan.floating, qingshan.inflow, qingshan.outflow) == (1, 1, 0)
    assert kundulun.floating + qingshan.floating == figures(as_of=as_of, area="1502").floating
    assert (kundulun.health_sites, qingshan.health_sites) == (1, 1)
    assert qingshan.supervision_assistants == 0 and qingshan.pregnant == 0
    assert qingshan.campaign is None  # the campaign is 昆都仑区's
    assert kundulun.campaign is not None and kundulun.campaign.targets == 3
