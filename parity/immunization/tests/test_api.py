"""The immunization API: record through the action with the one error format, a child's
schedule, campaigns and coverage, overdue children; outsiders see nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from parity.accounts.choices import DepartmentKind
from parity.accounts.models import Department
from parity.immunization.actions import campaign_create, campaign_draw_targets
from parity.immunization.models import VaccinationRecord, Vaccine

D = dt.date
pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def error_codes(response) -> list[tuple[str | None, str]]:
    return [(e["field"], e["code"]) for e in response.json()["errors"]]


def test_a_vaccination_is_recorded_through_the_api(owner, child, site):
    baby = child(D(2024, 1, 10))
    response = api(owner).post(
        "/api/v1/vaccinations/",
        {"person": baby.pk, "vaccine": "HepB", "dose": 1, "date": "2024-01-10", "site": site.pk},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["vaccine"], body["dose"], body["site_name"]) == ("HepB", 1, site.name)
    listed = api(owner).get(f"/api/v1/vaccinations/?person={baby.pk}").json()
    assert listed["count"] == 1


def test_a_vaccination_at_a_site_outside_the_users_area_is_a_400_naming_the_site(
    owner, child, areas
):
    elsewhere = Department.objects.create(
        name="青山区卫生服务中心", kind=DepartmentKind.HEALTH_CENTRE, area=areas["150204001"]
    )
    baby = child(D(2024, 1, 10))
    response = api(owner).post(
        "/api/v1/vaccinations/",
        {
            "person": baby.pk,
            "vaccine": "HepB",
            "dose": 1,
            "date": "2024-01-10",
            "site": elsewhere.pk,
        },
        format="json",
    )
    assert response.status_code == 400
    assert error_codes(response) == [("site", "area_out_of_scope")]
    assert not VaccinationRecord.objects.exists()


def test_an_invalid_vaccination_gets_field_errors_with_codes(owner, child):
    baby = child(D(2024, 1, 10))
    client = api(owner)
    client.post(
        "/api/v1/vaccinations/",
        {"person": baby.pk, "vaccine": "HepB", "dose": 1, "date": "2024-01-10"},
        format="json",
    )
    response = client.post(
        "/api/v1/vaccinations/",
        {"person": baby.pk, "vaccine": "HepB", "dose": 2, "date": "2024-01-20"},
        format="json",
    )
    assert response.status_code == 400
    assert ("date", "interval_too_short") in error_codes(response)
    response = client.post(
        "/api/v1/vaccinations/",
        {"person": baby.pk, "vaccine": "HepB", "dose": 7, "date": "2024-03-20"},
        format="json",
    )
    assert error_codes(response) == [("dose", "dose_unknown")]
    assert VaccinationRecord.objects.count() == 1


def test_the_schedule_of_a_child_is_given_for_a_date(owner, child):
    baby = child(D(2024, 6, 1))
    response = api(owner).get(f"/api/v1/immunization-schedules/{baby.pk}/?on=2024-12-15")
    assert response.status_code == 200
    body = response.json()
    assert "2021" in body["edition"]
    dtp = next(p for p in body["pending"] if p["series"] == "DTP")
    assert (dtp["vaccine"], dtp["dose"], dtp["due_on"], dtp["dose_status"]) == (
        "DTaP",
        1,
        "2024-09-01",
        "overdue",
    )


def test_an_outsider_sees_no_schedule_no_vaccination_and_cannot_record(owner, outsider, child):
    baby = child(D(2024, 1, 10))
    api(owner).post(
        "/api/v1/vaccinations/",
        {"person": baby.pk, "vaccine": "HepB", "dose": 1, "date": "2024-01-10"},
        format="json",
    )
    client = api(outsider)
    assert client.get(f"/api/v1/immunization-schedules/{baby.pk}/").status_code == 404
    assert client.get("/api/v1/vaccinations/").json()["count"] == 0
    response = client.post(
        "/api/v1/vaccinations/",
        {"person": baby.pk, "vaccine": "HepB", "dose": 2, "date": "2024-02-10"},
        format="json",
    )
    assert response.status_code == 400
    assert error_codes(response) == [("person", "does_not_exist")]


def test_overdue_children_are_listed_in_the_users_area_only(owner, outsider, child):
    child(D(2024, 1, 1), name="晚晚")
    call_command("refresh_immunization", as_of="2024-06-10", verbosity=0)
    body = api(owner).get("/api/v1/overdue-children/?on=2024-06-10").json()
    assert [(c["name"], c["overdue_since"], c["overdue_count"]) for c in body["results"]] == [
        ("晚晚", "2024-02-01", 4)
    ]
    assert api(outsider).get("/api/v1/overdue-children/?on=2024-06-10").json()["count"] == 0


def test_campaigns_and_their_coverage(admin_user, owner, outsider, child, areas):
    for n in range(2):
        child(D(2023, 1 + n, 1), name=f"儿童{n}")
    campaign = campaign_create(
        acting_user=admin_user,
        name="脊灰强化免疫",
        vaccine=Vaccine.objects.get(code="bOPV"),
        area=areas["150203"],
        rule={"age_max_months": 47, "statuses": ["inflow"]},
        rounds=[(D(2024, 12, 1), D(2024, 12, 10))],
    )
    campaign_draw_targets(acting_user=admin_user, campaign=campaign)
    target = campaign.targets.first()
    assert target is not None
    response = api(owner).post(
        "/api/v1/vaccinations/",
        {
            "person": target.person_id,
            "vaccine": "bOPV",
            "date": "2024-12-02",
            "campaign": campaign.pk,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["round"] == 1
    body = api(admin_user).get(f"/api/v1/campaigns/{campaign.pk}/coverage/").json()
    assert body["total"] == {
        "code": "150203",
        "name": "昆都仑区",
        "targets": 2,
        "vaccinated": 1,
        "coverage": "50.00",
    }
    # The grid worker sees the district campaign, counted over their grid.
    assert api(owner).get("/api/v1/campaigns/").json()["count"] == 1
    mine = api(owner).get(f"/api/v1/campaigns/{campaign.pk}/coverage/").json()
    assert (mine["total"]["code"], mine["total"]["targets"]) == ("150203001001001", 2)
    assert api(outsider).get("/api/v1/campaigns/").json()["count"] == 0
    assert api(outsider).get(f"/api/v1/campaigns/{campaign.pk}/coverage/").status_code == 404


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_list_endpoints_run_a_fixed_number_of_queries(owner, child):
    client = api(owner)
    urls = ["/api/v1/vaccinations/", "/api/v1/overdue-children/", "/api/v1/campaigns/"]

    def add(n0, n):
        for k in range(n0, n0 + n):
            kid = child(D(2023, 1 + k, 1), name=f"儿{k}")
            client.post(
                "/api/v1/vaccinations/",
                {"person": kid.pk, "vaccine": "HepB", "dose": 1, "date": kid.birth_date},
                format="json",
            )
        call_command("refresh_immunization", verbosity=0)

    add(0, 2)
    few = [_queries(client, url) for url in urls]
    add(2, 4)
    assert [_queries(client, url) for url in urls] == few
