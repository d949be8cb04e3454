"""The demo population: deterministic, idempotent, shaped like the report's city."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from parity.areas.origins import lookup
from parity.core.models import AuditEvent
from parity.housing.models import Dwelling
from parity.people.choices import SERVICE_INDUSTRIES, HousingType, Status
from parity.people.demo import INNER_MONGOLIA, OTHER_PROVINCES, demo_population_seed
from parity.people.models import Employment, Household, HouseholdMember, Person, Residence


@pytest.fixture
def demo(areas):
    return demo_population_seed(acting_user=None, people=600, seed=7)


def test_it_creates_the_number_of_people_asked_for(demo):
    assert (demo.people, demo.created, demo.errors) == (600, 600, [])
    assert Person.objects.count() == 600


def test_running_it_again_adds_nothing(demo):
    counts = [
        m.objects.count()
        for m in (Person, Residence, Employment, Household, HouseholdMember, Dwelling, AuditEvent)
    ]

    again = demo_population_seed(acting_user=None, people=600, seed=7)

    assert (again.created, again.updated, again.unchanged) == (0, 0, 600)
    assert (again.dwellings_created, again.households_created) == (0, 0)
    assert counts == [
        m.objects.count()
        for m in (Person, Residence, Employment, Household, HouseholdMember, Dwelling, AuditEvent)
    ]


def test_the_population_is_shaped_like_the_report(demo):
    statuses = {s: Person.objects.filter(status=s).count() for s in Status}
    assert statuses[Status.INFLOW] > statuses[Status.REGISTERED] > statuses[Status.OUTFLOW] > 0
    floating = Person.objects.floating_status()
    outside = floating.exclude(hukou_code__startswith="15").count() / floating.count()
    assert 0.35 < outside < 0.55
    here = Residence.objects.open().filter(person__status=Status.INFLOW)
    rented = here.filter(housing_type=HousingType.RENTED).count() / here.count()
    assert 0.5 < rented < 0.7
    jobs = Employment.objects.filter(person__status__in=[Status.INFLOW, Status.OUTFLOW])
    service = jobs.filter(industry__in=SERVICE_INDUSTRIES).count() / jobs.count()
    assert 0.6 < service < 0.8
    assert not Person.objects.registered().exclude(hukou_code__startswith="1502").exists()


def test_families_live_together_in_one_dwelling(demo):
    household = Household.objects.filter(members__relation="spouse").first()
    people = [m.person for m in household.members.select_related("person")]
    dwellings = {p.open_residence().dwelling_id for p in people if p.open_residence()}
    assert len(people) >= 2 and len(dwellings) == 1
    assert Dwelling.objects.filter(is_let=True).exclude(landlord_name="").exists()


def test_origin_codes_are_real_counties():
    assert all(lookup(code).known for code in [*INNER_MONGOLIA, *OTHER_PROVINCES])


def test_the_command_reports_what_it_did(areas, capsys):
    call_command("seed_demo", "--people", "50", "--seed", "3", verbosity=0)

    assert "50 new" in capsys.readouterr().out


def test_each_person_carries_their_current_stay_in_the_city(demo):
    for person in Person.objects.prefetch_related("residences"):
        (residence,) = person.residences.all() or (None,)
        if person.status == Status.OUTFLOW:
            assert residence is None
            assert person.outflow_since is not None
            assert (person.arrived_city_on, person.left_city_on) == (None, person.outflow_since)
        else:
            assert residence.departed_on is None
            assert (person.arrived_city_on, person.left_city_on) == (residence.arrived_on, None)
