"""The registration page as a clerk expects it: arrival and outflow on two tabs, each with
only its own fields; places picked by name (the search behind the place boxes); an ID
number already registered answered with a link to that person, when the user may see
them, and with nothing about anyone else's."""

from __future__ import annotations

import pytest
from django.urls import reverse

from parity.conftest import GRID, OTHER_GRID, make_id
from parity.people.models import Person

pytestmark = pytest.mark.django_db

LOCAL_ID = make_id("150203", "19900101", 321)  # registered in the city


def _arrival(areas, **overrides):
    return {
        "id_number": make_id(),
        "name": "张三",
        "grid": areas[GRID].pk,
        "arrived_on": "2024-03-01",
        "housing_type": "rented",
        "ethnicity": "01",
        **overrides,
    }


def test_the_arrival_and_outflow_parts_are_separate_tabs_with_their_own_fields(login, owner):
    client = login(owner)
    arrival = client.get(reverse("web:person_register"))
    fields = arrival.context["form"].fields
    assert "arrived_on" in fields and "housing_type" in fields
    assert "outflow_region_code" not in fields and "outflow_since" not in fields
    outflow = client.get(reverse("web:person_register") + "?kind=outflow")
    fields = outflow.context["form"].fields
    assert "outflow_region_code" in fields and fields["outflow_region_code"].required
    assert not {"arrived_on", "housing_type", "dwelling", "address"} & set(fields)
    page = outflow.content.decode()
    assert 'aria-current="page">本市户籍外出(流出人口)' in page


def test_the_outflow_tab_registers_an_outflow_person_with_a_place_picked_by_name(
    login, owner, areas
):
    response = login(owner).post(
        reverse("web:person_register") + "?kind=outflow",
        {
            "id_number": LOCAL_ID,
            "name": "李四",
            "grid": areas[GRID].pk,
            "outflow_region_code": "410105 河南省郑州市金水区",  # a picked suggestion
            "outflow_since": "2023-05-01",
            "ethnicity": "01",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    person = Person.objects.get()
    assert person.status == "outflow"
    assert person.outflow_region_code == "410105"
    assert not person.residences.exists()


def test_the_outflow_tab_needs_the_destination(login, owner, areas):
    response = login(owner).post(
        reverse("web:person_register") + "?kind=outflow",
        {"id_number": LOCAL_ID, "name": "李四", "grid": areas[GRID].pk, "ethnicity": "01"},
    )
    assert response.status_code == 200
    assert "outflow_region_code" in response.context["form"].errors
    assert not Person.objects.exists()


def test_a_place_written_out_is_stored_as_its_code_and_an_unknown_one_is_refused(
    login, owner, areas
):
    client = login(owner)
    response = client.post(
        reverse("web:person_register"), _arrival(areas, hukou_code="河南省郑州市金水区")
    )
    assert response.status_code == 302
    assert Person.objects.get().hukou_code == "410105"
    response = client.post(
        reverse("web:person_register"), _arrival(areas, id_number=make_id(seq=9), hukou_code="火星")
    )
    assert response.status_code == 200
    assert "找不到地名“火星”" in response.context["form"].errors["hukou_code"][0]


def test_the_place_search_finds_places_by_name_for_signed_in_users_only(client, login, owner):
    url = reverse("web:place_search")
    assert client.get(url, {"q": "郑州"}).status_code == 302  # to the login page
    results = login(owner).get(url, {"q": "郑州 金水"}).json()["results"]
    assert results == [{"code": "410105", "name": "河南省郑州市金水区"}]
    first = client.get(url, {"q": "包头"}).json()["results"][0]
    assert first == {"code": "150200", "name": "内蒙古自治区包头市"}
    assert client.get(url, {"q": ""}).json()["results"] == []


def test_a_number_already_registered_links_to_that_person_when_the_user_may_see_them(
    login, register, owner, areas
):
    existing = register(id_number=LOCAL_ID, name="王五")
    response = login(owner).post(
        reverse("web:person_register"), _arrival(areas, id_number=LOCAL_ID)
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "该身份证号码已登记" in page
    assert reverse("web:person_detail", args=[existing.pk]) in page
    assert Person.objects.count() == 1


def test_a_number_registered_outside_the_users_area_reveals_nothing(
    login, register, outsider, owner, areas
):
    existing = register(id_number=LOCAL_ID, name="王五")  # in the owner's grid
    response = login(outsider).post(
        reverse("web:person_register"),
        _arrival(areas, id_number=LOCAL_ID, grid=areas[OTHER_GRID].pk),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "王五" not in page
    assert reverse("web:person_detail", args=[existing.pk]) not in page
    assert response.context["existing"] is None
    assert response.context["form"].errors["id_number"]
