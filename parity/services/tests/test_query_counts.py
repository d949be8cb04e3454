"""The list pages run a fixed number of queries however many rows they show."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from parity.conftest import make_id
from parity.services import actions
from parity.services.keygroups import KEY_GROUPS

pytestmark = pytest.mark.django_db


@pytest.fixture
def populate(register, owner, health_record, settings):
    settings.PARITY_VISIT_INTERVAL_DAYS = 90

    def _populate(start: int, count: int):
        for n in range(start, start + count):
            person = register(
                name=f"人{n}", id_number=make_id(seq=200 + n), arrived_on=dt.date(2024, 1, 1)
            )
            if n % 3 == 0:
                actions.service_record(
                    acting_user=owner,
                    person=person,
                    service_type=health_record,
                    date=dt.date(2025, 1, 1),
                )

    return _populate


def _queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, params or {}).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    ("name", "args", "params"),
    [
        ("services:worklist", [], {}),
        ("services:keygroup_members", ["no_health_record"], {}),
        ("services:keygroup_list", [], {}),
        ("services:coverage", [], {}),
        ("services:coverage_people", ["health_record"], {"which": "missing"}),
        ("web:home", [], {}),
    ],
)
def test_list_pages_do_not_run_a_query_per_row(login, owner, populate, name, args, params):
    client = login(owner)
    populate(0, 2)
    few = _queries(client, reverse(name, args=args), params)
    populate(2, 12)
    assert _queries(client, reverse(name, args=args), params) == few


def test_the_work_list_takes_a_query_per_key_group_and_one_for_addresses(
    login, owner, populate, django_assert_max_num_queries
):
    populate(0, 12)
    client = login(owner)
    groups = sum(1 for g in KEY_GROUPS.values() if g.on_worklist)
    detailed = sum(1 for g in KEY_GROUPS.values() if g.on_worklist and g.details_for)
    # session + user + user's area + one per key group + addresses + the schedule's age
    # limits (the vaccine group) + one per group whose cards list every item (doses)
    with django_assert_max_num_queries(5 + groups + detailed):
        response = client.get(reverse("services:worklist"))
    assert len(response.context["page"].object_list) == 12


def test_the_coverage_page_reads_the_snapshot_in_a_fixed_number_of_queries(
    login, owner, populate, refresh_coverage, django_assert_max_num_queries
):
    from django.utils import timezone

    populate(0, 12)
    refresh_coverage(timezone.localdate())
    client = login(owner)
    # session + user + snapshot + indicators + services + their rules + the node's values +
    # area chooser (+ the user's area): the same however many people the area holds
    with django_assert_max_num_queries(9):
        response = client.get(reverse("services:coverage"))
    assert response.context["rows"][0]["floating"]["eligible"] == 12
    populate(12, 12)
    refresh_coverage(timezone.localdate())
    with django_assert_max_num_queries(9):
        response = client.get(reverse("services:coverage"))
    assert response.context["rows"][0]["floating"]["eligible"] == 24


def test_the_person_page_stays_fixed_with_a_catalog(
    login, owner, register, health_record, followup, make_service, django_assert_max_num_queries
):
    make_service("elderly_health", {"age_min": 65}, validity_days=365)
    person = register(arrived_on=dt.date(2024, 1, 1))
    for day in range(1, 6):
        actions.visit_record(
            acting_user=owner, person=person, visited_on=dt.date(2025, 1, day), outcome="met"
        )
        actions.service_record(
            acting_user=owner, person=person, service_type=health_record, date=dt.date(2025, 1, day)
        )
    client = login(owner)
    url = reverse("web:person_detail", args=[person.pk])
    with django_assert_max_num_queries(14):
        response = client.get(url)
    assert len(response.context["service_events"]) == 5
