"""Persons through the API: scope, masking, registration, edits and audited reveal."""

import json

from parity.conftest import GRID, OTHER_GRID, make_id
from parity.core.models import AuditEvent
from parity.people.models import Person

from .conftest import error_codes

URL = "/api/v1/persons/"


def test_list_returns_only_people_in_the_users_scope(api, register, outsider):
    mine = register(name="张三")
    theirs = register(name="李四", id_number=make_id(seq=7), grid=OTHER_GRID, by=outsider)

    results = api(outsider).get(URL).json()["results"]

    assert [p["id"] for p in results] == [theirs.pk]
    assert mine.pk not in [p["id"] for p in results]


def test_an_outsider_gets_an_empty_list(api, register, outsider):
    register()
    response = api(outsider).get(URL)
    assert response.status_code == 200
    assert response.json()["count"] == 0


def test_an_outsider_gets_404_on_retrieve_update_reveal_move_and_depart(api, register, outsider):
    person = register()
    client = api(outsider)
    detail = f"{URL}{person.pk}/"

    assert client.get(detail).status_code == 404
    assert client.patch(detail, {"name": "王五"}, format="json").status_code == 404
    assert client.post(f"{detail}reveal/", {"field": "id_number"}).status_code == 404
    assert client.post(f"{detail}depart/", {"departed_on": "2024-05-01"}).status_code == 404
    assert client.get(f"{detail}residences/").status_code == 404
    person.refresh_from_db()
    assert person.name == "张三"
    assert not AuditEvent.objects.filter(action="person.reveal").exists()


def test_an_official_can_read_but_not_register(api, register, official):
    person = register()
    client = api(official)

    assert client.get(f"{URL}{person.pk}/").status_code == 200
    response = client.post(
        URL,
        {
            "id_number": make_id(seq=9),
            "name": "王五",
            "grid": GRID,
            "arrived_on": "2024-01-01",
            "housing_type": "rented",
        },
        format="json",
    )

    assert response.status_code == 403
    assert error_codes(response) == [(None, "permission")]
    assert Person.objects.count() == 1


def test_an_official_cannot_edit_or_reveal(api, register, official):
    person = register()
    client = api(official)
    assert client.patch(f"{URL}{person.pk}/", {"name": "王五"}, format="json").status_code == 403
    assert client.post(f"{URL}{person.pk}/reveal/", {"field": "id_number"}).status_code == 403


def _payload(**overrides):
    return {
        "id_number": make_id("410102", "19900315", 124),
        "name": "赵六",
        "grid": GRID,
        "arrived_on": "2024-02-01",
        "housing_type": "rented",
        "phone": "13812345678",
        **overrides,
    }


def test_create_with_a_bad_id_number_returns_400_with_field_and_code_and_writes_nothing(api, owner):
    good = make_id()
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")

    response = api(owner).post(URL, _payload(id_number=bad), format="json")

    assert response.status_code == 400
    assert error_codes(response) == [("id_number", "id_checksum")]
    assert response.json()["errors"][0]["message"]
    assert not Person.objects.exists()
    assert not AuditEvent.objects.filter(object_type="people.person").exists()


def test_create_with_good_data_returns_201_and_masked_fields(api, owner):
    number = make_id("410102", "19900315", 124)

    response = api(owner).post(URL, _payload(), format="json")

    assert response.status_code == 201
    body = response.json()
    assert body["id_masked"] == number[:6] + "********" + number[-4:]
    assert body["phone_masked"] == "138****5678"
    assert body["status"] == "inflow"
    assert body["sex"] == "F"
    assert body["birth_date"] == "1990-03-15"
    assert body["grid"]["code"] == GRID
    assert number not in response.content.decode()
    assert "13812345678" not in response.content.decode()
    assert "id_number" not in body and "phone" not in body
    assert Person.objects.get(pk=body["id"]).open_residence() is not None


def test_create_reports_every_missing_field_with_a_code(api, owner):
    response = api(owner).post(URL, {"name": ""}, format="json")
    assert response.status_code == 400
    assert set(error_codes(response)) == {
        ("id_number", "required"),
        ("name", "required"),
        ("grid", "required"),
    }


def test_create_in_an_unknown_grid_is_refused_with_area_unknown(api, owner):
    response = api(owner).post(URL, _payload(grid="150203999999999"), format="json")
    assert response.status_code == 400
    assert error_codes(response) == [("grid", "area_unknown")]


def test_create_at_a_level_above_grid_is_refused_with_area_not_grid(api, colleague):
    response = api(colleague).post(URL, _payload(grid="150203001001"), format="json")
    assert response.status_code == 400
    assert error_codes(response) == [("grid", "area_not_grid")]


def test_create_in_another_district_is_forbidden(api, outsider):
    response = api(outsider).post(URL, _payload(), format="json")
    assert response.status_code == 403
    assert not Person.objects.exists()


