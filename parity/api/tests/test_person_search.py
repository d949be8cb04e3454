"""Searching persons through the API by POST, so that an ID or phone number stays out of
URLs and access logs."""

import pytest

from parity.conftest import OTHER_GRID, make_id

from .conftest import error_codes

pytestmark = pytest.mark.django_db

URL = "/api/v1/persons/search/"


def test_a_posted_search_finds_a_person_by_id_number(api, register, owner):
    register(name="李雷", id_number=make_id(seq=201))
    wanted = register(name="韩梅梅", id_number=make_id(seq=202))
    response = api(owner).post(URL, {"q": make_id(seq=202)}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert [p["id"] for p in body["results"]] == [wanted.pk]
    assert make_id(seq=202) not in response.content.decode()


def test_a_posted_search_keeps_the_filters_of_the_query_string(api, register, owner):
    register(name="李雷", id_number=make_id(seq=201))
    register(name="李梅", id_number=make_id(seq=202))  # even sequence: a woman
    response = api(owner).post(URL + "?sex=F", {"q": "李"}, format="json")
    assert [p["name"] for p in response.json()["results"]] == ["李梅"]


def test_a_posted_search_finds_no_one_outside_the_users_area(api, register, outsider):
    register(name="李雷", id_number=make_id(seq=201))
    register(name="别人", id_number=make_id(seq=203), grid=OTHER_GRID, by=outsider)
    response = api(outsider).post(URL, {"q": make_id(seq=201)}, format="json")
    assert response.json()["count"] == 0


def test_a_search_without_text_is_a_400_naming_the_field(api, owner):
    response = api(owner).post(URL, {}, format="json")
    assert response.status_code == 400
    assert error_codes(response) == [("q", "required")]
