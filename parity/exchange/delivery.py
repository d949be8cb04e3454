"""Delivery of the outbox: batches of signed messages POSTed to the partner's inbox, in
order, with a signed receipt back; retries with exponential backoff when the partner is
down, and everything kept until it acknowledges.

No transaction spans the HTTP call: a lease on the partner row keeps a second worker off
the same queue, and a worker killed between sending and recording the receipt leaves the
messages pending, to be sent again and acknowledged by the receiver as duplicates."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

import requests
from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone

from parity.exchange import rules, signing
from parity.exchange.choices import Direction, MessageType, OutboxStatus, RequestStatus
from parity.exchange.error_codes import ExchangeError
from parity.exchange.models import OutboxMessage, Partner, VerificationRequest

logger = logging.getLogger(__name__)

INBOX_PATH = "/api/v1/exchange/inbox/"
LEASE_SECONDS = 120


@dataclass
class Result:
    sent: int = 0
    failed: int = 0
    retry_at: dt.datetime | None = None


def backoff_seconds(failures: int) -> int:
    base = settings.PARITY_EXCHANGE_RETRY_BASE_SECONDS
    return int(min(settings.PARITY_EXCHANGE_RETRY_MAX_SECONDS, base * 2 ** max(0, failures - 1)))


def _lease(partner_id: int) -> bool:
    now = timezone.now()
    return bool(
        Partner.objects.filter(pk=partner_id, active=True)
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
        .update(lease_until=now + dt.timedelta(seconds=LEASE_SECONDS))
    )


def _release(partner_id: int) -> None:
    Partner.objects.filter(pk=partner_id).update(lease_until=None)


class DeliveryError(Exception):
    pass


def post(partner: Partner, tokens: list[str]) -> list[dict]:
    """Send tokens; return the receipt's results, checked against the partner's key."""
    try:
        response = requests.post(
            partner.url + INBOX_PATH,
            json={"messages": tokens},
            timeout=settings.PARITY_EXCHANGE_TIMEOUT_SECONDS,
        )
    except requests.RequestException as exc:
        raise DeliveryError(f"{type(exc).__name__}: {exc}"[:300]) from exc
    if response.status_code != 200:
        raise DeliveryError(f"HTTP {response.status_code}: {response.text[:200]}")
    try:
        receipt = response.json()["receipt"]
        verified = signing.verify(receipt)
    except (ValueError, KeyError, TypeError) as exc:
        raise DeliveryError(f"bad receipt: {type(exc).__name__}") from exc
    except signing.Refused as refused:
        raise DeliveryError(f"receipt refused: {refused.code}") from refused
    if verified.partner.pk != partner.pk:
        raise DeliveryError("receipt from another partner")
    return list(verified.claims.get("results", []))


def _claims(message: OutboxMessage) -> dict:
    return {
        "id": str(message.id),
        "type": message.type,
        "aud": message.partner.code,
        "subject": message.subject,
        "seq": message.seq,
        "body": message.body(),
    }


def _requests_received(ids: list[str]) -> None:
    """A 协查 the partner acknowledged is received there today: its deadline runs."""
    today = timezone.localdate()
    for message in OutboxMessage.objects.filter(pk__in=ids, type=MessageType.REQUEST):
        request_id = message.subject.removeprefix("req:")
        for request in VerificationRequest.objects.filter(
            request_id=request_id, direction=Direction.OUTGOING, status=RequestStatus.REQUESTED
        ):
            request.status = RequestStatus.RECEIVED
            request.received_on = today
            request.due_on = rules.request_due_on(today, request.urgency)
            request.cycle = rules.cycle_month(today)
            request.save(update_fields=["status", "received_on", "due_on", "cycle", "updated_at"])


def deliver(partner_id: int, *, max_batches: int | None = None, force: bool = False) -> Result:
    """Send the partner's pending messages in order until none is left, the partner fails,
    or ``max_batches`` batches were sent. ``force`` ignores the backoff's waiting time."""
    result = Result()
    partner = Partner.objects.filter(pk=partner_id).first()
    if partner is None or not partner.active:
        return result
    now = timezone.now()
    if not force and partner.next_attempt_at and partner.next_attempt_at > now:
        result.retry_at = partner.next_attempt_at
        return result
    if not _lease(partner_id):
        return result
    try:
        batches = 0
        while max_batches is None or batches < max_batches:
            batch = list(
                OutboxMessage.objects.filter(partner=partner, status=OutboxStatus.PENDING)
                .select_related("partner")
                .order_by("created_at", "seq", "id")[: settings.PARITY_EXCHANGE_BATCH]
            )
            if not batch:
                break
            batches += 1
            ids = [str(m.id) for m in batch]
            try:
                by = signing.signer()
                results = post(partner, [signing.sign(_claims(m), by=by) for m in batch])
            except DeliveryError as exc:
                _failed(partner, ids, str(exc), result)
                break
            if not _record(partner, ids, results, result):
                break
            Partner.objects.filter(pk=partner_id).update(
                lease_until=timezone.now() + dt.timedelta(seconds=LEASE_SECONDS)
            )
    finally:
        _release(partner_id)
    return result


