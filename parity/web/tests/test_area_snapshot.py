"""The area page of a node in the user's scope shows the indicator snapshot's figures,
the dashboard's: the same numbers for the same node, counted nowhere on the way."""

import pytest
from django.urls import reverse

from parity.conftest import GRID, make_id
from parity.web.tests.conftest import compute_indicators

pytestmark = pytest.mark.django_db

CITY, DISTRICT = "1502", "150203"


def _headlines(response) -> dict:
    return {h.key: h.value for h in response.context["headlines"]}


def _statuses(response) -> dict:
    return {s.value: n for s, n in response.context["statuses"]}


@pytest.mark.parametrize("user_name", ["city_official", "official", "owner"])
def test_the_area_page_shows_the_dashboards_figures_for_the_same_node(
    login, request, snapshot, user_name
):
    user = request.getfixturevalue(user_name)
    client = login(user)
    area = client.get(reverse("web:area_root"))
    node = area.context["node"]
    dashboard = _headlines(client.get(reverse("web:dashboard_node", args=[node.code])))
    assert area.context["snapshot"] == snapshot
    statuses = _statuses(area)
    assert statuses == {k: dashboard[k] for k in ("inflow", "outflow", "registered")}
    assert sum(statuses.values()) >= 1
    assert snapshot.as_of.strftime("%Y-%m-%d") in area.content.decode()


def test_each_child_row_is_the_dashboards_figure_of_that_child(login, city_official, snapshot):
    client = login(city_official)
    rows = client.get(reverse("web:area_detail", args=[DISTRICT])).context["children"]
    assert rows
    for row in rows:
        dashboard = _headlines(client.get(reverse("web:dashboard_node", args=[row["area"].code])))
        assert row["floating"] == dashboard["floating"]
        assert row["people"] == dashboard["inflow"] + dashboard["outflow"] + dashboard["registered"]
    assert (
        sum(row["floating"] for row in rows)
        == _headlines(client.get(reverse("web:dashboard_node", args=[DISTRICT])))["floating"]
    )


def test_the_page_keeps_the_snapshots_figures_until_the_next_refresh(
    login, city_official, snapshot, register, admin_user
):
    client = login(city_official)
    before = _statuses(client.get(reverse("web:area_detail", args=[CITY])))
    register(id_number=make_id("410102", "19910101", 611), grid=GRID, by=admin_user)
    assert _statuses(client.get(reverse("web:area_detail", args=[CITY]))) == before
    compute_indicators(admin_user)
    after = _statuses(client.get(reverse("web:area_detail", args=[CITY])))
    assert after["inflow"] == before["inflow"] + 1


def test_without_a_snapshot_the_page_counts_the_people(login, city_official, small_city):
    response = login(city_official).get(reverse("web:area_detail", args=[CITY]))
    assert response.context["snapshot"] is None
    assert sum(_statuses(response).values()) >= 1


def test_a_node_above_the_users_scope_counts_only_the_users_people(login, owner, snapshot):
    """The snapshot counts everyone: above the scope the page counts the user's own."""
    client = login(owner)
    response = client.get(reverse("web:area_detail", args=[DISTRICT]))
    if response.status_code != 200:
        pytest.skip("the district is not shown to a grid worker")
    assert response.context["snapshot"] is None
    assert response.context["in_scope"] is False


@pytest.mark.parametrize("user_name", ["city_official", "official", "owner"])
def test_the_home_page_shows_the_same_figures_as_the_area_page_and_the_dashboard(
    login, request, snapshot, user_name
):
    # Given: a snapshot, and a user of each scope (city, district, grid).
    client = login(request.getfixturevalue(user_name))

    # When: they open the home page, their area's page and its dashboard.
    home = client.get(reverse("web:home"))
    area = client.get(reverse("web:area_root"))
    node = area.context["node"]
    dashboard = _headlines(client.get(reverse("web:dashboard_node", args=[node.code])))

    # Then: the three pages give the same people by status and floating population.
    assert home.context["snapshot"] == snapshot
    assert _statuses(home) == _statuses(area)
    assert _statuses(home) == {k: dashboard[k] for k in ("inflow", "outflow", "registered")}
    assert home.context["floating"] == dashboard["floating"]
    assert sum(_statuses(home).values()) >= 1
    assert snapshot.as_of.strftime("%Y-%m-%d") in home.content.decode()


def test_without_a_snapshot_the_home_page_counts_the_users_people(login, city_official, small_city):
    response = login(city_official).get(reverse("web:home"))
    assert response.context["snapshot"] is None
    assert sum(_statuses(response).values()) >= 1
