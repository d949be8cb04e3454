"""The indicators over the API: definitions, and an area's equalization table from the
cache, within the user's scope."""

from __future__ import annotations

import datetime as dt

import pytest

from parity.indicators.compute import refresh
from parity.indicators.models import Indicator

AS_OF = dt.date(2026, 6, 30)
URL = "/api/v1/equalization/"


@pytest.fixture
def computed(catalog, register, areas, owner, admin_user):
    """Two people in the owner's grid (district 150203), one floating with a health
    record, one registered without, and one floating person in another district."""
    from parity.conftest import OTHER_GRID, make_id
    from parity.services.actions import service_record
    from parity.services.models import ServiceType

    long_ago = dt.date(2020, 1, 1)
    floating = register(id_number=make_id("410102", "19800101", 1), arrived_on=long_ago)
    register(id_number=make_id("150203", "19800101", 2), arrived_on=long_ago)
    register(
        id_number=make_id("410102", "19800101", 3),
        arrived_on=long_ago,
        grid=OTHER_GRID,
        by=admin_user,
    )
    record = ServiceType.objects.get(code="health_record")
    from parity.accounts.models import User

    owner = User.objects.get(username="owner")
    service_record(
        acting_user=owner, person=floating, service_type=record, date=dt.date(2021, 1, 1)
    )
    Indicator.objects.create(
        code="health_record", name="健康档案建档率", category="public_health",
        denominator={"service": "health_record"}, numerator={"service": "health_record"},
        in_index=True,
    )  # fmt: skip
    return refresh(as_of=AS_OF)


@pytest.mark.django_db
class TestEqualization:
    def test_it_gives_the_districts_table_and_index(self, api, official, computed):
        client = api(official)
        body = client.get(URL, {"area": "150203"}).json()
        (row,) = body["rows"]
        assert body["as_of"] == "2026-06-30" and body["area"] == "150203"
        assert row["floating"] == {"numerator": 1, "denominator": 1, "rate": "100.00"}
        assert row["registered"] == {"numerator": 0, "denominator": 1, "rate": "0.00"}
        assert row["gap"] == "-100.00" and row["ratio"] is None and body["index"] is None

    def test_it_defaults_to_the_users_own_area(self, api, official, computed):
        client = api(official)
        assert client.get(URL).json()["area"] == "150203"

    def test_another_district_is_not_found_and_an_outsider_is_refused(
        self, api, official, outsider, computed
    ):
        client = api(official)
        assert client.get(URL, {"area": "150204"}).status_code == 404
        assert client.get(URL, {"area": "1502"}).status_code == 404
        outsider.area = None
        outsider.save()
        client = api(outsider)
        assert client.get(URL).status_code == 403

    def test_a_bad_date_is_named(self, api, official, computed):
        client = api(official)
        response = client.get(URL, {"as_of": "30/06/2026"})
        assert response.status_code == 400
        assert response.json()["errors"][0]["field"] == "as_of"

    def test_before_any_computation_there_is_nothing(self, api, official, catalog):
        client = api(official)
        assert client.get(URL).status_code == 404


@pytest.mark.django_db
def test_the_definitions_are_listed(api, official, computed):
    client = api(official)
    body = client.get("/api/v1/indicators/health_record/").json()
    assert body["denominator"] == {"service": "health_record"} and body["in_index"]
