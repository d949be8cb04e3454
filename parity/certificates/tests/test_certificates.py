"""Marriage-and-childbearing certificates: missing, issued, checked; late checks."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from parity.certificates import rules
from parity.certificates.actions import certificate_check, certificate_record
from parity.certificates.choices import CertificateState
from parity.certificates.error_codes import CertificateError
from parity.certificates.models import MarriageCertificate
from parity.certificates.selectors import women_without_certificate
from parity.conftest import make_id
from parity.core.models import AuditEvent
from parity.people.models import Person
from parity.services.eligibility import DELIVERED
from parity.services.models import ServiceEvent

pytestmark = pytest.mark.django_db

ARRIVED = dt.date(2024, 1, 5)


def _record(owner, woman, **extra):
    data = {
        "region_code": "410102",
        "number": "豫2023-0001",
        "issued_on": dt.date(2023, 12, 1),
        "marital_status": "married",
        "children_count": 1,
        **extra,
    }
    return certificate_record(acting_user=owner, person=woman, **data)


def _state(woman, on):
    return rules.certificate_state(woman, woman.marriage_certificates.all(), on)


def test_a_woman_without_a_certificate_is_missing_from_the_day_30_days_ran_out(woman):
    assert _state(woman, dt.date(2024, 3, 1)) == CertificateState.MISSING
    row = women_without_certificate(dt.date(2024, 3, 1)).get()
    assert (row.pk, row.since) == (woman.pk, ARRIVED + dt.timedelta(days=31))


def test_a_recorded_certificate_is_issued_until_it_is_checked(owner, woman):
    certificate = _record(owner, woman)
    assert _state(woman, dt.date(2024, 1, 10)) == CertificateState.ISSUED
    assert not women_without_certificate(dt.date(2024, 1, 10)).exists()
    certificate_check(acting_user=owner, certificate=certificate, checked_on=dt.date(2024, 1, 20))
    assert _state(woman, dt.date(2024, 1, 19)) == CertificateState.ISSUED
    assert _state(woman, dt.date(2024, 1, 20)) == CertificateState.CHECKED


def test_a_check_within_30_days_of_arrival_is_on_time(owner, woman):
    certificate = _record(owner, woman, checked_on=ARRIVED + dt.timedelta(days=30))
    assert certificate.checked_late is False
    assert certificate.check_event.service_type.code == "marriage_certificate"


def test_a_check_after_30_days_is_flagged_late(owner, woman):
    certificate = _record(owner, woman)
    certificate_check(
        acting_user=owner, certificate=certificate, checked_on=ARRIVED + dt.timedelta(days=31)
    )
    certificate.refresh_from_db()
    assert certificate.checked_late is True


def test_recording_without_a_check_is_not_a_service_event(owner, woman):
    _record(owner, woman)
    assert not ServiceEvent.objects.exists()


def test_has_certificate_needs_the_check_here(owner, woman):
    certificate = _record(owner, woman)
    predicate = DELIVERED["has_certificate"]
    on = dt.date(2024, 3, 1)
    assert not Person.objects.filter(predicate.build(on)).exists()
    certificate_check(acting_user=owner, certificate=certificate, checked_on=dt.date(2024, 2, 1))
    assert Person.objects.filter(predicate.build(on)).get() == woman
    assert not Person.objects.filter(predicate.build(dt.date(2024, 1, 31))).exists()


def test_an_expired_certificate_no_longer_counts(owner, woman):
    _record(owner, woman, checked_on=dt.date(2024, 1, 10), valid_until=dt.date(2024, 12, 31))
    assert _state(woman, dt.date(2025, 1, 1)) == CertificateState.MISSING
    assert women_without_certificate(dt.date(2025, 1, 1)).get() == woman


def test_only_women_18_to_49_registered_elsewhere_are_missing(register, woman):
    register(id_number=make_id(birth="19950310", seq=111), name="男")
    register(id_number=make_id(birth="19700101", seq=226), name="年长")
    register(id_number=make_id("150203", "19950310", 228), name="户籍")
    assert list(women_without_certificate(dt.date(2024, 3, 1))) == [woman]


def test_certificate_errors_name_each_field_and_write_nothing(owner, woman):
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as caught:
        _record(owner, woman, region_code="990000", number=" ", issued_on=dt.date(2099, 1, 1))
    assert set(caught.value.error_dict) == {"region_code", "number", "issued_on"}
    assert AuditEvent.objects.count() == before
    assert not MarriageCertificate.objects.exists()


def test_a_certificate_is_checked_only_once(owner, woman):
    certificate = _record(owner, woman, checked_on=dt.date(2024, 1, 10))
    with pytest.raises(ValidationError) as caught:
        certificate_check(
            acting_user=owner, certificate=certificate, checked_on=dt.date(2024, 2, 1)
        )
    assert caught.value.error_dict["checked_on"][0].code == CertificateError.ALREADY_CHECKED
