"""The registration warning and the review pages, for the reviewer and for outsiders."""

from __future__ import annotations

from django.urls import reverse

from parity.conftest import GRID
from parity.dedup.choices import PairStatus
from parity.dedup.models import DuplicatePair
from parity.dedup.tests.conftest import FIRST_ID, TYPO_ID
from parity.people.models import Person


def test_registering_a_likely_duplicate_warns_without_blocking(client, owner, register, areas):
    first = register(id_number=FIRST_ID, name="王晓丽")
    client.force_login(owner)
    response = client.post(
        reverse("web:person_register"),
        {
            "id_number": TYPO_ID,
            "name": "王小丽",
            "grid": areas[GRID].pk,
            "arrived_on": "2024-05-01",
            "housing_type": "rented",
            "ethnicity": "01",
        },
        follow=True,
    )
    assert Person.objects.count() == 2
    text = response.content.decode()
    assert f"可能与 王晓丽({first.id_masked}) 为同一人" in text
    assert DuplicatePair.objects.open().count() == 1


def _api_register(api, user, id_number: str, name: str):
    api.force_authenticate(user)
    return api.post(
        "/api/v1/persons/",
        {
            "id_number": id_number,
            "name": name,
            "grid": GRID,
            "arrived_on": "2024-05-01",
            "housing_type": "rented",
        },
        format="json",
    )


def test_registering_through_the_api_carries_the_warnings(owner, register):
    from rest_framework.test import APIClient

    first = register(id_number=FIRST_ID, name="王晓丽")
    response = _api_register(APIClient(), owner, TYPO_ID, "王小丽")
    assert response.status_code == 201
    body = response.json()
    assert body["name"] == "王小丽"
    assert body["duplicate_warnings"] == [
        f"可能与 王晓丽({first.id_masked}) 为同一人,已列入疑似重复核查"
    ]
    assert DuplicatePair.objects.open().count() == 1
    # Someone unlike anyone: the list is there, empty.
    from parity.conftest import make_id

    other = _api_register(APIClient(), owner, make_id("410102", "19700101", 555), "李强")
    assert other.status_code == 201 and other.json()["duplicate_warnings"] == []


def test_a_registration_unlike_anyone_gets_no_warning(register):
    from parity.conftest import make_id

    register(id_number=FIRST_ID, name="王晓丽")
    register(id_number=make_id("410102", "19900101", 555), name="李强")
    assert DuplicatePair.objects.count() == 0


def test_the_warning_does_not_name_someone_the_user_may_not_see(register, outsider, owner):
    from parity.conftest import OTHER_GRID
    from parity.dedup.selectors import duplicate_warnings

    register(id_number=FIRST_ID, name="王晓丽", phone="13812345678")
    theirs = register(
        id_number=TYPO_ID, name="王晓丽", grid=OTHER_GRID, by=outsider, phone="13812345678"
    )
    [warning] = duplicate_warnings(outsider, theirs)
    assert "王晓丽" not in warning and "其他辖区" in warning


def test_the_queue_lists_the_reviewers_pairs(
    client, colleague, pair, django_assert_max_num_queries
):
    client.force_login(colleague)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("dedup:pair_list"))
    assert response.status_code == 200
    assert "王晓丽" in response.content.decode()


def test_an_outsider_sees_no_pair_and_cannot_merge(client, outsider, pair):
    client.force_login(outsider)
    assert "王晓丽" not in client.get(reverse("dedup:pair_list")).content.decode()
    assert client.get(reverse("dedup:pair_detail", args=[pair.pk])).status_code == 404
    response = client.post(reverse("dedup:pair_merge", args=[pair.pk]), {"survivor": pair.low_id})
    assert response.status_code == 404
    assert Person.objects.count() == 2


def test_the_pair_page_shows_both_side_by_side(client, colleague, pair):
    client.force_login(colleague)
    text = client.get(reverse("dedup:pair_detail", args=[pair.pk])).content.decode()
    assert "王晓丽" in text and "王小丽" in text and "居住登记" in text


def test_merging_from_the_page_leaves_one_person(client, colleague, pair):
    client.force_login(colleague)
    response = client.post(
        reverse("dedup:pair_merge", args=[pair.pk]),
        {"survivor": pair.low_id, "win_name": pair.high_id},
    )
    assert response.status_code == 302
    assert list(Person.objects.values_list("name", flat=True)) == ["王小丽"]
    pair.refresh_from_db()
    assert pair.status == PairStatus.MERGED
    assert client.get(reverse("dedup:person_resolve", args=[pair.high_id])).url == reverse(
        "web:person_detail", args=[pair.low_id]
    )


def test_an_old_link_to_the_merged_away_person_leads_to_the_survivor(
    client, colleague, owner, outsider, merge_as
):
    merge = merge_as(colleague)
    old = reverse("web:person_detail", args=[merge.merged_id])
    for user in (colleague, owner):
        client.force_login(user)
        response = client.get(old)
        assert response.status_code == 302
        assert response.url == reverse("web:person_detail", args=[merge.survivor_id])
        assert "已与他人合并" in client.get(old, follow=True).content.decode()
    client.force_login(outsider)
    assert client.get(old).status_code == 404
    assert client.get(reverse("dedup:person_resolve", args=[merge.merged_id])).status_code == 404
    # A key no one ever had is still a plain 404.
    client.force_login(colleague)
    assert client.get(reverse("web:person_detail", args=[merge.merged_id + 99])).status_code == 404


def test_not_the_same_person_from_the_page(client, colleague, pair):
    client.force_login(colleague)
    client.post(reverse("dedup:pair_dismiss", args=[pair.pk]), {"note": "双胞胎"})
    pair.refresh_from_db()
    assert pair.status == PairStatus.NOT_DUPLICATE and pair.note == "双胞胎"


def test_unmerge_from_the_page(client, colleague, pair):
    from parity.dedup import actions

    merge = actions.pair_merge(acting_user=colleague, pair=pair, survivor_id=pair.low_id)
    client.force_login(colleague)
    client.post(reverse("dedup:merge_unmerge", args=[merge.pk]))
    assert Person.objects.count() == 2


def test_the_api_lists_merges_and_refuses_outsiders(client, colleague, outsider, pair):
    client.force_login(outsider)
    assert client.get("/api/v1/duplicate-pairs/").json()["results"] == []
    url = f"/api/v1/duplicate-pairs/{pair.pk}/merge/"
    assert client.post(url, {"survivor_id": pair.low_id}, "application/json").status_code == 404
    client.force_login(colleague)
    [listed] = client.get("/api/v1/duplicate-pairs/").json()["results"]
    assert listed["id"] == pair.pk and "id_one_char" in listed["reasons"]
    response = client.post(
        url, {"survivor_id": pair.low_id, "winners": {"name": pair.high_id}}, "application/json"
    )
    assert response.status_code == 201
    assert list(Person.objects.values_list("name", flat=True)) == ["王小丽"]
    merge_id = response.json()["id"]
    again = client.post(url, {"survivor_id": pair.low_id}, "application/json")
    assert again.status_code == 400
    undone = client.post(f"/api/v1/person-merges/{merge_id}/unmerge/")
    assert undone.status_code == 200 and Person.objects.count() == 2
