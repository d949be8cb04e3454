"""The delivery worker: a partner down for a while gets everything, in order, once; a
worker killed between sending and recording loses nothing and doubles nothing."""

import datetime as dt

import pytest
from django.utils import timezone

from parity.conftest import make_id
from parity.exchange import delivery
from parity.exchange.choices import InboxStatus, MessageType, OutboxStatus
from parity.exchange.models import InboxMessage, OutboxMessage, Partner
from parity.exchange.tests.loopback import Loopback


@pytest.fixture
def loop(db, monkeypatch, settings):
    settings.PARITY_EXCHANGE_BATCH = 3
    loopback = Loopback()
    monkeypatch.setattr(delivery.requests, "post", loopback.post)
    return loopback


def _arrivals(register, n: int):
    return [
        register(
            id_number=make_id("410102", "19900101", i + 1),
            name=f"人{i}",
            arrived_on=dt.date(2026, 3, 1),
        )
        for i in range(n)
    ]


def _inbox():
    return InboxMessage.objects.filter(sender__code="1502")


def test_a_registered_arrival_from_a_partner_region_queues_a_notice_in_its_transaction(
    loop, register
):
    person = _arrivals(register, 1)[0]
    message = OutboxMessage.objects.get()
    assert message.type == MessageType.ARRIVAL
    assert message.partner == loop.partner
    assert message.subject == person.id_hash
    assert message.body() == {
        "id_number": person.id_number,
        "name": person.name,
        "arrived_on": "2026-03-01",
        "area_code": person.area_code[:6],
        "hukou_code": "410102",
    }
    assert person.id_number not in message.payload  # sealed at rest


def test_a_partner_down_for_three_attempts_gets_everything_once_in_order(loop, register):
    _arrivals(register, 7)
    loop.down = 3
    for attempt in range(1, 4):
        result = delivery.deliver(loop.partner.pk, force=True)
        assert result.sent == 0
        partner = Partner.objects.get(pk=loop.partner.pk)
        assert partner.failures == attempt
        assert "partner down" in partner.last_error
    assert partner.next_attempt_at is not None
    assert partner.next_attempt_at > timezone.now() + dt.timedelta(seconds=100)
    assert delivery.deliver(loop.partner.pk).sent == 0  # still backing off
    assert set(OutboxMessage.objects.values_list("attempts", flat=True)) <= {0, 3}
    result = delivery.deliver(loop.partner.pk, force=True)
    assert result.sent == 7
    assert not OutboxMessage.objects.filter(status=OutboxStatus.PENDING).exists()
    assert _inbox().count() == 7
    assert set(_inbox().values_list("status", flat=True)) == {InboxStatus.APPLIED}
    assert Partner.objects.get(pk=loop.partner.pk).failures == 0


def test_backoff_doubles_up_to_its_ceiling(settings):
    settings.PARITY_EXCHANGE_RETRY_BASE_SECONDS = 30
    settings.PARITY_EXCHANGE_RETRY_MAX_SECONDS = 3600
    assert [delivery.backoff_seconds(n) for n in (1, 2, 3, 8, 20)] == [30, 60, 120, 3600, 3600]


def test_a_batch_lost_after_the_partner_stored_it_is_sent_again_and_applied_once(loop, register):
    _arrivals(register, 3)
    loop.lost_after_store = 1
    assert delivery.deliver(loop.partner.pk, force=True).sent == 0
    assert OutboxMessage.objects.filter(status=OutboxStatus.PENDING).count() == 3
    assert _inbox().count() == 3
    assert delivery.deliver(loop.partner.pk, force=True).sent == 3
    assert _inbox().count() == 3
    assert len(loop.delivered) == 6


def test_a_worker_killed_before_recording_the_receipt_loses_and_doubles_nothing(
    loop, register, monkeypatch
):
    _arrivals(register, 5)
    real_record = delivery._record

    def killed(*args, **kwargs):
        raise SystemExit("worker killed")

    monkeypatch.setattr(delivery, "_record", killed)
    with pytest.raises(SystemExit):
        delivery.deliver(loop.partner.pk, force=True)
    # A real kill leaves the lease behind: it expires.
    Partner.objects.filter(pk=loop.partner.pk).update(
        lease_until=timezone.now() + dt.timedelta(seconds=60)
    )
    assert delivery.deliver(loop.partner.pk, force=True).sent == 0
    Partner.objects.filter(pk=loop.partner.pk).update(
        lease_until=timezone.now() - dt.timedelta(seconds=1)
    )
    monkeypatch.setattr(delivery, "_record", real_record)
    assert delivery.deliver(loop.partner.pk, force=True).sent == 5
    assert _inbox().count() == 5
    assert OutboxMessage.objects.filter(status=OutboxStatus.ACKNOWLEDGED).count() == 5


def test_a_person_s_messages_keep_their_order_across_batches(loop, register, areas, owner):
    from parity.people.actions import residence_close

    person = _arrivals(register, 1)[0]
    residence_close(acting_user=owner, person=person, departed_on=dt.date(2026, 3, 20))
    seqs = list(
        OutboxMessage.objects.filter(subject=person.id_hash)
        .order_by("seq")
        .values_list("type", "seq")
    )
    assert seqs == [(MessageType.ARRIVAL, 1), (MessageType.DEPARTURE, 2)]
    delivery.deliver(loop.partner.pk, force=True)
    applied = list(
        _inbox()
        .filter(subject=person.id_hash)
        .order_by("applied_at", "seq")
        .values_list("seq", flat=True)
    )
    assert applied == [1, 2]


def test_waking_the_worker_twice_queues_one_task(loop):
    from django_tasks.backends.database.models import DBTaskResult

    from parity.exchange.actions import wake

    wake(loop.partner.pk)
    wake(loop.partner.pk)
    assert DBTaskResult.objects.count() == 1


def test_the_task_delivers_and_reschedules_itself_while_the_partner_is_down(loop, register):
    from django_tasks.backends.database.models import DBTaskResult

    from parity.exchange.tasks import exchange_deliver

    _arrivals(register, 2)
    loop.down = 1
    exchange_deliver.call(loop.partner.pk)
    assert DBTaskResult.objects.count() == 1  # the retry, after the backoff
    Partner.objects.filter(pk=loop.partner.pk).update(next_attempt_at=None)
    assert exchange_deliver.call(loop.partner.pk) == {"sent": 2, "failed": 0}
