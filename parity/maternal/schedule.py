"""The maternal and child health schedules (DOMAIN.md §4) as windows of days, and the
Python reading of them for one pregnancy or one child.

Every window is a range of whole days, inclusive at both ends, counted from an anchor
date; nothing here uses month arithmetic, so the SQL in ``selectors.py`` can apply the
same windows with date comparisons computed in Python on the as-of date. The two readings
are kept in step by a test over generated pregnancies and children.

Antenatal visits (anchor: the last menstrual period, LMP). A gestational week is counted
in completed weeks: "week 12" is 12+0 to 12+6.

=========  ===================  ===========  =========================================
visit      specification        days         why
=========  ===================  ===========  =========================================
first      before week 13       0–97         read as "by the end of week 13" (13+6), the
                                             end of the first trimester
2nd        weeks 16–20          112–146
3rd        weeks 21–24          147–174
4th        weeks 28–36          196–258
5th        weeks 37–40          259–286
=========  ===================  ===========  =========================================

A visit fulfils the window it falls in. A visit outside every window fulfils, late, the
earliest window already closed without a visit (a woman registering at week 15 still has
her first visit); otherwise it is an extra visit. A window closed without a visit is
overdue from the next day for as long as the pregnancy is open: visits cannot be made up,
and the list is what the health centre follows up.

Postpartum (anchor: discharge, or the delivery date when no discharge date is known):
home visit days 0–7 after discharge; the 42-day check days 42–56 after delivery. Either
is overdue from the day after its window until the end of postpartum care, 84 days after
delivery.

Child health 0–6 (anchor: birth; the newborn visit: discharge, else birth). A month is
365.25 / 12 days, rounded; a month point's window opens 15 days before and closes 30 days
after it, a year point's 30 days before and 60 after:

==========  ===========  =====  ==========  ===========  =====
point       days         mark   point       days         mark
==========  ===========  =====  ==========  ===========  =====
newborn     0–7 (disch.)        m18         533–578      548
28–30 days  28–30               m24         715–760      730
m3          76–121       91     m30         898–943      913
m6          168–213      183    m36         1081–1126    1096
m8          228–273      243    y4          1431–1521    1461
m12         350–395      365    y5          1796–1886    1826
                                y6          2161–2251    2191
==========  ===========  =====  ==========  ===========  =====

A missed child check is overdue from the day after its window closes until the day before
the next check's window opens (then the next check is what is due; the missed one stays
in the record as missed), the 6-year check until the seventh birthday. A check counts as
overdue only if the child was living in the city when its window closed (the current stay
began on or before that day): a window that closed while the child lived elsewhere was
another place's to keep. Assignment of checks to points follows the antenatal rule (in a
window, else late for the point overdue on that day, else extra).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta

from parity.maternal.choices import (
    AntenatalPoint,
    ChildCheckPoint,
    PostpartumKind,
    ScheduleState,
)
from parity.people.choices import Status

PREGNANCY_DAYS = 280
MAX_WEEKS_AT_REGISTRATION = 44
POSTPARTUM_CARE_DAYS = 84
CHILD_PROGRAMME_YEARS = 7  # checks 0–6: the programme ends on the seventh birthday
DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Window:
    point: str
    start: int
    end: int

    def opens(self, anchor: dt.date) -> dt.date:
        return anchor + dt.timedelta(days=self.start)

    def closes(self, anchor: dt.date) -> dt.date:
        return anchor + dt.timedelta(days=self.end)

    def contains(self, anchor: dt.date, day: dt.date) -> bool:
        return self.start <= (day - anchor).days <= self.end


ANTENATAL = (
    Window(AntenatalPoint.FIRST, 0, 97),
    Window(AntenatalPoint.W16_20, 112, 146),
    Window(AntenatalPoint.W21_24, 147, 174),
    Window(AntenatalPoint.W28_36, 196, 258),
    Window(AntenatalPoint.W37_40, 259, 286),
)
POSTPARTUM = {
    PostpartumKind.HOME_VISIT: Window(PostpartumKind.HOME_VISIT, 0, 7),
    PostpartumKind.CHECK_42D: Window(PostpartumKind.CHECK_42D, 42, 56),
}


def _month(months: int) -> int:
    return round(months * 365.25 / 12)


CHILD = (
    Window(ChildCheckPoint.NEWBORN, 0, 7),
    Window(ChildCheckPoint.D28_30, 28, 30),
    *(
        Window(point, _month(m) - 15, _month(m) + 30)
        for point, m in (
            (ChildCheckPoint.M3, 3),
            (ChildCheckPoint.M6, 6),
            (ChildCheckPoint.M8, 8),
            (ChildCheckPoint.M12, 12),
            (ChildCheckPoint.M18, 18),
            (ChildCheckPoint.M24, 24),
            (ChildCheckPoint.M30, 30),
            (ChildCheckPoint.M36, 36),
        )
    ),
    *(
        Window(point, _month(12 * y) - 30, _month(12 * y) + 60)
        for point, y in ((ChildCheckPoint.Y4, 4), (ChildCheckPoint.Y5, 5), (ChildCheckPoint.Y6, 6))
    ),
)
CHILD_BY_POINT = {w.point: w for w in CHILD}


# --- pregnancy arithmetic ----------------------------------------------------------------


def expected_delivery(lmp: dt.date) -> dt.date:
    """Naegele's rule: LMP + 280 days."""
    return lmp + dt.timedelta(days=PREGNANCY_DAYS)


