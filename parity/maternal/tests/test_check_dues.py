"""The materialized overdue days of child health checks (``ChildCheckDue``): the list read
from them names the same children, points and dates as the checks themselves, stays
current on every write, and the nightly refresh writes what the writes did."""

import datetime as dt
import random

import pytest
from django.utils import timezone

from parity.conftest import make_id
from parity.maternal import due, schedule
from parity.maternal.actions import (
    child_check_record,
    delivery_record,
    discharge_of,
    pregnancy_register,
)
from parity.maternal.choices import ChildCheckPoint
from parity.maternal.models import ChildCheckDue
from parity.maternal.selectors import _child_overdue, children_overdue_checks
from parity.people.models import Person

pytestmark = pytest.mark.django_db


def _rows() -> set[tuple]:
    return set(
        ChildCheckDue.objects.values_list("person_id", "point", "overdue_on", "overdue_until")
    )


def _listed(rows) -> list[tuple]:
    return [(c.pk, c.overdue_point, c.overdue_since) for c in rows]


@pytest.fixture
def children(owner, register, catalog):
    """Thirty children born over the last seven and a half years, some arrived after their
    birth, with checks on some points (in their window or late), two with a discharge date
    from their mother's delivery record."""
    today = timezone.localdate()
    rng = random.Random(16)
    made = []
    for n in range(30):
        birth = today - dt.timedelta(days=rng.randrange(0, 2800))
        arrived = min(birth + dt.timedelta(days=rng.choice([0, 0, 0, 60, 400])), today)
        child = register(
            id_number=make_id(birth=birth.strftime("%Y%m%d"), seq=300 + n),
            name=f"童{n}",
            arrived_on=arrived,
        )
        if n < 2:
            mother = register(id_number=make_id(birth="19930310", seq=600 + 2 * n), name=f"母{n}")
            lmp = birth - dt.timedelta(days=275)
            pregnancy = pregnancy_register(
                acting_user=owner, person=mother, lmp=lmp, registered_on=lmp + dt.timedelta(60)
            )
            delivery_record(
                acting_user=owner,
                pregnancy=pregnancy,
                delivered_on=birth,
                discharged_on=birth + dt.timedelta(days=rng.randrange(1, 10)),
                place="hospital",
                outcome="live_birth",
                child=child,
            )
        seventh = birth + dt.timedelta(days=2555)
        for window in schedule.CHILD:
            when = birth + dt.timedelta(days=rng.randrange(window.start, window.end + 60))
            if rng.random() < 0.55 and arrived <= when <= today and when < seventh:
                child_check_record(acting_user=owner, child=child, date=when)
        made.append(child)
    return made


def test_the_materialized_list_names_what_the_checks_say_on_every_date(children):
    today = timezone.localdate()
    people = list(
        Person.objects.filter(pk__in=[c.pk for c in children]).prefetch_related("child_checks")
    )
    discharges = {child.pk: discharge_of(child) for child in people}
    seen = set()
    for offset in range(-due.HISTORY_DAYS, 120, 6):
        on = today + dt.timedelta(days=offset)
        listed = _listed(children_overdue_checks(on))
        live = _listed(
            _child_overdue(on, Person.objects.all()).order_by("overdue_since", "id")  # type: ignore[misc]
        )
        assert listed == live, on
        python = {}
        for child in people:
            item = schedule.child_overdue(child, child.child_checks.all(), on, discharges[child.pk])
            if item is not None:
                python[child.pk] = (item.point, item.overdue_since)
        assert {pk: (point, since) for pk, point, since in listed} == python, on
        seen |= {point for _pk, point, _since in listed}
    assert len(seen) >= 6  # the generated children reach many points


def test_the_nightly_refresh_writes_what_the_writes_did(children):
    after_writes = _rows()
    assert after_writes
    result = due.refresh_all()
    assert _rows() == after_writes
    assert result.rows == len(after_writes)
    assert result.children >= 30


