import re

import pytest
from django.urls import reverse

from parity.conftest import make_id

pytestmark = pytest.mark.django_db

CLEAR_ID = re.compile(r"\b\d{17}[\dX]\b")


def test_search_finds_people_by_name(login, register, owner):
    register(name="李雷", id_number=make_id(seq=201))
    register(name="韩梅梅", id_number=make_id(seq=202))
    response = login(owner).get(reverse("web:person_list"), {"q": "李"})
    assert [p.name for p in response.context["page"].object_list] == ["李雷"]


def test_search_finds_a_person_by_exact_id_number(login, register, owner):
    register(name="李雷", id_number=make_id(seq=201))
    register(name="韩梅梅", id_number=make_id(seq=202))
    response = login(owner).get(reverse("web:person_list"), {"q": make_id(seq=202)})
    assert [p.name for p in response.context["page"].object_list] == ["韩梅梅"]


def test_search_filters_by_status_and_sex(login, register, owner):
    register(name="男甲", id_number=make_id(seq=211))  # odd sequence: male
    register(name="女乙", id_number=make_id(seq=212))
    client = login(owner)
    response = client.get(reverse("web:person_list"), {"sex": "F", "status": "inflow"})
    assert [p.name for p in response.context["page"].object_list] == ["女乙"]


def test_search_paginates_by_fifty(login, register, owner):
    for seq in range(52):
        register(name=f"人{seq:02d}", id_number=make_id(seq=300 + seq))
    client = login(owner)
    first = client.get(reverse("web:person_list"))
    second = client.get(reverse("web:person_list"), {"page": 2})
    assert len(first.context["page"].object_list) == 50
    assert len(second.context["page"].object_list) == 2


def test_person_list_html_never_contains_a_clear_id_number(login, register, owner, admin_user):
    number = make_id(seq=201)
    register(name="李雷", id_number=number, phone="13912345678")
    for user in (owner, admin_user):
        html = login(user).get(reverse("web:person_list")).content.decode()
        assert "李雷" in html
        assert number not in html
        assert not CLEAR_ID.search(html)
        assert "13912345678" not in html
