import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from parity.conftest import OTHER_GRID, SISTER_GRID, make_id
from parity.core.models import AuditEvent
from parity.services import actions
from parity.services.catalog import catalog_load
from parity.services.keygroups import members, work_list
from parity.services.models import KeyGroupMember, ServiceEvent, ServiceType

ON = dt.date(2026, 6, 1)

SCHEMA = [
    {
        "name": "condition",
        "label": "病种",
        "type": "choice",
        "choices": ["高血压", "2型糖尿病"],
        "required": True,
    },
    {"name": "systolic", "label": "收缩压", "type": "integer", "min": 50, "max": 300},
]


@pytest.fixture
def followup(make_service):
    return make_service("chronic_followup", {}, details_schema=SCHEMA, validity_days=365)


@pytest.fixture
def health_record(make_service):
    return make_service("health_record", {"min_stay_months": 6})


def test_a_service_event_is_recorded_with_validated_details_and_audited(register, owner, followup):
    person = register()
    event = actions.service_record(
        acting_user=owner,
        person=person,
        service_type=followup,
        date=dt.date(2026, 5, 1),
        details={"condition": "高血压", "systolic": "142"},
    )
    assert event.details == {"condition": "高血压", "systolic": 142}
    assert event.area_code == person.area_code
    assert AuditEvent.objects.filter(action="service.record", object_id=str(event.pk)).exists()


@pytest.mark.parametrize(
    ("details", "message"),
    [
        ({}, "请填写病种"),
        ({"condition": "感冒"}, "病种只能是"),
        ({"condition": "高血压", "systolic": "很高"}, "收缩压应为数字"),
        ({"condition": "高血压", "systolic": 20}, "收缩压应在 50 到 300 之间"),
        ({"condition": "高血压", "pulse": 80}, "未知的明细字段"),
    ],
)
def test_bad_details_are_refused_by_name_and_nothing_is_written(
    register, owner, followup, details, message
):
    person = register()
    with pytest.raises(ValidationError) as exc:
        actions.service_record(
            acting_user=owner,
            person=person,
            service_type=followup,
            date=dt.date(2026, 5, 1),
            details=details,
        )
    assert any(message in m for m in exc.value.messages)
    assert not ServiceEvent.objects.exists()


def test_a_service_date_before_birth_or_in_the_future_is_refused(register, owner, health_record):
    person = register(id_number=make_id(birth="20200101"), arrived_on=dt.date(2021, 1, 1))
    for bad in (dt.date(2019, 12, 31), dt.date.today() + dt.timedelta(days=1)):
        with pytest.raises(ValidationError) as exc:
            actions.service_record(
                acting_user=owner, person=person, service_type=health_record, date=bad
            )
        assert "date" in exc.value.error_dict
    assert not ServiceEvent.objects.exists()


def test_an_official_and_an_outsider_cannot_record_services(
    register, official, outsider, health_record
):
    person = register()
    for user in (official, outsider):
        with pytest.raises(PermissionDenied):
            actions.service_record(
                acting_user=user,
                person=person,
                service_type=health_record,
                date=dt.date(2026, 1, 1),
            )


def test_people_past_six_months_without_a_health_record_are_a_key_group(
    register, owner, health_record
):
    settled = register(id_number=make_id(seq=2), arrived_on=dt.date(2025, 1, 1))
    register(id_number=make_id(seq=4), arrived_on=dt.date(2026, 3, 1))  # too recent
    served = register(id_number=make_id(seq=6), arrived_on=dt.date(2025, 1, 1))
    actions.service_record(
        acting_user=owner, person=served, service_type=health_record, date=dt.date(2025, 8, 1)
    )
    from parity.people.models import Person

    group = members("no_health_record", ON, Person.objects.restrict(owner))
    # Due once they had lived here six months.
    assert {(p.pk, p.since) for p in group} == {(settled.pk, dt.date(2025, 7, 1))}


