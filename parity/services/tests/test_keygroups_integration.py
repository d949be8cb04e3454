"""Every key group the apps register, on one grid, through the real actions."""

import datetime as dt

from django.utils import timezone

from parity.certificates import actions as certificate_actions
from parity.conftest import make_id
from parity.maternal import actions as maternal_actions
from parity.people.models import Person
from parity.services.keygroups import KEY_GROUPS, members, work_list
from parity.services.models import ServiceType


def test_the_bundled_catalog_loads_with_every_predicate_registered(catalog):
    codes = set(ServiceType.objects.values_list("code", flat=True))
    assert {
        "health_record",
        "vaccination",
        "maternal_health",
        "marriage_certificate",
        "residence_permit",
        "school_enrolment",
        "legal_aid",
    } <= codes
    assert ServiceType.objects.count() == 19


def test_every_key_group_named_by_the_issue_is_registered():
    assert {
        "pregnant",
        "no_certificate",
        "vaccine_overdue",
        "no_health_record",
        "pregnancy_overdue",
        "permit_eligible",
        "not_visited",
        "child_check_overdue",
    } <= set(KEY_GROUPS)


def test_the_work_list_gathers_every_app_s_overdue_items_for_the_grid(register, owner, catalog):
    today = timezone.localdate()
    woman = register(
        id_number=make_id("410102", "19950101", 2),
        name="孕妇",
        arrived_on=today - dt.timedelta(days=400),
        marital_status="married",
    )
    maternal_actions.pregnancy_register(
        acting_user=owner, person=woman, lmp=today - dt.timedelta(days=120)
    )
    child = register(
        id_number=make_id("410102", (today - dt.timedelta(days=200)).strftime("%Y%m%d"), 4),
        name="幼儿",
        arrived_on=today - dt.timedelta(days=190),
    )
    worker = register(
        id_number=make_id("410102", "19800101", 5),
        name="务工者",
        arrived_on=today - dt.timedelta(days=300),
    )
    from parity.people.actions import employment_record

    employment_record(
        acting_user=owner,
        person=worker,
        industry="H",
        employer="饭店",
        started_on=today - dt.timedelta(days=290),
    )

    people = Person.objects.restrict(owner)
    assert [p.pk for p in members("pregnant", today, people)] == [woman.pk]
    assert [p.pk for p in members("pregnancy_overdue", today, people)] == [woman.pk]
    assert [p.pk for p in members("no_certificate", today, people)] == [woman.pk]
    assert [p.pk for p in members("vaccine_overdue", today, people)] == [child.pk]
    assert worker.pk in {p.pk for p in members("permit_eligible", today, people)}

    items = work_list(owner.area.code, today).items
    groups = {(i.name, i.group.code) for i in items}
    assert ("孕妇", "pregnancy_overdue") in groups
    assert ("幼儿", "vaccine_overdue") in groups
    assert ("务工者", "permit_eligible") in groups
    urgencies = [i.group.urgency for i in items]
    assert urgencies == sorted(urgencies)
    assert all(i.since is None or i.since <= today for i in items)

    certificate_actions.certificate_record(
        acting_user=owner,
        person=woman,
        region_code="410102",
        number="豫A-001",
        issued_on=today - dt.timedelta(days=500),
        checked_on=today,
    )
    assert not members("no_certificate", today, Person.objects.restrict(owner)).exists()


def test_an_outsider_s_key_groups_and_work_list_hold_nobody_from_elsewhere(
    register, owner, outsider, catalog
):
    today = timezone.localdate()
    register(id_number=make_id("410102", "19950101", 2), arrived_on=today - dt.timedelta(days=400))
    for code in KEY_GROUPS:
        assert not members(code, today, Person.objects.restrict(outsider)).exists()
    assert work_list(outsider.area.code, today).items == []
