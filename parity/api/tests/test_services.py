import datetime as dt

import pytest

from parity.accounts.models import Department
from parity.api.tests.conftest import error_codes
from parity.conftest import GRID, make_id
from parity.services import actions
from parity.services.models import EligibilityRule, ServiceEvent, ServiceType, Visit

pytestmark = pytest.mark.django_db

SCHEMA = [
    {
        "name": "condition",
        "label": "病种",
        "type": "choice",
        "choices": ["高血压"],
        "required": True,
    }
]


@pytest.fixture
def catalog(db):
    record = ServiceType.objects.create(
        code="health_record",
        name="居民健康档案",
        name_en="Health record",
        category="health",
        department_kind="health_centre",
    )
    EligibilityRule.objects.create(
        service_type=record, effective_from=dt.date(2009, 1, 1), rule={"min_stay_months": 6}
    )
    followup = ServiceType.objects.create(
        code="chronic_followup",
        name="慢病随访",
        name_en="Follow-up",
        category="health",
        department_kind="health_centre",
        details_schema=SCHEMA,
    )
    EligibilityRule.objects.create(
        service_type=followup, effective_from=dt.date(2009, 1, 1), rule={"age_min": 65}
    )
    return {"record": record, "followup": followup}


@pytest.fixture
def person(register, catalog, settings):
    settings.PARITY_VISIT_INTERVAL_DAYS = 90
    return register(name="钱七", id_number=make_id(seq=41), arrived_on=dt.date(2024, 1, 1))


def test_service_types_are_listed_with_rules_in_words(api, owner, catalog):
    response = api(owner).get("/api/v1/service-types/")
    assert response.status_code == 200
    record = next(s for s in response.json() if s["code"] == "health_record")
    assert record["rules"][0]["text"] == "在本市居住满6个月"
    assert api(owner).get("/api/v1/service-types/chronic_followup/").json()["details_schema"]


