"""A write that finds a person by ID number checks the person already on file, not only the
new values: a user who knows an ID number registered in another area cannot pull that person
into their own area through the import (file or web page), registration or the API. They are
told where to ask, and nothing about the person; a move between areas is a transfer request
that the holding area accepts."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse

from parity.conftest import GRID, OTHER_GRID, SISTER_GRID, make_id
from parity.core.error_codes import ErrorCode
from parity.core.models import AuditEvent
from parity.people import actions
from parity.people.choices import TransferStatus
from parity.people.imports import HEADERS, import_people
from parity.people.models import Person, TransferRequest
from parity.people.tests.web import web_import

VICTIM_ID = make_id("410102", "19880808", 321)


@pytest.fixture
def victim(register, outsider):
    """A person registered by the outsider in their grid (青山区), arrived 2026-08-15."""
    return register(
        id_number=VICTIM_ID,
        name="李秘密",
        grid=OTHER_GRID,
        by=outsider,
        arrived_on=dt.date(2026, 8, 15),
        address="青山区秘密路1号",
    )


def _state(person: Person) -> tuple:
    person.refresh_from_db()
    residences = list(person.residences.values_list("grid_id", "arrived_on", "departed_on"))
    return (person.name, person.area_code, person.grid_id, person.phone_hash, residences)


def _csv(rows: list[dict[str, str]]) -> str:
    text = io.StringIO()
    out = csv.writer(text)
    out.writerow(HEADERS)
    for values in rows:
        out.writerow([values.get(h, "") for h in HEADERS])
    return text.getvalue()


def _takeover_row(**extra) -> dict[str, str]:
    return {
        "姓名": "改名换姓",
        "身份证号码": VICTIM_ID,
        "网格代码": GRID,
        "来本地日期": "2026-09-01",
        "住所类型": "出租房屋",
        "联系电话": "13900001111",
        **extra,
    }


# -- the import ----------------------------------------------------------------------------


def test_a_grid_worker_cannot_take_over_an_outside_person_from_the_command_line(
    tmp_path, owner, victim
):
    before = _state(victim)
    path = tmp_path / "takeover.csv"
    path.write_text(_csv([_takeover_row()]), encoding="utf-8-sig")

    call_command("import", "people", str(path), "--user", owner.username, verbosity=0)

    assert _state(victim) == before
    assert not Person.objects.restrict(owner, "view").filter(pk=victim.pk).exists()


def test_the_refused_row_says_where_to_ask_and_nothing_about_the_person(tmp_path, owner, victim):
    path = tmp_path / "takeover.csv"
    # An arrival earlier than the victim's (2026-08-15) used to answer with that date.
    path.write_text(_csv([_takeover_row(来本地日期="2026-01-02")]), encoding="utf-8-sig")

    result = import_people(path, acting_user=owner)

    assert (result.created, result.updated, result.unchanged) == (0, 0, 0)
    [error] = result.errors
    assert error.code == ErrorCode.OUTSIDE_SCOPE
    assert "青山区" in error.message
    text = f"{error.message} {error.value}"
    for secret in ("李秘密", "2026-08-15", "秘密路", OTHER_GRID, VICTIM_ID):
        assert secret not in text


def test_the_attempt_is_audited_under_the_persons_own_area(tmp_path, owner, victim):
    path = tmp_path / "takeover.csv"
    path.write_text(_csv([_takeover_row()]), encoding="utf-8-sig")

    import_people(path, acting_user=owner)

    event = AuditEvent.objects.get(action="people.import_refused")
    assert (event.actor, event.object_id, event.area_code) == (owner, str(victim.pk), OTHER_GRID)


def test_good_rows_beside_a_refused_one_are_imported(tmp_path, owner, victim):
    path = tmp_path / "mixed.csv"
    mine = make_id("410102", "19950505", 55)
    path.write_text(
        _csv([_takeover_row(), {**_takeover_row(), "姓名": "新来的", "身份证号码": mine}]),
        encoding="utf-8-sig",
    )

    result = import_people(path, acting_user=owner)

    assert result.created == 1
    assert Person.objects.by_id_number(mine).get().area_code == GRID
    assert [e.code for e in result.errors] == [ErrorCode.OUTSIDE_SCOPE]


def test_a_community_officer_may_still_update_people_of_every_grid_of_the_community(
    tmp_path, colleague, register
):
    person = register(id_number=VICTIM_ID, name="张三", grid=SISTER_GRID, by=colleague)
    path = tmp_path / "update.csv"
    path.write_text(
        _csv([_takeover_row(姓名="张三丰", 网格代码=SISTER_GRID, 来本地日期="2024-03-01")]),
        encoding="utf-8-sig",
    )

    result = import_people(path, acting_user=colleague)

    assert (result.updated, result.errors) == (1, [])
    person.refresh_from_db()
    assert person.name == "张三丰"


def test_the_web_import_page_cannot_take_over_an_outside_person(
    client, owner, victim, settings, tmp_path
):
    settings.IMPORT_DIR = tmp_path / "imports"
    client.force_login(owner)
    assert client.get(reverse("web:person_detail", args=[victim.pk])).status_code == 404
    upload = io.BytesIO(_csv([_takeover_row()]).encode("utf-8-sig"))
    upload.name = "takeover.csv"

    response = web_import(client, upload)

    assert response.status_code == 200
    assert "李秘密" not in response.content.decode()
    assert client.get(reverse("web:person_detail", args=[victim.pk])).status_code == 404


# -- registration (web, API, action) ------------------------------------------------------


def test_registering_an_outside_id_number_says_where_to_ask(owner, victim, areas):
    with pytest.raises(ValidationError) as caught:
        actions.person_register(
            acting_user=owner,
            id_number=VICTIM_ID,
            name="冒名",
            grid=areas[GRID],
            arrived_on=dt.date(2026, 9, 1),
            housing_type="rented",
        )

    [error] = caught.value.error_dict["id_number"]
    assert error.code == ErrorCode.OUTSIDE_SCOPE
    assert "青山区" in error.message and "李秘密" not in error.message


def test_registering_an_id_number_already_in_the_area_says_it_is_registered(owner, register):
    register(id_number=VICTIM_ID)
    with pytest.raises(ValidationError) as caught:
        register(id_number=VICTIM_ID, name="又一次")

    assert caught.value.error_dict["id_number"][0].code == ErrorCode.ID_DUPLICATE


def test_the_api_refuses_an_outside_id_number_with_the_outside_scope_code(owner, victim):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(owner)
    response = api.post(
        "/api/v1/persons/",
        {
            "id_number": VICTIM_ID,
            "name": "冒名",
            "grid": GRID,
            "arrived_on": "2026-09-01",
            "housing_type": "rented",
        },
        format="json",
    )

    assert response.status_code == 400
    assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [
        ("id_number", "outside_scope")
    ]
    assert "李秘密" not in response.content.decode()


def test_a_sister_grid_is_named_to_a_grid_worker_of_the_same_community(
    owner, colleague, register, areas
):
    register(id_number=VICTIM_ID, grid=SISTER_GRID, by=colleague)
    with pytest.raises(ValidationError) as caught:
        actions.person_register(
            acting_user=owner,
            id_number=VICTIM_ID,
            name="冒名",
            grid=areas[GRID],
            arrived_on=dt.date(2026, 9, 1),
            housing_type="rented",
        )

    assert areas[SISTER_GRID].name in caught.value.error_dict["id_number"][0].message


# -- transfer requests --------------------------------------------------------------------


@pytest.fixture
def transfer(owner, victim, areas):
    return actions.transfer_request(
        acting_user=owner,
        id_number=VICTIM_ID,
        grid=areas[GRID],
        arrived_on=dt.date(2026, 9, 1),
        housing_type="rented",
        address="昆都仑区新家1号",
        note="已在本网格租房",
    )


def test_a_transfer_request_is_audited_for_both_areas(transfer):
    areas_told = set(
        AuditEvent.objects.filter(action="transfer.request").values_list("area_code", flat=True)
    )
    assert areas_told == {GRID, OTHER_GRID}
    assert transfer.status == TransferStatus.PENDING


def test_the_requester_does_not_see_the_person_before_acceptance(client, owner, transfer):
    client.force_login(owner)
    page = client.get(reverse("web:transfer_detail", args=[transfer.pk])).content.decode()

    assert transfer.person.id_masked in page
    assert "李秘密" not in page
    assert "同意迁入" not in page  # the requester cannot decide their own request


def test_the_holding_area_accepts_and_the_person_moves_into_the_requested_grid(
    client, owner, outsider, transfer, victim
):
    client.force_login(outsider)
    incoming = client.get(reverse("web:transfer_list")).content.decode()
    assert transfer.person.id_masked in incoming

    response = client.post(reverse("web:transfer_decide", args=[transfer.pk, "accept"]))

    assert response.status_code == 302
    victim.refresh_from_db()
    assert (victim.area_code, victim.name) == (GRID, "李秘密")
    assert victim.residences.get(departed_on__isnull=True).address == "昆都仑区新家1号"
    assert victim.residences.get(departed_on__isnull=False).grid.code == OTHER_GRID
    assert Person.objects.restrict(owner, "view").filter(pk=victim.pk).exists()
    accepted = AuditEvent.objects.filter(action="transfer.accept")
    assert set(accepted.values_list("area_code", flat=True)) == {GRID, OTHER_GRID}


def test_the_requester_cannot_accept_their_own_request(owner, transfer, victim):
    with pytest.raises(PermissionDenied):
        actions.transfer_accept(acting_user=owner, transfer=transfer)

    victim.refresh_from_db()
    assert victim.area_code == OTHER_GRID


def test_a_rejection_needs_a_reason_and_leaves_the_person_where_they_are(
    outsider, transfer, victim
):
    with pytest.raises(ValidationError):
        actions.transfer_reject(acting_user=outsider, transfer=transfer, reason=" ")

    actions.transfer_reject(acting_user=outsider, transfer=transfer, reason="此人仍在本网格居住")

    transfer.refresh_from_db()
    victim.refresh_from_db()
    assert (transfer.status, transfer.reason) == (TransferStatus.REJECTED, "此人仍在本网格居住")
    assert victim.area_code == OTHER_GRID


def test_a_decided_request_cannot_be_decided_again(outsider, transfer):
    actions.transfer_accept(acting_user=outsider, transfer=transfer)
    with pytest.raises(ValidationError) as caught:
        actions.transfer_reject(acting_user=outsider, transfer=transfer, reason="晚了")

    assert caught.value.code == ErrorCode.TRANSFER_STATE


def test_the_requester_may_withdraw_a_pending_request(owner, transfer):
    actions.transfer_cancel(acting_user=owner, transfer=transfer)

    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.CANCELLED


def test_a_second_pending_request_for_the_same_person_is_refused(colleague, transfer, areas):
    with pytest.raises(ValidationError) as caught:
        actions.transfer_request(
            acting_user=colleague,
            id_number=VICTIM_ID,
            grid=areas[SISTER_GRID],
            arrived_on=dt.date(2026, 9, 2),
            housing_type="rented",
        )

    assert caught.value.error_dict["id_number"][0].code == ErrorCode.TRANSFER_STATE


def test_a_request_for_someone_already_in_the_area_or_not_registered_is_refused(
    owner, register, areas
):
    register(id_number=make_id(seq=5))
    for number, code in (
        (make_id(seq=5), ErrorCode.TRANSFER_STATE),
        (make_id(seq=7), ErrorCode.ID_NOT_FOUND),
    ):
        with pytest.raises(ValidationError) as caught:
            actions.transfer_request(
                acting_user=owner,
                id_number=number,
                grid=areas[GRID],
                arrived_on=dt.date(2026, 9, 1),
                housing_type="rented",
            )
        assert caught.value.error_dict["id_number"][0].code == code


def test_a_third_area_sees_no_request_and_cannot_decide_it(
    client, django_user_model, areas, transfer
):
    from parity.accounts.choices import Role

    stranger = django_user_model.objects.create_user(
        username="stranger", password="x", role=Role.COMMUNITY_OFFICER, area=areas["150205001001"]
    )
    client.force_login(stranger)

    assert client.get(reverse("web:transfer_detail", args=[transfer.pk])).status_code == 404
    assert (
        client.post(reverse("web:transfer_decide", args=[transfer.pk, "accept"])).status_code == 404
    )
    assert (
        transfer.person.id_masked not in client.get(reverse("web:transfer_list")).content.decode()
    )
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.PENDING


def test_a_request_made_on_the_web_page_reaches_the_holding_area(client, owner, victim):
    client.force_login(owner)
    response = client.post(
        reverse("web:transfer_new"),
        {
            "id_number": VICTIM_ID,
            "grid": owner.area.pk,
            "arrived_on": "2026-09-01",
            "housing_type": "rented",
        },
    )

    transfer = TransferRequest.objects.get()
    assert response.status_code == 302
    assert (transfer.person_id, transfer.from_area_code, transfer.area_code) == (
        victim.pk,
        OTHER_GRID,
        GRID,
    )


def test_a_community_officer_holding_the_person_can_decide(colleague, register, outsider, areas):
    person = register(id_number=VICTIM_ID, grid=SISTER_GRID, by=colleague)
    request = actions.transfer_request(
        acting_user=outsider,
        id_number=VICTIM_ID,
        grid=areas[OTHER_GRID],
        arrived_on=dt.date(2026, 9, 1),
        housing_type="rented",
    )

    actions.transfer_accept(acting_user=colleague, transfer=request)

    person.refresh_from_db()
    assert person.area_code == OTHER_GRID


def test_a_city_wide_administrator_finds_a_request_in_the_box_to_decide(
    client, admin_user, transfer
):
    client.force_login(admin_user)

    incoming = client.get(reverse("web:transfer_list")).content.decode()

    assert transfer.person.id_masked in incoming
