"""Certificate and permit endpoints: restricted lists, actions, states, error shape."""

import datetime as dt

import pytest
from rest_framework.test import APIClient

from parity.certificates.actions import certificate_record
from parity.conftest import make_id

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_recording_and_checking_a_certificate(owner, woman):
    client = api(owner)
    response = client.post(
        "/api/v1/marriage-certificates/",
        {"person": woman.pk, "region_code": "410102", "number": "A1", "issued_on": "2023-12-01"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    response = client.post(
        f"/api/v1/marriage-certificates/{pk}/check/", {"checked_on": "2024-03-01"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["checked_late"] is True


def test_applying_issuing_and_endorsing_a_permit(owner, woman):
    client = api(owner)
    response = client.post(
        "/api/v1/residence-permits/",
        {"person": woman.pk, "basis": "residence", "applied_on": "2024-08-01"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    response = client.post(
        f"/api/v1/residence-permits/{pk}/issue/",
        {"issued_on": "2024-08-10", "number": "P1"},
        format="json",
    )
    assert response.json()["status"] == "issued"
    too_early = client.post(
        f"/api/v1/residence-permits/{pk}/endorse/", {"endorsed_on": "2025-06-01"}, format="json"
    )
    assert too_early.status_code == 400
    assert too_early.json()["errors"][0] == {
        "field": "endorsed_on",
        "code": "too_early",
        "message": too_early.json()["errors"][0]["message"],
    }
    response = client.post(
        f"/api/v1/residence-permits/{pk}/endorse/?on=2025-09-01",
        {"endorsed_on": "2025-10-01"},
        format="json",
    )
    assert response.status_code == 201
    standing = response.json()["standing"]
    assert (standing["state"], standing["counted_from"]) == ("lapsed", "2024-08-10")
    standing = client.get(f"/api/v1/residence-permits/{pk}/?on=2025-10-02").json()["standing"]
    assert (standing["state"], standing["counted_from"]) == ("valid", "2025-10-01")


def test_a_refused_application_names_the_missing_stay(owner, woman):
    response = api(owner).post(
        "/api/v1/residence-permits/",
        {"person": woman.pk, "basis": "residence", "applied_on": "2024-05-01"},
        format="json",
    )
    assert response.status_code == 400
    assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [
        ("applied_on", "stay_too_short")
    ]


def test_the_outsider_sees_no_certificates_or_permits(outsider, owner, woman):
    certificate_record(
        acting_user=owner,
        person=woman,
        region_code="410102",
        number="A",
        issued_on=dt.date(2023, 1, 1),
    )
    client = api(outsider)
    assert client.get("/api/v1/marriage-certificates/").json()["count"] == 0
    assert client.get("/api/v1/residence-permits/").json()["count"] == 0


@pytest.mark.parametrize("rows", [1, 20])
def test_the_certificate_list_runs_a_fixed_number_of_queries(
    owner, register, catalog, rows, django_assert_max_num_queries
):
    for i in range(rows):
        woman = register(id_number=make_id(birth="19920615", seq=300 + 2 * i))
        certificate_record(
            acting_user=owner,
            person=woman,
            region_code="410102",
            number=f"N{i}",
            issued_on=dt.date(2023, 1, 1),
        )
    with django_assert_max_num_queries(5):
        response = api(owner).get("/api/v1/marriage-certificates/")
    assert response.json()["count"] == rows
