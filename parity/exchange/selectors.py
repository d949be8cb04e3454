"""Reads of the exchange: queue health, 协查 lists with their deadline state, a person's
notices, and the two-way assessment table (双向考核)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Min, Q, QuerySet
from django.db.models.functions import Substr

from parity.exchange import rules
from parity.exchange.choices import (
    NOTICE_TYPES,
    DeadlineState,
    OutboxStatus,
    RequestStatus,
)
from parity.exchange.models import (
    InboxMessage,
    OutboxMessage,
    Partner,
    VerificationRequest,
    VerificationRequestQuerySet,
)


@dataclass
class QueueRow:
    partner: Partner
    pending: int
    oldest: dt.datetime | None


def queue_health() -> list[QueueRow]:
    """Per partner: messages waiting, the oldest waiting, and (on the partner) failures
    and last error."""
    counts: dict[int, Any] = {
        row["partner"]: row
        for row in OutboxMessage.objects.filter(status=OutboxStatus.PENDING)
        .values("partner")
        .annotate(n=Count("id"), oldest=Min("created_at"))
    }
    return [
        QueueRow(p, counts.get(p.pk, {}).get("n", 0), counts.get(p.pk, {}).get("oldest"))
        for p in Partner.objects.order_by("code")
    ]


def state_of(request: VerificationRequest, today: dt.date) -> str:
    """The request's deadline colour (``DeadlineState``) on ``today``."""
    done = request.status in (RequestStatus.ANSWERED, RequestStatus.REJECTED)
    if request.due_on is None:
        return DeadlineState.DONE if done else DeadlineState.OPEN
    return rules.deadline_state(due_on=request.due_on, today=today, done=done)


def with_state(requests: QuerySet[VerificationRequest], today: dt.date) -> list:
    """The requests, each with its ``state`` on ``today``."""
    rows = list(requests.select_related("partner"))
    for row in rows:
        row.state = state_of(row, today)  # type: ignore[attr-defined]
    return rows


def overdue_count(requests: VerificationRequestQuerySet, today: dt.date) -> int:
    return requests.overdue_on(today).count()


def person_notices(person) -> dict[str, list]:
    """What was sent about the person and what partners sent: the person's notices feed."""
    sent = list(
        OutboxMessage.objects.filter(person=person).select_related("partner").order_by("created_at")
    )
    received = list(
        InboxMessage.objects.filter(person=person).select_related("sender").order_by("received_at")
    )
    return {"sent": sent, "received": received}


def _rate(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(100) * part / whole).quantize(Decimal("0.1"))


@dataclass
class TwoWayRow:
    """One partner (and district) in one month, both sides' scores."""

    partner: Partner
    district: str
    notices_due: int = 0
    notices_sent: int = 0
    received: int = 0
    answered: int = 0
    answered_on_time: int = 0
    asked: int = 0
    asked_answered: int = 0
    asked_on_time: int = 0
    served: int = 0
    eligible: int = 0
    extra: dict = field(default_factory=dict)

    @property
    def notice_rate(self):
        return _rate(self.notices_sent, self.notices_due)

    @property
    def feedback_rate(self):
        return _rate(self.answered, self.received)

    @property
    def timely_rate(self):
        return _rate(self.answered_on_time, self.answered)

    @property
    def partner_feedback_rate(self):
        return _rate(self.asked_answered, self.asked)

    @property
    def partner_timely_rate(self):
        return _rate(self.asked_on_time, self.asked_answered)

    @property
    def service_rate(self):
        return _rate(self.served, self.eligible)


