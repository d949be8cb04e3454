"""Column sorting on the long lists (people, households, dwellings, children overdue for
a vaccine): ``?sort=key`` / ``?sort=-key`` from a whitelist, the id last so that ties keep
one order, kept by the filters and the pager; a key the list does not offer is a 400."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.urls import reverse

from parity.conftest import GRID, SISTER_GRID, make_id
from parity.core import pagination
from parity.housing.actions import dwelling_register
from parity.people.actions import household_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(register, colleague):
    """Four people: two named alike (the id decides between them), in two grids."""
    return [
        register(id_number=make_id(birth="19900101", seq=1), name="王五", by=colleague),
        register(
            id_number=make_id(birth="19800101", seq=2), name="李四", grid=SISTER_GRID, by=colleague
        ),
        register(id_number=make_id(birth="20000101", seq=3), name="王五", by=colleague),
        register(id_number=make_id(birth="19700101", seq=4), name="赵六", by=colleague),
    ]


def names(response) -> list[tuple[str, int]]:
    return [(p.name, p.pk) for p in response.context["page"].object_list]


def test_the_people_list_sorts_by_a_column_either_way_with_the_id_breaking_ties(
    client, colleague, people
):
    client.force_login(colleague)
    url = reverse("web:person_list")
    wang1, li, wang2, zhao = people
    ascending = names(client.get(url, {"sort": "name"}))
    assert ascending == sorted(ascending)
    assert ascending.index(("王五", wang1.pk)) < ascending.index(("王五", wang2.pk))
    descending = names(client.get(url, {"sort": "-name"}))
    assert descending == list(reversed(ascending))
    by_birth = [pk for _name, pk in names(client.get(url, {"sort": "birth_date"}))]
    assert by_birth == [zhao.pk, li.pk, wang1.pk, wang2.pk]
    by_area = [pk for _name, pk in names(client.get(url, {"sort": "-area"}))]
    assert by_area[0] == li.pk  # the sister grid's code is the larger


def test_a_sort_key_the_list_does_not_offer_is_a_400_naming_the_keys_it_does(
    client, colleague, people
):
    client.force_login(colleague)
    for bad in ("id_hash", "-phone_enc", "-", "name;drop"):
        response = client.get(reverse("web:person_list"), {"sort": bad})
        assert response.status_code == 400, bad
        assert "name, birth_date, area" in response.content.decode()
    for url in (
        reverse("web:household_list"),
        reverse("web:dwelling_list"),
        reverse("immunization:overdue"),
    ):
        assert client.get(url, {"sort": "id_hash"}).status_code == 400


def test_headers_link_to_the_other_order_and_keep_the_filters_but_not_the_page(
    client, colleague, people
):
    client.force_login(colleague)
    page = client.get(
        reverse("web:person_list"), {"sort": "name", "sex": "M", "page": "1"}
    ).content.decode()
    # The sorted column says so and offers the reverse; another column starts ascending.
    assert 'aria-sort="ascending"' in page
    assert 'href="?sort=-name&amp;sex=M"' in page
    assert 'href="?sort=birth_date&amp;sex=M"' in page
    # The filter form carries the order into the next search.
    assert '<input type="hidden" name="sort" value="name">' in page


def test_the_pager_keeps_the_order(client, colleague, people, monkeypatch):
    monkeypatch.setattr(pagination, "PAGE_SIZE", 2)
    monkeypatch.setattr(
        "parity.people.views.persons.paginate",
        lambda request, rows: pagination.paginate(request, rows, per_page=2),
    )
    client.force_login(colleague)
    url = reverse("web:person_list")
    first = client.get(url, {"sort": "-birth_date"})
    assert 'href="?sort=-birth_date&amp;page=2"' in first.content.decode()
    second = client.get(url, {"sort": "-birth_date", "page": "2"})
    order = [p.pk for p in first.context["page"].object_list] + [
        p.pk for p in second.context["page"].object_list
    ]
    wang1, li, wang2, zhao = people
    assert order == [wang2.pk, wang1.pk, li.pk, zhao.pk]


def test_a_posted_search_keeps_the_order(client, colleague, people):
    client.force_login(colleague)
    response = client.post(reverse("web:person_list"), {"q": "王五", "sort": "-name"})
    assert response.status_code == 302
    assert "sort=-name" in response["Location"]
    listed = client.get(response["Location"])
    assert [n for n, _pk in names(listed)] == ["王五", "王五"]
    assert [pk for _n, pk in names(listed)] == [people[2].pk, people[0].pk]


def test_households_and_dwellings_sort_by_their_columns(client, colleague, people, areas):
    wang1, li, _wang2, zhao = people
    first = household_create(acting_user=colleague, head=zhao, address="甲")  # GRID
    second = household_create(acting_user=colleague, head=li, address="乙")  # SISTER_GRID
    third = household_create(acting_user=colleague, head=wang1, address="丙")  # GRID
    client.force_login(colleague)
    listed = client.get(reverse("web:household_list"), {"sort": "-area"})
    assert [h.pk for h in listed.context["page"].object_list] == [second.pk, third.pk, first.pk]
    # Not by the head's name: no index could give that order on a large list.
    assert client.get(reverse("web:household_list"), {"sort": "head"}).status_code == 400
    for address in ("幸福路2号", "阿尔丁大街1号", "幸福路1号"):
        dwelling_register(
            acting_user=colleague, address=address, grid=areas[GRID], dwelling_type="rented"
        )
    rows = client.get(reverse("web:dwelling_list"), {"sort": "-address"})
    listed_addresses = [d.address for d in rows.context["page"].object_list]
    assert listed_addresses == sorted(listed_addresses, reverse=True)


def test_the_overdue_list_sorts_by_its_columns(client, owner, register):
    today = dt.date.today()
    older = register(
        id_number=make_id(birth=f"{today.year - 3}0101", seq=7), name="大宝", arrived_on=today
    )
    younger = register(
        id_number=make_id(birth=f"{today.year - 1}0101", seq=8), name="小宝", arrived_on=today
    )
    call_command("load_catalog", verbosity=0)
    call_command("refresh_immunization", verbosity=0)
    client.force_login(owner)
    url = reverse("immunization:overdue")
    by_birth = client.get(url, {"sort": "birth_date"}).context["page"].object_list
    assert [p.pk for p in by_birth] == [older.pk, younger.pk]
    by_count = client.get(url, {"sort": "-overdue_count"}).context["page"].object_list
    counts = [p.overdue_count for p in by_count]
    assert counts == sorted(counts, reverse=True)
