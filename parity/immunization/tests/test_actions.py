"""Recording vaccinations: validation with nothing written on error, the service event, the
refresh of the child's pending doses, and permissions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from parity.accounts.choices import DepartmentKind
from parity.accounts.models import Department
from parity.core.models import AuditEvent
from parity.immunization.actions import vaccination_record
from parity.immunization.models import DoseDue, VaccinationRecord, Vaccine
from parity.services.models import ServiceEvent

D = dt.date
pytestmark = pytest.mark.django_db


def vaccine(code: str) -> Vaccine:
    return Vaccine.objects.get(code=code)


def counts():
    return (
        VaccinationRecord.objects.count(),
        ServiceEvent.objects.count(),
        AuditEvent.objects.filter(action__startswith="immunization.").count(),
        AuditEvent.objects.filter(action="service.record").count(),
    )


def error_codes(exc: ValidationError) -> set[str | None]:
    return {e.code for errors in exc.error_dict.values() for e in errors}


def test_the_schedule_is_in_the_database_after_migrating():
    assert Vaccine.objects.count() == 13
    assert set(Vaccine.objects.filter(live=True).values_list("code", flat=True)) == {
        "BCG",
        "bOPV",
        "MMR",
        "JE-L",
        "HepA-L",
    }


def test_a_vaccination_is_a_service_event_with_its_vaccine_and_dose(owner, child, site):
    baby = child(D(2024, 1, 10))
    record = vaccination_record(
        acting_user=owner,
        person=baby,
        vaccine=vaccine("HepB"),
        dose=1,
        date=D(2024, 1, 10),
        site=site,
    )
    event = record.event
    assert event.service_type.code == "vaccination"
    assert event.details == {"vaccine": "HepB", "dose": 1}
    assert (event.person, event.date, event.provider) == (baby, D(2024, 1, 10), site)
    assert record.area_code == baby.area_code
    assert AuditEvent.objects.filter(
        action="immunization.vaccination_record", object_id=str(record.pk)
    ).exists()


def test_recording_a_dose_refreshes_the_childs_pending_doses(owner, child, site):
    baby = child(D(2024, 1, 10))
    vaccination_record(
        acting_user=owner, person=baby, vaccine=vaccine("HepB"), dose=1, date=D(2024, 1, 10)
    )
    hepb = DoseDue.objects.get(person=baby, vaccine__code="HepB")
    assert (hepb.dose, hepb.due_on) == (2, D(2024, 2, 10))
    assert DoseDue.objects.filter(person=baby).count() == 8  # the next dose of each series
    vaccination_record(
        acting_user=owner, person=baby, vaccine=vaccine("HepB"), dose=2, date=D(2024, 2, 10)
    )
    assert DoseDue.objects.get(person=baby, vaccine__code="HepB").dose == 3


@pytest.mark.parametrize(
    "vaccine_code, dose, day, code",
    [
        ("HepB", 4, D(2024, 6, 1), "dose_unknown"),
        ("DT", 1, D(2025, 2, 1), "dose_unknown"),
        ("HepB", 1, D(2024, 6, 1), "dose_duplicate"),
        ("HepB", 2, D(2024, 1, 20), "interval_too_short"),
        ("HepB", 2, dt.date.today() + dt.timedelta(days=2), "date_in_future"),
        ("HepB", 2, D(2023, 12, 1), "date_order"),
    ],
)
def test_an_invalid_vaccination_is_rejected_and_nothing_is_written(
    owner, child, vaccine_code, dose, day, code
):
    baby = child(D(2024, 1, 10))
    vaccination_record(
        acting_user=owner, person=baby, vaccine=vaccine("HepB"), dose=1, date=D(2024, 1, 10)
    )
    before = counts()
    due_before = list(DoseDue.objects.values_list("vaccine_id", "dose", "due_on"))
    with pytest.raises(ValidationError) as caught:
        vaccination_record(
            acting_user=owner, person=baby, vaccine=vaccine(vaccine_code), dose=dose, date=day
        )
    assert code in error_codes(caught.value)
    assert counts() == before
    assert list(DoseDue.objects.values_list("vaccine_id", "dose", "due_on")) == due_before


def test_the_rejection_message_is_in_chinese(owner, child):
    baby = child(D(2024, 1, 10))
    vaccination_record(
        acting_user=owner, person=baby, vaccine=vaccine("HepB"), dose=1, date=D(2024, 1, 10)
    )
    with pytest.raises(ValidationError) as caught:
        vaccination_record(
            acting_user=owner, person=baby, vaccine=vaccine("HepB"), dose=2, date=D(2024, 1, 20)
        )
    assert "间隔不足28天" in " ".join(caught.value.messages)


def test_a_vaccination_at_a_health_site_outside_the_users_area_is_rejected(owner, child, areas):
    elsewhere = Department.objects.create(
        name="青山区卫生服务中心", kind=DepartmentKind.HEALTH_CENTRE, area=areas["150204001"]
    )
    baby = child(D(2024, 1, 10))
    with pytest.raises(ValidationError) as caught:
        vaccination_record(
            acting_user=owner,
            person=baby,
            vaccine=vaccine("HepB"),
            dose=1,
            date=D(2024, 1, 10),
            site=elsewhere,
        )
    assert error_codes(caught.value) == {"area_out_of_scope"}
    assert not VaccinationRecord.objects.exists()


def test_a_vaccination_at_a_site_that_is_not_a_health_site_is_rejected(owner, child, areas):
    school = Department.objects.create(
        name="第一小学", kind=DepartmentKind.SCHOOL, area=areas["150203001"]
    )
    baby = child(D(2024, 1, 10))
    with pytest.raises(ValidationError) as caught:
        vaccination_record(
            acting_user=owner,
            person=baby,
            vaccine=vaccine("HepB"),
            dose=1,
            date=D(2024, 1, 10),
            site=school,
        )
    assert error_codes(caught.value) == {"site_not_health_site"}


def test_an_outsider_cannot_record_a_vaccination(outsider, child):
    baby = child(D(2024, 1, 10))
    with pytest.raises(PermissionDenied):
        vaccination_record(
            acting_user=outsider,
            person=baby,
            vaccine=vaccine("HepB"),
            dose=1,
            date=D(2024, 1, 10),
        )
    assert VaccinationRecord.objects.count() == 0


def test_an_official_who_may_only_view_cannot_record_a_vaccination(official, child):
    baby = child(D(2024, 1, 10))
    with pytest.raises(PermissionDenied):
        vaccination_record(
            acting_user=official,
            person=baby,
            vaccine=vaccine("HepB"),
            dose=1,
            date=D(2024, 1, 10),
        )
