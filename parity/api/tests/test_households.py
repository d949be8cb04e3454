"""Households and employment records through the API."""

from parity.conftest import OTHER_GRID, make_id
from parity.core.models import AuditEvent
from parity.people.models import Employment, Household

from .conftest import error_codes


def test_a_household_is_created_with_its_head_and_members_added(api, owner, register):
    head = register(id_number=make_id(seq=1), name="户主")
    child = register(id_number=make_id(seq=2), name="孩子")
    client = api(owner)

    created = client.post(
        "/api/v1/households/", {"head": head.pk, "address": "幸福路1号"}, format="json"
    )
    added = client.post(
        f"/api/v1/households/{created.json()['id']}/add-member/",
        {"person": child.pk, "relation": "child"},
        format="json",
    )

    assert created.status_code == 201
    assert created.json()["head"]["name"] == "户主"
    assert added.status_code == 201
    members = {m["person"]["id"]: m["relation"] for m in added.json()["members"]}
    assert members == {head.pk: "head", child.pk: "child"}
    assert AuditEvent.objects.filter(action="household.add_member").exists()


def test_a_second_head_is_not_a_choice(api, owner, register):
    head = register(id_number=make_id(seq=1))
    other = register(id_number=make_id(seq=2))
    client = api(owner)
    household = client.post("/api/v1/households/", {"head": head.pk}, format="json").json()

    response = client.post(
        f"/api/v1/households/{household['id']}/add-member/",
        {"person": other.pk, "relation": "head"},
        format="json",
    )

    assert response.status_code == 400
    assert error_codes(response) == [("relation", "invalid_choice")]


def test_a_person_already_in_a_household_cannot_head_another(api, owner, register):
    head = register()
    client = api(owner)
    client.post("/api/v1/households/", {"head": head.pk}, format="json")

    response = client.post("/api/v1/households/", {"head": head.pk}, format="json")

    assert response.status_code == 400
    assert error_codes(response) == [("head", "status_conflict")]
    assert Household.objects.count() == 1


def test_a_person_outside_scope_cannot_be_named_as_head(api, owner, outsider, register):
    theirs = register(grid=OTHER_GRID, by=outsider)
    response = api(owner).post("/api/v1/households/", {"head": theirs.pk}, format="json")
    assert response.status_code == 400
    assert error_codes(response) == [("head", "does_not_exist")]


def test_households_outside_scope_are_invisible(api, owner, outsider, register):
    head = register()
    household = api(owner).post("/api/v1/households/", {"head": head.pk}, format="json").json()
    client = api(outsider)
    assert client.get("/api/v1/households/").json()["count"] == 0
    assert client.get(f"/api/v1/households/{household['id']}/").status_code == 404


def test_employment_is_recorded_and_listed_in_scope(api, owner, outsider, register):
    person = register()

    response = api(owner).post(
        "/api/v1/employments/",
        {"person": person.pk, "industry": "E", "employer": "包钢建设", "started_on": "2024-03-01"},
        format="json",
    )

    assert response.status_code == 201
    assert response.json()["person"]["id_masked"] == person.id_masked
    assert Employment.objects.get().area_code == person.area_code
    assert api(owner).get("/api/v1/employments/?industry=E").json()["count"] == 1
    assert api(outsider).get("/api/v1/employments/").json()["count"] == 0


def test_employment_ending_before_it_starts_is_refused(api, owner, register):
    person = register()
    response = api(owner).post(
        "/api/v1/employments/",
        {
            "person": person.pk,
            "industry": "E",
            "started_on": "2024-03-01",
            "ended_on": "2024-01-01",
        },
        format="json",
    )
    assert response.status_code == 400
    assert error_codes(response) == [("ended_on", "date_order")]


def test_an_official_cannot_record_employment(api, official, register):
    person = register()
    response = api(official).post(
        "/api/v1/employments/", {"person": person.pk, "industry": "E"}, format="json"
    )
    assert response.status_code == 403
    assert not Employment.objects.exists()
