"""The API's lists give ``count: null`` when counting would be slow, and still page."""

from __future__ import annotations

import datetime as dt
from unittest import mock

from parity.conftest import make_id


def test_an_uncounted_list_has_a_null_count_and_a_next_link(api, owner, register):
    for n in range(7):
        register(id_number=make_id(seq=600 + n), arrived_on=dt.date(2024, 1, 1))
    with mock.patch("parity.core.pagination.bounded_count", return_value=None):
        first = api(owner).get("/api/v1/persons/", {"page_size": 5}).json()
        second = api(owner).get(first["next"]).json()
    assert first["count"] is None and len(first["results"]) == 5
    assert second["count"] is None and second["next"] is None and len(second["results"]) == 2
    ids = {r["id"] for r in first["results"]} | {r["id"] for r in second["results"]}
    assert len(ids) == 7
