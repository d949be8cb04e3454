"""The materialized overdue visits of pregnancies (``PregnancyVisitDue``): the list and the
key group read from them name the same pregnancies, women, points and dates as the
visits themselves (the reading computed from the windows, kept as the reference), stay
current on every write, and the nightly refresh writes what the writes did."""

import datetime as dt
import random

import pytest
from django.db.models import Exists, OuterRef, Subquery
from django.utils import timezone

from parity.conftest import make_id
from parity.maternal import schedule, visit_due
from parity.maternal.actions import (
    antenatal_visit_record,
    delivery_record,
    postpartum_visit_record,
    pregnancy_end,
    pregnancy_register,
)
from parity.maternal.keygroups import pregnancy_overdue_group
from parity.maternal.models import AntenatalVisit, Pregnancy, PregnancyVisitDue
from parity.maternal.selectors import _pregnancies_overdue_computed, pregnancies_overdue
from parity.people.models import Person

pytestmark = pytest.mark.django_db
DAY = dt.timedelta(days=1)


def _rows() -> set[tuple]:
    return set(
        PregnancyVisitDue.objects.values_list(
            "pregnancy_id", "person_id", "point", "overdue_on", "listed_from", "overdue_until"
        )
    )


def _listed(rows) -> dict[int, tuple]:
    return {p.pk: (p.overdue_point, p.overdue_since) for p in rows}


def _people_computed(on: dt.date) -> dict[int, tuple]:
    """The key group as it was computed before the table (the reference)."""
    overdue = (
        _pregnancies_overdue_computed(on, Pregnancy.objects.all())
        .filter(person=OuterRef("pk"))
        .order_by("overdue_since")
    )
    people = Person.objects.filter(Exists(overdue)).annotate(
        since=Subquery(overdue.values("overdue_since")[:1]),
        point=Subquery(overdue.values("overdue_point")[:1]),
    )
    return {p.pk: (p.point, p.since) for p in people}


def _days(count: int) -> dt.timedelta:
    return dt.timedelta(days=count)


@pytest.fixture
def pregnancies(owner, register, catalog):
    """Forty women with a pregnancy over the last two years: antenatal visits on the edges
    of the windows (the first and last day, the day after: a late visit) or none,
    registered before or after windows closed; delivered (with or without a discharge
    date, postpartum visits completed or not, in or after their windows, some long ago),
    ended, or still open; eight of them with an earlier delivered pregnancy too."""
    today = timezone.localdate()
    rng = random.Random(16)
    made = []
    for n in range(40):
        woman = register(id_number=make_id(birth="19920615", seq=100 + 2 * n), name=f"孕{n}")
        if n < 8:
            lmp = today - _days(rng.randrange(560, 800))
            earlier = pregnancy_register(
                acting_user=owner, person=woman, lmp=lmp, registered_on=lmp + _days(60)
            )
            delivered = lmp + _days(rng.randrange(260, 290))
            delivery_record(
                acting_user=owner,
                pregnancy=earlier,
                delivered_on=delivered,
                place="hospital",
                outcome="live_birth",
            )
            if rng.random() < 0.5:
                postpartum_visit_record(
                    acting_user=owner,
                    pregnancy=earlier,
                    kind="home_visit",
                    date=delivered + _days(rng.randrange(2, 12)),
                )
            lmp = min(delivered + _days(rng.randrange(20, 120)), today - _days(10))
        else:
            lmp = today - _days(rng.randrange(10, 760))
        registered_on = min(lmp + _days(rng.choice([0, 20, 100, 112, 150, 200, 260])), today)
        pregnancy = pregnancy_register(
            acting_user=owner, person=woman, lmp=lmp, registered_on=registered_on
        )
        fate = rng.random()
        closes = lmp + _days(rng.randrange(200, 300)) if fate < 0.75 else today + DAY
        closes = max(closes, registered_on)
        for window in schedule.ANTENATAL:
            offset = rng.choice([None, window.start, window.end, window.end + 1, window.end + 9])
            if offset is None:
                continue
            day = lmp + _days(offset)
            if day <= today and day < closes:
                antenatal_visit_record(acting_user=owner, pregnancy=pregnancy, date=day)
        if fate < 0.6 and closes <= today:
            discharged = rng.choice([None, closes, closes + _days(rng.randrange(1, 31))])
            pregnancy = delivery_record(
                acting_user=owner,
                pregnancy=pregnancy,
                delivered_on=closes,
                discharged_on=discharged if discharged is None or discharged <= today else None,
                place="hospital",
                outcome="live_birth",
            )
            for kind, window in schedule.POSTPARTUM.items():
                anchor = schedule.postpartum_anchor(pregnancy, kind)
                for _visit in range(rng.choice([0, 1, 1, 2])):
                    offset = rng.choice([window.start, window.end, window.end + 1, 70, 85])
                    day = anchor + _days(offset)
                    if day <= today:
                        postpartum_visit_record(
                            acting_user=owner,
                            pregnancy=pregnancy,
                            kind=kind,
                            date=day,
                            outcome=rng.choice(["completed", "refused", "not_found"]),
                        )
        elif fate < 0.75 and closes <= today:
            pregnancy_end(
                acting_user=owner, pregnancy=pregnancy, ended_on=closes, reason="miscarriage"
            )
        made.append(pregnancy)
    return made