def test_a_service_event_is_created_through_the_action_and_listed(api, owner, person, catalog):
    client = api(owner)
    response = client.post(
        "/api/v1/service-events/",
        {
            "person": person.pk,
            "service_type": "chronic_followup",
            "date": "2025-05-01",
            "details": {"condition": "高血压"},
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["details"] == {"condition": "高血压"}
    assert response.json()["person"]["id_masked"] == person.id_masked
    listed = client.get(
        "/api/v1/service-events/", {"person": person.pk, "type": "chronic_followup"}
    )
    assert listed.json()["count"] == 1
    assert client.get("/api/v1/service-events/", {"date_from": "2025-06-01"}).json()["count"] == 0


def test_bad_details_come_back_in_the_house_error_format(api, owner, person, catalog):
    response = api(owner).post(
        "/api/v1/service-events/",
        {"person": person.pk, "service_type": "chronic_followup", "date": "2025-05-01"},
        format="json",
    )
    assert response.status_code == 400
    assert ("details", "invalid") in error_codes(response)
    assert not ServiceEvent.objects.exists()


def test_a_provider_in_another_district_is_refused(api, owner, person, catalog, areas):
    other = Department.objects.create(name="青山中心", kind="health_centre", area=areas["150204"])
    response = api(owner).post(
        "/api/v1/service-events/",
        {
            "person": person.pk,
            "service_type": "health_record",
            "date": "2025-05-01",
            "provider": other.pk,
        },
        format="json",
    )
    assert response.status_code == 400
    assert error_codes(response)[0][0] == "provider"


def test_an_outsider_sees_nothing_and_cannot_record(api, outsider, owner, person, catalog):
    actions.visit_record(
        acting_user=owner, person=person, visited_on=dt.date(2025, 1, 1), outcome="met"
    )
    client = api(outsider)
    assert client.get("/api/v1/visits/").json()["count"] == 0
    assert client.get("/api/v1/service-events/").json()["count"] == 0
    created = client.post(
        "/api/v1/visits/", {"person": person.pk, "visited_on": "2025-05-01", "outcome": "met"}
    )
    assert created.status_code == 400
    assert error_codes(created) == [("person", "does_not_exist")]
    assert client.get("/api/v1/entitlements/", {"person": person.pk}).status_code == 404
    assert client.get("/api/v1/worklist/", {"area": GRID}).status_code == 404
    assert client.get("/api/v1/coverage/", {"area": GRID}).status_code == 404
    members = client.get("/api/v1/key-groups/no_health_record/members/")
    assert members.json()["count"] == 0


def test_an_official_may_read_but_not_record_a_visit(api, official, person):
    client = api(official)
    response = client.post(
        "/api/v1/visits/", {"person": person.pk, "visited_on": "2025-05-01", "outcome": "met"}
    )
    assert response.status_code == 403
    assert error_codes(response) == [(None, "permission")]
    assert not Visit.objects.exists()


def test_visits_are_recorded_and_listed(api, owner, person):
    client = api(owner)
    response = client.post(
        "/api/v1/visits/", {"person": person.pk, "visited_on": "2025-05-01", "outcome": "not_home"}
    )
    assert response.status_code == 201
    assert response.json()["visitor"] == "owner"
    assert client.get("/api/v1/visits/", {"person": person.pk}).json()["count"] == 1


def test_entitlements_say_eligible_delivered_and_missing(api, owner, person, catalog):
    rows = api(owner).get("/api/v1/entitlements/", {"person": person.pk, "on": "2026-01-01"}).json()
    by_code = {r["service"]["code"]: r for r in rows}
    assert by_code["health_record"] == {
        "service": {"code": "health_record", "name": "居民健康档案"},
        "eligible": True,
        "delivered": False,
        "missing": True,
    }
    assert by_code["chronic_followup"]["eligible"] is False
    bad = api(owner).get("/api/v1/entitlements/", {"person": person.pk, "on": "soon"})
    assert bad.status_code == 400


def test_the_work_list_of_an_area_wider_than_a_community_is_refused(api, official, person):
    # The official's district: too long to work through, and minutes to build at scale.
    response = api(official).get("/api/v1/worklist/")
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert (error["field"], error["code"]) == ("area", "area_too_wide")
    assert "社区或网格" in error["message"]
    assert api(official).get("/api/v1/worklist/", {"area": GRID}).status_code == 200


def test_the_work_list_groups_items_per_person(api, owner, person):
    response = api(owner).get("/api/v1/worklist/", {"on": "2026-01-01"})
    assert response.status_code == 200
    row = response.json()["results"][0]
    assert row["person_id"] == person.pk
    codes = [i["group"] for i in row["items"] if i["group"] in ("no_health_record", "not_visited")]
    assert codes == ["no_health_record", "not_visited"]
    assert row["items"][0]["since"] == "2024-07-01"  # six months after arrival
    assert row["items"][0]["days_waiting"] == (dt.date(2026, 1, 1) - dt.date(2024, 7, 1)).days


def test_key_groups_have_counts_and_members(api, colleague, person):
    client = api(colleague)
    groups = {g["code"]: g for g in client.get("/api/v1/key-groups/").json()}
    assert groups["no_health_record"]["count"] == 1
    members = client.get("/api/v1/key-groups/no_health_record/members/").json()
    assert members["results"][0]["id_masked"] == person.id_masked
    assert members["results"][0]["since"] == "2024-07-01"
    assert client.get("/api/v1/key-groups/nope/members/").status_code == 404


def test_coverage_puts_floating_and_registered_side_by_side(
    api, official, owner, person, catalog, refresh_coverage
):
    actions.service_record(
        acting_user=owner, person=person, service_type=catalog["record"], date=dt.date(2025, 1, 1)
    )
    assert api(official).get("/api/v1/coverage/", {"on": "2026-01-01"}).json() == []
    refresh_coverage(dt.date(2025, 12, 31))
    rows = api(official).get("/api/v1/coverage/", {"on": "2026-01-01"}).json()
    assert {r["as_of"] for r in rows} == {"2025-12-31"}  # the newest computation before
    record = next(r for r in rows if r["service"]["code"] == "health_record")
    assert record["floating"] == {"eligible": 1, "delivered": 1, "rate": 100.0}
    assert record["registered"]["rate"] is None and record["gap"] is None


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/service-events/",
        "/api/v1/visits/",
        "/api/v1/worklist/",
        "/api/v1/key-groups/no_health_record/members/",
        "/api/v1/coverage/",
    ],
)
def test_list_endpoints_do_not_run_a_query_per_row(api, owner, register, catalog, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def populate(start, count):
        for n in range(start, start + count):
            p = register(id_number=make_id(seq=300 + n), arrived_on=dt.date(2024, 1, 1))
            actions.visit_record(
                acting_user=owner, person=p, visited_on=dt.date(2024, 2, 1), outcome="met"
            )
            actions.service_record(
                acting_user=owner,
                person=p,
                service_type=catalog["followup"],
                date=dt.date(2024, 2, 1),
                details={"condition": "高血压"},
            )

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert api(owner).get(url).status_code == 200
        return len(ctx.captured_queries)

    populate(0, 2)
    few = queries()
    populate(2, 8)
    assert queries() == few
