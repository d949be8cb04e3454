import re

import pytest
from django.urls import reverse

from parity.conftest import make_id

pytestmark = pytest.mark.django_db

CLEAR_ID = re.compile(r"\b\d{17}[\dX]\b")


def test_search_finds_people_by_name(login, register, owner):
    register(name="李雷", id_number=make_id(seq=201))
    register(name="韩梅梅", id_number=make_id(seq=202))
    response = login(owner).post(reverse("web:person_list"), {"q": "李"}, follow=True)
    assert [p.name for p in response.context["page"].object_list] == ["李雷"]


def test_search_finds_a_person_by_exact_id_number(login, register, owner):
    register(name="李雷", id_number=make_id(seq=201))
    register(name="韩梅梅", id_number=make_id(seq=202))
    response = login(owner).post(reverse("web:person_list"), {"q": make_id(seq=202)}, follow=True)
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


def test_a_search_by_id_number_is_posted_and_never_put_in_a_url(login, register, owner):
    number = make_id(seq=202)
    register(name="韩梅梅", id_number=number)
    client = login(owner)
    response = client.post(reverse("web:person_list"), {"q": number, "status": "inflow"})
    assert response.status_code == 302
    assert number not in response["Location"]
    assert "status=inflow" in response["Location"]
    page = client.get(response["Location"])
    assert [p.name for p in page.context["page"].object_list] == ["韩梅梅"]
    assert page["Cache-Control"] == "private, no-store"
    assert all(number not in a for a in re.findall(r'href="([^"]*)"', page.content.decode()))


def test_a_search_by_phone_number_is_posted_and_never_put_in_a_url(login, register, owner):
    register(name="李雷", id_number=make_id(seq=201))
    register(name="韩梅梅", id_number=make_id(seq=202), phone="13912345678")
    client = login(owner)
    response = client.post(reverse("web:person_list"), {"q": "139 1234 5678"}, follow=True)
    assert [p.name for p in response.context["page"].object_list] == ["韩梅梅"]
    [(url, _status)] = response.redirect_chain
    assert "1234" not in url


def test_an_id_number_given_in_the_url_is_not_searched(login, register, owner):
    register(name="李雷", id_number=make_id(seq=201))
    register(name="韩梅梅", id_number=make_id(seq=202))
    response = login(owner).get(reverse("web:person_list"), {"q": make_id(seq=202)})
    assert response.context["page"].paginator.count == 2


def test_the_searched_pages_keep_the_search_with_only_its_key_in_the_links(login, register, owner):
    for seq in range(52):
        register(name=f"王{seq:02d}", id_number=make_id(seq=300 + seq))
    register(name="李雷", id_number=make_id(seq=201))
    client = login(owner)
    first = client.post(reverse("web:person_list"), {"q": "王"}, follow=True)
    assert first.context["page"].paginator.count == 52
    key = first.redirect_chain[-1][0].split("s=")[1]
    second = client.get(reverse("web:person_list"), {"s": key, "page": 2})
    assert [p.name for p in second.context["page"].object_list] == ["王50", "王51"]


def test_the_people_export_follows_a_posted_search_and_ignores_a_number_in_the_url(
    login, register, owner
):
    register(name="李雷", id_number=make_id(seq=201))
    register(name="韩梅梅", id_number=make_id(seq=202))
    client = login(owner)
    searched = client.post(reverse("web:person_list"), {"q": make_id(seq=202)})
    key = searched["Location"].split("s=")[1]

    def exported(params) -> list[str]:
        response = client.get(reverse("people_io:export"), {"format": "csv", **params})
        text = b"".join(response.streaming_content).decode("utf-8-sig")
        return [line.split(",")[0] for line in text.splitlines()[1:]]

    assert exported({"s": key}) == ["韩梅梅"]
    assert sorted(exported({"q": make_id(seq=202)})) == ["李雷", "韩梅梅"]
