import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from parity.conftest import make_id
from parity.people.models import Person
from parity.services import actions
from parity.services.eligibility import rule_q, validate_rule
from parity.services.selectors import area_coverage, person_entitlements

ON = dt.date(2026, 6, 1)


def eligible(rule, person, on=ON):
    return Person.objects.filter(pk=person.pk).filter(rule_q(rule, on)).exists()


def test_age_max_is_inclusive_of_the_last_year(register):
    forty_nine = register(id_number=make_id(birth="19760602", seq=2))  # 49 on ON
    fifty = register(id_number=make_id(birth="19760601", seq=4))  # 50 on ON
    rule = {"age_min": 18, "age_max": 49}
    assert eligible(rule, forty_nine)
    assert not eligible(rule, fifty)


def test_age_in_months_counts_completed_months(register):
    baby = register(id_number=make_id(birth="20251202", seq=2), arrived_on=dt.date(2025, 12, 2))
    assert not eligible({"age_min_months": 6}, baby)  # 5 months 30 days
    assert eligible({"age_min_months": 6}, baby, on=dt.date(2026, 6, 2))


def test_a_floating_and_a_registered_person_with_the_same_facts_get_the_same_answers(
    register, make_service
):
    make_service("women", {"sex": "F", "age_min": 15, "age_max": 49, "marital_status": ["married"]})
    make_service("settled", {"min_stay_months": 6})
    make_service("elderly", {"age_min": 65})
    facts = {"arrived_on": dt.date(2025, 1, 1), "marital_status": "married"}
    floating = register(id_number=make_id("410102", "19900101", 2), **facts)
    registered = register(id_number=make_id("150203", "19900101", 4), **facts)
    assert (floating.status, registered.status) == ("inflow", "registered")

    def answers(person):
        return {e.service.code: (e.eligible, e.delivered) for e in person_entitlements(person, ON)}

    assert answers(floating) == answers(registered)
    assert answers(floating) == {
        "women": (True, False),
        "settled": (True, False),
        "elderly": (False, False),
    }


def test_the_stay_rule_counts_from_arrival_in_the_city(register):
    five_months = register(id_number=make_id(seq=2), arrived_on=dt.date(2026, 1, 2))
    seven_months = register(id_number=make_id(seq=4), arrived_on=dt.date(2025, 11, 1))
    assert not eligible({"min_stay_months": 6}, five_months)
    assert eligible({"min_stay_months": 6}, seven_months)


def test_a_move_within_the_city_does_not_restart_the_stay(register, colleague, areas):
    from parity.conftest import SISTER_GRID
    from parity.people.actions import residence_move

    person = register(arrived_on=dt.date(2025, 1, 1))
    residence_move(
        acting_user=colleague,
        person=person,
        grid=areas[SISTER_GRID],
        arrived_on=dt.date(2026, 5, 1),
        housing_type="rented",
    )
    assert eligible({"min_stay_months": 6}, person)


def test_people_who_left_or_live_elsewhere_are_not_eligible_by_default(register, owner):
    from parity.people.actions import residence_close

    left = register(id_number=make_id(seq=2), arrived_on=dt.date(2024, 1, 1))
    residence_close(acting_user=owner, person=left, departed_on=dt.date(2026, 3, 1))
    outflow = register(
        id_number=make_id("150203", seq=4),
        outflow_region_code="330106",
        outflow_since=dt.date(2024, 1, 1),
    )
    assert not eligible({}, left)
    assert eligible({}, left, on=dt.date(2026, 2, 1))  # still here then
    assert not eligible({}, outflow)
    assert eligible({"statuses": ["outflow"]}, outflow)


def test_delivery_counts_within_the_validity_window_and_to_the_required_count(
    register, owner, make_service
):
    service = make_service("followup", {}, validity_days=365, required_count=2)
    person = register()
    actions.service_record(
        acting_user=owner, person=person, service_type=service, date=dt.date(2025, 5, 1)
    )
    actions.service_record(
        acting_user=owner, person=person, service_type=service, date=dt.date(2026, 1, 10)
    )
    (entitlement,) = person_entitlements(person, ON)
    assert not entitlement.delivered  # the May 2025 visit is outside the last 365 days
    actions.service_record(
        acting_user=owner, person=person, service_type=service, date=dt.date(2026, 5, 1)
    )
    (entitlement,) = person_entitlements(person, ON)
    assert entitlement.delivered and not entitlement.missing


def test_a_refused_service_does_not_count_as_delivered(register, owner, make_service):
    service = make_service("record", {})
    person = register()
    actions.service_record(
        acting_user=owner,
        person=person,
        service_type=service,
        date=dt.date(2026, 1, 10),
        outcome="refused",
    )
    assert person_entitlements(person, ON)[0].missing


def test_a_rule_that_is_not_yet_in_force_is_not_applied(register, make_service):
    make_service("future", {}, effective_from=dt.date(2027, 1, 1))
    assert person_entitlements(register(), ON) == []


def test_area_coverage_counts_floating_and_registered_side_by_side(register, owner, make_service):
    service = make_service("record", {})
    people = [
        register(id_number=make_id("410102", seq=2)),
        register(id_number=make_id("410102", seq=4)),
        register(id_number=make_id("150203", seq=6)),
    ]
    actions.service_record(
        acting_user=owner, person=people[0], service_type=service, date=dt.date(2026, 1, 10)
    )
    actions.service_record(
        acting_user=owner, person=people[2], service_type=service, date=dt.date(2026, 1, 10)
    )
    (row,) = area_coverage(Person.objects.restrict(owner), ON)
    assert (row.floating_eligible, row.floating_delivered) == (2, 1)
    assert (row.registered_eligible, row.registered_delivered) == (1, 1)
    assert (row.floating_rate, row.registered_rate, row.gap) == (50.0, 100.0, 50.0)


@pytest.mark.parametrize(
    "rule",
    [
        {"age_minimum": 3},
        {"age_min": -1},
        {"age_min": "18"},
        {"age_min": 50, "age_max": 18},
        {"sex": "female"},
        {"statuses": ["floating"]},
        {"flags": ["no_such_flag"]},
        {"marital_status": []},
        [],
    ],
)
def test_a_bad_rule_is_refused_with_a_reason(rule):
    with pytest.raises(ValidationError) as exc:
        validate_rule(rule)
    assert exc.value.messages


def test_a_good_rule_passes_validation():
    assert validate_rule({"sex": "F", "age_min": 18, "age_max": 49, "flags": ["employed"]})
