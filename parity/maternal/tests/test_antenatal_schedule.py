"""The five antenatal visits in their windows, EDD, overdue visits (DOMAIN.md §4)."""

import datetime as dt

import pytest

from parity.maternal import schedule
from parity.maternal.actions import antenatal_visit_record, pregnancy_register
from parity.maternal.choices import AntenatalPoint, ScheduleState
from parity.maternal.selectors import pregnancies_overdue

pytestmark = pytest.mark.django_db

LMP = dt.date(2025, 1, 6)


def week(weeks: int, days: int = 0) -> dt.date:
    return LMP + dt.timedelta(weeks=weeks, days=days)


@pytest.fixture
def pregnancy(owner, woman):
    return pregnancy_register(acting_user=owner, person=woman, lmp=LMP, registered_on=week(8))


def _state(pregnancy, on, point):
    pregnancy.refresh_from_db()
    items = schedule.antenatal_items(pregnancy, pregnancy.visits.all(), on)
    return next(i for i in items if i.point == point).state


def test_expected_delivery_is_lmp_plus_280_days(pregnancy):
    assert pregnancy.expected_delivery_on == dt.date(2025, 10, 13)


def test_gestational_age_counts_completed_weeks_and_days(pregnancy):
    assert pregnancy.gestational_age_on(week(12, 3)) == (12, 3)


def test_a_visit_at_week_12_fulfils_the_first_visit(owner, pregnancy):
    visit = antenatal_visit_record(acting_user=owner, pregnancy=pregnancy, date=week(12, 3))
    assert (visit.point, visit.gestational_week, visit.late) == (AntenatalPoint.FIRST, 12, False)


def test_the_first_visit_is_overdue_from_the_day_after_week_13_ends(pregnancy):
    assert _state(pregnancy, week(13, 6), AntenatalPoint.FIRST) == ScheduleState.DUE
    assert _state(pregnancy, week(14), AntenatalPoint.FIRST) == ScheduleState.OVERDUE
    assert not pregnancies_overdue(week(13, 6)).exists()
    row = pregnancies_overdue(week(14)).get()
    assert (row.overdue_point, row.overdue_since) == (AntenatalPoint.FIRST, week(14))


@pytest.mark.parametrize(
    ("when", "point"),
    [
        (week(16), AntenatalPoint.W16_20),
        (week(20, 6), AntenatalPoint.W16_20),
        (week(21), AntenatalPoint.W21_24),
        (week(24, 6), AntenatalPoint.W21_24),
        (week(28), AntenatalPoint.W28_36),
        (week(36, 6), AntenatalPoint.W28_36),
        (week(37), AntenatalPoint.W37_40),
        (week(40, 6), AntenatalPoint.W37_40),
    ],
)
def test_a_visit_fulfils_the_window_it_falls_in(owner, pregnancy, when, point):
    antenatal_visit_record(acting_user=owner, pregnancy=pregnancy, date=week(10))
    visit = antenatal_visit_record(acting_user=owner, pregnancy=pregnancy, date=when)
    assert visit.point == point


def test_five_visits_in_their_windows_leave_nothing_overdue(owner, pregnancy):
    for when in (week(10), week(18), week(22), week(30), week(38)):
        antenatal_visit_record(acting_user=owner, pregnancy=pregnancy, date=when)
    points = set(pregnancy.visits.values_list("point", flat=True))
    assert points == set(AntenatalPoint.values)
    assert not pregnancies_overdue(week(41)).exists()


def test_a_second_visit_in_the_same_window_is_an_extra_visit(owner, pregnancy):
    antenatal_visit_record(acting_user=owner, pregnancy=pregnancy, date=week(10))
    extra = antenatal_visit_record(acting_user=owner, pregnancy=pregnancy, date=week(11))
    assert extra.point == ""


def test_a_visit_between_windows_fulfils_the_missed_visit_late(owner, pregnancy):
    visit = antenatal_visit_record(acting_user=owner, pregnancy=pregnancy, date=week(15))
    assert (visit.point, visit.late) == (AntenatalPoint.FIRST, True)


def test_a_visit_between_windows_with_nothing_missed_is_extra(owner, pregnancy):
    for when in (week(10), week(18), week(22)):
        antenatal_visit_record(acting_user=owner, pregnancy=pregnancy, date=when)
    assert antenatal_visit_record(acting_user=owner, pregnancy=pregnancy, date=week(26)).point == ""


def test_a_missed_second_visit_is_overdue_from_week_21(owner, pregnancy):
    antenatal_visit_record(acting_user=owner, pregnancy=pregnancy, date=week(10))
    row = pregnancies_overdue(week(22)).get()
    assert (row.overdue_point, row.overdue_since) == (AntenatalPoint.W16_20, week(21))


def test_a_visit_that_did_not_happen_fulfils_nothing(owner, pregnancy):
    visit = antenatal_visit_record(
        acting_user=owner, pregnancy=pregnancy, date=week(10), outcome="not_found"
    )
    assert visit.point == ""
    assert visit.event.outcome == "not_found"


def test_each_visit_is_a_maternal_health_service_event(owner, pregnancy):
    visit = antenatal_visit_record(acting_user=owner, pregnancy=pregnancy, date=week(10))
    assert visit.event.service_type.code == "maternal_health"
    assert visit.event.person_id == pregnancy.person_id
    assert visit.event.date == week(10)
