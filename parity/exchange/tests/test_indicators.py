"""The two-way assessment as indicators of the engine: 反馈率 and 及时反馈率 of the
partner's 协查 and 通报率, computed by the ordinary refresh, per area and month."""

import datetime as dt
from pathlib import Path

import pytest
import yaml
from django.utils import timezone

from parity.exchange.choices import Direction, RequestStatus
from parity.exchange.models import VerificationRequest
from parity.indicators.catalog import DATA, _save_builtin
from parity.indicators.compute import refresh
from parity.indicators.models import IndicatorValue

CODES = ("exchange_notice_rate", "exchange_feedback_rate", "exchange_timely_feedback_rate")


@pytest.fixture
def exchange_indicators(db):
    entries = [
        e for e in yaml.safe_load(Path(DATA).read_text(encoding="utf-8")) if e["code"] in CODES
    ]
    return [_save_builtin(entry, order)[0] for order, entry in enumerate(entries, start=1)]


def _incoming(person, partner, *, received_on, answered_on=None):
    item = VerificationRequest(
        direction=Direction.INCOMING,
        partner=partner,
        person=person,
        person_name=person.name,
        urgency="urgent",
        question="q",
        requested_on=received_on,
        received_on=received_on,
        due_on=received_on + dt.timedelta(days=15),
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
    assert (timely.floating_num, timely.floating_den) == (1, 3)
    assert "exchange_notice_rate" in values
    assert values["exchange_notice_rate"].floating_den == 3  # three arrival notices this month