def _dates(today: dt.date) -> list[dt.date]:
    """Every day a row of the table begins or ends, the days around them, and a date every
    fortnight, from the table's history to half a year ahead."""
    first = today - _days(visit_due.HISTORY_DAYS)
    days = {first + _days(d) for d in range(0, visit_due.HISTORY_DAYS + 180, 14)}
    for _p, _w, _point, overdue_on, listed_from, until in _rows():
        for edge in (overdue_on, listed_from, until):
            if edge != visit_due.OPEN_UNTIL:
                days |= {edge - DAY, edge, edge + DAY}
    return sorted(d for d in days if first <= d <= today + _days(180))


def test_the_materialized_list_names_what_the_visits_say_on_every_date(pregnancies):
    today = timezone.localdate()
    rows = list(Pregnancy.objects.prefetch_related("visits", "postpartum_visits"))
    seen = set()
    dates = _dates(today)
    assert len(dates) > 200
    for on in dates:
        listed = _listed(pregnancies_overdue(on))
        assert listed == _listed(_pregnancies_overdue_computed(on, Pregnancy.objects.all())), on
        python = {}
        for p in rows:
            item = schedule.pregnancy_overdue(p, p.visits.all(), p.postpartum_visits.all(), on)
            if item is not None:
                python[p.pk] = (item.point, item.overdue_since)
        assert listed == python, on
        people = {p.pk: (p.point, p.since) for p in pregnancy_overdue_group(on)}
        assert people == _people_computed(on), on
        seen |= {point for point, _ in listed.values()}
    # The generated cases reach every visit.
    assert seen == {
        "first",
        "w16_20",
        "w21_24",
        "w28_36",
        "w37_40",
        "home_visit",
        "check_42d",
    }


def test_the_list_is_in_order_of_the_days_overdue(pregnancies):
    today = timezone.localdate()
    listed = [(p.overdue_since, p.pk) for p in pregnancies_overdue(today)]
    assert listed and listed == sorted(listed)
    people = pregnancy_overdue_group(today).order_by("since", "pk")
    assert [p.since for p in people] == sorted(p.since for p in people)


def test_dates_before_the_history_are_computed_from_the_visits(pregnancies):
    today = timezone.localdate()
    for on in (today - _days(visit_due.HISTORY_DAYS + 1), today - _days(600)):
        computed = _pregnancies_overdue_computed(on, Pregnancy.objects.all())
        assert _listed(pregnancies_overdue(on)) == _listed(computed)
        assert {p.pk: (p.point, p.since) for p in pregnancy_overdue_group(on)} == (
            _people_computed(on)
        )
    # The table leaves out what ended before its history.
    history = today - _days(visit_due.HISTORY_DAYS)
    assert not PregnancyVisitDue.objects.filter(overdue_until__lt=history).exists()


