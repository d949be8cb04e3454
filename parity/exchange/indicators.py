"""The exchange's cases as predicates of the indicator engine, so that the two-way
assessment (双向考核) has indicators beside the others (category ``exchange``, each kept
by ``partner``), and its scored items in the target assessment (``assessment_source``).

The engine counts people over an area and a period: these count a person once however
many cases they have, in the area where the person is managed here. The exact counts per
case, per partner and per district are the two-way table (``selectors.two_way``).

Periods follow the monthly cycle (``rules``): a period from ``start`` to ``end`` counts the
cases received (requests) or that happened (notices) from the 21st before ``start``'s
month to the 20th of ``end``'s month (or ``end``, if earlier), as the two-way table does.
The free-service rate counts the calendar period, as every service indicator does."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Case, CharField, Count, Exists, F, OuterRef, Q, Value, When
from django.db.models.functions import Substr
from django.utils.translation import gettext_lazy as _

from parity.exchange import rules

FAMILY_PLANNING_SERVICES = ("contraception", "pre_pregnancy_check")


def cycle_range(start: dt.date, end: dt.date) -> tuple[dt.date, dt.date]:
    """The days of receipt (or of the event) the cycles of ``start``..``end`` count."""
    first = rules.cycle_span(start.replace(day=1))[0]
    last = min(end, rules.cycle_span(end.replace(day=1))[1])
    return first, last


def _incoming(start: dt.date, end: dt.date):
    # deferred: the exchange's modules call each other; none loads another at import
    from parity.exchange.models import VerificationRequest

    first, last = cycle_range(start, end)
    return VerificationRequest.objects.filter(
        person=OuterRef("pk"), direction="in", received_on__gte=first, received_on__lte=last
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
    # deferred: the exchange's modules call each other; none loads another at import
    from parity.exchange.choices import NOTICE_TYPES
    from parity.exchange.models import OutboxMessage

    first, last = cycle_range(start, end)
    return OutboxMessage.objects.filter(
        person=OuterRef("pk"), type__in=NOTICE_TYPES, event_on__gte=first, event_on__lte=last
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


def _partner_codes() -> list[str]:
    # deferred: the exchange's modules call each other; none loads another at import
    from parity.exchange.models import Partner

    return sorted(
        Partner.objects.filter(active=True).values_list("code", flat=True),
        key=lambda c: (-len(c), c),
    )


def partner_people(start: dt.date, end: dt.date) -> Q:
    """People registered (户籍) in a partner region: the partner's people living here."""
    # Never true, and (unlike ``pk__in=[]``) still SQL: the engine compiles it to text.
    q = Q(pk__isnull=True)
    for code in _partner_codes():
        q |= Q(hukou_code__startswith=code)
    return q


def free_service(start: dt.date, end: dt.date) -> Q:
    """People given a free family-planning service (contraception, pre-pregnancy check)
    in the period."""
    # deferred: another app's module, needed on this path only
    from parity.services.choices import DELIVERED_OUTCOMES
    from parity.services.models import ServiceEvent

    served = ServiceEvent.objects.filter(
        service_type__code__in=FAMILY_PLANNING_SERVICES,
        date__gte=start,
        date__lte=end,
        outcome__in=DELIVERED_OUTCOMES,
    ).values("person_id")
    return Q(pk__in=served)


def partner_expression() -> Case | Value:
    """The partner region a person's cases are with (the engine's ``partner`` dimension):
    where an outflow person of ours lives, else where the person is registered (户籍);
    ``""`` for neither. The longest matching partner code wins."""
    # deferred: another app's module, needed on this path only
    from parity.people.choices import Status

    codes = _partner_codes()
    whens = [
        When(status=Status.OUTFLOW, outflow_region_code__startswith=code, then=Value(code))
        for code in codes
    ]
    whens += [When(hukou_code__startswith=code, then=Value(code)) for code in codes]
    if not whens:
        return Value("", output_field=CharField())
    return Case(*whens, default=Value(""), output_field=CharField())


def partner_label(code: str) -> str:
    # deferred: the exchange's modules call each other; none loads another at import
    from parity.exchange.models import Partner

    if not code:
        return str(_("非合作地区"))
    partner = Partner.objects.filter(code=code).first()
    return str(partner) if partner is not None else code


def register() -> None:
    # deferred: the indicator engine imports this module; a top-level import back would be a cycle
    from parity.indicators.predicates import register as add

    add("exchange_request_received", _("收到协查的人员"), request_received)
    add("exchange_request_answered", _("协查均已反馈的人员"), request_answered)
    add("exchange_request_on_time", _("协查均按时反馈的人员"), request_answered_on_time)
    add("exchange_notice_due", _("应通报事项的人员"), notice_due)
    add("exchange_notice_sent", _("均已按时通报的人员"), notice_sent)
    add("exchange_partner_people", _("户籍在合作地区的人员"), partner_people)
    add("exchange_free_service", _("统计期内获免费计划生育服务"), free_service)


# --- the two-way items of the target assessment ---------------------------------------------

# The exchange indicators the items stand for: an area with a target of its own on one of
# them that year is scored on that target, and the item is left out (not counted twice).
ITEM_INDICATORS = {
    "notice": "exchange_notice_rate",
    "feedback": "exchange_feedback_rate",
    "timely": "exchange_timely_feedback_rate",
    "free_service": "exchange_free_service_rate",
}
ITEM_LABELS = {
    "notice": _("双向考核:通报率"),
    "feedback": _("双向考核:协查反馈率"),
    "timely": _("双向考核:协查及时反馈率"),
    "free_service": _("双向考核:合作地区育龄妇女免费服务率"),
}


