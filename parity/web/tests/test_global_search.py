"""The search box in the header of every page: a name, an ID number, a phone number or
part of an address, posted (never in a URL) to the people list, which starts from the
access gate: a person outside the user's area is not found, whatever is typed."""

from __future__ import annotations

import pytest
from django.urls import reverse

from parity.conftest import OTHER_GRID, make_id
from parity.people.models import Residence

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(register, admin_user):
    mine = register(id_number=make_id(seq=41), name="赵一", phone="13912345678")
    Residence.objects.filter(person=mine).update(address="幸福路12号3单元")
    theirs = register(
        id_number=make_id(seq=43), name="赵二", grid=OTHER_GRID, by=admin_user, phone="13987654321"
    )
    return mine, theirs


def _search(client, text: str) -> list[str]:
    response = client.post(reverse("web:person_list"), {"q": text}, follow=True)
    assert text not in response.redirect_chain[0][0]  # never in the URL
    return [p.name for p in response.context["page"].object_list]


def test_every_page_has_the_search_box(client, owner):
    client.force_login(owner)

    html = client.get(reverse("services:worklist")).content.decode()

    assert 'class="inline global-search"' in html
    assert f'action="{reverse("web:person_list")}"' in html


@pytest.mark.parametrize("text", [make_id(seq=41), "13912345678", "赵一", "幸福路12号"])
def test_a_person_in_the_area_is_found_by_id_phone_name_or_address(client, owner, people, text):
    client.force_login(owner)

    assert _search(client, text) == ["赵一"]


@pytest.mark.parametrize("text", [make_id(seq=43), "13987654321", "赵二"])
def test_a_person_outside_the_area_is_not_found(client, owner, people, text):
    client.force_login(owner)

    assert _search(client, text) == []


def test_the_administrator_finds_both(client, admin_user, people):
    client.force_login(admin_user)

    assert sorted(_search(client, "赵")) == ["赵一", "赵二"]
