"""The 协查 pages: a community officer's inbox with deadline colours, the person's facts
beside a request, answer and reject forms; outsiders see nothing; officials' pages."""

import datetime as dt
import io
import uuid

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from parity.conftest import make_id
from parity.exchange.choices import MessageType, OutboxStatus, RequestStatus
from parity.exchange.models import OutboxMessage, VerificationRequest
from parity.exchange.tests.conftest import message, receipt_results

ID = make_id("150203", "19950301", 12)


@pytest.fixture
def incoming(henan, post_inbox, register):
    person = register(id_number=ID, name="王芳")

    class Incoming:
        """Makes an incoming request about ``person`` when called."""

        def __init__(self, person):
            self.person = person

        def __call__(self, urgency="urgent", received_days_ago=0):
            return _make(urgency, received_days_ago)

    def _make(urgency="urgent", received_days_ago=0):
        claims = message(
            MessageType.REQUEST,
            {
                "request_id": str(uuid.uuid4()),
                "id_number": ID,
                "name": "王芳",
                "urgency": urgency,
                "question": "核实现孕情况",
                "requested_on": "2026-03-02",
            },
            subject=str(uuid.uuid4()),
        )
        assert receipt_results(post_inbox([henan.token(claims)]))[0]["status"] == "applied"
        item = VerificationRequest.objects.get(request_id=claims["body"]["request_id"])
        if received_days_ago:
            received = timezone.localdate() - dt.timedelta(days=received_days_ago)
            item.received_on = received
            item.due_on = received + dt.timedelta(days=15 if urgency == "urgent" else 30)
            item.save()
        return item

    return Incoming(person)


def test_an_incoming_request_hangs_on_the_person_s_area(incoming):
    item = incoming()
    assert item.person == incoming.person
    assert item.area_code == incoming.person.area_code


def test_the_inbox_shows_overdue_requests_in_red_and_counts_them(client, colleague, incoming):
    incoming(received_days_ago=20)
    incoming(received_days_ago=13)
    incoming()
    client.force_login(colleague)
    page = client.get("/exchange/requests/").content.decode()
    assert page.count("state-overdue") == 1
    assert page.count("state-due_soon") == 1
    assert page.count("state-open") == 1
    assert 'id="overdue-count" class="badge badge-very-late">1<' in page


def test_the_inbox_reads_in_a_fixed_number_of_queries(
    client, colleague, incoming, django_assert_max_num_queries
):
    for _ in range(5):
        incoming()
    client.force_login(colleague)
    with django_assert_max_num_queries(12):
        assert client.get("/exchange/requests/").status_code == 200


def test_an_outsider_sees_no_request(client, outsider, incoming):
    item = incoming()
    client.force_login(outsider)
    assert "王芳" not in client.get("/exchange/requests/").content.decode()
    assert client.get(f"/exchange/requests/{item.pk}/").status_code == 404
    assert client.post(f"/exchange/requests/{item.pk}/", {"verb": "accept"}).status_code == 404


def test_the_request_page_shows_the_person_s_facts_and_audits_the_read(client, colleague, incoming):
    from parity.core.models import AuditEvent

    item = incoming()
    client.force_login(colleague)
    page = client.get(f"/exchange/requests/{item.pk}/").content.decode()
    assert "1995-03-01" in page and "人员情况" in page
    assert AuditEvent.objects.filter(
        action="exchange.request_view", object_id=str(item.pk)
    ).exists()


def test_answering_without_facts_says_so_and_changes_nothing(client, colleague, incoming):
    item = incoming()
    client.force_login(colleague)
    response = client.post(
        f"/exchange/requests/{item.pk}/", {"verb": "answer", "facts": "", "checked_by": ""}
    )
    assert "请填写核查的事实" in response.content.decode()
    item.refresh_from_db()
    assert item.status == RequestStatus.RECEIVED
    assert not OutboxMessage.objects.filter(type=MessageType.FEEDBACK).exists()


def test_an_answer_in_time_is_on_time_and_queues_the_feedback(client, colleague, incoming):
    item = incoming(received_days_ago=3)
    client.force_login(colleague)
    response = client.post(
        f"/exchange/requests/{item.pk}/",
        {"verb": "answer", "facts": "现孕12周", "checked_by": "李四"},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == RequestStatus.ANSWERED and item.on_time
    feedback = OutboxMessage.objects.get(type=MessageType.FEEDBACK)
    assert feedback.status == OutboxStatus.PENDING
    assert feedback.body()["checked_by"] == "李四"
    assert "id_number" not in feedback.body()


def test_a_rejection_needs_a_reason(client, colleague, incoming):
    item = incoming()
    client.force_login(colleague)
    assert (
        "请填写退回原因"
        in client.post(f"/exchange/requests/{item.pk}/", {"verb": "reject"}).content.decode()
    )
    client.post(f"/exchange/requests/{item.pk}/", {"verb": "reject", "reason": "查无此人"})
    item.refresh_from_db()
    assert item.status == RequestStatus.REJECTED


def test_officials_see_the_queues_and_the_two_way_table_and_grid_workers_do_not(
    client, official, owner, incoming
):
    incoming()
    client.force_login(official)
    assert "410102" in client.get("/exchange/partners/").content.decode()
    page = client.get("/exchange/assessment/").content.decode()
    assert "format=xlsx" in page
    workbook = client.get("/exchange/assessment/?format=xlsx")
    book = load_workbook(io.BytesIO(b"".join(workbook.streaming_content)))
    header = [cell.value for cell in next(book.active.iter_rows(max_row=1))]
    assert "反馈率%" in header
    response = client.get("/exchange/assessment/?format=csv")
    assert response["Content-Type"].startswith("text/csv")
    assert "反馈率%" in b"".join(response.streaming_content).decode("utf-8-sig")
    client.force_login(owner)
    assert client.get("/exchange/partners/").status_code == 403


def test_a_person_s_notices_feed_says_when_sent_and_acknowledged(
    client, colleague, henan, register
):
    person = register(id_number=make_id("410102", "19900101", 5), name="赵六")
    message = OutboxMessage.objects.get(person=person)
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=OutboxStatus.ACKNOWLEDGED, acknowledged_at=timezone.now()
    )
    client.force_login(colleague)
    page = client.get(f"/exchange/people/{person.pk}/notices/").content.decode()
    assert "流入通报" in page and "已确认" in page


def test_an_officer_sends_a_request_to_the_person_s_origin(client, colleague, henan, register):
    person = register(id_number=make_id("410102", "19900101", 6), name="钱七")
    client.force_login(colleague)
    response = client.post(
        f"/exchange/requests/new/{person.pk}/", {"urgency": "normal", "question": "核实婚育情况"}
    )
    assert response.status_code == 302
    item = VerificationRequest.objects.get(direction="out")
    assert item.partner == henan.partner
    assert OutboxMessage.objects.filter(type=MessageType.REQUEST).count() == 1
