"""The area page's status counts are the sums of its children's groups (the people read
once): the same as counting the node's people directly, for every scope."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from parity.conftest import GRID, OTHER_GRID, SISTER_GRID, make_id
from parity.people.selectors import people_by_status

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(register, admin_user):
    for n, (grid, extra) in enumerate(
        [
            (GRID, {}),
            (GRID, {}),
            (SISTER_GRID, {}),
            (OTHER_GRID, {}),
            (GRID, {"outflow_region_code": "330102", "outflow_since": dt.date(2024, 1, 1)}),
        ]
    ):
        address = "150203" if extra else "410102"
        register(
            id_number=make_id(address, "19900101", 400 + 2 * n), grid=grid, by=admin_user, **extra
        )
    register(id_number=make_id("150203", "19800101", 421), grid=GRID, by=admin_user)


@pytest.mark.parametrize("user_name", ["admin_user", "official", "colleague", "owner"])
@pytest.mark.parametrize("code", [None, "1502", "150203", GRID])
def test_the_area_page_counts_what_counting_the_node_gives(
    client, request, people, user_name, code
):
    user = request.getfixturevalue(user_name)
    client.force_login(user)
    url = reverse("web:area_root") if code is None else reverse("web:area_detail", args=[code])
    response = client.get(url)
    if response.status_code != 200:
        return  # outside the user's scope: refused, nothing counted
    node = response.context["node"]
    expected = people_by_status(user, timezone.localdate(), within=node.code)
    assert {s.value: n for s, n in response.context["statuses"]} == {
        key: n for key, n in expected.items() if key != "floating"
    }
    assert sum(n for _s, n in response.context["statuses"]) >= 1