def test_create_with_an_id_number_already_registered_is_refused(api, owner, register):
    register(id_number=make_id("410102", "19900315", 124))
    response = api(owner).post(URL, _payload(), format="json")
    assert response.status_code == 400
    assert ("id_number", "id_duplicate") in error_codes(response)


def test_update_changes_allowed_fields_and_audits(api, owner, register):
    person = register()

    response = api(owner).patch(
        f"{URL}{person.pk}/", {"name": "张三丰", "phone": "13900001111"}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["name"] == "张三丰"
    assert response.json()["phone_masked"] == "139****1111"
    assert AuditEvent.objects.filter(action="person.update", object_id=str(person.pk)).exists()


def test_update_with_a_bad_phone_returns_400_with_phone_format(api, owner, register):
    person = register()
    response = api(owner).patch(f"{URL}{person.pk}/", {"phone": "12345"}, format="json")
    assert response.status_code == 400
    assert error_codes(response) == [("phone", "phone_format")]


def test_the_id_number_cannot_be_changed_through_update(api, owner, register):
    person = register()
    masked = person.id_masked
    response = api(owner).patch(f"{URL}{person.pk}/", {"id_number": make_id(seq=99)}, format="json")
    assert response.status_code == 200
    person.refresh_from_db()
    assert person.id_masked == masked


def test_put_is_not_allowed(api, owner, register):
    person = register()
    response = api(owner).put(f"{URL}{person.pk}/", {"name": "x"}, format="json")
    assert response.status_code == 405


def test_reveal_returns_the_clear_value_and_writes_an_audit_event(api, owner, register):
    number = make_id(seq=321)
    person = register(id_number=number, phone="13812345678")
    client = api(owner)

    response = client.post(f"{URL}{person.pk}/reveal/", {"field": "id_number"}, format="json")
    phone = client.post(f"{URL}{person.pk}/reveal/", {"field": "phone"}, format="json")

    assert response.status_code == 200
    assert response.json() == {"field": "id_number", "value": number}
    assert response["Cache-Control"] == "no-store"
    assert phone.json()["value"] == "13812345678"
    events = AuditEvent.objects.filter(action="person.reveal", object_id=str(person.pk))
    assert sorted(events.values_list("note", flat=True)) == ["id_number", "phone"]
    assert {event.actor for event in events} == {owner}


def test_a_reveal_past_the_hourly_limit_is_a_429_in_the_error_format(
    api, owner, register, settings
):
    settings.PARITY_REVEAL_LIMIT_PER_HOUR = 1
    person = register()
    client = api(owner)
    client.post(f"{URL}{person.pk}/reveal/", {"field": "id_number"}, format="json")

    response = client.post(f"{URL}{person.pk}/reveal/", {"field": "id_number"}, format="json")

    assert response.status_code == 429
    assert error_codes(response) == [(None, "rate_limited")]
    assert "上限" in response.json()["errors"][0]["message"]
    assert AuditEvent.objects.filter(action="person.reveal_refused", actor=owner).count() == 1


def test_reveal_of_an_unknown_field_is_a_400(api, owner, register):
    person = register()
    response = api(owner).post(f"{URL}{person.pk}/reveal/", {"field": "name"}, format="json")
    assert response.status_code == 400
    assert error_codes(response) == [("field", "invalid_choice")]


def test_json_responses_never_contain_the_clear_id_number_of_a_listed_person(
    api, colleague, register
):
    numbers = [make_id(seq=n) for n in (11, 12, 13)]
    people = [register(id_number=n, name=f"人{n[-4:]}", phone="13812345678") for n in numbers]
    client = api(colleague)

    bodies = [
        client.get(URL).content,
        client.get(f"{URL}{people[0].pk}/").content,
        client.get(f"{URL}?q={numbers[1]}").content,
        client.get(f"{URL}{people[0].pk}/residences/").content,
        client.get("/api/v1/residences/").content,
    ]

    text = "".join(json.dumps(json.loads(b), ensure_ascii=False) for b in bodies)
    for number in numbers:
        assert number not in text
    assert "13812345678" not in text
    assert "_enc" not in text and "_hash" not in text


def test_the_list_filters_with_the_shared_person_filterset(api, colleague, register):
    inflow = register(id_number=make_id("410102", seq=1), name="流入")
    register(id_number=make_id("150203", seq=2), name="户籍")
    client = api(colleague)

    by_status = client.get(f"{URL}?status=inflow").json()["results"]
    by_number = client.get(f"{URL}?q={make_id('410102', seq=1)}").json()["results"]
    floating = client.get(f"{URL}?floating=true").json()["results"]

    assert [p["id"] for p in by_status] == [inflow.pk]
    assert [p["id"] for p in by_number] == [inflow.pk]
    assert [p["id"] for p in floating] == [inflow.pk]


def test_anonymous_requests_are_refused(api, register):
    register()
    response = api().get(URL)
    assert response.status_code == 401
    assert error_codes(response) == [(None, "not_authenticated")]
