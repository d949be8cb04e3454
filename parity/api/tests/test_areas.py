"""Areas through the API: the user's subtree, by code, filtered by parent and level."""

from parity.conftest import COMMUNITY, GRID, SISTER_GRID

URL = "/api/v1/areas/"


def test_a_grid_worker_sees_only_their_grid(api, owner):
    results = api(owner).get(URL).json()["results"]
    assert [a["code"] for a in results] == [GRID]


def test_areas_are_retrieved_by_code_and_others_are_404(api, owner):
    client = api(owner)
    assert client.get(f"{URL}{GRID}/").json()["parent"] == COMMUNITY
    assert client.get(f"{URL}150204/").status_code == 404


def test_areas_filter_by_parent_and_level(api, colleague):
    client = api(colleague)
    children = client.get(f"{URL}?parent={COMMUNITY}").json()["results"]
    grids = client.get(f"{URL}?level=5").json()["results"]
    assert {a["code"] for a in children} >= {GRID, SISTER_GRID}
    assert all(a["level"] == 5 for a in grids)
    assert {a["code"] for a in grids} == {a["code"] for a in children}


def test_areas_are_read_only(api, admin_user):
    response = api(admin_user).post(URL, {"code": "1", "name": "x"}, format="json")
    assert response.status_code == 405
