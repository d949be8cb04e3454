"""The exchange's cases as predicates of the indicator engine, so that the two-way
assessment (双向考核) has indicators beside the others and rows in the assessment.

The engine counts people over an area and a period: these count a person once however
many cases they have, in the area where the person is managed here. The exact counts per
case, per partner and per district are the two-way table (``selectors.two_way``)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, F, OuterRef, Q
from django.utils.translation import gettext_lazy as _


def _incoming(start: dt.date, end: dt.date):
    from parity.exchange.models import VerificationRequest

    return VerificationRequest.objects.filter(
        person=OuterRef("pk"), direction="in", received_on__gte=start, received_on__lte=end
    )


def request_received(start: dt.date, end: dt.date) -> Q:
    """People a partner's 协查 received in the period asked about."""
    return Q(Exists(_incoming(start, end)))


def request_answered(start: dt.date, end: dt.date) -> Q:
    """…whose every such 协查 is answered."""
    return ~Q(Exists(_incoming(start, end).exclude(status="answered"))) & request_received(
        start, end
    )


def request_answered_on_time(start: dt.date, end: dt.date) -> Q:
    """…whose every such 协查 is answered by its deadline."""
    late = _incoming(start, end).exclude(status="answered", answered_on__lte=F("due_on"))
    return ~Q(Exists(late)) & request_received(start, end)


def _notices(start: dt.date, end: dt.date):
    from parity.exchange.choices import NOTICE_TYPES
    from parity.exchange.models import OutboxMessage

    return OutboxMessage.objects.filter(
        person=OuterRef("pk"), type__in=NOTICE_TYPES, event_on__gte=start, event_on__lte=end
    )


def notice_due(start: dt.date, end: dt.date) -> Q:
    """People with an event in the period that a partner had to be told of."""
    return Q(Exists(_notices(start, end)))


def notice_sent(start: dt.date, end: dt.date) -> Q:
    """…every one of whose notices the partner acknowledged by its due date."""
    late = _notices(start, end).exclude(
        status="acknowledged", acknowledged_at__date__lte=F("due_on")
    )
    return ~Q(Exists(late)) & notice_due(start, end)


def register() -> None:
    from parity.indicators.predicates import register as add

    add("exchange_request_received", _("收到协查的人员"), request_received)
    add("exchange_request_answered", _("协查均已反馈的人员"), request_answered)
    add("exchange_request_on_time", _("协查均按时反馈的人员"), request_answered_on_time)
    add("exchange_notice_due", _("应通报事项的人员"), notice_due)
    add("exchange_notice_sent", _("均已按时通报的人员"), notice_sent)
