"""Lost updates through the API: detail responses carry an ETag, writes honour If-Match."""

import pytest

from parity.conftest import GRID
from parity.core.error_codes import ErrorCode

from .conftest import error_codes

PERSONS = "/api/v1/persons/"
DWELLINGS = "/api/v1/dwellings/"


def test_a_person_detail_carries_a_strong_etag(api, owner, register):
    person = register()

    response = api(owner).get(f"{PERSONS}{person.pk}/")

    etag = response["ETag"]
    assert etag.startswith('"') and etag.endswith('"')
    assert api(owner).get(f"{PERSONS}{person.pk}/")["ETag"] == etag


def test_a_stale_if_match_is_refused_with_412_naming_what_changed(api, owner, colleague, register):
    person = register(name="张三")
    first, second = api(owner), api(colleague)
    first_etag = first.get(f"{PERSONS}{person.pk}/")["ETag"]
    second_etag = second.get(f"{PERSONS}{person.pk}/")["ETag"]
    assert (
        first.patch(
            f"{PERSONS}{person.pk}/", {"name": "张三丰"}, format="json", HTTP_IF_MATCH=first_etag
        ).status_code
        == 200
    )

    response = second.patch(
        f"{PERSONS}{person.pk}/",
        {"marital_status": "married"},
        format="json",
        HTTP_IF_MATCH=second_etag,
    )

    assert response.status_code == 412
    assert error_codes(response) == [(None, ErrorCode.STALE)]
    message = response.json()["errors"][0]["message"]
    assert "姓名:张三 → 张三丰" in message
    assert "owner" in message
    person.refresh_from_db()
    assert (person.name, person.marital_status) == ("张三丰", "")


def test_a_matching_if_match_succeeds_and_returns_the_new_etag(api, owner, register):
    person = register()
    client = api(owner)
    etag = client.get(f"{PERSONS}{person.pk}/")["ETag"]

    response = client.patch(
        f"{PERSONS}{person.pk}/", {"name": "张三丰"}, format="json", HTTP_IF_MATCH=etag
    )

    assert response.status_code == 200
    assert response["ETag"] != etag
    assert response["ETag"] == client.get(f"{PERSONS}{person.pk}/")["ETag"]


def test_a_weakened_etag_from_a_compressing_proxy_still_matches(api, owner, register):
    person = register()
    client = api(owner)
    etag = client.get(f"{PERSONS}{person.pk}/")["ETag"]

    response = client.patch(
        f"{PERSONS}{person.pk}/", {"name": "张三丰"}, format="json", HTTP_IF_MATCH=f"W/{etag}"
    )

    assert response.status_code == 200


def test_a_write_without_if_match_proceeds(api, owner, register):
    person = register()

    response = api(owner).patch(f"{PERSONS}{person.pk}/", {"name": "张三丰"}, format="json")

    assert response.status_code == 200
    assert response.json()["name"] == "张三丰"


def test_a_write_without_if_match_is_refused_with_428_when_the_setting_requires_it(
    api, owner, register, settings
):
    settings.PARITY_API_REQUIRE_IF_MATCH = True
    person = register()

    response = api(owner).patch(f"{PERSONS}{person.pk}/", {"name": "张三丰"}, format="json")

    assert response.status_code == 428
    assert error_codes(response) == [(None, ErrorCode.IF_MATCH_REQUIRED)]
    person.refresh_from_db()
    assert person.name == "张三"


@pytest.mark.parametrize("header", ['"garbage"', "not even a tag"])
def test_an_if_match_that_names_no_version_of_the_record_is_refused_with_412(
    api, owner, register, header
):
    person = register()

    response = api(owner).patch(
        f"{PERSONS}{person.pk}/", {"name": "张三丰"}, format="json", HTTP_IF_MATCH=header
    )

    assert response.status_code == 412
    person.refresh_from_db()
    assert person.name == "张三"


def test_a_stale_if_match_on_a_dwelling_is_refused_and_keeps_the_first_change(
    api, owner, colleague
):
    created = api(owner).post(
        DWELLINGS,
        {"address": "钢铁大街1号", "grid": GRID, "dwelling_type": "rented"},
        format="json",
    )
    url = f"{DWELLINGS}{created.json()['id']}/"
    first, second = api(owner), api(colleague)
    first_etag, second_etag = first.get(url)["ETag"], second.get(url)["ETag"]
    assert (
        first.patch(
            url, {"address": "钢铁大街2号"}, format="json", HTTP_IF_MATCH=first_etag
        ).status_code
        == 200
    )

    response = second.patch(
        url, {"address": "钢铁大街3号"}, format="json", HTTP_IF_MATCH=second_etag
    )

    assert response.status_code == 412
    assert "钢铁大街1号 → 钢铁大街2号" in response.json()["errors"][0]["message"]
    assert first.get(url).json()["address"] == "钢铁大街2号"