def test_the_refresh_writes_what_the_writes_did(pregnancies):
    kept = _rows()
    assert kept
    result = visit_due.refresh_all()
    assert _rows() == kept
    assert result.rows == len(kept)
    assert result.pregnancies == Pregnancy.objects.count()
    # In chunks too (the Python reading on SQLite; one statement on PostgreSQL).
    visit_due.refresh_all(chunk=7)
    assert _rows() == kept


def test_the_refresh_repairs_rows_a_bulk_path_left_behind(pregnancies):
    kept = _rows()
    PregnancyVisitDue.objects.filter(pk__in=PregnancyVisitDue.objects.values("pk")[:5]).delete()
    PregnancyVisitDue.objects.update(overdue_until=dt.date(2000, 1, 1))
    visit_due.refresh_all()
    assert _rows() == kept


# --- every write changes the list at once -------------------------------------------------


def _listed_today(pregnancy) -> tuple | None:
    return _listed(pregnancies_overdue(timezone.localdate())).get(pregnancy.pk)


def _group_today(person) -> tuple | None:
    people = {p.pk: (p.point, p.since) for p in pregnancy_overdue_group(timezone.localdate())}
    return people.get(person.pk)


def test_registering_and_recording_visits_change_the_list_at_once(owner, woman):
    today = timezone.localdate()
    lmp = today - _days(105)  # the first visit's window closed a week ago
    pregnancy = pregnancy_register(acting_user=owner, person=woman, lmp=lmp, registered_on=today)
    assert _listed_today(pregnancy) == ("first", lmp + _days(98))
    assert _group_today(woman) == ("first", lmp + _days(98))
    # A visit today (between windows) is the first visit, late.
    visit = antenatal_visit_record(acting_user=owner, pregnancy=pregnancy, date=today)
    assert visit.point == "first"
    assert _listed_today(pregnancy) is None
    assert _group_today(woman) is None
    # Removed, the visit is overdue again.
    AntenatalVisit.objects.filter(pk=visit.pk).delete()
    assert _listed_today(pregnancy) == ("first", lmp + _days(98))
    # A pregnancy edited to an LMP whose first window is still open is not overdue.
    pregnancy.lmp = today - _days(50)
    pregnancy.save()
    assert _listed_today(pregnancy) is None
    pregnancy.lmp = today - _days(150)
    pregnancy.save(update_fields=["lmp"])
    assert _listed_today(pregnancy) == ("first", today - _days(52))


def test_a_registration_after_the_window_lists_the_pregnancy_from_the_registration(owner, woman):
    today = timezone.localdate()
    lmp = today - _days(103)
    pregnancy = pregnancy_register(acting_user=owner, person=woman, lmp=lmp, registered_on=today)
    assert not pregnancies_overdue(today - DAY).filter(pk=pregnancy.pk).exists()
    assert _listed_today(pregnancy) == ("first", lmp + _days(98))