def gestational_age(lmp: dt.date, on: dt.date) -> tuple[int, int]:
    """Completed weeks and days on a date (12+3 is ``(12, 3)``)."""
    return divmod((on - lmp).days, 7)


def gestational_week(lmp: dt.date, on: dt.date) -> int:
    return gestational_age(lmp, on)[0]


# --- schedule items ----------------------------------------------------------------------


@dataclass
class Item:
    """One scheduled visit or check as it stands on a date."""

    point: str
    opens_on: dt.date
    closes_on: dt.date
    state: str
    done_on: dt.date | None = None
    late: bool = False
    overdue_until: dt.date | None = None

    @property
    def overdue_since(self) -> dt.date:
        return self.closes_on + DAY

    @property
    def state_label(self) -> str:
        return str(ScheduleState(self.state).label)

    @property
    def label(self) -> str:
        for choices in (AntenatalPoint, PostpartumKind, ChildCheckPoint):
            if self.point in choices.values:
                return str(choices(self.point).label)
        return self.point


def _state(
    on: dt.date,
    opens: dt.date,
    closes: dt.date,
    overdue_until: dt.date | None,
    done: bool,
    counts: bool = True,
) -> str:
    if done:
        return ScheduleState.DONE
    if on < opens:
        return ScheduleState.UPCOMING
    if on <= closes:
        return ScheduleState.DUE
    if counts and (overdue_until is None or on <= overdue_until):
        return ScheduleState.OVERDUE
    return ScheduleState.MISSED


def is_open_on(pregnancy, on: dt.date) -> bool:
    """Registered on or before the date and not delivered or ended on or before it."""
    closed = pregnancy.delivered_on or pregnancy.ended_on
    return pregnancy.registered_on <= on and (closed is None or closed > on)


def antenatal_items(pregnancy, visits: Iterable, on: dt.date) -> list[Item]:
    """The five visits on a date. ``visits`` are the pregnancy's ``AntenatalVisit`` rows."""
    fulfilled = {v.point: v for v in visits if v.point and v.date <= on}
    open_now = is_open_on(pregnancy, on)
    items = []
    for window in ANTENATAL:
        visit = fulfilled.get(window.point)
        opens, closes = window.opens(pregnancy.lmp), window.closes(pregnancy.lmp)
        state = _state(on, opens, closes, None, visit is not None)
        if not open_now and state != ScheduleState.DONE:
            closed = pregnancy.delivered_on or pregnancy.ended_on
            ended_first = closed is not None and closed <= on and closed <= opens
            state = ScheduleState.NOT_APPLICABLE if ended_first else ScheduleState.MISSED
        items.append(
            Item(
                window.point,
                opens,
                closes,
                state,
                done_on=visit.date if visit else None,
                late=bool(visit and visit.late),
            )
        )
    return items


def postpartum_anchor(pregnancy, kind: str) -> dt.date:
    if kind == PostpartumKind.HOME_VISIT:
        return pregnancy.discharged_on or pregnancy.delivered_on
    return pregnancy.delivered_on


