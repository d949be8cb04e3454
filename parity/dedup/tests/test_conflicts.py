"""The conflict rules of a merge: the same dose twice, two pregnancies with one LMP, two
open pregnancies, and that an unmerge brings back what a rule removed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from parity.dedup import actions
from parity.dedup.error_codes import DedupError
from parity.immunization.models import VaccinationRecord, Vaccine
from parity.maternal.models import AntenatalVisit, Pregnancy
from parity.services.models import ServiceEvent


@pytest.fixture
def vaccine(db):
    vaccine, _created = Vaccine.objects.get_or_create(
        code="HepB", defaults={"name": "乙肝疫苗", "series": "HepB"}
    )
    return vaccine


def _dose(person, vaccine, service_type, day: dt.date) -> VaccinationRecord:
    event = ServiceEvent.objects.create(
        person=person, service_type=service_type, date=day, area_code=person.area_code
    )
    return VaccinationRecord.objects.create(
        person=person, vaccine=vaccine, dose=1, date=day, event=event, area_code=person.area_code
    )


def test_the_same_dose_twice_keeps_the_earlier_one(twins, pair, colleague, vaccine, service_type):
    first, second = twins
    later = _dose(first, vaccine, service_type, dt.date(2024, 3, 9))
    earlier = _dose(second, vaccine, service_type, dt.date(2024, 3, 2))
    merge = actions.pair_merge(acting_user=colleague, pair=pair, survivor_id=first.pk)
    kept = VaccinationRecord.objects.get(person=first)
    assert kept.pk == earlier.pk
    assert not ServiceEvent.objects.filter(pk=later.event_id).exists()  # not counted twice
    actions.pair_unmerge(acting_user=colleague, merge=merge)
    assert VaccinationRecord.objects.get(pk=later.pk).person_id == first.pk
    assert VaccinationRecord.objects.get(pk=earlier.pk).person_id == second.pk
    assert ServiceEvent.objects.filter(pk=later.event_id).exists()


def _pregnancy(person, lmp: dt.date, registered_on: dt.date, **extra) -> Pregnancy:
    return Pregnancy.objects.create(
        person=person, lmp=lmp, registered_on=registered_on, area_code=person.area_code, **extra
    )


def test_two_pregnancies_with_one_lmp_become_one_with_both_visits(
    twins, pair, colleague, service_type
):
    first, second = twins
    lmp = dt.date(2024, 1, 15)
    ours = _pregnancy(first, lmp, dt.date(2024, 3, 1))
    theirs = _pregnancy(second, lmp, dt.date(2024, 3, 20))
    AntenatalVisit.objects.create(
        pregnancy=theirs,
        date=dt.date(2024, 4, 1),
        gestational_week=11,
        area_code=second.area_code,
        event=ServiceEvent.objects.create(
            person=second,
            service_type=service_type,
            date=dt.date(2024, 4, 1),
            area_code=second.area_code,
        ),
    )
    merge = actions.pair_merge(acting_user=colleague, pair=pair, survivor_id=first.pk)
    assert list(Pregnancy.objects.filter(person=first)) == [ours]
    assert AntenatalVisit.objects.get().pregnancy_id == ours.pk
    actions.pair_unmerge(acting_user=colleague, merge=merge)
    assert Pregnancy.objects.get(pk=theirs.pk).person_id == second.pk
    assert AntenatalVisit.objects.get().pregnancy_id == theirs.pk


def test_two_open_pregnancies_with_different_lmps_are_refused(twins, pair, colleague):
    first, second = twins
    _pregnancy(first, dt.date(2024, 1, 15), dt.date(2024, 3, 1))
    _pregnancy(second, dt.date(2023, 6, 1), dt.date(2023, 8, 1))
    with pytest.raises(ValidationError) as exc:
        actions.pair_merge(acting_user=colleague, pair=pair, survivor_id=first.pk)
    assert exc.value.code == DedupError.OPEN_PREGNANCIES
    assert Pregnancy.objects.filter(person=second).count() == 1
