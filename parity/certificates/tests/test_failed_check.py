"""A certificate check that failed online raises the 7-day 协查 to the place of household
registration (DOMAIN.md §7), in the check's transaction, through the exchange's own
``request_send``; without a partner the check stands and nothing is sent."""

import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from joserfc.jwk import OKPKey
from rest_framework.test import APIClient

from parity.accounts.choices import Role
from parity.certificates.actions import certificate_check, certificate_record
from parity.certificates.choices import CheckOutcome
from parity.certificates.models import MarriageCertificate
from parity.conftest import COMMUNITY
from parity.core.models import AuditEvent
from parity.exchange import delivery
from parity.exchange.actions import partner_add
from parity.exchange.choices import Direction, MessageType, RequestStatus, Urgency
from parity.exchange.models import OutboxMessage, VerificationRequest
from parity.exchange.tests.loopback import Loopback

pytestmark = pytest.mark.django_db

HENAN = "410102"  # the woman's place of household registration (see conftest)
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def henan(db):
    key = OKPKey.generate_key("Ed25519")
    return partner_add(
        acting_user=None,
        code=HENAN,
        url="http://127.0.0.1:9/",
        key=json.dumps(key.as_dict(private=False)),
        name="郑州市中原区",
    )


@pytest.fixture
def certificate(owner, woman):
    return certificate_record(
        acting_user=owner,
        person=woman,
        region_code=HENAN,
        number="HY-1",
        issued_on=dt.date(2023, 12, 1),
        electronic=True,
    )


@pytest.fixture
def provider_user(django_user_model, areas):
    return django_user_model.objects.create_user(
        username="doctor",
        password="pw-doctor-123",
        role=Role.SERVICE_PROVIDER,
        area=areas[COMMUNITY],
    )


def _requests():
    return VerificationRequest.objects.filter(direction=Direction.OUTGOING)


def _request_messages():
    return OutboxMessage.objects.filter(type=MessageType.REQUEST)


def test_a_failed_online_check_queues_a_7_day_request_to_the_origin(owner, certificate, henan):
    checked = certificate_check(
        acting_user=owner,
        certificate=certificate,
        checked_on=dt.date(2024, 1, 20),
        outcome=CheckOutcome.FAILED,
    )
    checked.refresh_from_db()
    assert checked.check_outcome == CheckOutcome.FAILED
    assert checked.checked_on == dt.date(2024, 1, 20)
    request = _requests().get()
    assert checked.check_request == request
    assert request.partner == henan
    assert request.urgency == Urgency.CERTIFICATE
    assert request.status == RequestStatus.REQUESTED
    assert "HY-1" in request.question and "410102" in request.question
    message = _request_messages().get()
    assert message.partner == henan
    assert message.body()["urgency"] == "certificate"
    assert message.body()["request_id"] == str(request.request_id)
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"exchange.request_send", "marriage_certificate.check"} <= actions


def test_the_request_is_due_7_days_after_the_partner_receives_it(
    owner, certificate, monkeypatch, settings
):
    loop = Loopback()  # registers 410102 and answers as it
    monkeypatch.setattr(delivery.requests, "post", loop.post)
    # Received on Saturday 26 September 2026: the 7th day, 3 October, is in the National
    # Day week, so the request is due on Thursday 8 October.
    with time_machine.travel(dt.datetime(2026, 9, 26, 10, tzinfo=SHANGHAI), tick=False):
        certificate_check(
            acting_user=owner,
            certificate=certificate,
            checked_on=dt.date(2026, 9, 25),
            outcome=CheckOutcome.FAILED,
        )
        assert delivery.deliver(loop.partner.pk).sent >= 1
    request = _requests().get()
    assert request.status == RequestStatus.RECEIVED
    assert request.received_on == dt.date(2026, 9, 26)
    assert request.due_on == dt.date(2026, 10, 8)


def test_a_check_that_passed_sends_no_request(owner, certificate, henan):
    checked = certificate_check(
        acting_user=owner, certificate=certificate, checked_on=dt.date(2024, 1, 20)
    )
    assert checked.check_outcome == CheckOutcome.VERIFIED
    assert checked.check_request is None
    assert not _requests().exists()
    assert not _request_messages().exists()


def test_without_a_partner_the_failed_check_is_recorded_and_nothing_is_sent(owner, certificate):
    checked = certificate_check(
        acting_user=owner,
        certificate=certificate,
        checked_on=dt.date(2024, 1, 20),
        outcome=CheckOutcome.FAILED,
    )
    checked.refresh_from_db()
    assert checked.check_outcome == CheckOutcome.FAILED and checked.check_request is None
    assert checked.check_event is not None
    assert not VerificationRequest.objects.exists()
    assert not OutboxMessage.objects.exists()


def test_an_unknown_outcome_is_refused_and_nothing_is_written(owner, certificate, henan):
    with pytest.raises(ValidationError) as info:
        certificate_check(
            acting_user=owner,
            certificate=certificate,
            checked_on=dt.date(2024, 1, 20),
            outcome="maybe",
        )
    assert info.value.error_dict["outcome"][0].code == "invalid_choice"
    certificate.refresh_from_db()
    assert certificate.checked_on is None and certificate.check_outcome == ""
    assert not VerificationRequest.objects.exists()


def test_an_out_of_scope_user_cannot_record_a_failed_check(outsider, certificate, henan):
    with pytest.raises(PermissionDenied):
        certificate_check(
            acting_user=outsider,
            certificate=certificate,
            checked_on=dt.date(2024, 1, 20),
            outcome=CheckOutcome.FAILED,
        )
    certificate.refresh_from_db()
    assert certificate.checked_on is None
    assert not VerificationRequest.objects.exists()


