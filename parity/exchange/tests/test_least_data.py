"""Least data: a message carries only what its purpose needs (no message type carries a
phone number, so an arrival notice never does); ID numbers stay sealed at rest on both
sides; every read of what a partner sent is in the audit log, like a reveal."""

import datetime as dt
import json

from parity.conftest import make_id
from parity.core.models import AuditEvent
from parity.exchange import schemas
from parity.exchange.choices import MessageType
from parity.exchange.models import InboxMessage, OutboxMessage
from parity.exchange.tests.conftest import message, receipt_results

PHONE = "13912345678"


def test_an_arrival_notice_carries_no_phone_number(henan, register):
    person = register(
        id_number=make_id("410102", "19920202", 33),
        name="李强",
        phone=PHONE,
        arrived_on=dt.date(2026, 3, 2),
    )
    assert person.phone == PHONE
    notice = OutboxMessage.objects.get(type=MessageType.ARRIVAL, person=person)
    body = notice.body()
    assert "phone" not in body and PHONE not in json.dumps(body)
    assert set(body) == {"id_number", "name", "arrived_on", "area_code", "hukou_code"}
    assert person.id_number not in notice.payload  # sealed at rest on our side


def test_no_message_type_has_a_place_for_a_phone_number():
    published = json.dumps(schemas.openapi_components())
    assert "phone" not in published
    for kind, schema in schemas.BODIES.items():
        assert schema.get("additionalProperties") is False, kind


def test_a_received_message_is_sealed_and_reading_it_is_audited(
    henan, post_inbox, register, client, colleague, outsider
):
    number = make_id("150203", "19950301", 12)
    person = register(id_number=number, name="王芳")
    claims = message(
        MessageType.ARRIVAL,
        {
            "id_number": number,
            "name": "王芳",
            "arrived_on": "2026-03-02",
            "area_code": "410102",
            "hukou_code": "150203",
        },
        subject=number,
    )
    assert receipt_results(post_inbox([henan.token(claims)]))[0]["status"] == "applied"
    received = InboxMessage.objects.get()
    assert number not in received.payload and "王芳" not in received.payload
    # An outsider reads nothing, and leaves no read in the log.
    client.force_login(outsider)
    assert client.get(f"/exchange/people/{person.pk}/notices/").status_code == 404
    assert not AuditEvent.objects.filter(action="exchange.notices_view").exists()
    # The community officer's read is logged: who, which person, where.
    client.force_login(colleague)
    page = client.get(f"/exchange/people/{person.pk}/notices/").content.decode()
    assert "流入通报" in page
    event = AuditEvent.objects.get(action="exchange.notices_view")
    assert event.actor == colleague
    assert (event.object_type, event.object_id) == ("people.person", str(person.pk))
    assert event.area_code == person.area_code