def _failed(partner: Partner, ids: list[str], error: str, result: Result) -> None:
    failures = partner.failures + 1
    retry_at = timezone.now() + dt.timedelta(seconds=backoff_seconds(failures))
    Partner.objects.filter(pk=partner.pk).update(
        failures=F("failures") + 1, next_attempt_at=retry_at, last_error=error[:300]
    )
    OutboxMessage.objects.filter(pk__in=ids).update(
        attempts=F("attempts") + 1, last_error=error[:300]
    )
    partner.failures = failures
    result.failed += len(ids)
    result.retry_at = retry_at
    logger.warning(
        "exchange delivery failed",
        extra={"partner": partner.code, "messages": len(ids), "failures": failures},
    )


# Refusals that say nothing against the message itself but against how it was signed or
# addressed (the partner has not registered our new key yet, our clock is off, the
# partner's registration of us is wrong): the message stays pending and is sent again,
# signed anew, after the backoff, until an administrator puts things right. Only a message
# the partner can never take (its schema, a reused id, unreadable) is marked refused.
RETRYABLE = frozenset(
    {
        ExchangeError.UNKNOWN_SENDER,
        ExchangeError.UNKNOWN_KEY,
        ExchangeError.BAD_SIGNATURE,
        ExchangeError.WRONG_RECIPIENT,
        ExchangeError.STALE_TIMESTAMP,
    }
)


def _record(partner: Partner, ids: list[str], results: list[dict], result: Result) -> bool:
    """Record a receipt; ``False`` when some messages must wait (a retryable refusal)."""
    now = timezone.now()
    by_id = {str(r.get("id")): r for r in results if isinstance(r, dict)}
    acked = [i for i in ids if by_id.get(i, {}).get("status") in ("applied", "held", "duplicate")]
    refusals = [i for i in ids if by_id.get(i, {}).get("status") == "refused"]
    retry = [i for i in refusals if by_id[i].get("code") in RETRYABLE]
    refused = [i for i in refusals if i not in retry]
    OutboxMessage.objects.filter(pk__in=acked, status=OutboxStatus.PENDING).update(
        status=OutboxStatus.ACKNOWLEDGED, acknowledged_at=now, attempts=F("attempts") + 1
    )
    for message_id in refused:
        OutboxMessage.objects.filter(pk=message_id).update(
            status=OutboxStatus.REFUSED,
            attempts=F("attempts") + 1,
            last_error=str(by_id[message_id].get("code", ""))[:300],
        )
    _requests_received(acked)
    result.sent += len(acked)
    result.failed += len(refused)
    if retry:
        code = str(by_id[retry[0]].get("code", ""))
        _failed(partner, retry, f"对方拒收({code}),保留待重发", result)
        if acked:
            Partner.objects.filter(pk=partner.pk).update(last_success_at=now)
        return False
    Partner.objects.filter(pk=partner.pk).update(
        failures=0, next_attempt_at=None, last_error="", last_success_at=now
    )
    partner.failures = 0
    return True


def send_pending(*, force: bool = True) -> dict[str, Result]:
    """Deliver every partner's queue now (``parity exchange send-pending``)."""
    out = {}
    for partner in Partner.objects.filter(
        active=True, outbox__status=OutboxStatus.PENDING
    ).distinct():
        out[partner.code] = deliver(partner.pk, force=force)
    return out
