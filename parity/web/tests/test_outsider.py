import pytest
from django.urls import reverse

from parity.conftest import DISTRICT, GRID, make_id
from parity.housing.actions import dwelling_register
from parity.people.actions import household_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(register, owner, areas):
    person = register(name="李雷", id_number=make_id(seq=201))
    dwelling = dwelling_register(
        acting_user=owner, address="钢铁大街1号", grid=areas[GRID], dwelling_type="rented"
    )
    household = household_create(acting_user=owner, head=person)
    return person, dwelling, household


def test_outsider_search_finds_nothing(login, records, outsider):
    client = login(outsider)
    by_name = client.post(reverse("web:person_list"), {"q": "李雷"}, follow=True)
    by_number = client.post(reverse("web:person_list"), {"q": make_id(seq=201)}, follow=True)
    everyone = client.get(reverse("web:person_list"))
    assert by_name.context["page"].paginator.count == 0
    assert by_number.context["page"].paginator.count == 0
    assert everyone.context["page"].paginator.count == 0
    assert "李雷" not in everyone.content.decode()


def test_outsider_gets_404_for_a_person_a_dwelling_and_a_household(login, records, outsider):
    person, dwelling, household = records
    client = login(outsider)
    assert client.get(reverse("web:person_detail", args=[person.pk])).status_code == 404
    assert client.get(reverse("web:dwelling_detail", args=[dwelling.pk])).status_code == 404
    response = client.get(reverse("web:household_detail", args=[household.pk]))
    assert response.status_code == 404
    assert "未找到" in response.content.decode()


def test_outsider_cannot_change_or_reveal_a_person(login, records, outsider):
    person, _dwelling, _household = records
    client = login(outsider)
    assert client.get(reverse("web:person_edit", args=[person.pk])).status_code == 404
    reveal = reverse("web:person_reveal", args=[person.pk, "id_number"])
    assert client.post(reveal).status_code == 404


def test_outsider_lists_show_nothing(login, records, outsider):
    client = login(outsider)
    assert client.get(reverse("web:dwelling_list")).context["page"].paginator.count == 0
    assert client.get(reverse("web:household_list")).context["page"].paginator.count == 0
    assert client.get(reverse("web:home")).context["floating"] == 0


def test_outsider_cannot_open_another_districts_area_page(login, outsider):
    response = login(outsider).get(reverse("web:area_detail", args=[DISTRICT]))
    assert response.status_code == 404


def test_official_cannot_open_the_registration_form(login, official):
    client = login(official)
    assert client.get(reverse("web:person_register")).status_code == 403
    assert client.get(reverse("web:dwelling_register")).status_code == 403


def test_official_sees_but_cannot_edit_a_person(login, records, official):
    person, _dwelling, _household = records
    client = login(official)
    assert client.get(reverse("web:person_detail", args=[person.pk])).status_code == 200
    assert client.get(reverse("web:person_edit", args=[person.pk])).status_code == 403
    assert client.get(reverse("web:residence_move", args=[person.pk])).status_code == 403
