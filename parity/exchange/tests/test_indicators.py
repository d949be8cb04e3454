"""The two-way assessment as indicators of the engine: 反馈率 and 及时反馈率 of the
partner's 协查 and 通报率, computed by the ordinary refresh, per area and month."""

import datetime as dt

from django.utils import timezone

from parity.exchange.choices import Direction, RequestStatus
from parity.exchange.models import VerificationRequest
from parity.indicators.compute import refresh
from parity.indicators.models import IndicatorValue


def _incoming(person, partner, *, received_on, answered_on=None, due_days=15):
    item = VerificationRequest(
        direction=Direction.INCOMING,
        partner=partner,
        person=person,
        person_name=person.name,
        urgency="urgent",
        question="q",
        requested_on=received_on,
        received_on=received_on,
        due_on=received_on + dt.timedelta(days=due_days),
        status=RequestStatus.ANSWERED if answered_on else RequestStatus.RECEIVED,
        answered_on=answered_on,
        area_code=person.area_code,
    )
    item.set_body({})
    item.save()


def test_feedback_and_timely_feedback_rates_are_indicators_of_the_month(
    exchange_indicators, henan, register
):
    from parity.conftest import make_id

    today = timezone.localdate()
    start = today.replace(day=1)
    people = [
        register(id_number=make_id("410102", "19900101", i + 40), name=f"人{i}", arrived_on=start)
        for i in range(3)
    ]
    _incoming(people[0], henan.partner, received_on=start, answered_on=start + dt.timedelta(days=2))
    _incoming(
        people[1], henan.partner, received_on=start, answered_on=start + dt.timedelta(days=20)
    )
    _incoming(people[2], henan.partner, received_on=start)
    snapshot = refresh(as_of=today, indicators=exchange_indicators)
    values = {
        v.indicator.code: v
        for v in IndicatorValue.objects.filter(
            snapshot=snapshot, level=1, dimension=""
        ).select_related("indicator")
    }
    feedback = values["exchange_feedback_rate"]
    timely = values["exchange_timely_feedback_rate"]
    assert (feedback.floating_num, feedback.floating_den) == (2, 3)
    # 及时反馈率 = answered on time ÷ answered (the definition).
    assert (timely.floating_num, timely.floating_den) == (1, 2)
    assert "exchange_notice_rate" in values
    assert values["exchange_notice_rate"].floating_den == 3  # three arrival notices this month


def _values(snapshot, code: str, area: str = "1502") -> dict:
    return {
        (v.dimension, v.category): v
        for v in IndicatorValue.objects.filter(
            snapshot=snapshot, indicator__code=code, area_code=area
        )
    }


def _woman(register, n: int, *, hukou: str = "410102", birth: str = "19950301"):
    from parity.conftest import make_id

    return register(
        id_number=make_id(hukou, birth, 2 * n + 2),  # even sequence: a woman
        name=f"女{n}",
        arrived_on=dt.date(2026, 1, 5),
    )


def _served(person, code: str, on: dt.date, outcome: str = "completed"):
    from parity.services.models import ServiceEvent, ServiceType

    ServiceEvent.objects.create(
        person=person,
        service_type=ServiceType.objects.get(code=code),
        date=on,
        outcome=outcome,
        area_code=person.area_code,
    )


def test_the_free_service_rate_counts_the_partner_s_women_15_to_49_living_here(
    exchange_indicators, henan, register, catalog
):
    served = _woman(register, 1)
    _woman(register, 2)  # the partner's, not served
    _served(served, "contraception", dt.date(2026, 3, 10))
    other = _woman(register, 3, hukou="420102")  # not a partner's: not counted
    _served(other, "contraception", dt.date(2026, 3, 10))
    too_old = _woman(register, 4, birth="19700301")  # 56: not counted
    _served(too_old, "contraception", dt.date(2026, 3, 10))
    refused = _woman(register, 5)
    _served(refused, "pre_pregnancy_check", dt.date(2026, 3, 12), outcome="refused")
    last_month = _woman(register, 6)
    _served(last_month, "pre_pregnancy_check", dt.date(2026, 2, 27))
    snapshot = refresh(as_of=dt.date(2026, 3, 31), indicators=exchange_indicators)
    values = _values(snapshot, "exchange_free_service_rate")
    total = values[("", "")]
    assert (total.floating_num, total.floating_den) == (1, 4)
    by_partner = values[("partner", "410102")]  # kept per partner region
    assert (by_partner.floating_num, by_partner.floating_den) == (1, 4)
    district = _values(snapshot, "exchange_free_service_rate", "150203")
    assert (district[("partner", "410102")].floating_den) == 4


def test_requests_count_in_the_cycle_closing_on_the_20th(exchange_indicators, henan, register):
    from parity.conftest import make_id

    people = [
        register(id_number=make_id("410102", "19900101", i + 60), name=f"人{i}") for i in range(3)
    ]
    # Received 21 February: the March cycle. Received 21 March: April's, not March's.
    _incoming(people[0], henan.partner, received_on=dt.date(2026, 2, 21))
    _incoming(people[1], henan.partner, received_on=dt.date(2026, 3, 20))
    _incoming(people[2], henan.partner, received_on=dt.date(2026, 3, 21))
    snapshot = refresh(as_of=dt.date(2026, 3, 31), indicators=exchange_indicators)
    assert _values(snapshot, "exchange_feedback_rate")[("", "")].floating_den == 2
    april = refresh(as_of=dt.date(2026, 4, 30), indicators=exchange_indicators)
    assert _values(april, "exchange_feedback_rate")[("", "")].floating_den == 1


def test_the_indicator_pages_show_the_exchange_indicators_by_partner(
    exchange_indicators, henan, register, client, admin_user
):
    from django.urls import reverse

    from parity.conftest import make_id

    person = register(id_number=make_id("410102", "19900101", 70), name="人")
    today = timezone.localdate()
    _incoming(person, henan.partner, received_on=today, answered_on=today)
    refresh(as_of=today, indicators=exchange_indicators)
    client.force_login(admin_user)
    catalog_page = client.get(reverse("indicators:indicator_list")).content.decode()
    for name in ("协查反馈率", "协查及时反馈率", "合作地区流入育龄妇女免费服务率"):
        assert name in catalog_page
    page = client.get(
        reverse(
            "web:dashboard_indicator",
            kwargs={"code": "1502", "indicator_code": "exchange_feedback_rate"},
        )
    )
    text = page.content.decode()
    assert page.status_code == 200
    assert "协查反馈率" in text and "合作地区" in text and "郑州市中原区" in text
    people = client.get(
        reverse(
            "web:dashboard_people",
            kwargs={"code": "1502", "indicator_code": "exchange_feedback_rate"},
        ),
        {"side": "floating", "part": "denominator", "dimension": "partner", "category": "410102"},
    )
    assert people.status_code == 200 and person.name in people.content.decode()


def test_without_a_partner_the_exchange_indicators_compute_to_nothing(
    exchange_indicators, register
):
    from parity.conftest import make_id

    register(id_number=make_id("410102", "19950301", 12), name="王芳")
    snapshot = refresh(as_of=dt.date(2026, 3, 31), indicators=exchange_indicators)
    assert snapshot.status == "done"
    values = _values(snapshot, "exchange_free_service_rate")
    assert not any(v.floating_den or v.registered_den for v in values.values())
