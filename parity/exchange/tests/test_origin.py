"""The origin's side of an arrival notice (DOMAIN.md §7: the places notify each other): the
notice is shown on the person's record at the origin, and an outflow person gets the place
they now live in recorded as their 流向地. A person the origin still records as living there
is not moved by a message: the notice asks the officer to check."""

import datetime as dt

from parity.conftest import make_id
from parity.core.models import AuditEvent
from parity.exchange.choices import MessageType
from parity.exchange.models import InboxMessage
from parity.exchange.tests.conftest import message, receipt_results
from parity.people.choices import Status

OURS = "150203"


def _arrival(person_id: str, *, area_code: str = "410102", arrived_on: str = "2026-03-02"):
    return message(
        MessageType.ARRIVAL,
        {
            "id_number": person_id,
            "name": "王芳",
            "arrived_on": arrived_on,
            "area_code": area_code,
            "hukou_code": OURS,
        },
        subject=person_id,
    )


def test_an_arrival_notice_records_the_destination_of_an_outflow_person(
    henan, post_inbox, register
):
    # Given: one of our people recorded as gone to Henan, province only, since 2025-11-01.
    number = make_id(OURS, "19950301", 12)
    person = register(
        id_number=number,
        name="王芳",
        outflow_region_code="410000",
        outflow_since=dt.date(2025, 11, 1),
    )
    assert person.status == Status.OUTFLOW
    # When: Henan's county tells us she registered there.
    results = receipt_results(post_inbox([henan.token(_arrival(number))]))
    # Then: applied; her record names the county, the date she left is kept.
    assert results[0]["status"] == "applied"
    person.refresh_from_db()
    assert person.outflow_region_code == "410102"
    assert person.outflow_since == dt.date(2025, 11, 1)
    received = InboxMessage.objects.get(type=MessageType.ARRIVAL)
    assert received.person == person and received.area_code == person.area_code
    assert "410102" in received.note
    event = AuditEvent.objects.get(action="exchange.outflow_destination")
    assert event.object_id == str(person.pk)
    assert event.before == {"outflow_region_code": "410000", "outflow_since": "2025-11-01"}
    assert event.after == {"outflow_region_code": "410102", "outflow_since": "2025-11-01"}


def test_an_arrival_notice_for_a_person_recorded_as_living_here_changes_nothing(
    henan, post_inbox, register
):
    number = make_id(OURS, "19950302", 14)
    person = register(id_number=number, name="王芳")
    assert person.status == Status.REGISTERED
    post_inbox([henan.token(_arrival(number))])
    person.refresh_from_db()
    assert person.status == Status.REGISTERED and person.outflow_region_code == ""
    received = InboxMessage.objects.get(type=MessageType.ARRIVAL)
    assert "请核实是否流出" in received.note
    assert not AuditEvent.objects.filter(action="exchange.outflow_destination").exists()


def test_an_arrival_notice_about_someone_unknown_here_is_kept_with_a_note(henan, post_inbox):
    number = make_id(OURS, "19950303", 16)
    results = receipt_results(post_inbox([henan.token(_arrival(number))]))
    assert results[0]["status"] == "applied"
    received = InboxMessage.objects.get(type=MessageType.ARRIVAL)
    assert received.person is None and received.note == "本地未找到该人员"


def test_an_onward_departure_updates_the_outflow_destination_but_a_return_home_does_not(
    henan, post_inbox, register
):
    number = make_id(OURS, "19950304", 18)
    person = register(
        id_number=number, outflow_region_code="410102", outflow_since=dt.date(2025, 11, 1)
    )

    def departure(destination: str, seq: int):
        body = {"id_number": number, "name": "张三", "departed_on": "2026-04-01"}
        return message(
            MessageType.DEPARTURE,
            {**body, "destination_code": destination},
            subject=number,
            seq=seq,
        )

    post_inbox([henan.token(departure("150203", 1))])  # back home: left to the officer
    person.refresh_from_db()
    assert person.outflow_region_code == "410102"
    post_inbox([henan.token(departure("440300", 2))])  # on to Shenzhen
    person.refresh_from_db()
    assert person.outflow_region_code == "440300"


def test_the_person_s_page_links_to_the_notices_and_the_feed_shows_the_arrival(
    henan, post_inbox, register, client, owner
):
    number = make_id(OURS, "19950305", 20)
    person = register(
        id_number=number, outflow_region_code="410000", outflow_since=dt.date(2025, 11, 1)
    )
    post_inbox([henan.token(_arrival(number))])
    client.force_login(owner)
    detail = client.get(f"/people/{person.pk}/").content.decode()
    assert f"/exchange/people/{person.pk}/notices/" in detail
    assert "410102" in detail or "中原区" in detail  # the 流向地 shown on the record
    feed = client.get(f"/exchange/people/{person.pk}/notices/").content.decode()
    assert "流入通报" in feed and "已记录流向地 410102" in feed


def test_the_notices_link_shows_for_the_floating_and_for_whom_a_partner_told_us_about(
    henan, post_inbox, register, client, owner
):
    def has_link(person) -> bool:
        page = client.get(f"/people/{person.pk}/").content.decode()
        return f"/exchange/people/{person.pk}/notices/" in page

    client.force_login(owner)
    assert has_link(register(id_number=make_id("410102", "19950101", 22)))
    number = make_id(OURS, "19700101", 15)
    resident = register(id_number=number, name="王芳")
    assert not has_link(resident)
    post_inbox([henan.token(_arrival(number))])
    assert has_link(resident)
