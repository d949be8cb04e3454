"""The residence list: read-only, restricted, filtered by person, area and open."""

from parity.conftest import OTHER_GRID, SISTER_GRID, make_id

URL = "/api/v1/residences/"


def test_the_list_shows_only_residences_in_scope(api, register, outsider):
    register()
    theirs = register(id_number=make_id(seq=5), grid=OTHER_GRID, by=outsider)

    results = api(outsider).get(URL).json()["results"]

    assert [r["person"]["id"] for r in results] == [theirs.pk]


def test_the_list_filters_by_person_area_and_open(api, colleague, register):
    moved = register(id_number=make_id(seq=1))
    stayed = register(id_number=make_id(seq=2))
    client = api(colleague)
    client.post(
        f"/api/v1/persons/{moved.pk}/move/",
        {"grid": SISTER_GRID, "arrived_on": "2024-06-01", "housing_type": "own"},
        format="json",
    )

    by_person = client.get(f"{URL}?person={moved.pk}").json()["results"]
    in_sister = client.get(f"{URL}?area={SISTER_GRID}").json()["results"]
    closed = client.get(f"{URL}?open=false").json()["results"]
    open_ = client.get(f"{URL}?open=true").json()["results"]

    assert len(by_person) == 2
    assert [r["person"]["id"] for r in in_sister] == [moved.pk]
    assert [r["person"]["id"] for r in closed] == [moved.pk]
    assert {r["person"]["id"] for r in open_} == {moved.pk, stayed.pk}


def test_residences_cannot_be_written_through_the_list(api, owner, register):
    register()
    assert api(owner).post(URL, {}, format="json").status_code == 405
