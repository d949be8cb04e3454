import pytest
from django.urls import reverse

from parity.conftest import GRID, make_id
from parity.housing.actions import dwelling_register
from parity.people.actions import household_create

pytestmark = pytest.mark.django_db


def _people(register, n):
    return [register(name=f"人{i}", id_number=make_id(seq=400 + i)) for i in range(n)]


@pytest.mark.parametrize("rows", [1, 30])
def test_person_list_runs_a_fixed_number_of_queries(
    login, register, owner, rows, django_assert_max_num_queries
):
    _people(register, rows)
    client = login(owner)
    with django_assert_max_num_queries(7):
        response = client.get(reverse("web:person_list"))
    assert len(response.context["page"].object_list) == rows


@pytest.mark.parametrize("rows", [1, 30])
def test_dwelling_list_runs_a_fixed_number_of_queries(
    login, owner, areas, rows, django_assert_max_num_queries
):
    for i in range(rows):
        dwelling_register(
            acting_user=owner, address=f"钢铁大街{i}号", grid=areas[GRID], dwelling_type="rented"
        )
    client = login(owner)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("web:dwelling_list"))
    assert len(response.context["page"].object_list) == rows


@pytest.mark.parametrize("rows", [1, 20])
def test_household_list_runs_a_fixed_number_of_queries(
    login, register, owner, rows, django_assert_max_num_queries
):
    for person in _people(register, rows):
        household_create(acting_user=owner, head=person)
    client = login(owner)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("web:household_list"))
    assert len(response.context["page"].object_list) == rows


@pytest.mark.parametrize("rows", [1, 20])
def test_person_page_runs_a_fixed_number_of_queries(
    login, register, owner, rows, django_assert_max_num_queries
):
    people = _people(register, rows)
    household = household_create(acting_user=owner, head=people[0])
    from parity.people.actions import household_add_member

    for person in people[1:]:
        household_add_member(
            acting_user=owner, household=household, person=person, relation="child"
        )
    client = login(owner)
    # The registry's 10, and the public-services card: catalog and rules, entitlements,
    # recent service events, recent visits (see parity/services/tests/test_query_counts.py).
    with django_assert_max_num_queries(14):
        response = client.get(reverse("web:person_detail", args=[people[0].pk]))
    assert len(response.context["members"]) == rows
