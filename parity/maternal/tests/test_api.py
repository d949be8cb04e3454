"""The pregnancy and child-check endpoints: restricted lists, actions, the error shape."""

import datetime as dt

import pytest
from rest_framework.test import APIClient

from parity.conftest import make_id
from parity.maternal.actions import pregnancy_register
from parity.maternal.models import Pregnancy

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def pregnancy(owner, woman):
    return pregnancy_register(
        acting_user=owner, person=woman, lmp=dt.date(2025, 1, 6), registered_on=dt.date(2025, 3, 1)
    )


def test_registering_recording_and_delivering_through_the_api(owner, woman):
    client = api(owner)
    response = client.post(
        "/api/v1/pregnancies/",
        {"person": woman.pk, "lmp": "2025-01-06", "registered_on": "2025-03-01"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["expected_delivery_on"] == "2025-10-13"
    pk = body["id"]
    response = client.post(
        f"/api/v1/pregnancies/{pk}/visits/", {"date": "2025-03-01"}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["visits"][0]["point"] == "first"
    response = client.post(
        f"/api/v1/pregnancies/{pk}/deliver/?on=2025-10-20",
        {"delivered_on": "2025-10-10", "place": "hospital", "outcome": "live_birth"},
        format="json",
    )
    assert response.status_code == 200
    schedule = {i["point"]: i["state"] for i in response.json()["schedule"]}
    assert schedule["home_visit"] == "overdue"


def test_validation_errors_come_in_the_one_error_shape(owner, woman):
    response = api(owner).post(
        "/api/v1/pregnancies/", {"person": woman.pk, "lmp": "2099-01-01"}, format="json"
    )
    assert response.status_code == 400
    assert {"field": "lmp", "code": "date_in_future"} in [
        {k: e[k] for k in ("field", "code")} for e in response.json()["errors"]
    ]
    assert not Pregnancy.objects.exists()


def test_the_outsider_sees_no_pregnancies_and_cannot_record(outsider, pregnancy, woman):
    client = api(outsider)
    assert client.get("/api/v1/pregnancies/").json()["count"] == 0
    response = client.post(
        f"/api/v1/pregnancies/{pregnancy.pk}/visits/", {"date": "2025-03-01"}, format="json"
    )
    assert response.status_code == 404
    response = client.post(
        "/api/v1/child-checks/", {"child": woman.pk, "date": "2025-03-01"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "child"


def test_the_overdue_filter_uses_the_sql_rule(owner, pregnancy):
    client = api(owner)
    assert client.get("/api/v1/pregnancies/?overdue_on=2025-04-01").json()["count"] == 0
    assert client.get("/api/v1/pregnancies/?overdue_on=2025-04-14").json()["count"] == 1


def test_recording_a_child_check(owner, register, catalog):
    child = register(id_number=make_id(birth="20240110", seq=51), arrived_on=dt.date(2024, 1, 10))
    response = api(owner).post(
        "/api/v1/child-checks/", {"child": child.pk, "date": "2024-04-10"}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["point"] == "m3"


@pytest.mark.parametrize("rows", [1, 20])
def test_the_pregnancy_list_runs_a_fixed_number_of_queries(
    owner, register, catalog, rows, django_assert_max_num_queries
):
    for i in range(rows):
        woman = register(id_number=make_id(birth="19920615", seq=300 + 2 * i))
        pregnancy_register(
            acting_user=owner,
            person=woman,
            lmp=dt.date(2025, 1, 6),
            registered_on=dt.date(2025, 3, 1),
        )
    client = api(owner)
    with django_assert_max_num_queries(6):
        response = client.get("/api/v1/pregnancies/")
    assert response.json()["count"] == rows