def two_way(month: dt.date, *, area_code: str = "") -> list[TwoWayRow]:
    """The two-way assessment of ``month`` (the cycle closing on its 20th), per partner and
    district (the first six digits of the area the case belongs to here), counted in SQL:

    - 通报率: notices sent and acknowledged by their due date ÷ notices due (events that
      required one, counted in the month of their event by the cycle);
    - 反馈率 / 及时反馈率: of the partner's 协查 we received in the cycle, answered ÷
      received, answered by the deadline ÷ answered; the same two for the 协查 we sent
      them (their score, measured on our side with the same dates);
    - free-service rate: the partner's people living here (registered there, inflow here)
      with a free family-planning service (contraception, pre-pregnancy check) in the
      month ÷ the partner's women 15–49 living here."""
    month = month.replace(day=1)
    start, end = rules.cycle_span(month)
    rows: dict[tuple[int, str], TwoWayRow] = {}

    def row(partner_id: int, area: str) -> TwoWayRow:
        key = (partner_id, area[:6])
        if key not in rows:
            rows[key] = TwoWayRow(partners[partner_id], area[:6])
        return rows[key]

    partners = {p.pk: p for p in Partner.objects.all()}
    scope = Q(area_code__startswith=area_code) if area_code else Q()
    district = Substr("area_code", 1, 6)
    notices = (
        OutboxMessage.objects.filter(scope, type__in=NOTICE_TYPES, event_on__range=(start, end))
        .annotate(district=district)
        .values("partner", "district")
        .order_by("partner", "district")
        .annotate(
            due=Count("pk"),
            # Acknowledged by the due date, as a day here (the indicator counts the same).
            sent=Count(
                "pk",
                filter=Q(status=OutboxStatus.ACKNOWLEDGED, acknowledged_at__date__lte=F("due_on")),
            ),
        )
    )
    for n in notices:
        r = row(n["partner"], n["district"])
        r.notices_due += n["due"]
        r.notices_sent += n["sent"]
    answered = Q(status=RequestStatus.ANSWERED)
    requests = (
        VerificationRequest.objects.filter(scope, cycle=month)
        .annotate(district=district)
        .values("partner", "district", "direction")
        .order_by("partner", "district", "direction")
        .annotate(
            n=Count("pk"),
            answered=Count("pk", filter=answered),
            timely=Count("pk", filter=answered & Q(answered_on__lte=F("due_on"))),
        )
    )
    for q in requests:
        r = row(q["partner"], q["district"])
        if q["direction"] == "in":
            r.received += q["n"]
            r.answered += q["answered"]
            r.answered_on_time += q["timely"]
        else:
            r.asked += q["n"]
            r.asked_answered += q["answered"]
            r.asked_on_time += q["timely"]
    _services(rows, partners, month, area_code, row)
    return sorted(rows.values(), key=lambda r: (r.partner.code, r.district))


def _services(rows, partners, month: dt.date, area_code: str, row) -> None:
    """The partner's women 15–49 living here (inflow, registered there) and those of them
    given a free family-planning service in the calendar month: as the indicator
    ``exchange_free_service_rate`` counts them (``exchange.indicators``)."""
    # deferred: needed on this path only
    from dateutil.relativedelta import relativedelta

    # deferred: the exchange's modules call each other; none loads another at import
    from parity.exchange.indicators import free_service
    from parity.people.models import Person
    from parity.services.eligibility import rule_q

    last = month + relativedelta(months=1) - dt.timedelta(days=1)
    women = Person.objects.filter(
        rule_q({"statuses": ["inflow"], "sex": "F", "age_min": 15, "age_max": 49}, last)
    )
    if area_code:
        women = women.filter(area_code__startswith=area_code)
    served_q = free_service(month, last)
    # Longest code first: a person counts for the partner answering for her region.
    taken = Q(pk__isnull=True)  # never true
    for partner in sorted(partners.values(), key=lambda p: (-len(p.code), p.code)):
        mine = women.filter(hukou_code__startswith=partner.code).exclude(taken)
        taken |= Q(hukou_code__startswith=partner.code)
        counts = (
            mine.annotate(district=Substr("area_code", 1, 6))
            .values("district")
            .order_by("district")
            .annotate(n=Count("id"), served=Count("id", filter=served_q))
        )
        for c in counts:
            r = row(partner.pk, c["district"])
            r.eligible += c["n"]
            r.served += c["served"]