def test_delivery_discharge_and_postpartum_visits_change_the_list_at_once(owner, woman):
    today = timezone.localdate()
    lmp = today - _days(300)
    pregnancy = pregnancy_register(
        acting_user=owner, person=woman, lmp=lmp, registered_on=lmp + _days(200)
    )
    assert _listed_today(pregnancy) == ("first", lmp + _days(98))
    delivered = today - _days(20)
    delivery_record(
        acting_user=owner,
        pregnancy=pregnancy,
        delivered_on=delivered,
        place="hospital",
        outcome="live_birth",
    )
    # The antenatal visits stop with the delivery; the home visit is overdue a week after.
    assert pregnancies_overdue(delivered - DAY).filter(pk=pregnancy.pk).exists()
    assert _listed_today(pregnancy) == ("home_visit", delivered + _days(8))
    # A later discharge moves the home visit's window.
    pregnancy.refresh_from_db()
    pregnancy.discharged_on = delivered + _days(10)
    pregnancy.save()
    assert _listed_today(pregnancy) == ("home_visit", delivered + _days(18))
    # A visit that did not happen leaves it overdue; one that did ends it.
    postpartum_visit_record(
        acting_user=owner, pregnancy=pregnancy, kind="home_visit", date=today, outcome="refused"
    )
    assert _listed_today(pregnancy) == ("home_visit", delivered + _days(18))
    postpartum_visit_record(acting_user=owner, pregnancy=pregnancy, kind="home_visit", date=today)
    assert _listed_today(pregnancy) is None
    # The 42-day check is overdue from day 57 to the end of postpartum care.
    assert _listed(pregnancies_overdue(delivered + _days(57)))[pregnancy.pk] == (
        "check_42d",
        delivered + _days(57),
    )
    assert pregnancy.pk in _listed(pregnancies_overdue(delivered + _days(84)))
    assert pregnancy.pk not in _listed(pregnancies_overdue(delivered + _days(85)))


def test_ending_or_deleting_a_pregnancy_takes_it_off_the_list(owner, woman, register):
    today = timezone.localdate()
    pregnancy = pregnancy_register(
        acting_user=owner, person=woman, lmp=today - _days(120), registered_on=today - _days(9)
    )
    assert _listed_today(pregnancy) is not None
    pregnancy_end(acting_user=owner, pregnancy=pregnancy, ended_on=today, reason="miscarriage")
    assert _listed_today(pregnancy) is None
    assert pregnancies_overdue(today - DAY).filter(pk=pregnancy.pk).exists()

    other = register(id_number=make_id(birth="19940101", seq=812), name="另一位")
    second = pregnancy_register(
        acting_user=owner, person=other, lmp=today - _days(120), registered_on=today
    )
    antenatal_visit_record(acting_user=owner, pregnancy=second, date=today - _days(5))
    assert _group_today(other) is not None
    Pregnancy.objects.filter(pk=second.pk).delete()
    assert _group_today(other) is None
    assert not PregnancyVisitDue.objects.filter(pregnancy_id=second.pk).exists()
    # Deleting the person takes her rows along too (no row outlives its pregnancy).
    Person.objects.filter(pk=woman.pk).delete()
    assert not PregnancyVisitDue.objects.exclude(pregnancy__in=Pregnancy.objects.all()).exists()


def test_refreshing_a_pregnancy_that_is_gone_leaves_no_rows(owner, woman):
    today = timezone.localdate()
    pregnancy = pregnancy_register(
        acting_user=owner, person=woman, lmp=today - _days(120), registered_on=today
    )
    kept = _rows()
    assert visit_due.refresh_pregnancies([pregnancy.pk + 1000]) == 0
    assert visit_due.refresh_pregnancies([]) == 0
    assert _rows() == kept


def test_a_home_visit_overdue_with_the_42_day_check_names_the_earliest(owner, woman):
    # A discharge seven weeks after the delivery (beyond what the form accepts) puts the
    # home visit's window after the 42-day check's: the list names the earliest, as the
    # Python reading does.
    today = timezone.localdate()
    lmp = today - _days(400)
    pregnancy = pregnancy_register(
        acting_user=owner, person=woman, lmp=lmp, registered_on=lmp + _days(60)
    )
    delivered = today - _days(80)
    delivery_record(
        acting_user=owner,
        pregnancy=pregnancy,
        delivered_on=delivered,
        place="hospital",
        outcome="live_birth",
    )
    pregnancy.refresh_from_db()
    for extra, expected in ((49, "home_visit"), (60, "check_42d")):
        pregnancy.discharged_on = delivered + _days(extra)
        pregnancy.save()
        item = schedule.pregnancy_overdue(pregnancy, [], [], today)
        assert item is not None and item.point == expected
        assert _listed_today(pregnancy) == (item.point, item.overdue_since)