def test_a_check_recorded_takes_the_child_off_the_list_at_once(owner, register, catalog):
    today = timezone.localdate()
    birth = today - dt.timedelta(days=130)  # the 3-month check closed on day 121
    child = register(
        id_number=make_id(birth=birth.strftime("%Y%m%d"), seq=41), name="小林", arrived_on=birth
    )
    for point, day in ((ChildCheckPoint.NEWBORN, 3), (ChildCheckPoint.D28_30, 29)):
        check = child_check_record(
            acting_user=owner, child=child, date=birth + dt.timedelta(days=day)
        )
        assert check.point == point
    row = children_overdue_checks(today).get(pk=child.pk)
    assert (row.overdue_point, row.overdue_since) == (
        ChildCheckPoint.M3,
        birth + dt.timedelta(days=122),
    )

    check = child_check_record(acting_user=owner, child=child, date=today)
    assert (check.point, check.late) == (ChildCheckPoint.M3, True)
    assert not children_overdue_checks(today).filter(pk=child.pk).exists()
    # Yesterday it was still overdue: the late check ends the overdue days the day before.
    assert children_overdue_checks(today - dt.timedelta(days=1)).filter(pk=child.pk).exists()

    check.delete()  # a check removed puts the child back on the list
    assert children_overdue_checks(today).filter(pk=child.pk).exists()


def test_a_discharge_date_recorded_moves_the_newborn_visit(owner, register, catalog):
    today = timezone.localdate()
    birth = today - dt.timedelta(days=10)
    child = register(
        id_number=make_id(birth=birth.strftime("%Y%m%d"), seq=43), name="小雨", arrived_on=birth
    )
    # Without a discharge date the visit closed on day 7: overdue since day 8.
    row = children_overdue_checks(today).get(pk=child.pk)
    assert (row.overdue_point, row.overdue_since) == (
        ChildCheckPoint.NEWBORN,
        birth + dt.timedelta(days=8),
    )
    mother = register(id_number=make_id(birth="19930310", seq=646), name="母")
    lmp = birth - dt.timedelta(days=275)
    pregnancy = pregnancy_register(
        acting_user=owner, person=mother, lmp=lmp, registered_on=lmp + dt.timedelta(60)
    )
    delivery_record(
        acting_user=owner,
        pregnancy=pregnancy,
        delivered_on=birth,
        discharged_on=birth + dt.timedelta(days=4),  # the visit is due until day 11
        place="hospital",
        outcome="live_birth",
        child=child,
    )
    assert not children_overdue_checks(today).filter(pk=child.pk).exists()
    assert children_overdue_checks(today + dt.timedelta(days=2)).filter(pk=child.pk).exists()


def test_a_corrected_birth_date_recomputes_the_rows(owner, register, catalog):
    today = timezone.localdate()
    birth = today - dt.timedelta(days=20)
    child = register(
        id_number=make_id(birth=birth.strftime("%Y%m%d"), seq=45), name="小石", arrived_on=birth
    )
    child_check_record(acting_user=owner, child=child, date=birth + dt.timedelta(days=3))
    assert not children_overdue_checks(today).filter(pk=child.pk).exists()  # day 20: none due
    child.birth_date = today - dt.timedelta(days=35)  # the 28–30-day visit closed on day 30
    child.arrived_city_on = child.birth_date
    child.save()
    row = children_overdue_checks(today).get(pk=child.pk)
    assert row.overdue_point == ChildCheckPoint.D28_30


def test_deleting_a_child_leaves_no_rows(register, catalog):
    birth = timezone.localdate() - dt.timedelta(days=40)
    child = register(
        id_number=make_id(birth=birth.strftime("%Y%m%d"), seq=47), name="小木", arrived_on=birth
    )
    assert ChildCheckDue.objects.filter(person=child).exists()
    Person.objects.filter(pk=child.pk).delete()
    assert not ChildCheckDue.objects.filter(person_id=child.pk).exists()
