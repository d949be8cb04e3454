"""List endpoints run a fixed number of queries however many rows they return."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from parity.conftest import make_id
from parity.housing.actions import dwelling_register
from parity.people.actions import employment_record, household_add_member, household_create


@pytest.fixture
def token_client(colleague):
    # Token authentication, as real clients use it, so its queries are counted too.
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=colleague).key}")
    return client


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.fixture
def populate(register, colleague, areas):
    def _populate(start: int, count: int):
        for n in range(start, start + count):
            dwelling = dwelling_register(
                acting_user=colleague,
                address=f"钢铁大街{n}号",
                grid=areas["150203001001001"],
                dwelling_type="rented",
                is_let=True,
                landlord_phone="13812345678",
            )
            head = register(id_number=make_id(seq=2 * n), dwelling=dwelling)
            member = register(id_number=make_id(seq=2 * n + 1), dwelling=dwelling)
            household = household_create(acting_user=colleague, head=head)
            household_add_member(
                acting_user=colleague, household=household, person=member, relation="spouse"
            )
            employment_record(acting_user=colleague, person=head, industry="E")

    return _populate


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/persons/",
        "/api/v1/dwellings/",
        "/api/v1/residences/",
        "/api/v1/households/",
        "/api/v1/employments/",
    ],
)
def test_list_endpoints_do_not_run_a_query_per_row(token_client, populate, url):
    populate(0, 2)
    few = _queries(token_client, url)
    populate(2, 10)
    assert _queries(token_client, url) == few


def test_the_person_list_takes_at_most_four_queries(
    token_client, populate, django_assert_max_num_queries
):
    populate(0, 10)
    # token + user's area + count + page
    with django_assert_max_num_queries(4):
        assert token_client.get("/api/v1/persons/").json()["count"] == 20


def test_the_dwelling_list_takes_at_most_four_queries(
    token_client, populate, django_assert_max_num_queries
):
    populate(0, 10)
    with django_assert_max_num_queries(4):
        results = token_client.get("/api/v1/dwellings/").json()["results"]
    assert len(results) == 10
    assert {d["resident_count"] for d in results} == {2}