def postpartum_items(pregnancy, visits: Iterable, on: dt.date) -> list[Item]:
    if pregnancy.delivered_on is None or pregnancy.delivered_on > on:
        return []
    done: dict[str, object] = {}
    for visit in sorted(visits, key=lambda v: v.date):
        if visit.completed and visit.date <= on:
            done.setdefault(visit.kind, visit)
    care_ends = pregnancy.delivered_on + dt.timedelta(days=POSTPARTUM_CARE_DAYS)
    items = []
    for kind, window in POSTPARTUM.items():
        anchor = postpartum_anchor(pregnancy, kind)
        opens, closes = window.opens(anchor), window.closes(anchor)
        visit = done.get(kind)
        items.append(
            Item(
                kind,
                opens,
                closes,
                _state(on, opens, closes, care_ends, visit is not None),
                done_on=visit.date if visit else None,  # type: ignore[attr-defined]
                late=bool(visit and visit.date > closes),  # type: ignore[attr-defined]
                overdue_until=care_ends,
            )
        )
    return items


def earliest_overdue(items: Iterable[Item]) -> Item | None:
    overdue = [i for i in items if i.state == ScheduleState.OVERDUE]
    return min(overdue, key=lambda i: i.overdue_since) if overdue else None


def antenatal_point_for(pregnancy, fulfilled: set[str], day: dt.date) -> tuple[str, bool]:
    """Which visit a visit on ``day`` fulfils, and whether it is late; ``("", False)`` for
    an extra visit."""
    for window in ANTENATAL:
        if window.contains(pregnancy.lmp, day):
            return ("", False) if window.point in fulfilled else (window.point, False)
    for window in ANTENATAL:
        if window.point not in fulfilled and window.closes(pregnancy.lmp) < day:
            return window.point, True
    return "", False


# --- children ----------------------------------------------------------------------------


def child_windows(birth: dt.date, discharged_on: dt.date | None):
    """Each point with its opening, closing and last overdue day for one child."""
    rows = []
    for index, window in enumerate(CHILD):
        anchor = (discharged_on or birth) if window.point == ChildCheckPoint.NEWBORN else birth
        following = CHILD[index + 1] if index + 1 < len(CHILD) else None
        # The last check stays overdue while the child is in the programme (under 7).
        until = following.opens(birth) - DAY if following else None
        rows.append((window, window.opens(anchor), window.closes(anchor), until))
    return rows


def child_items(child, checks: Iterable, on: dt.date, discharged_on: dt.date | None = None):
    fulfilled = {c.point: c for c in checks if c.point and c.date <= on}
    items = []
    for window, opens, closes, until in child_windows(child.birth_date, discharged_on):
        check = fulfilled.get(window.point)
        counts = child.arrived_city_on is not None and child.arrived_city_on <= closes
        items.append(
            Item(
                window.point,
                opens,
                closes,
                _state(on, opens, closes, until, check is not None, counts),
                done_on=check.date if check else None,
                late=bool(check and check.late),
                overdue_until=until,
            )
        )
    return items


def child_in_programme(child, on: dt.date) -> bool:
    """A child 0–6 living in the city on the date (the base of the overdue list)."""
    return (
        child.status in (Status.INFLOW, Status.REGISTERED)
        and child.birth_date <= on
        and child.birth_date > on - relativedelta(years=CHILD_PROGRAMME_YEARS)
        and child.arrived_city_on is not None
        and child.arrived_city_on <= on
        and (child.left_city_on is None or child.left_city_on > on)
    )


def child_point_for(
    birth: dt.date, discharged_on: dt.date | None, fulfilled: set[str], day: dt.date
) -> tuple[str, bool]:
    windows = child_windows(birth, discharged_on)
    for window, opens, closes, _until in windows:
        if opens <= day <= closes:
            return ("", False) if window.point in fulfilled else (window.point, False)
    for window, _opens, closes, until in windows:
        if window.point not in fulfilled and closes < day and (until is None or day <= until):
            return window.point, True
    return "", False


def pregnancy_overdue(pregnancy, visits, postpartum_visits, on: dt.date) -> Item | None:
    """The earliest overdue visit of one pregnancy on a date (the Python reading of
    ``selectors.pregnancies_overdue``)."""
    items = postpartum_items(pregnancy, postpartum_visits, on)
    if is_open_on(pregnancy, on):
        items += antenatal_items(pregnancy, visits, on)
    return earliest_overdue(items)


def child_overdue(child, checks, on: dt.date, discharged_on: dt.date | None = None) -> Item | None:
    """The overdue check of one child on a date (the Python reading of
    ``selectors.children_overdue_checks``)."""
    if not child_in_programme(child, on):
        return None
    return earliest_overdue(child_items(child, checks, on, discharged_on))
