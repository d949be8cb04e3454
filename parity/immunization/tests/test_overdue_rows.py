"""The overdue list and API page narrow rows (child id and figures) and then read the page's
children: the same children, figures and order as the whole-row query they replace, and a
vaccination recorded takes a child off both at once."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from parity.immunization.actions import vaccination_record
from parity.immunization.models import DoseDue
from parity.immunization.selectors import (
    children_for_rows,
    children_overdue,
    children_overdue_rows,
)
from parity.immunization.tests.conftest import months_ago

pytestmark = pytest.mark.django_db


def _figures(children) -> list[tuple]:
    return [(c.pk, c.overdue_since, c.overdue_latest, c.overdue_count, c.band) for c in children]


@pytest.fixture
def children(child):
    ages = [2, 5, 9, 14, 25, 30, 40, 60, 80, 100, 130, 170, 200]
    return [child(months_ago(m), name=f"童{m}") for m in ages]


def test_the_rows_and_their_children_match_the_whole_row_query(children):
    today = timezone.localdate()
    whole = list(children_overdue(today))
    assert len(whole) >= 10  # most of them owe a dose
    narrow = children_for_rows(children_overdue_rows(today))
    assert _figures(narrow) == _figures(whole)
    # A page of them, as the paginator cuts it.
    # Pages as the paginator cuts them, across the age bands (4 children under two).
    for start, stop in ((0, 3), (3, 8), (5, 9), (9, 40)):
        page = children_for_rows(children_overdue_rows(today)[start:stop])
        assert _figures(page) == _figures(whole[start:stop]), (start, stop)
    assert len(children_overdue_rows(today)) == len(whole)


def test_the_page_and_the_api_list_the_same_children_in_the_same_order(client, owner, children):
    today = timezone.localdate()
    whole: list[Any] = list(children_overdue(today))
    expected = [(c.pk, c.overdue_since, c.overdue_count) for c in whole]
    client.force_login(owner)
    page = client.get(reverse("immunization:overdue")).context["page"]
    assert [(p.pk, p.overdue_since, p.overdue_count) for p in page.object_list] == expected
    api = APIClient()
    api.force_authenticate(owner)
    body = api.get("/api/v1/overdue-children/").json()
    assert body["count"] == len(expected)
    assert [(c["id"], c["overdue_since"], c["overdue_count"]) for c in body["results"]] == [
        (pk, since.isoformat(), count) for pk, since, count in expected
    ]


def test_a_vaccination_recorded_takes_the_child_off_the_list_at_once(client, owner, child):
    baby = child(months_ago(3), name="小安")
    today = timezone.localdate()
    overdue = list(
        DoseDue.objects.filter(person=baby, overdue_on__lte=today)
        .select_related("vaccine")
        .order_by("vaccine__sort_order", "dose")
    )
    assert overdue
    client.force_login(owner)
    api = APIClient()
    api.force_authenticate(owner)

    def listed() -> tuple[bool, bool]:
        page = client.get(reverse("immunization:overdue")).context["page"]
        results = api.get("/api/v1/overdue-children/").json()["results"]
        return (
            baby.pk in [p.pk for p in page.object_list],
            baby.pk in [c["id"] for c in results],
        )

    assert listed() == (True, True)
    for dose in overdue:
        vaccination_record(
            acting_user=owner, person=baby, vaccine=dose.vaccine, dose=dose.dose, date=today
        )
    assert listed() == (False, False)
