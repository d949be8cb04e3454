"""Residence permits: eligibility on the application date, issue, yearly endorsement,
lapse and the restart of the years (DOMAIN.md §3)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from parity.certificates.actions import permit_apply, permit_endorse, permit_issue
from parity.certificates.choices import PermitState
from parity.certificates.error_codes import CertificateError
from parity.certificates.models import ResidencePermit
from parity.certificates.rules import permit_state
from parity.certificates.selectors import permit_eligible_without_permit
from parity.conftest import make_id
from parity.people.actions import employment_record
from parity.people.models import Person
from parity.services.eligibility import DELIVERED, FLAGS
from parity.services.models import ServiceEvent

pytestmark = pytest.mark.django_db

ARRIVED = dt.date(2024, 1, 5)


@pytest.fixture
def worker(register, catalog, owner):
    person = register(
        id_number=make_id(birth="19900101", seq=121),
        name="赵强",
        arrived_on=ARRIVED,
        housing_type="work_site",
    )
    employment_record(
        acting_user=owner, person=person, industry="E", started_on=dt.date(2024, 2, 1)
    )
    return person


def _codes(exc):
    return {field: [e.code for e in errors] for field, errors in exc.error_dict.items()}


def test_five_months_are_refused_naming_the_stay(owner, worker):
    with pytest.raises(ValidationError) as caught:
        permit_apply(
            acting_user=owner, person=worker, basis="employment", applied_on=dt.date(2024, 6, 5)
        )
    assert _codes(caught.value) == {"applied_on": [CertificateError.STAY_TOO_SHORT]}
    message = caught.value.error_dict["applied_on"][0].message
    assert "2024-01-05" in message and "2024-07-05" in message
    assert not ResidencePermit.objects.exists()
    assert not ServiceEvent.objects.exists()


def test_seven_months_and_a_job_are_allowed(owner, worker):
    permit = permit_apply(
        acting_user=owner, person=worker, basis="employment", applied_on=dt.date(2024, 8, 5)
    )
    assert permit.status == "applied"
    assert permit.apply_event.service_type.code == "residence_permit"
    assert permit_state(permit, [], dt.date(2024, 8, 6)).state == PermitState.APPLIED


def test_no_basis_is_refused_naming_what_is_missing(owner, worker):
    with pytest.raises(ValidationError) as caught:
        permit_apply(
            acting_user=owner, person=worker, basis="residence", applied_on=dt.date(2024, 8, 5)
        )
    assert _codes(caught.value) == {"basis": [CertificateError.BASIS_MISSING]}
    assert "住所" in caught.value.error_dict["basis"][0].message
    with pytest.raises(ValidationError) as caught:
        permit_apply(
            acting_user=owner, person=worker, basis="study", applied_on=dt.date(2024, 8, 5)
        )
    assert "学习" in caught.value.error_dict["basis"][0].message


def test_a_job_ended_before_the_application_is_no_basis(owner, register, catalog):
    person = register(id_number=make_id(birth="19900101", seq=123), arrived_on=ARRIVED)
    employment_record(
        acting_user=owner,
        person=person,
        industry="E",
        started_on=dt.date(2024, 2, 1),
        ended_on=dt.date(2024, 5, 1),
    )
    with pytest.raises(ValidationError) as caught:
        permit_apply(
            acting_user=owner, person=person, basis="employment", applied_on=dt.date(2024, 8, 5)
        )
    assert "就业" in caught.value.error_dict["basis"][0].message


def test_registered_residents_do_not_need_a_permit(owner, register, catalog):
    local = register(id_number=make_id("150203", "19900101", 125), arrived_on=ARRIVED)
    with pytest.raises(ValidationError) as caught:
        permit_apply(
            acting_user=owner, person=local, basis="residence", applied_on=dt.date(2024, 8, 5)
        )
    assert _codes(caught.value)["person"] == [CertificateError.NOT_INFLOW]


@pytest.fixture
def issued(owner, worker):
    permit = permit_apply(
        acting_user=owner, person=worker, basis="employment", applied_on=dt.date(2024, 8, 5)
    )
    return permit_issue(
        acting_user=owner, permit=permit, issued_on=dt.date(2024, 8, 20), number="150203202400001"
    )


def _standing(permit, on):
    return permit_state(permit, permit.endorsements.all(), on)


def test_an_issued_permit_is_valid_then_due_in_the_month_before_the_full_year(issued):
    assert _standing(issued, dt.date(2025, 7, 19)).state == PermitState.VALID
    due = _standing(issued, dt.date(2025, 7, 20))
    assert due.state == PermitState.DUE_FOR_ENDORSEMENT
    assert (due.endorse_from, due.valid_until) == (dt.date(2025, 7, 20), dt.date(2025, 8, 19))


def test_an_endorsement_before_the_window_is_refused(owner, issued):
    with pytest.raises(ValidationError) as caught:
        permit_endorse(acting_user=owner, permit=issued, endorsed_on=dt.date(2025, 7, 19))
    assert _codes(caught.value) == {"endorsed_on": [CertificateError.TOO_EARLY]}
    assert "2025-07-20" in caught.value.error_dict["endorsed_on"][0].message


def test_an_endorsement_in_the_window_carries_the_permit_a_year(owner, issued):
    endorsement = permit_endorse(acting_user=owner, permit=issued, endorsed_on=dt.date(2025, 8, 1))
    assert (endorsement.late, endorsement.valid_until) == (False, dt.date(2026, 8, 19))
    standing = _standing(issued, dt.date(2026, 8, 19))
    assert (standing.state, standing.counted_from, standing.years) == (
        PermitState.DUE_FOR_ENDORSEMENT,
        dt.date(2024, 8, 20),
        1,
    )
    assert _standing(issued, dt.date(2026, 8, 20)).state == PermitState.LAPSED


def test_a_missed_endorsement_lapses_the_permit(issued):
    standing = _standing(issued, dt.date(2025, 8, 20))
    assert (standing.state, standing.lapsed_since, standing.years) == (
        PermitState.LAPSED,
        dt.date(2025, 8, 20),
        1,
    )


def test_a_late_endorsement_revives_the_permit_and_restarts_the_years(owner, issued):
    late = permit_endorse(acting_user=owner, permit=issued, endorsed_on=dt.date(2025, 10, 1))
    assert (late.late, late.counted_from, late.valid_until) == (
        True,
        dt.date(2025, 10, 1),
        dt.date(2026, 9, 30),
    )
    standing = _standing(issued, dt.date(2026, 9, 30))
    assert (standing.state, standing.counted_from, standing.years) == (
        PermitState.DUE_FOR_ENDORSEMENT,
        dt.date(2025, 10, 1),
        0,
    )
    assert _standing(issued, dt.date(2026, 9, 1)).endorse_from == dt.date(2026, 9, 1)


def test_permit_valid_agrees_with_the_state_on_every_day(owner, issued):
    permit_endorse(acting_user=owner, permit=issued, endorsed_on=dt.date(2025, 8, 10))
    permit_endorse(acting_user=owner, permit=issued, endorsed_on=dt.date(2026, 10, 1))
    predicate = DELIVERED["permit_valid"]
    day = dt.date(2024, 8, 1)
    while day < dt.date(2027, 11, 1):
        sql = Person.objects.filter(predicate.build(day), pk=issued.person_id).exists()
        assert sql == _standing(issued, day).is_valid, day
        day += dt.timedelta(days=6)


def test_people_eligible_without_a_permit_are_listed_since_they_became_eligible(
    owner, worker, register
):
    assert not permit_eligible_without_permit(dt.date(2024, 7, 4)).exists()
    row = permit_eligible_without_permit(dt.date(2024, 9, 1)).get()
    assert (row.pk, row.since) == (worker.pk, dt.date(2024, 7, 5))
    permit_apply(
        acting_user=owner, person=worker, basis="employment", applied_on=dt.date(2024, 9, 1)
    )
    assert not permit_eligible_without_permit(dt.date(2024, 9, 1)).exists()


def test_eligibility_since_is_the_later_of_six_months_and_the_basis(owner, register, catalog):
    person = register(
        id_number=make_id(birth="19900101", seq=127),
        arrived_on=dt.date(2023, 8, 31),
        housing_type="work_site",
    )
    employment_record(
        acting_user=owner, person=person, industry="C", started_on=dt.date(2024, 5, 6)
    )
    assert permit_eligible_without_permit(dt.date(2024, 6, 1)).get().since == dt.date(2024, 5, 6)
    person2 = register(
        id_number=make_id(birth="19910101", seq=129), arrived_on=dt.date(2023, 8, 31)
    )
    # Rented housing held since arrival: six months from 31 August is 29 February.
    assert permit_eligible_without_permit(dt.date(2024, 6, 1)).get(pk=person2.pk).since == dt.date(
        2024, 2, 29
    )


def test_permit_basis_gives_floating_and_registered_people_with_the_same_facts_the_same_answer(
    owner, register, catalog
):
    floating = register(id_number=make_id("410102", "19900101", 131), housing_type="work_site")
    local = register(id_number=make_id("150203", "19900101", 133), housing_type="work_site")
    predicate = FLAGS["permit_basis"]
    on = dt.date(2024, 9, 1)
    matched = lambda: set(Person.objects.filter(predicate.build(on)).values_list("pk", flat=True))  # noqa: E731
    assert {floating.pk, local.pk} & matched() == set()
    for person in (floating, local):
        employment_record(
            acting_user=owner, person=person, industry="F", started_on=dt.date(2024, 3, 1)
        )
    assert {floating.pk, local.pk} <= matched()
