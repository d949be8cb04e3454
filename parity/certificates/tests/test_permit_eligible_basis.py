"""The residence-permit list reads the basis from one join of people with their jobs and
homes: people without any job must not pass for holding one of unknown start."""

import datetime as dt

import pytest

from parity.certificates.selectors import permit_eligible_without_permit
from parity.conftest import make_id
from parity.people.actions import employment_record
from parity.people.models import Person
from parity.services.eligibility import FLAGS

pytestmark = pytest.mark.django_db

ON = dt.date(2024, 9, 1)


def test_someone_with_no_job_and_no_stable_home_is_not_eligible(register, catalog):
    register(id_number=make_id(birth="19900101", seq=141), housing_type="work_site")
    assert not permit_eligible_without_permit(ON).exists()


def test_a_job_of_unknown_start_is_a_basis_from_six_months_after_arrival(owner, register, catalog):
    person = register(
        id_number=make_id(birth="19900101", seq=143),
        arrived_on=dt.date(2024, 1, 5),
        housing_type="work_site",
    )
    employment_record(acting_user=owner, person=person, industry="E")
    row = permit_eligible_without_permit(ON).get()
    assert (row.pk, row.since) == (person.pk, dt.date(2024, 7, 5))


def test_an_ended_job_and_a_past_home_are_no_basis_but_a_current_one_is(owner, register, catalog):
    person = register(
        id_number=make_id(birth="19900101", seq=145),
        arrived_on=dt.date(2023, 1, 5),
        housing_type="work_site",
    )
    employment_record(
        acting_user=owner,
        person=person,
        industry="E",
        started_on=dt.date(2023, 2, 1),
        ended_on=dt.date(2024, 3, 1),
    )
    assert not permit_eligible_without_permit(ON).exists()
    employment_record(
        acting_user=owner, person=person, industry="C", started_on=dt.date(2024, 8, 1)
    )
    assert permit_eligible_without_permit(ON).get().since == dt.date(2024, 8, 1)


def test_the_list_agrees_with_the_permit_basis_flag_person_by_person(owner, register, catalog):
    housing = ["work_site", "work_site", "rented", "other", "dormitory", "work_site"]
    for seq, kind in enumerate(housing, start=151):
        person = register(id_number=make_id(birth="19900101", seq=seq), housing_type=kind)
        if seq % 2:
            employment_record(
                acting_user=owner, person=person, industry="H", started_on=dt.date(2024, 3, 1)
            )
    listed = set(permit_eligible_without_permit(ON).values_list("pk", flat=True))
    flagged = set(
        Person.objects.filter(FLAGS["permit_basis"].build(ON)).values_list("pk", flat=True)
    )
    assert listed == flagged
    assert 0 < len(listed) < len(housing)


def test_the_page_lists_the_selectors_rows_in_its_order(client, owner, register, catalog):
    """The page pages the narrow rows (id and date) and then reads its people: the same
    people, dates and order as the whole-row query."""
    from django.urls import reverse

    for seq in range(161, 169):
        person = register(
            id_number=make_id(birth="19900101", seq=seq),
            arrived_on=dt.date(2023, 1, 5) + dt.timedelta(days=40 * (seq % 4)),
            housing_type="work_site",
        )
        employment_record(
            acting_user=owner,
            person=person,
            industry="E",
            started_on=dt.date(2023, 3, 1) + dt.timedelta(days=17 * (seq % 5)),
        )
    expected = [(p.pk, p.since) for p in permit_eligible_without_permit(ON)]
    assert len(expected) == 8
    client.force_login(owner)
    url = reverse("certificates:permit_eligible_list")
    page = client.get(url, {"on": ON.isoformat()}).context["page"]
    assert [(p.pk, p.since) for p in page.object_list] == expected
    assert page.paginator.count == 8
