"""Dwellings through the API: registered and edited by housing actions, phone masked."""

from parity.conftest import GRID, make_id
from parity.core.models import AuditEvent
from parity.housing.models import Dwelling

from .conftest import error_codes

URL = "/api/v1/dwellings/"


def _register(client, **extra):
    payload = {
        "address": "钢铁大街1号",
        "grid": GRID,
        "dwelling_type": "rented",
        "is_let": True,
        "landlord_kind": "person",
        "landlord_name": "房东甲",
        "landlord_phone": "13812345678",
        **extra,
    }
    return client.post(URL, payload, format="json")


def test_a_dwelling_is_registered_with_the_landlord_phone_masked(api, owner):
    response = _register(api(owner))

    assert response.status_code == 201
    body = response.json()
    assert body["landlord_phone_masked"] == "138****5678"
    assert "13812345678" not in response.content.decode()
    assert body["resident_count"] == 0
    assert AuditEvent.objects.filter(action="dwelling.register").exists()


def test_residents_are_counted_by_their_open_residences(api, owner, register):
    client = api(owner)
    dwelling = _register(client).json()
    register(id_number=make_id(seq=1), dwelling=Dwelling.objects.get(pk=dwelling["id"]))
    register(id_number=make_id(seq=2), dwelling=Dwelling.objects.get(pk=dwelling["id"]))

    assert client.get(f"{URL}{dwelling['id']}/").json()["resident_count"] == 2


def test_a_dwelling_is_updated_through_the_action(api, owner):
    client = api(owner)
    dwelling = _register(client).json()

    response = client.patch(
        f"{URL}{dwelling['id']}/", {"is_let": False, "landlord_phone": "13900001111"}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["is_let"] is False
    assert response.json()["landlord_phone_masked"] == "139****1111"
    assert AuditEvent.objects.filter(action="dwelling.update").exists()


def test_the_same_address_twice_in_a_grid_is_refused(api, owner):
    client = api(owner)
    _register(client)
    response = _register(client)
    assert response.status_code == 400
    assert error_codes(response) == [(None, "unique_together")]
    assert Dwelling.objects.count() == 1


def test_outsiders_and_officials_cannot_write_dwellings(api, owner, outsider, official):
    dwelling = _register(api(owner)).json()
    assert api(outsider).get(URL).json()["count"] == 0
    assert api(outsider).patch(f"{URL}{dwelling['id']}/", {"is_let": False}).status_code == 404
    assert api(official).patch(f"{URL}{dwelling['id']}/", {"is_let": False}).status_code == 403
    assert _register(api(official), address="另一处").status_code == 403


def test_dwellings_filter_by_grid_and_letting(api, owner):
    client = api(owner)
    _register(client)
    _register(client, address="钢铁大街2号", is_let=False)
    assert client.get(f"{URL}?is_let=true").json()["count"] == 1
    assert client.get(f"{URL}?grid={GRID}").json()["count"] == 2
    assert client.get(f"{URL}?q=2号").json()["count"] == 1