def year_span(year: int, today: dt.date) -> tuple[dt.date, dt.date]:
    """The cycles of a year: receipts from 21 December of the year before to 20 December
    (to today, for the current year)."""
    start, _end = rules.cycle_span(dt.date(year, 1, 1))
    return start, min(dt.date(year, 12, rules.CYCLE_CLOSES_ON), today)


def _by_prefix(queryset, codes: list[str], field: str = "area_code"):
    """``queryset`` grouped by the prefix of ``field`` that is one of ``codes`` (codes of
    one length: the children of one node, or one area)."""
    lengths = {len(c) for c in codes}
    if len(lengths) != 1:
        raise ValueError("codes of one level")
    (n,) = lengths
    return (
        queryset.annotate(prefix=Substr(field, 1, n))
        .filter(prefix__in=codes)
        .values("prefix")
        .order_by("prefix")
    )


def two_way_counts(year: int, codes: list[str], today: dt.date) -> dict[str, dict[str, int]]:
    """Per area code: notices due / sent on time, 协查 received / answered / answered on
    time, the partner's women 15–49 living here / given a free service, over the year's
    cycles. Four grouped queries, whatever the number of areas."""
    # deferred: the exchange's modules call each other; none loads another at import
    from parity.exchange.choices import NOTICE_TYPES, OutboxStatus, RequestStatus
    from parity.exchange.models import OutboxMessage, VerificationRequest
    from parity.people.models import Person
    from parity.services.eligibility import rule_q

    first, last = year_span(year, today)
    counts: dict[str, dict[str, int]] = {c: {} for c in codes}
    if last < first:
        return counts
    notices = _by_prefix(
        OutboxMessage.objects.filter(type__in=NOTICE_TYPES, event_on__range=(first, last)),
        codes,
    ).annotate(
        due=Count("pk"),
        sent=Count(
            "pk",
            filter=Q(status=OutboxStatus.ACKNOWLEDGED, acknowledged_at__date__lte=F("due_on")),
        ),
    )
    for row in notices:
        counts[row["prefix"]].update(notice_due=row["due"], notice_sent=row["sent"])
    requests = _by_prefix(
        VerificationRequest.objects.filter(direction="in", received_on__range=(first, last)),
        codes,
    ).annotate(
        received=Count("pk"),
        answered=Count("pk", filter=Q(status=RequestStatus.ANSWERED)),
        on_time=Count("pk", filter=Q(status=RequestStatus.ANSWERED, answered_on__lte=F("due_on"))),
    )
    for row in requests:
        counts[row["prefix"]].update(
            received=row["received"], answered=row["answered"], on_time=row["on_time"]
        )
    service_start = dt.date(year, 1, 1)
    service_end = min(dt.date(year, 12, 31), today)
    women = Person.objects.filter(
        rule_q({"statuses": ["inflow"], "sex": "F", "age_min": 15, "age_max": 49}, service_end),
        partner_people(service_start, service_end),
    )
    served = _by_prefix(women, codes).annotate(
        eligible=Count("pk"),
        served=Count("pk", filter=free_service(service_start, service_end)),
    )
    for row in served:
        counts[row["prefix"]].update(eligible=row["eligible"], served=row["served"])
    return counts


def _item(key: str, part: int, whole: int) -> object:
    # deferred: the indicator engine imports this module; a top-level import back would be a cycle
    from parity.indicators.assessment.selectors import ScoredItem, achievement

    target = Decimal(rules.two_way_targets()[key])
    actual = (Decimal(100) * part / whole).quantize(Decimal("0.01")) if whole else None
    return ScoredItem(
        label=str(ITEM_LABELS[key]),
        weight=Decimal(1),
        achievement=achievement(actual, target),
        actual=actual,
        target=target,
        source="exchange",
    )


def assessment_items(year: int, codes: list[str], today: dt.date | None = None) -> dict:
    """The two-way items of each area (``ScoredItem``: actual, target and achievement),
    for ``parity.indicators.assessment.selectors.TWO_WAY_SOURCES``."""
    # deferred: needed on this path only
    from django.utils import timezone

    # deferred: the exchange's modules call each other; none loads another at import
    from parity.exchange.models import Partner
    from parity.indicators.models import Target

    result: dict[str, list] = {c: [] for c in codes}
    if not codes or not Partner.objects.exists():
        return result
    today = today or timezone.localdate()
    own_targets = set(
        Target.objects.filter(
            year=year, area__code__in=codes, indicator__code__in=ITEM_INDICATORS.values()
        ).values_list("area__code", "indicator__code")
    )
    for code, c in two_way_counts(year, codes, today).items():
        parts = {
            "notice": (c.get("notice_sent", 0), c.get("notice_due", 0)),
            "feedback": (c.get("answered", 0), c.get("received", 0)),
            "timely": (c.get("on_time", 0), c.get("answered", 0)),
            "free_service": (c.get("served", 0), c.get("eligible", 0)),
        }
        for key, (part, whole) in parts.items():
            if (code, ITEM_INDICATORS[key]) in own_targets:
                continue
            result[code].append(_item(key, part, whole))
    return result


def assessment_source(year: int, area_code: str) -> list:
    """One area's two-way items (the registry's per-area form)."""
    return assessment_items(year, [area_code])[area_code]


assessment_source.many = assessment_items  # type: ignore[attr-defined]
