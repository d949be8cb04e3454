"""The inbox: signed messages from a partner applied once and in order; forged, tampered,
stale or replayed ones refused, audited and not applied."""

import time
import uuid

from joserfc.jwk import OKPKey

from parity.conftest import make_id
from parity.core.models import AuditEvent
from parity.exchange.choices import Direction, InboxStatus, MessageType, RequestStatus
from parity.exchange.models import InboxMessage, VerificationRequest
from parity.exchange.tests.conftest import Remote, message, receipt_results


def _request(request_id=None, **extra):
    return message(
        MessageType.REQUEST,
        {
            "request_id": str(request_id or uuid.uuid4()),
            "id_number": make_id("150203", "19950301", 12),
            "name": "王芳",
            "urgency": "urgent",
            "question": "核实现孕情况",
            "requested_on": "2026-03-02",
            **extra,
        },
        subject=str(uuid.uuid4()),
    )


def test_a_signed_request_becomes_an_incoming_request_with_its_deadline(henan, post_inbox):
    results = receipt_results(post_inbox([henan.token(_request())]))
    assert results[0]["status"] == "applied"
    request = VerificationRequest.objects.get()
    assert request.direction == Direction.INCOMING
    assert request.status == RequestStatus.RECEIVED
    assert request.due_on is not None and request.received_on is not None
    assert (request.due_on - request.received_on).days == 15


def test_the_same_message_delivered_three_times_is_applied_once(henan, post_inbox):
    claims = _request()
    statuses = [receipt_results(post_inbox([henan.token(claims)]))[0]["status"] for _ in range(3)]
    assert statuses == ["applied", "duplicate", "duplicate"]
    assert VerificationRequest.objects.count() == 1
    assert InboxMessage.objects.count() == 1


def test_messages_out_of_order_are_held_and_applied_in_order(henan, post_inbox):
    ours = VerificationRequest(
        direction=Direction.OUTGOING,
        partner=henan.partner,
        person_name="王芳",
        urgency="urgent",
        question="q",
        requested_on=time.strftime("%Y-%m-%d"),
        status=RequestStatus.RECEIVED,
        area_code="150203",
    )
    ours.set_body({})
    ours.save()
    rid = str(ours.request_id)
    accepted = message(
        MessageType.REQUEST_STATUS,
        {"request_id": rid, "status": "accepted", "reason": "", "on": "2026-03-03"},
        subject=f"req:{rid}",
        seq=1,
    )
    answered = message(
        MessageType.FEEDBACK,
        {
            "request_id": rid,
            "facts": "已核实",
            "checked_by": "李四",
            "answered_on": "2026-03-05",
            "received_on": "2026-03-03",
        },
        subject=f"req:{rid}",
        seq=2,
    )
    assert receipt_results(post_inbox([henan.token(answered)]))[0]["status"] == "held"
    ours.refresh_from_db()
    assert ours.status == RequestStatus.RECEIVED
    assert receipt_results(post_inbox([henan.token(accepted)]))[0]["status"] == "applied"
    ours.refresh_from_db()
    assert ours.status == RequestStatus.ANSWERED
    assert ours.checked_by == "李四"
    assert set(InboxMessage.objects.values_list("status", flat=True)) == {InboxStatus.APPLIED}


def _refused(post_inbox, token, code):
    before = AuditEvent.objects.filter(action="exchange.refused").count()
    results = receipt_results(post_inbox([token]))
    assert results[0]["status"] == "refused"
    assert results[0]["code"] == code
    assert AuditEvent.objects.filter(action="exchange.refused").count() == before + 1
    assert not VerificationRequest.objects.exists()


def test_a_tampered_body_is_refused_audited_and_not_applied(henan, post_inbox):
    head, payload, signature = henan.token(_request()).split(".")
    other = henan.token(_request(question="别的事项")).split(".")[1]
    _refused(post_inbox, f"{head}.{other}.{signature}", "exchange_bad_signature")
    assert payload != other
    assert not InboxMessage.objects.exists()


def test_a_message_signed_with_another_key_is_refused(henan, post_inbox):
    _refused(
        post_inbox,
        henan.token(_request(), key=OKPKey.generate_key("Ed25519")),
        "exchange_unknown_key",
    )


def test_a_message_from_an_unknown_sender_is_refused(henan, post_inbox):
    stranger = Remote("420102")
    _refused(post_inbox, stranger.token(_request()), "exchange_unknown_sender")


def test_a_replayed_message_outside_the_window_is_refused(henan, post_inbox):
    _refused(
        post_inbox, henan.token(_request(), iat=int(time.time()) - 3600), "exchange_stale_timestamp"
    )


def test_a_reused_id_with_other_content_is_refused(henan, post_inbox):
    first = _request()
    receipt_results(post_inbox([henan.token(first)]))
    second = _request()
    second["id"] = first["id"]
    results = receipt_results(post_inbox([henan.token(second)]))
    assert results[0]["code"] == "exchange_reused_id"
    assert VerificationRequest.objects.count() == 1


def test_a_message_for_another_instance_is_refused(henan, post_inbox):
    _refused(post_inbox, henan.token(_request(), aud="420000"), "exchange_wrong_recipient")


def test_a_body_outside_its_schema_is_refused(henan, post_inbox):
    bad = _request()
    bad["body"]["phone"] = "13800000000"
    _refused(post_inbox, henan.token(bad), "exchange_schema")


def test_a_rotated_key_still_verifies_until_the_old_one_is_retired(henan, post_inbox):
    from parity.exchange.actions import partner_key_add, partner_key_retire

    old = henan.key
    henan.key = OKPKey.generate_key("Ed25519")
    partner_key_add(acting_user=None, partner=henan.partner, jwk=henan.key.as_dict(private=False))
    assert receipt_results(post_inbox([henan.token(_request(), key=old)]))[0]["status"] == "applied"
    assert receipt_results(post_inbox([henan.token(_request())]))[0]["status"] == "applied"
    partner_key_retire(acting_user=None, partner=henan.partner, kid=old.thumbprint())
    results = receipt_results(post_inbox([henan.token(_request(), key=old)]))
    assert results[0]["code"] == "exchange_unknown_key"


def test_garbage_is_refused_with_a_clear_code(henan, post_inbox):
    response = post_inbox([])
    assert response.status_code == 400
    assert response.json()["code"] == "exchange_malformed"
    assert receipt_results(post_inbox(["not.a.token"]))[0]["code"] == "exchange_malformed"
