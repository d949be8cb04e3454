"""The two-way items in the target assessment (双向考核): a district's score includes what
it owes other regions — 通报率, 反馈率, 及时反馈率 and the free-service rate of the
partner's women living here — over the year's monthly cycles, read in a fixed number of
queries, and not counted twice where the district has a target of its own on the
matching indicator."""

import datetime as dt
from decimal import Decimal

import pytest

from parity.conftest import make_id
from parity.exchange.choices import OutboxStatus
from parity.exchange.indicators import assessment_items
from parity.exchange.models import OutboxMessage
from parity.exchange.tests.test_indicators import _incoming, _served, _woman
from parity.indicators.assessment.selectors import district_ranking, score_of
from parity.indicators.models import Target

KUNDULUN, QINGSHAN = "150203", "150204"
TODAY = dt.date(2026, 12, 5)


@pytest.fixture
def cases(henan, register, catalog):
    people = [
        register(
            id_number=make_id("410102", "19900101", i + 80),
            name=f"人{i}",
            arrived_on=dt.date(2026, 3, 1),
        )
        for i in range(2)
    ]
    # Two 协查 received in March: one answered in time, one not answered.
    _incoming(
        people[0],
        henan.partner,
        received_on=dt.date(2026, 3, 1),
        answered_on=dt.date(2026, 3, 5),
    )
    _incoming(people[1], henan.partner, received_on=dt.date(2026, 3, 2))
    # Received 21 December: next year's first cycle, not this year's.
    _incoming(people[1], henan.partner, received_on=dt.date(2026, 12, 21))
    # Their arrival notices (queued when registered): one acknowledged in time; the two
    # women's below are not acknowledged: 1 of 4 sent on time.
    notices = list(OutboxMessage.objects.filter(person__in=people).order_by("created_at"))
    assert len(notices) == 2
    first = notices[0]
    OutboxMessage.objects.filter(pk=first.pk).update(
        status=OutboxStatus.ACKNOWLEDGED,
        acknowledged_at=dt.datetime.combine(first.due_on, dt.time(1), tzinfo=dt.UTC),
    )
    # Two more of the partner's women 15–49 living here, one given a free service.
    served = _woman(register, 30)
    _woman(register, 31)
    _served(served, "contraception", dt.date(2026, 6, 1))
    return people


def _items(code: str) -> dict:
    return {i.label: i for i in assessment_items(2026, [code, QINGSHAN], TODAY)[code]}


def test_a_district_is_scored_on_what_it_owes_the_partner(cases):
    items = _items(KUNDULUN)
    notice = items["双向考核:通报率"]
    feedback = items["双向考核:协查反馈率"]
    timely = items["双向考核:协查及时反馈率"]
    free = items["双向考核:合作地区育龄妇女免费服务率"]
    assert (notice.actual, notice.target, notice.achievement) == (
        Decimal("25.00"),
        Decimal(100),
        Decimal("0.25"),
    )
    assert (feedback.actual, feedback.target) == (Decimal("50.00"), Decimal(95))
    assert feedback.achievement == Decimal("50.00") / Decimal(95)
    assert (timely.actual, timely.achievement) == (Decimal("100.00"), Decimal(1))
    # 人0 (a woman of 36 from the partner) and the two women: one of three served.
    assert (free.actual, free.target) == (Decimal("33.33"), Decimal(80))
    assert all(i.weight == 1 and i.source == "exchange" for i in items.values())
    # A district with no case has no data on any item: nothing enters its score.
    assert all(i.achievement is None for i in _items(QINGSHAN).values())


def test_the_ranking_includes_the_two_way_items_in_the_score(cases):
    ranking = {s.area.code: s for s in district_ranking(2026, "1502")}
    kundulun = ranking[KUNDULUN]
    assert {i.label for i in kundulun.extra} >= {"双向考核:协查反馈率", "双向考核:通报率"}
    assert kundulun.score == score_of([(i.weight, i.achievement) for i in kundulun.extra])
    assert kundulun.score is not None and kundulun.score < Decimal(100)
    assert kundulun.rank == 1
    assert ranking[QINGSHAN].score is None  # no targets, no cases


def test_a_district_s_own_target_on_the_indicator_replaces_the_item(
    cases, areas, exchange_indicators
):
    feedback = next(i for i in exchange_indicators if i.code == "exchange_feedback_rate")
    Target.objects.create(
        year=2026, area=areas[KUNDULUN], indicator=feedback, value=90, measure="floating_rate"
    )
    labels = set(_items(KUNDULUN))
    assert "双向考核:协查反馈率" not in labels and "双向考核:通报率" in labels


def test_targets_can_be_set_by_the_environment(cases, settings):
    settings.PARITY_EXCHANGE_TWO_WAY_TARGETS = ["feedback=50", "free_service=100"]
    items = _items(KUNDULUN)
    assert items["双向考核:协查反馈率"].achievement == Decimal(1)
    assert items["双向考核:合作地区育龄妇女免费服务率"].target == Decimal(100)
    settings.PARITY_EXCHANGE_TWO_WAY_TARGETS = ["feedback=120"]
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match="feedback=120"):
        _items(KUNDULUN)


def test_the_two_way_items_are_read_in_a_fixed_number_of_queries(
    cases, henan, register, admin_user, django_assert_num_queries
):
    with django_assert_num_queries(9) as few:
        district_ranking(2026, "1502")
    other = register(
        id_number=make_id("410102", "19900101", 95),
        name="别人",
        grid="150204001001001",
        by=admin_user,
    )
    _incoming(other, henan.partner, received_on=dt.date(2026, 5, 1))
    with django_assert_num_queries(len(few.captured_queries)):
        district_ranking(2026, "1502")