def test_inflow_people_not_visited_within_the_interval_are_due_a_visit(register, owner, settings):
    settings.PARITY_VISIT_INTERVAL_DAYS = 90
    never = register(id_number=make_id(seq=2), arrived_on=dt.date(2026, 1, 1))
    visited = register(id_number=make_id(seq=4), arrived_on=dt.date(2025, 1, 1))
    actions.visit_record(
        acting_user=owner, person=visited, visited_on=dt.date(2026, 4, 1), outcome="met"
    )
    stale = register(id_number=make_id(seq=6), arrived_on=dt.date(2025, 1, 1))
    actions.visit_record(
        acting_user=owner, person=stale, visited_on=dt.date(2026, 2, 1), outcome="not_home"
    )
    register(id_number=make_id("150203", seq=8), arrived_on=dt.date(2020, 1, 1))  # registered
    from parity.people.models import Person

    due = {p.pk: p.since for p in members("not_visited", ON, Person.objects.restrict(owner))}
    assert due == {never.pk: dt.date(2026, 4, 1), stale.pk: dt.date(2026, 5, 2)}


def test_a_grid_work_list_holds_only_that_grid_and_puts_the_most_urgent_first(
    register, owner, admin_user, health_record, settings
):
    settings.PARITY_VISIT_INTERVAL_DAYS = 90
    no_record = register(id_number=make_id(seq=2), name="甲", arrived_on=dt.date(2025, 1, 1))
    register(
        id_number=make_id(seq=4),
        name="乙",
        grid=SISTER_GRID,
        by=admin_user,
        arrived_on=dt.date(2025, 1, 1),
    )
    register(
        id_number=make_id(seq=6),
        name="丙",
        grid=OTHER_GRID,
        by=admin_user,
        arrived_on=dt.date(2025, 1, 1),
    )
    items = work_list(owner.area.code, ON).items
    assert {i.name for i in items} == {"甲"}
    # 甲 is a woman of 36 renting here since 2025: every group she falls in, most urgent first.
    assert [i.group.code for i in items] == [
        "no_certificate",
        "no_health_record",
        "not_visited",
        "permit_eligible",
    ]
    assert items[1].person_id == no_record.pk
    assert items[1].days_waiting(ON) == (ON - dt.date(2025, 7, 1)).days


def test_a_visit_is_recorded_for_people_in_scope_only(register, owner, outsider):
    person = register()
    with pytest.raises(PermissionDenied):
        actions.visit_record(acting_user=outsider, person=person, visited_on=ON, outcome="met")
    with pytest.raises(ValidationError) as exc:
        actions.visit_record(acting_user=owner, person=person, visited_on=ON, outcome="chatted")
    assert "outcome" in exc.value.error_dict
    assert not person.visits.exists()


def test_saving_a_key_group_keeps_its_members_on_that_date(register, colleague, health_record):
    settled = register(id_number=make_id(seq=2), arrived_on=dt.date(2025, 1, 1))
    saved = actions.key_group_save(acting_user=colleague, group="no_health_record", on=ON)
    assert saved.size == 1
    assert list(KeyGroupMember.objects.values_list("person_id", flat=True)) == [settled.pk]
    assert saved.area_code == colleague.area.code


def test_a_catalog_loads_once_and_refuses_a_bad_entry_whole(db):
    entries = [
        {
            "code": "a",
            "name": "甲",
            "category": "health",
            "department_kind": "health_centre",
            "rules": [{"effective_from": dt.date(2020, 1, 1), "rule": {"age_min": 65}}],
        },
    ]
    assert catalog_load(acting_user=None, entries=entries).created == 1
    again = catalog_load(acting_user=None, entries=entries)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
    bad = [
        *entries,
        {
            "code": "b",
            "name": "乙",
            "category": "health",
            "department_kind": "health_centre",
            "rules": [{"effective_from": dt.date(2020, 1, 1), "rule": {"age": 3}}],
        },
    ]
    with pytest.raises(ValidationError, match="第 2 项"):
        catalog_load(acting_user=None, entries=bad)
    assert list(ServiceType.objects.values_list("code", flat=True)) == ["a"]


def test_a_changed_rule_in_the_catalog_replaces_the_old_one(db):
    entry: dict[str, Any] = {
        "code": "a",
        "name": "甲",
        "category": "health",
        "department_kind": "health_centre",
        "rules": [{"effective_from": dt.date(2020, 1, 1), "rule": {"age_min": 65}}],
    }
    catalog_load(acting_user=None, entries=[entry])
    entry["rules"][0]["rule"] = {"age_min": 60}
    assert catalog_load(acting_user=None, entries=[entry]).updated == 1
    assert ServiceType.objects.get().rules.get().rule == {"age_min": 60}
