"""Child health checks 0–6: the schedule, which check a visit fulfils, overdue checks."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from parity.conftest import make_id
from parity.maternal import schedule
from parity.maternal.actions import child_check_record, delivery_record, pregnancy_register
from parity.maternal.choices import ChildCheckPoint, ScheduleState
from parity.maternal.selectors import children_overdue_checks

pytestmark = pytest.mark.django_db

BIRTH = dt.date(2024, 1, 10)


def day(n: int) -> dt.date:
    return BIRTH + dt.timedelta(days=n)


@pytest.fixture
def child(register, catalog):
    return register(id_number=make_id(birth="20240110", seq=31), name="小明", arrived_on=BIRTH)


def test_the_schedule_has_thirteen_points_in_order_without_overlap():
    assert [w.point for w in schedule.CHILD] == list(ChildCheckPoint.values)
    for earlier, later in zip(schedule.CHILD, schedule.CHILD[1:], strict=False):
        assert earlier.end < later.start


def test_month_points_open_15_days_before_and_close_30_days_after_the_mark():
    m6 = schedule.CHILD_BY_POINT[ChildCheckPoint.M6]
    assert (m6.start, m6.end) == (168, 213)


@pytest.mark.parametrize(
    ("age", "point"),
    [
        (3, ChildCheckPoint.NEWBORN),
        (29, ChildCheckPoint.D28_30),
        (91, ChildCheckPoint.M3),
        (183, ChildCheckPoint.M6),
        (243, ChildCheckPoint.M8),
        (365, ChildCheckPoint.M12),
        (548, ChildCheckPoint.M18),
        (730, ChildCheckPoint.M24),
    ],
)
def test_a_check_fulfils_the_point_whose_window_it_falls_in(owner, child, age, point):
    check = child_check_record(acting_user=owner, child=child, date=day(age))
    assert (check.point, check.late) == (point, False)
    assert check.event.service_type.code == "child_health"


def test_a_missed_check_is_overdue_until_the_next_window_opens(child):
    assert not children_overdue_checks(day(121)).filter(pk=child.pk).exists()
    row = children_overdue_checks(day(122)).get(pk=child.pk)
    assert (row.overdue_point, row.overdue_since) == (ChildCheckPoint.M3, day(122))
    assert children_overdue_checks(day(167)).filter(pk=child.pk).exists()
    # The 6-month window opens on day 168: the 6-month check is now what is due.
    assert not children_overdue_checks(day(168)).filter(pk=child.pk).exists()


def test_the_newborn_visit_is_due_within_7_days_of_discharge(owner, register, child):
    mother = register(id_number=make_id(birth="19950310", seq=226), name="王芳")
    pregnancy = pregnancy_register(
        acting_user=owner, person=mother, lmp=dt.date(2023, 4, 5), registered_on=dt.date(2023, 6, 1)
    )
    delivery_record(
        acting_user=owner,
        pregnancy=pregnancy,
        delivered_on=BIRTH,
        discharged_on=day(5),
        place="hospital",
        outcome="live_birth",
        child=child,
    )
    assert not children_overdue_checks(day(12)).filter(pk=child.pk).exists()
    row = children_overdue_checks(day(13)).get(pk=child.pk)
    assert (row.overdue_point, row.overdue_since) == (ChildCheckPoint.NEWBORN, day(13))
    check = child_check_record(acting_user=owner, child=child, date=day(11))
    assert check.point == ChildCheckPoint.NEWBORN


def test_a_late_check_fulfils_the_overdue_point(owner, child):
    check = child_check_record(acting_user=owner, child=child, date=day(140))
    assert (check.point, check.late) == (ChildCheckPoint.M3, True)
    assert not children_overdue_checks(day(141)).filter(pk=child.pk).exists()


def test_windows_closed_before_the_child_came_to_the_city_are_not_overdue(register, catalog):
    child = register(id_number=make_id(birth="20240110", seq=33), name="小华", arrived_on=day(200))
    assert not children_overdue_checks(day(205)).filter(pk=child.pk).exists()
    row = children_overdue_checks(day(214)).get(pk=child.pk)
    assert row.overdue_point == ChildCheckPoint.M6


def test_the_page_shows_each_point_with_its_state(owner, child):
    child_check_record(acting_user=owner, child=child, date=day(3))
    items = {i.point: i for i in schedule.child_items(child, child.child_checks.all(), day(100))}
    assert items[ChildCheckPoint.NEWBORN].state == ScheduleState.DONE
    assert items[ChildCheckPoint.D28_30].state == ScheduleState.MISSED
    assert items[ChildCheckPoint.M3].state == ScheduleState.DUE
    assert items[ChildCheckPoint.M6].state == ScheduleState.UPCOMING


def test_children_over_six_get_no_checks(owner, register, catalog):
    older = register(id_number=make_id(birth="20180101", seq=35), arrived_on=dt.date(2018, 2, 1))
    with pytest.raises(ValidationError):
        child_check_record(acting_user=owner, child=older, date=dt.date(2025, 6, 1))
