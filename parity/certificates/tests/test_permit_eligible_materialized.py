"""The residence-permit eligible list from today on reads ``Person.permit_eligible_on``
(``certificates.eligible``): the same people, days and order as the list computed from the
records, and every write moves the day at once."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.urls import reverse

from parity.certificates.actions import permit_apply, permit_issue
from parity.certificates.choices import PermitStatus
from parity.certificates.eligible import permit_eligibility_rebuild, permit_eligibility_refresh
from parity.certificates.selectors import (
    permit_eligible_computed,
    permit_eligible_without_permit,
)
from parity.conftest import GRID, make_id
from parity.people.actions import employment_record, residence_close, residence_move
from parity.people.imports import HEADERS, engine, import_people
from parity.people.models import Employment, Person, Residence
from parity.people.signals import people_written

pytestmark = pytest.mark.django_db

# A day whose month is shorter than the one six months before it: arrivals on 29–31
# August are six months here only from 1 March, though their day is 28 February.
TODAY = dt.date(2025, 2, 28)
D = dt.date


@pytest.fixture
def today():
    moment = dt.datetime(2025, 2, 28, 12, tzinfo=ZoneInfo(settings.TIME_ZONE))
    with time_machine.travel(moment, tick=False):
        yield TODAY


def _materialized(on: dt.date) -> list[tuple[int, dt.date]]:
    return list(permit_eligible_without_permit(on).values_list("pk", "since"))


def _computed(on: dt.date) -> list[tuple[int, dt.date]]:
    rows = permit_eligible_computed(on, Person.objects.all()).order_by("since", "id")
    return list(rows.values_list("pk", "since"))


def _listed(on: dt.date = TODAY) -> dict[int, dt.date]:
    return dict(_materialized(on))


@pytest.fixture
def city(today, owner, register, catalog):
    """People around every edge of the rule, registered and changed through the actions."""
    seq = iter(range(300, 400))

    def person(arrived_on, housing_type="rented", address="410102", **extra):
        return register(
            id_number=make_id(address, "19900101", next(seq)),
            arrived_on=arrived_on,
            housing_type=housing_type,
            **extra,
        )

    people = {
        # Around the threshold: six months to the day, a day short, the month's end.
        "six_months": person(D(2024, 8, 28)),
        "a_day_short": person(D(2024, 8, 29)),
        "month_end": person(D(2024, 8, 31)),
        "arrived_yesterday": person(D(2025, 2, 27)),
        "long_ago": person(D(2019, 5, 10)),
        # No stable home: a job is the basis, of unknown start or dated.
        "job_unknown_start": person(D(2023, 5, 10), "work_site"),
        "job_later": person(D(2022, 1, 1), "work_site"),
        "job_ended": person(D(2022, 1, 1), "work_site"),
        "job_ends_today": person(D(2022, 1, 1), "work_site"),
        "no_basis": person(D(2022, 1, 1), "other"),
        "study": person(D(2023, 1, 1), "work_site", move_reason="study"),
        "job_before_home": person(D(2022, 1, 1)),
        "moved_to_stable": person(D(2023, 1, 1), "work_site"),
        "moved_to_unstable": person(D(2023, 1, 1)),
        # Permits and departures.
        "applied": person(D(2022, 1, 1)),
        "issued": person(D(2022, 1, 1)),
        "cancelled": person(D(2022, 1, 1)),
        "left": person(D(2022, 1, 1)),
        "left_today": person(D(2022, 1, 1)),
        "outflow": person(
            None, address="150203", outflow_region_code="330102", outflow_since=D(2023, 1, 1)
        ),
    }
    employment_record(acting_user=owner, person=people["job_unknown_start"], industry="E")
    employment_record(
        acting_user=owner, person=people["job_later"], industry="E", started_on=D(2024, 6, 1)
    )
    employment_record(
        acting_user=owner,
        person=people["job_ended"],
        industry="E",
        started_on=D(2022, 3, 1),
        ended_on=D(2024, 1, 1),
    )
    employment_record(
        acting_user=owner,
        person=people["job_ends_today"],
        industry="E",
        started_on=D(2022, 3, 1),
        ended_on=TODAY,
    )
    employment_record(
        acting_user=owner,
        person=people["job_before_home"],
        industry="C",
        started_on=D(2021, 6, 1),
    )
    residence_move(
        acting_user=owner,
        person=people["moved_to_stable"],
        grid=people["moved_to_stable"].grid,
        arrived_on=D(2024, 10, 1),
        housing_type="dormitory",
    )
    residence_move(
        acting_user=owner,
        person=people["moved_to_unstable"],
        grid=people["moved_to_unstable"].grid,
        arrived_on=D(2024, 10, 1),
        housing_type="work_site",
    )
    permit_apply(acting_user=owner, person=people["applied"], basis="residence")
    for key in ("issued", "cancelled"):
        permit = permit_apply(
            acting_user=owner, person=people[key], basis="residence", applied_on=D(2024, 5, 1)
        )
        permit_issue(acting_user=owner, permit=permit, issued_on=D(2024, 6, 1), number=key)
    cancelled = people["cancelled"].residence_permits.get()
    cancelled.status = PermitStatus.CANCELLED
    cancelled.save()
    residence_close(acting_user=owner, person=people["left"], departed_on=D(2025, 1, 15))
    residence_close(acting_user=owner, person=people["left_today"], departed_on=TODAY)
    return {key: Person.objects.get(pk=p.pk) for key, p in people.items()}


@pytest.mark.parametrize("days", [0, 1, 2, 30, 200, 2000])
def test_the_list_from_today_on_is_the_list_computed_from_the_records(city, days):
    on = TODAY + dt.timedelta(days=days)
    assert _materialized(on) == _computed(on)


def test_the_edges_land_where_the_rule_puts_them(city):
    listed = _listed()
    p = {key: person.pk for key, person in city.items()}
    assert listed[p["six_months"]] == D(2025, 2, 28)
    assert listed[p["long_ago"]] == D(2019, 11, 10)
    assert listed[p["job_unknown_start"]] == D(2023, 11, 10)
    assert listed[p["job_later"]] == D(2024, 6, 1)
    assert listed[p["study"]] == D(2023, 7, 1)
    # The job began before the home: the earlier basis counts, but not before six months.
    assert listed[p["job_before_home"]] == D(2022, 7, 1)
    assert listed[p["moved_to_stable"]] == D(2024, 10, 1)
    assert listed[p["cancelled"]] == D(2022, 7, 1)
    for key in (
        "a_day_short",
        "month_end",
        "arrived_yesterday",
        "job_ended",
        "job_ends_today",
        "no_basis",
        "moved_to_unstable",
        "applied",
        "issued",
        "left",
        "left_today",
        "outflow",
    ):
        assert p[key] not in listed, key
    # A day short and the month's end: in from 1 March, with their day in February.
    tomorrow = _listed(TODAY + dt.timedelta(days=1))
    assert tomorrow[p["a_day_short"]] == D(2025, 2, 28)
    assert tomorrow[p["month_end"]] == D(2025, 2, 28)


def test_the_day_is_stored_on_the_person(city):
    assert city["six_months"].permit_eligible_on == D(2025, 2, 28)
    # Not yet six months here: the day is kept, the list waits for it.
    assert city["arrived_yesterday"].permit_eligible_on == D(2025, 8, 27)
    for key in ("applied", "issued", "left", "no_basis", "outflow", "job_ended"):
        assert city[key].permit_eligible_on is None, key


def test_a_date_before_today_is_computed_from_the_records(city):
    """The day holds from today on: an earlier date reads the records (the job that ended
    in 2024 was a basis then)."""
    on = D(2023, 6, 1)
    assert _materialized(on) == _computed(on)
    assert city["job_ended"].pk in _listed(on)


# --- every write moves the day at once ---------------------------------------------------


def test_applying_for_a_permit_takes_the_person_off_and_cancelling_puts_them_back(city, owner):
    person = city["long_ago"]
    permit = permit_apply(acting_user=owner, person=person, basis="residence")
    assert person.pk not in _listed()
    permit.status = PermitStatus.CANCELLED
    permit.save(update_fields=["status"])
    assert _listed()[person.pk] == D(2019, 11, 10)
    permit.delete()
    assert _listed()[person.pk] == D(2019, 11, 10)


def test_a_job_recorded_ended_or_deleted_moves_the_person_at_once(city, owner):
    person = city["no_basis"]
    assert person.pk not in _listed()
    job = employment_record(
        acting_user=owner, person=person, industry="G", started_on=D(2024, 12, 1)
    )
    assert _listed()[person.pk] == D(2024, 12, 1)
    job.ended_on = TODAY
    job.save()
    assert person.pk not in _listed()
    job.ended_on = None
    job.save()
    assert person.pk in _listed()
    Employment.objects.get(pk=job.pk).delete()
    assert person.pk not in _listed()


def test_moving_home_and_leaving_the_city_move_the_person_at_once(city, owner):
    person = city["no_basis"]
    residence_move(
        acting_user=owner,
        person=person,
        grid=person.grid,
        arrived_on=D(2025, 1, 10),
        housing_type="own",
    )
    assert _listed()[person.pk] == D(2025, 1, 10)
    residence_close(acting_user=owner, person=person, departed_on=TODAY)
    assert person.pk not in _listed()
    assert Person.objects.get(pk=person.pk).permit_eligible_on is None


def test_a_changed_arrival_moves_the_day(city):
    person = city["long_ago"]
    person.arrived_city_on = D(2024, 1, 20)
    person.save()
    assert _listed()[person.pk] == D(2024, 7, 20)
    # The instance holds the day written, so a later save keeps it.
    assert person.permit_eligible_on == D(2024, 7, 20)
    person.save()
    assert Person.objects.get(pk=person.pk).permit_eligible_on == D(2024, 7, 20)


def test_a_save_of_other_fields_leaves_the_day_alone(city, django_assert_num_queries):
    person = city["long_ago"]
    person.name = "李四"
    with django_assert_num_queries(1):
        person.save(update_fields=["name"])


def test_deleting_a_home_moves_the_day(city):
    person = city["job_before_home"]
    Residence.objects.filter(person=person).delete()
    # No home: the job alone (since 2021) counts from six months after arrival.
    assert _listed()[person.pk] == D(2022, 7, 1)
    Employment.objects.filter(person=person).delete()
    assert person.pk not in _listed()


def test_an_import_writes_the_day_of_the_people_it_creates(
    today, owner, tmp_path: Path, monkeypatch
):
    path = tmp_path / "people.csv"
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(HEADERS)
        rows = [
            {"姓名": "王五", "身份证号码": make_id(seq=501), "来本地日期": "2024-03-01",
             "住所类型": "出租房屋"},
            {"姓名": "赵六", "身份证号码": make_id(seq=502), "来本地日期": "2024-03-01",
             "住所类型": "工地工棚", "行业": "批发和零售业"},
            {"姓名": "钱七", "身份证号码": make_id(seq=503), "来本地日期": "2024-03-01",
             "住所类型": "工地工棚"},
        ]  # fmt: skip
        for values in rows:
            values["网格代码"] = GRID
            out.writerow([values.get(h, "") for h in HEADERS])
    # One row a chunk: the staging path (PostgreSQL) hands the file's people to the
    # receivers once, at the end of its one transaction; the row path a chunk at a time.
    monkeypatch.setattr(engine, "CHUNK_ROWS", 1)
    calls: list[list[int]] = []

    def heard(sender, person_ids, **kwargs):
        calls.append(list(person_ids))

    people_written.connect(heard, dispatch_uid="test_eligible_heard")
    try:
        result = import_people(path, acting_user=owner)
    finally:
        people_written.disconnect(dispatch_uid="test_eligible_heard")
    assert result.created == 3
    ids = sorted(Person.objects.values_list("pk", flat=True))
    if connection.vendor == "postgresql" and settings.PARITY_IMPORT_STAGING:
        assert calls == [ids]
    else:
        assert sorted(pk for call in calls for pk in call) == ids and len(calls) == 3
    days = dict(Person.objects.values_list("name", "permit_eligible_on"))
    assert days == {"王五": D(2024, 9, 1), "赵六": D(2024, 9, 1), "钱七": None}
    assert _materialized(TODAY) == _computed(TODAY)


# --- the nightly rebuild -------------------------------------------------------------------


def test_the_rebuild_repairs_days_written_around_the_receivers(city):
    right = dict(Person.objects.values_list("pk", "permit_eligible_on"))
    Person.objects.filter(pk=city["long_ago"].pk).update(permit_eligible_on=None)
    Person.objects.filter(pk=city["applied"].pk).update(permit_eligible_on=D(2020, 1, 1))
    Person.objects.filter(pk=city["six_months"].pk).update(permit_eligible_on=D(2020, 1, 1))
    assert _materialized(TODAY) != _computed(TODAY)
    result = permit_eligibility_rebuild()
    assert result.changed == 3
    assert result.eligible == sum(1 for day in right.values() if day is not None)
    assert dict(Person.objects.values_list("pk", "permit_eligible_on")) == right
    assert permit_eligibility_rebuild().changed == 0


def test_refreshing_named_people_touches_only_them(city):
    Person.objects.filter(pk=city["long_ago"].pk).update(permit_eligible_on=None)
    Person.objects.filter(pk=city["six_months"].pk).update(permit_eligible_on=None)
    assert permit_eligibility_refresh([city["six_months"].pk, None]) == 1
    assert Person.objects.get(pk=city["six_months"].pk).permit_eligible_on == TODAY
    assert Person.objects.get(pk=city["long_ago"].pk).permit_eligible_on is None
    assert permit_eligibility_refresh([]) == 0


def test_the_refresh_command_rebuilds_the_days(city):
    Person.objects.filter(pk=city["long_ago"].pk).update(permit_eligible_on=None)
    call_command("refresh_indicators", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Person.objects.get(pk=city["long_ago"].pk).permit_eligible_on == D(2019, 11, 10)


# --- the page ------------------------------------------------------------------------------


def test_the_page_and_its_count_list_the_materialized_people(city, client, owner):
    client.force_login(owner)
    response = client.get(reverse("certificates:permit_eligible_list"))
    assert response.status_code == 200
    page = response.context["page"]
    assert [(p.pk, p.since) for p in page.object_list] == _computed(TODAY)
    assert page.paginator.count == len(_computed(TODAY))


def test_the_migration_fills_the_days_with_its_historical_models(city):
    right = dict(Person.objects.values_list("pk", "permit_eligible_on"))
    Person.objects.update(permit_eligible_on=None)
    state = MigrationLoader(connection).project_state(("people", "0009_person_permit_eligible_on"))
    result = permit_eligibility_rebuild(apps=state.apps)
    assert result.changed == sum(1 for day in right.values() if day is not None) > 5
    assert dict(Person.objects.values_list("pk", "permit_eligible_on")) == right
