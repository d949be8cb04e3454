"""Moves and departures through the API: the residence rules of the actions, one call each."""

from parity.conftest import GRID, OTHER_GRID, SISTER_GRID, make_id
from parity.people.choices import Status
from parity.people.models import Residence

from .conftest import error_codes

URL = "/api/v1/persons/"


def test_a_move_within_the_community_closes_the_old_residence_and_opens_a_new_one(
    api, colleague, register
):
    person = register()

    response = api(colleague).post(
        f"{URL}{person.pk}/move/",
        {"grid": SISTER_GRID, "arrived_on": "2024-06-01", "housing_type": "own"},
        format="json",
    )

    assert response.status_code == 201
    body = response.json()
    assert body["grid"]["code"] == SISTER_GRID
    assert body["departed_on"] is None
    person.refresh_from_db()
    assert person.area_code == SISTER_GRID
    old = Residence.objects.get(person=person, grid__code=GRID)
    assert str(old.departed_on) == "2024-06-01"


def test_a_move_into_a_grid_outside_the_users_scope_is_forbidden(api, owner, register):
    person = register()
    response = api(owner).post(
        f"{URL}{person.pk}/move/",
        {"grid": OTHER_GRID, "arrived_on": "2024-06-01", "housing_type": "own"},
        format="json",
    )
    assert response.status_code == 403
    assert person.open_residence().grid.code == GRID


def test_a_move_dated_before_the_current_arrival_is_refused(api, owner, register):
    person = register()
    response = api(owner).post(
        f"{URL}{person.pk}/move/",
        {"grid": GRID, "arrived_on": "2020-01-01", "housing_type": "own"},
        format="json",
    )
    assert response.status_code == 400
    assert error_codes(response) == [("arrived_on", "date_order")]


def test_departure_of_a_city_registered_person_makes_them_outflow(api, owner, register):
    person = register(id_number=make_id("150203", "19800101", 11))
    assert person.status == Status.REGISTERED

    response = api(owner).post(
        f"{URL}{person.pk}/depart/",
        {"departed_on": "2024-05-01", "destination_code": "440106"},
        format="json",
    )

    assert response.status_code == 200
    assert response.json()["departed_on"] == "2024-05-01"
    assert response.json()["departed_to_code"] == "440106"
    person.refresh_from_db()
    assert person.status == Status.OUTFLOW
    assert person.outflow_region_code == "440106"
    assert person.open_residence() is None


def test_departure_of_a_city_registered_person_needs_a_destination_outside_the_city(
    api, owner, register
):
    person = register(id_number=make_id("150203", "19800101", 11))

    response = api(owner).post(
        f"{URL}{person.pk}/depart/", {"departed_on": "2024-05-01"}, format="json"
    )

    assert response.status_code == 400
    assert error_codes(response) == [("destination_code", "region_code")]
    person.refresh_from_db()
    assert person.status == Status.REGISTERED
    assert person.open_residence() is not None


def test_departure_of_an_inflow_person_closes_the_residence_and_keeps_the_status(
    api, owner, register
):
    person = register()
    response = api(owner).post(
        f"{URL}{person.pk}/depart/", {"departed_on": "2024-05-01"}, format="json"
    )
    assert response.status_code == 200
    person.refresh_from_db()
    assert person.status == Status.INFLOW
    assert person.open_residence() is None


def test_departing_twice_is_refused_with_no_open_residence(api, owner, register):
    person = register()
    client = api(owner)
    client.post(f"{URL}{person.pk}/depart/", {"departed_on": "2024-05-01"}, format="json")

    response = client.post(
        f"{URL}{person.pk}/depart/", {"departed_on": "2024-06-01"}, format="json"
    )

    assert response.status_code == 400
    assert error_codes(response) == [(None, "no_open_residence")]


def test_a_departure_before_arrival_is_refused(api, owner, register):
    person = register()
    response = api(owner).post(
        f"{URL}{person.pk}/depart/", {"departed_on": "2020-01-01"}, format="json"
    )
    assert response.status_code == 400
    assert error_codes(response) == [("departed_on", "date_order")]


def test_the_residences_of_a_person_are_listed_newest_first(api, colleague, register):
    person = register()
    client = api(colleague)
    client.post(
        f"{URL}{person.pk}/move/",
        {"grid": SISTER_GRID, "arrived_on": "2024-06-01", "housing_type": "own"},
        format="json",
    )

    response = client.get(f"{URL}{person.pk}/residences/")

    assert response.status_code == 200
    assert [r["grid"]["code"] for r in response.json()] == [SISTER_GRID, GRID]
    assert response.json()[1]["stay_class"] == "under_6m"
