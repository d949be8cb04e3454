"""The SQL lists and the Python reading for one pregnancy or child give the same answer,
and the registered predicates treat floating and registered people alike."""

import datetime as dt
import random

import pytest

from parity.conftest import make_id
from parity.maternal import schedule
from parity.maternal.actions import (
    antenatal_visit_record,
    child_check_record,
    delivery_record,
    discharge_of,
    postpartum_visit_record,
    pregnancy_end,
    pregnancy_register,
)
from parity.maternal.models import Pregnancy
from parity.maternal.selectors import children_overdue_checks, pregnancies_overdue
from parity.people.models import Person
from parity.services.eligibility import DELIVERED, FLAGS

pytestmark = pytest.mark.django_db


def _generate_pregnancies(owner, register, rng: random.Random, count: int):
    for n in range(count):
        woman = register(id_number=make_id(birth="19920615", seq=500 + 2 * n), name=f"孕{n}")
        lmp = dt.date(2025, 1, 1) + dt.timedelta(days=rng.randrange(0, 200))
        registered_on = lmp + dt.timedelta(days=rng.randrange(35, 140))
        pregnancy = pregnancy_register(
            acting_user=owner, person=woman, lmp=lmp, registered_on=registered_on
        )
        visit_day = lmp + dt.timedelta(days=rng.randrange(40, 120))
        while visit_day < lmp + dt.timedelta(days=290) and rng.random() < 0.8:
            antenatal_visit_record(acting_user=owner, pregnancy=pregnancy, date=visit_day)
            visit_day += dt.timedelta(days=rng.randrange(14, 70))
        fate = rng.random()
        if fate < 0.5:
            delivered_on = lmp + dt.timedelta(days=rng.randrange(262, 294))
            if visit_day > delivered_on:
                delivered_on = visit_day
            delivery_record(
                acting_user=owner,
                pregnancy=pregnancy,
                delivered_on=delivered_on,
                discharged_on=delivered_on + dt.timedelta(days=rng.randrange(0, 6)),
                place="hospital",
                outcome="live_birth",
            )
            for kind in ("home_visit", "check_42d"):
                if rng.random() < 0.5:
                    postpartum_visit_record(
                        acting_user=owner,
                        pregnancy=pregnancy,
                        kind=kind,
                        date=delivered_on + dt.timedelta(days=rng.randrange(1, 60)),
                    )
        elif fate < 0.6:
            last = pregnancy.visits.order_by("-date").values_list("date", flat=True).first()
            pregnancy_end(
                acting_user=owner,
                pregnancy=pregnancy,
                ended_on=max(last or lmp, lmp + dt.timedelta(days=70)),
                reason="miscarriage",
            )


def test_sql_and_python_agree_on_overdue_pregnancies(owner, register, catalog):
    rng = random.Random(20250101)
    _generate_pregnancies(owner, register, rng, 24)
    pregnancies = list(Pregnancy.objects.prefetch_related("visits", "postpartum_visits"))
    seen = set()
    for on in [dt.date(2025, 1, 1) + dt.timedelta(days=d) for d in range(0, 560, 9)]:
        sql = {p.pk: (p.overdue_point, p.overdue_since) for p in pregnancies_overdue(on)}
        python = {}
        for p in pregnancies:
            item = schedule.pregnancy_overdue(p, p.visits.all(), p.postpartum_visits.all(), on)
            if item is not None:
                python[p.pk] = (item.point, item.overdue_since)
        assert sql == python, on
        seen |= {point for point, _ in sql.values()}
    # The generated cases reach antenatal and postpartum visits alike.
    assert {"first", "w16_20", "home_visit", "check_42d"} <= seen


def test_sql_and_python_agree_on_overdue_child_checks(owner, register, catalog):
    rng = random.Random(7)
    children = []
    for n in range(20):
        birth = dt.date(2019, 6, 1) + dt.timedelta(days=rng.randrange(0, 2000))
        arrived = min(
            birth + dt.timedelta(days=rng.choice([0, 0, 40, 300, 900])), dt.date(2026, 6, 1)
        )
        child = register(
            id_number=make_id(birth=birth.strftime("%Y%m%d"), seq=700 + n),
            name=f"童{n}",
            arrived_on=arrived,
        )
        for window in schedule.CHILD:
            when = birth + dt.timedelta(days=rng.randrange(window.start, window.end + 40))
            if rng.random() < 0.6 and arrived <= when < dt.date(2026, 11, 1):
                child_check_record(acting_user=owner, child=child, date=when)
        children.append(child)
    people = list(
        Person.objects.filter(pk__in=[c.pk for c in children]).prefetch_related("child_checks")
    )
    discharges = {child.pk: discharge_of(child) for child in people}
    seen = set()
    for on in [dt.date(2019, 6, 1) + dt.timedelta(days=d) for d in range(0, 2700, 17)]:
        sql = {c.pk: (c.overdue_point, c.overdue_since) for c in children_overdue_checks(on)}
        python = {}
        for child in people:
            item = schedule.child_overdue(child, child.child_checks.all(), on, discharges[child.pk])
            if item is not None:
                python[child.pk] = (item.point, item.overdue_since)
        assert sql == python, on
        seen |= {point for point, _ in sql.values()}
    assert len(seen) >= 8


def _same_answer(predicate, on, a, b) -> tuple[bool, bool]:
    matched = set(Person.objects.filter(predicate.build(on)).values_list("pk", flat=True))
    return a.pk in matched, b.pk in matched


def test_floating_and_registered_women_with_the_same_facts_get_the_same_answers(
    owner, register, catalog
):
    floating = register(id_number=make_id("410102", "19930101", 242), name="流入")
    registered = register(id_number=make_id("150203", "19930101", 244), name="户籍")
    assert (floating.status, registered.status) == ("inflow", "registered")
    for woman in (floating, registered):
        pregnancy = pregnancy_register(
            acting_user=owner,
            person=woman,
            lmp=dt.date(2025, 1, 6),
            registered_on=dt.date(2025, 3, 1),
        )
        antenatal_visit_record(acting_user=owner, pregnancy=pregnancy, date=dt.date(2025, 3, 1))
    for on in (dt.date(2025, 3, 10), dt.date(2025, 6, 10), dt.date(2025, 12, 1)):
        for predicate in (FLAGS["pregnant"], DELIVERED["antenatal_on_track"]):
            first, second = _same_answer(predicate, on, floating, registered)
            assert first == second, (predicate.name, on)
    assert _same_answer(FLAGS["pregnant"], dt.date(2025, 3, 10), floating, registered) == (
        True,
        True,
    )
    assert _same_answer(
        DELIVERED["antenatal_on_track"], dt.date(2025, 6, 10), floating, registered
    ) == (False, False)


def test_floating_and_registered_children_with_the_same_facts_get_the_same_answers(
    owner, register, catalog
):
    floating = register(
        id_number=make_id("410102", "20240110", 41), arrived_on=dt.date(2024, 1, 10)
    )
    registered = register(
        id_number=make_id("150203", "20240110", 43), arrived_on=dt.date(2024, 1, 10)
    )
    for child in (floating, registered):
        child_check_record(acting_user=owner, child=child, date=dt.date(2024, 1, 13))
    predicate = DELIVERED["child_checks_on_track"]
    assert _same_answer(predicate, dt.date(2024, 2, 1), floating, registered) == (True, True)
    assert _same_answer(predicate, dt.date(2024, 2, 15), floating, registered) == (False, False)
