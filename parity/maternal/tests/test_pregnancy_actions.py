"""Registering, delivering and ending pregnancies; postpartum visits in their windows."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from parity.conftest import make_id
from parity.core.models import AuditEvent
from parity.maternal.actions import (
    delivery_record,
    postpartum_visit_record,
    pregnancy_end,
    pregnancy_register,
)
from parity.maternal.choices import PostpartumKind, PregnancyStatus
from parity.maternal.error_codes import MaternalError
from parity.maternal.models import Pregnancy
from parity.maternal.selectors import pregnancies_overdue
from parity.services.models import ServiceEvent

pytestmark = pytest.mark.django_db

LMP = dt.date(2025, 1, 6)


def _codes(exc: ValidationError) -> dict[str, list]:
    return {field: [e.code for e in errors] for field, errors in exc.error_dict.items()}


def _writes() -> tuple[int, int, int]:
    return Pregnancy.objects.count(), AuditEvent.objects.count(), ServiceEvent.objects.count()


def test_registering_a_pregnancy_audits_it(owner, woman):
    pregnancy = pregnancy_register(
        acting_user=owner, person=woman, lmp=LMP, registered_on=dt.date(2025, 3, 1)
    )
    assert pregnancy.status == PregnancyStatus.OPEN
    assert pregnancy.area_code == woman.area_code
    assert AuditEvent.objects.filter(action="pregnancy.register").count() == 1


@pytest.mark.parametrize(
    ("kwargs", "field", "code"),
    [
        ({"lmp": dt.date(2099, 1, 1)}, "lmp", "date_in_future"),
        ({"lmp": dt.date(2024, 1, 1)}, "lmp", MaternalError.LMP_TOO_OLD),
        ({"lmp": dt.date(2025, 3, 5)}, "lmp", "date_order"),
    ],
)
def test_pregnancy_validation_errors_write_nothing(owner, woman, kwargs, field, code):
    before = _writes()
    with pytest.raises(ValidationError) as caught:
        pregnancy_register(
            acting_user=owner, person=woman, registered_on=dt.date(2025, 3, 1), **kwargs
        )
    assert code in _codes(caught.value)[field]
    assert _writes() == before


def test_a_man_cannot_be_registered_as_pregnant(owner, register, catalog):
    man = register(id_number=make_id(seq=111))
    with pytest.raises(ValidationError) as caught:
        pregnancy_register(
            acting_user=owner, person=man, lmp=LMP, registered_on=dt.date(2025, 3, 1)
        )
    assert _codes(caught.value)["person"] == [MaternalError.NOT_FEMALE]
    assert not Pregnancy.objects.exists()


@pytest.mark.parametrize("birth", ["20160101", "19600101"])
def test_the_woman_is_10_to_60_at_her_last_period(owner, register, catalog, birth):
    person = register(id_number=make_id(birth=birth, seq=224))
    with pytest.raises(ValidationError) as caught:
        pregnancy_register(
            acting_user=owner, person=person, lmp=LMP, registered_on=dt.date(2025, 3, 1)
        )
    assert _codes(caught.value)["lmp"] == [MaternalError.AGE_AT_LMP]


def test_a_woman_has_only_one_open_pregnancy(owner, woman):
    pregnancy_register(acting_user=owner, person=woman, lmp=LMP, registered_on=dt.date(2025, 3, 1))
    with pytest.raises(ValidationError) as caught:
        pregnancy_register(
            acting_user=owner, person=woman, lmp=LMP, registered_on=dt.date(2025, 3, 2)
        )
    assert _codes(caught.value)["person"] == [MaternalError.OPEN_PREGNANCY]
    assert Pregnancy.objects.count() == 1


def test_the_outsider_cannot_register_a_pregnancy_here(outsider, woman):
    with pytest.raises(PermissionDenied):
        pregnancy_register(acting_user=outsider, person=woman, lmp=LMP)
    assert not Pregnancy.objects.exists()


@pytest.fixture
def delivered(owner, woman):
    pregnancy = pregnancy_register(
        acting_user=owner, person=woman, lmp=LMP, registered_on=dt.date(2025, 3, 1)
    )
    return delivery_record(
        acting_user=owner,
        pregnancy=pregnancy,
        delivered_on=dt.date(2025, 10, 10),
        discharged_on=dt.date(2025, 10, 13),
        place="hospital",
        hospital="包头市妇幼保健院",
        outcome="live_birth",
    )


def test_delivery_closes_the_pregnancy(delivered):
    assert delivered.status == PregnancyStatus.DELIVERED
    assert not delivered.is_open_on(dt.date(2025, 10, 10))
    assert delivered.is_open_on(dt.date(2025, 10, 9))


def test_ending_a_pregnancy_records_the_reason(owner, woman):
    pregnancy = pregnancy_register(
        acting_user=owner, person=woman, lmp=LMP, registered_on=dt.date(2025, 2, 20)
    )
    pregnancy_end(
        acting_user=owner, pregnancy=pregnancy, ended_on=dt.date(2025, 3, 1), reason="miscarriage"
    )
    pregnancy.refresh_from_db()
    assert (pregnancy.status, pregnancy.end_reason) == (PregnancyStatus.ENDED, "miscarriage")


def test_the_home_visit_is_due_within_7_days_of_discharge(owner, delivered):
    assert not pregnancies_overdue(dt.date(2025, 10, 20)).exists()
    row = pregnancies_overdue(dt.date(2025, 10, 21)).get()
    assert (row.overdue_point, row.overdue_since) == (
        PostpartumKind.HOME_VISIT,
        dt.date(2025, 10, 21),
    )
    visit = postpartum_visit_record(
        acting_user=owner, pregnancy=delivered, kind="home_visit", date=dt.date(2025, 10, 18)
    )
    assert not visit.late
    assert not pregnancies_overdue(dt.date(2025, 10, 21)).exists()


def test_the_42_day_check_is_overdue_after_day_56(owner, delivered):
    postpartum_visit_record(
        acting_user=owner, pregnancy=delivered, kind="home_visit", date=dt.date(2025, 10, 15)
    )
    assert not pregnancies_overdue(dt.date(2025, 12, 5)).exists()  # day 56
    row = pregnancies_overdue(dt.date(2025, 12, 6)).get()
    assert (row.overdue_point, row.overdue_since) == (
        PostpartumKind.CHECK_42D,
        dt.date(2025, 12, 6),
    )
    late = postpartum_visit_record(
        acting_user=owner, pregnancy=delivered, kind="check_42d", date=dt.date(2025, 12, 8)
    )
    assert late.late
    assert not pregnancies_overdue(dt.date(2025, 12, 9)).exists()


def test_postpartum_visits_stop_being_overdue_when_postpartum_care_ends(delivered):
    assert pregnancies_overdue(dt.date(2026, 1, 2)).exists()  # day 84
    assert not pregnancies_overdue(dt.date(2026, 1, 3)).exists()


def test_a_postpartum_visit_needs_a_delivery(owner, woman):
    pregnancy = pregnancy_register(acting_user=owner, person=woman, lmp=LMP, registered_on=LMP)
    with pytest.raises(ValidationError) as caught:
        postpartum_visit_record(
            acting_user=owner, pregnancy=pregnancy, kind="home_visit", date=dt.date(2025, 3, 1)
        )
    assert _codes(caught.value) == {"kind": [MaternalError.NOT_DELIVERED]}
    assert not ServiceEvent.objects.exists()
