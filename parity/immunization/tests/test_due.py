"""The materialized pending doses: the nightly refresh, the overdue key group and the
"delivered" predicate of the vaccination service."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.management import call_command

from parity.conftest import OTHER_GRID
from parity.immunization.actions import vaccination_record
from parity.immunization.models import DoseDue, Vaccine
from parity.immunization.selectors import children_overdue, doses_due
from parity.people.models import Person
from parity.services.eligibility import delivered_q

D = dt.date
pytestmark = pytest.mark.django_db


def refresh(on: dt.date, **options):
    call_command("refresh_immunization", as_of=on.isoformat(), verbosity=0, **options)


def rows(person):
    return sorted(
        DoseDue.objects.filter(person=person).values_list(
            "vaccine__code", "dose", "due_on", "earliest_on", "overdue_on", "skin_test"
        )
    )


def test_the_command_rebuilds_the_same_rows_as_recording_a_vaccination(owner, child):
    baby = child(D(2024, 1, 10))
    vaccination_record(
        acting_user=owner,
        person=baby,
        vaccine=Vaccine.objects.get(code="HepB"),
        dose=1,
        date=D(2024, 1, 10),
    )
    today = dt.date.today()
    after_record = rows(baby)
    DoseDue.objects.all().delete()
    refresh(today)
    assert rows(baby) == after_record
    assert set(DoseDue.objects.values_list("computed_on", flat=True)) == {today}


def test_the_command_follows_age_rules_as_of_its_date(child):
    kid = child(D(2020, 1, 1))
    refresh(D(2023, 12, 31))
    assert ("BCG", 1) in [(v, d) for v, d, *_ in rows(kid)]
    refresh(D(2024, 1, 1))  # four years old: no more BCG
    assert "BCG" not in [v for v, *_ in rows(kid)]


def test_the_command_skips_adults_and_drops_their_old_rows(child, register):
    teen = child(D(2006, 5, 1))
    refresh(D(2024, 4, 30))
    assert rows(teen)
    refresh(D(2024, 5, 1))
    assert rows(teen) == []


def test_the_command_limited_to_an_area_leaves_other_areas_alone(child, admin_user):
    here = child(D(2023, 1, 1))
    there = child(D(2023, 1, 1), grid=OTHER_GRID, by=admin_user)
    refresh(D(2024, 1, 1))
    there_before = rows(there)
    refresh(D(2024, 6, 1), area="150203")
    assert set(DoseDue.objects.filter(person=here).values_list("computed_on", flat=True)) == {
        D(2024, 6, 1)
    }
    assert rows(there) == there_before
    assert set(DoseDue.objects.filter(person=there).values_list("computed_on", flat=True)) == {
        D(2024, 1, 1)
    }


def test_children_overdue_counts_overdue_doses_and_the_earliest_date(child):
    late = child(D(2024, 1, 1), name="晚晚")
    newborn = child(D(2024, 6, 1), name="新新")
    refresh(D(2024, 6, 10))
    # Any: the annotations (overdue_since, overdue_count) are unknown to the model's type.
    found: dict[str, Any] = {p.name: p for p in children_overdue(D(2024, 6, 10))}
    assert set(found) == {"晚晚"}
    # HepB 1 was due at birth: overdue one month later; BCG by 3 months, IPV 1 a month after
    # 2 months, DTaP 1 a month after 3 months; MPSV-A 1 is only due (6 months).
    assert found["晚晚"].overdue_since == D(2024, 2, 1)
    assert found["晚晚"].overdue_count == 4
    assert newborn.pk not in [p.pk for p in children_overdue(D(2024, 6, 10))]
    assert late.pk in doses_due(D(2024, 6, 10)).values_list("person_id", flat=True)


def test_a_floating_and_a_registered_child_with_the_same_doses_get_the_same_answer(
    owner, child, vaccination_service
):
    floating = child(D(2024, 1, 10), name="流动")
    registered = child(D(2024, 1, 10), name="户籍", address="150203")
    assert (floating.status, registered.status) == ("inflow", "registered")
    for kid in (floating, registered):
        vaccination_record(
            acting_user=owner,
            person=kid,
            vaccine=Vaccine.objects.get(code="HepB"),
            dose=1,
            date=D(2024, 1, 10),
        )
    refresh(D(2024, 1, 20))
    for on in (D(2024, 1, 20), D(2024, 4, 15)):
        delivered = set(
            Person.objects.filter(delivered_q(vaccination_service, on)).values_list("pk", flat=True)
        )
        assert (floating.pk in delivered) == (registered.pk in delivered)
    on_time = Person.objects.filter(delivered_q(vaccination_service, D(2024, 1, 20)))
    assert {floating.pk, registered.pk} <= set(on_time.values_list("pk", flat=True))
    late = Person.objects.filter(delivered_q(vaccination_service, D(2024, 4, 15)))
    assert not {floating.pk, registered.pk} & set(late.values_list("pk", flat=True))
