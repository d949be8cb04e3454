"""The registry's write rules: registration, residence, outflow, households, reveal."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from parity.conftest import GRID, OTHER_GRID, SISTER_GRID, make_id
from parity.core.actions import RateLimited
from parity.core.models import AuditEvent
from parity.people import actions
from parity.people.choices import Status, StayClass
from parity.people.models import Person, Residence, stay_class


def test_registering_derives_birth_date_sex_and_registration_place(register):
    person = register(id_number=make_id("410102", "19900315", 124))
    assert person.birth_date == dt.date(1990, 3, 15)
    assert person.sex == "F"
    assert person.hukou_code == "410102"
    assert person.status == Status.INFLOW


def test_a_person_registered_in_the_city_living_here_is_a_registered_resident(register):
    person = register(id_number=make_id("150203", "19800101", 11))
    assert person.status == Status.REGISTERED


def test_a_move_between_districts_of_the_city_is_not_floating(register, owner, areas):
    # Registered in 青山区, living in 昆都仑区: same city, so not floating (DOMAIN.md §2).
    person = register(id_number=make_id("150204", "19800101", 11))
    assert person.status == Status.REGISTERED


def test_registering_opens_one_residence_in_the_grid(register, areas):
    person = register()
    residence = person.open_residence()
    assert residence.grid == areas[GRID]
    assert residence.area_code == GRID
    assert person.area_code == GRID


def test_registering_the_same_id_number_twice_is_refused(register):
    register(id_number=make_id(seq=5))
    with pytest.raises(ValidationError) as exc:
        register(id_number=make_id(seq=5), name="李四")
    assert exc.value.error_dict["id_number"][0].code == "id_duplicate"
    assert Person.objects.count() == 1


def test_a_bad_id_number_is_refused_and_nothing_is_written(register):
    bad = make_id()[:-1] + ("0" if make_id()[-1] != "0" else "1")
    with pytest.raises(ValidationError) as exc:
        register(id_number=bad)
    assert exc.value.error_dict["id_number"][0].code == "id_checksum"
    assert not Person.objects.exists()
    assert not AuditEvent.objects.filter(object_type="people.person").exists()


def test_an_arrival_in_the_future_is_refused(register):
    with pytest.raises(ValidationError) as exc:
        register(arrived_on=dt.date.today() + dt.timedelta(days=3))
    assert "arrived_on" in exc.value.error_dict
    assert not Person.objects.exists()


def test_registering_needs_a_grid_not_a_community(register):
    with pytest.raises(ValidationError) as exc:
        register(grid="150203001001")
    assert exc.value.error_dict["grid"][0].code == "area_not_grid"


def test_a_grid_worker_cannot_register_in_another_grid(register):
    with pytest.raises(PermissionDenied):
        register(grid=SISTER_GRID)


def test_moving_closes_the_open_residence_and_opens_another(register, colleague, areas):
    person = register(arrived_on=dt.date(2023, 1, 1))
    new = actions.residence_move(
        acting_user=colleague,
        person=person,
        grid=areas[SISTER_GRID],
        arrived_on=dt.date(2024, 6, 1),
        housing_type="own",
    )
    residences = list(person.residences.order_by("arrived_on"))
    assert [r.departed_on for r in residences] == [dt.date(2024, 6, 1), None]
    assert residences[1] == new
    person.refresh_from_db()
    assert person.area_code == SISTER_GRID


def test_a_person_never_has_two_open_residences(register, areas):
    person = register()
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Residence.objects.create(
            person=person,
            grid=areas[GRID],
            area_code=GRID,
            arrived_on=dt.date(2024, 5, 1),
            housing_type="rented",
        )


def test_moving_to_a_date_before_the_current_arrival_is_refused(register, owner, areas):
    person = register(arrived_on=dt.date(2024, 1, 1))
    with pytest.raises(ValidationError) as exc:
        actions.residence_move(
            acting_user=owner,
            person=person,
            grid=areas[GRID],
            arrived_on=dt.date(2023, 1, 1),
            housing_type="own",
        )
    assert exc.value.error_dict["arrived_on"][0].code == "date_order"
    assert person.residences.count() == 1


def test_an_inflow_person_who_leaves_has_no_open_residence(register, owner):
    person = register(arrived_on=dt.date(2024, 1, 1))
    actions.residence_close(acting_user=owner, person=person, departed_on=dt.date(2024, 9, 1))
    person.refresh_from_db()
    assert person.open_residence() is None
    assert person.status == Status.INFLOW
    assert not Person.objects.resident_on(dt.date(2024, 10, 1)).filter(pk=person.pk).exists()
    assert Person.objects.resident_on(dt.date(2024, 8, 1)).filter(pk=person.pk).exists()


def test_a_city_resident_who_leaves_becomes_outflow_with_destination_and_date(register, owner):
    person = register(id_number=make_id("150203", "19800101", 11))
    actions.residence_close(
        acting_user=owner,
        person=person,
        departed_on=dt.date(2025, 3, 1),
        destination_code="440305",
    )
    person.refresh_from_db()
    assert (person.status, person.outflow_region_code, person.outflow_since) == (
        Status.OUTFLOW,
        "440305",
        dt.date(2025, 3, 1),
    )


def test_a_city_resident_leaving_without_a_destination_is_refused_and_stays(register, owner):
    person = register(id_number=make_id("150203", "19800101", 11))
    with pytest.raises(ValidationError) as exc:
        actions.residence_close(acting_user=owner, person=person, departed_on=dt.date(2025, 3, 1))
    assert "destination_code" in exc.value.error_dict
    assert person.open_residence() is not None


def test_a_departure_before_arrival_is_refused(register, owner):
    person = register(arrived_on=dt.date(2024, 1, 1))
    with pytest.raises(ValidationError) as exc:
        actions.residence_close(acting_user=owner, person=person, departed_on=dt.date(2023, 1, 1))
    assert exc.value.error_dict["departed_on"][0].code == "date_order"


def test_an_outflow_person_is_registered_with_where_they_went(register):
    person = register(
        id_number=make_id("150203", "19950101", 21),
        outflow_region_code="330106",
        outflow_since=dt.date(2022, 5, 1),
    )
    assert person.status == Status.OUTFLOW
    assert person.open_residence() is None


def test_an_outflow_person_must_be_registered_in_the_city(register):
    with pytest.raises(ValidationError) as exc:
        register(id_number=make_id("410102"), outflow_region_code="330106")
    assert "outflow_region_code" in exc.value.error_dict


@pytest.mark.parametrize(
    ("arrived", "expected"),
    [
        (dt.date(2026, 6, 1), StayClass.UNDER_6M),
        (dt.date(2026, 5, 30), StayClass.SIX_M_TO_5Y),  # exactly six months
        (dt.date(2021, 11, 30), StayClass.SIX_M_TO_5Y),  # exactly five years
        (dt.date(2021, 11, 29), StayClass.OVER_5Y),
    ],
)
def test_length_of_stay_classes_on_a_date(arrived, expected):
    assert stay_class(arrived, dt.date(2026, 11, 30)) == expected


def test_the_stay_class_in_sql_agrees_with_python(register):
    on = dt.date(2026, 11, 30)
    for i, arrived in enumerate([dt.date(2026, 6, 1), dt.date(2026, 5, 30), dt.date(2019, 1, 1)]):
        register(id_number=make_id(seq=100 + i), arrived_on=arrived)
    rows = Residence.objects.with_stay_class(on).values_list("arrived_on", "stay_class")
    assert {a: c for a, c in rows} == {a: stay_class(a, on) for a, _ in rows}


def test_id_and_phone_numbers_are_not_stored_in_clear(register):
    number = make_id(seq=77)
    register(id_number=number, phone="13812345678")
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM people_person")
        rows = cursor.fetchall()
        cursor.execute("SELECT before, after FROM core_auditevent")
        audits = cursor.fetchall()
    dump = repr(rows) + repr(audits)
    assert number not in dump
    assert "13812345678" not in dump
    assert "150203" not in number  # sanity: the masked prefix below is the address code
    person = Person.objects.get()
    assert person.id_masked == number[:6] + "********" + number[-4:]
    assert person.phone_masked == "138****5678"


def test_a_person_is_found_by_exact_id_number_through_the_blind_index(register):
    number = make_id(seq=78)
    person = register(id_number=number)
    assert Person.objects.by_id_number(number).get() == person


def test_reveal_returns_the_clear_number_and_is_audited(register, colleague):
    number = make_id(seq=79)
    person = register(id_number=number, phone="13912345678")
    assert actions.person_reveal(acting_user=colleague, person=person, field="id_number") == number
    assert (
        actions.person_reveal(acting_user=colleague, person=person, field="phone") == "13912345678"
    )
    events = AuditEvent.objects.filter(action="person.reveal", object_id=str(person.pk))
    assert sorted(events.values_list("note", flat=True)) == ["id_number", "phone"]
    assert set(events.values_list("actor__username", flat=True)) == {"colleague"}


def test_an_official_cannot_reveal_and_the_refusal_is_audited_in_the_persons_area(
    register, official
):
    person = register()
    with pytest.raises(PermissionDenied):
        actions.person_reveal(acting_user=official, person=person, field="id_number")
    assert not AuditEvent.objects.filter(action="person.reveal").exists()
    refused = AuditEvent.objects.get(action="person.reveal_refused")
    assert (refused.actor, refused.object_id, refused.note) == (
        official,
        str(person.pk),
        "id_number",
    )
    assert refused.area_code == person.area_code


def test_a_refused_reveal_is_seen_by_the_auditors_of_the_persons_area(
    register, outsider, colleague
):
    person = register()
    with pytest.raises(PermissionDenied):
        actions.person_reveal(acting_user=outsider, person=person, field="phone")

    assert AuditEvent.objects.restrict(colleague).filter(action="person.reveal_refused").exists()


def test_reveals_past_the_hourly_limit_are_refused_and_audited(register, colleague, settings):
    settings.PARITY_REVEAL_LIMIT_PER_HOUR = 2
    person = register()
    actions.person_reveal(acting_user=colleague, person=person, field="id_number")
    actions.person_reveal(acting_user=colleague, person=person, field="id_number")

    with pytest.raises(RateLimited, match="2 次上限"):
        actions.person_reveal(acting_user=colleague, person=person, field="id_number")

    assert AuditEvent.objects.filter(action="person.reveal").count() == 2
    assert AuditEvent.objects.filter(action="person.reveal_refused", actor=colleague).count() == 1


def test_reveals_older_than_an_hour_do_not_count_towards_the_limit(register, colleague, settings):
    settings.PARITY_REVEAL_LIMIT_PER_HOUR = 1
    number = make_id(seq=81)
    person = register(id_number=number)
    actions.person_reveal(acting_user=colleague, person=person, field="id_number")
    AuditEvent.objects.filter(action="person.reveal").update(
        at=timezone.now() - dt.timedelta(minutes=61)
    )

    assert actions.person_reveal(acting_user=colleague, person=person, field="id_number") == number


def test_the_reveal_limit_is_per_user(register, colleague, admin_user, settings):
    settings.PARITY_REVEAL_LIMIT_PER_HOUR = 1
    person = register()
    actions.person_reveal(acting_user=colleague, person=person, field="id_number")

    actions.person_reveal(acting_user=admin_user, person=person, field="id_number")

    assert AuditEvent.objects.filter(action="person.reveal").count() == 2


def test_an_outsider_cannot_reveal_or_change(register, outsider):
    person = register()
    with pytest.raises(PermissionDenied):
        actions.person_reveal(acting_user=outsider, person=person, field="id_number")
    with pytest.raises(PermissionDenied):
        actions.person_update(acting_user=outsider, person=person, name="改名")


def test_restrict_limits_rows_to_the_users_subtree(
    register, owner, colleague, outsider, official, admin_user, areas
):
    mine = register()
    theirs = register(id_number=make_id(seq=300), grid=OTHER_GRID, by=admin_user)
    assert list(Person.objects.restrict(owner)) == [mine]
    assert list(Person.objects.restrict(outsider)) == [theirs]
    assert list(Person.objects.restrict(official)) == [mine]
    assert set(Person.objects.restrict(admin_user)) == {mine, theirs}
    assert not Person.objects.restrict(official, "change").exists()


def test_a_user_without_an_area_sees_nothing(register, django_user_model):
    register()
    nobody = django_user_model.objects.create_user(username="nobody", role="official")
    assert not Person.objects.restrict(nobody).exists()


def test_updating_writes_an_audit_event_with_before_and_after(register, owner):
    person = register(marital_status="unmarried")
    actions.person_update(acting_user=owner, person=person, marital_status="married")
    event = AuditEvent.objects.get(action="person.update")
    assert event.before == {"marital_status": "unmarried"}
    assert event.after == {"marital_status": "married"}
    assert event.actor == owner


def test_updating_nothing_writes_no_audit_event(register, owner):
    person = register(name="王五")
    actions.person_update(acting_user=owner, person=person, name="王五")
    assert not AuditEvent.objects.filter(action="person.update").exists()


def test_a_household_has_one_head_and_a_person_belongs_to_one_household(register, owner):
    head = register(id_number=make_id(seq=401))
    spouse = register(id_number=make_id(seq=402), name="李梅")
    household = actions.household_create(acting_user=owner, head=head, address="沼潭路1号")
    actions.household_add_member(
        acting_user=owner, household=household, person=spouse, relation="spouse"
    )
    assert household.members.count() == 2
    with pytest.raises(ValidationError):
        actions.household_add_member(
            acting_user=owner, household=household, person=spouse, relation="child"
        )
    other = register(id_number=make_id(seq=403), name="赵六")
    with pytest.raises(ValidationError):
        actions.household_add_member(
            acting_user=owner, household=household, person=other, relation="head"
        )