def test_who_may_serve_but_not_send_requests_is_refused_before_anything_is_written(
    provider_user, certificate, henan
):
    with pytest.raises(ValidationError) as info:
        certificate_check(
            acting_user=provider_user,
            certificate=certificate,
            checked_on=dt.date(2024, 1, 20),
            outcome=CheckOutcome.FAILED,
        )
    assert info.value.error_dict["outcome"][0].code == "cannot_request"
    certificate.refresh_from_db()
    assert certificate.checked_on is None
    assert not VerificationRequest.objects.exists()
    # A check that passed needs no 协查: the provider records it.
    certificate_check(
        acting_user=provider_user, certificate=certificate, checked_on=dt.date(2024, 1, 20)
    )


def test_recording_a_certificate_with_a_failed_check_sends_the_request_too(owner, woman, henan):
    certificate = certificate_record(
        acting_user=owner,
        person=woman,
        region_code=HENAN,
        number="HY-2",
        issued_on=dt.date(2023, 12, 1),
        checked_on=dt.date(2024, 1, 10),
        outcome=CheckOutcome.FAILED,
    )
    assert certificate.check_request is not None
    assert certificate.check_request.urgency == Urgency.CERTIFICATE
    assert _request_messages().count() == 1


# --- the page ----------------------------------------------------------------------------


def _messages(response) -> list[tuple[str, str]]:
    return [(m.level_tag, str(m)) for m in response.context["messages"]]


def test_the_page_says_the_request_was_sent(client, owner, woman, certificate, henan):
    client.force_login(owner)
    response = client.post(
        reverse("certificates:certificate_check", args=[certificate.pk]),
        {"checked_on": "2024-01-20", "outcome": "failed"},
        follow=True,
    )
    assert response.status_code == 200
    [(level, text)] = _messages(response)
    assert level == "success"
    assert "已向户籍地(410102)发出婚育证明核验协查" in text
    page = response.content.decode()
    assert "线上核验未通过或不一致" in page
    assert reverse("exchange:request", args=[_requests().get().pk]) in page


def test_the_page_says_why_nothing_was_sent_without_a_partner(client, owner, certificate):
    client.force_login(owner)
    response = client.post(
        reverse("certificates:certificate_check", args=[certificate.pk]),
        {"checked_on": "2024-01-20", "outcome": "failed"},
        follow=True,
    )
    [(level, text)] = _messages(response)
    assert level == "warning"
    assert "户籍地(410102)尚未登记为合作地区,未发出协查" in text
    assert "户籍地未登记为合作地区,未发出协查" in response.content.decode()
    assert MarriageCertificate.objects.get().check_outcome == CheckOutcome.FAILED


def test_the_page_shows_the_refusal_on_the_outcome_field(client, provider_user, certificate, henan):
    client.force_login(provider_user)
    response = client.post(
        reverse("certificates:certificate_check", args=[certificate.pk]),
        {"checked_on": "2024-01-20", "outcome": "failed"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["outcome"]
    assert not VerificationRequest.objects.exists()


def test_an_outsider_cannot_open_the_check_page(client, outsider, certificate, henan):
    client.force_login(outsider)
    response = client.post(
        reverse("certificates:certificate_check", args=[certificate.pk]),
        {"checked_on": "2024-01-20", "outcome": "failed"},
    )
    assert response.status_code in (403, 404)
    assert not VerificationRequest.objects.exists()


# --- the API -----------------------------------------------------------------------------


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_api_records_a_failed_check_and_shows_the_request(owner, certificate, henan):
    response = _api(owner).post(
        f"/api/v1/marriage-certificates/{certificate.pk}/check/",
        {"checked_on": "2024-01-20", "outcome": "failed"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    data = response.json()
    assert data["check_outcome"] == "failed"
    assert data["check_request"]["urgency"] == "certificate"
    assert data["check_request"]["status"] == "requested"
    assert data["check_request"]["due_on"] is None  # runs from the partner's receipt
    assert "发出婚育证明核验协查" in data["check_message"]


def test_the_api_says_why_nothing_was_sent_without_a_partner(owner, certificate):
    response = _api(owner).post(
        f"/api/v1/marriage-certificates/{certificate.pk}/check/",
        {"checked_on": "2024-01-20", "outcome": "failed"},
        format="json",
    )
    assert response.status_code == 200
    data = response.json()
    assert data["check_outcome"] == "failed" and data["check_request"] is None
    assert "尚未登记为合作地区" in data["check_message"]


def test_the_api_check_passes_by_default_and_refuses_a_bad_outcome(owner, certificate, henan):
    client = _api(owner)
    response = client.post(
        f"/api/v1/marriage-certificates/{certificate.pk}/check/",
        {"checked_on": "2024-01-20", "outcome": "maybe"},
        format="json",
    )
    assert response.status_code == 400
    response = client.post(
        f"/api/v1/marriage-certificates/{certificate.pk}/check/",
        {"checked_on": "2024-01-20"},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["check_outcome"] == "verified"
    assert response.json()["check_request"] is None and response.json()["check_message"] == ""
    assert not VerificationRequest.objects.exists()


def test_the_api_refuses_an_outsider(outsider, certificate, henan):
    response = _api(outsider).post(
        f"/api/v1/marriage-certificates/{certificate.pk}/check/",
        {"checked_on": "2024-01-20", "outcome": "failed"},
        format="json",
    )
    assert response.status_code in (403, 404)
    assert not VerificationRequest.objects.exists()
