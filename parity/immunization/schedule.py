"""The schedule engine: what a child has had, what is next, due and overdue, on a date.

Pure Python, no database: ``Schedule`` is built from the same data as the tables (see
``schedule_data``), and ``Schedule.evaluate(birth_date, given, on)`` answers for one child
using the edition in force on ``on``. The bulk refresh calls it in a tight loop.

Rules (DOMAIN.md §5, the national schedule and its catch-up notes):

- **Series.** Vaccines in one series share one dose count: IPV 1–2 then bOPV 3–4; DTaP
  1–4 then DT (2021) or DTaP 5 (from 2025-01-01). A dose already given fills its place in
  the count whatever edition it was given under, so a DT given in 2024 is the fifth dose
  under the 2025 edition too. Only the missing doses are offered: a series never
  restarts.
- **Next dose.** For each series only the next dose is listed: the first place not
  filled. Its ``due_on`` is the later of its minimum age and the previous dose of the
  series plus the minimum interval; ``earliest_on`` also waits for the 28-day spacing
  between injectable live vaccines not given on the same day.
- **Overdue.** ``overdue_on`` is the "complete before" age, or, for a dose without one,
  the edition's ``grace`` (one month) after it became due; never before it became due.
  Catch-up runs until 18 years; from then on nothing is listed.
- **Alternatives (JE, HepA).** A child who started the live or the inactivated series
  continues it (the series of the latest dose, if records hold both); a child who
  started neither is offered the live vaccine, the ``preferred`` one, by default.
- **Age switches.** A dose with ``give_before`` is no longer given from that age (BCG from
  4 years; MPSV-A from 24 months), and the next dose of its series may then be given from
  that age (MPSV-AC from 24 months for a child who did not complete MPSV-A). BCG from 3
  months is flagged ``skin_test``: give only after a negative skin test. Polio needs no
  special case: bOPV 4 has a minimum age of 4 years, so under 4 a child catches up to 3
  doses and from 4 to 4 doses.
- **Premature babies** are vaccinated by actual age: only the birth date counts.

Because of the age switches, an answer (and a ``DoseDue`` row) is valid as of its date.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.utils.translation import gettext as _

from parity.core.i18n import in_language
from parity.immunization.choices import ALTERNATIVE_SERIES, DoseStatus, Series
from parity.immunization.error_codes import ImmunizationError

_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus whole calendar months, clipped to the month's end (like relativedelta,
    several times faster: the bulk refresh calls it millions of times)."""
    if not months:
        return day
    years, month0 = divmod(day.month - 1 + months, 12)
    year, month = day.year + years, month0 + 1
    if not dt.MINYEAR <= year <= dt.MAXYEAR:
        # A date near the calendar's ends (``?on=0010-11-03`` asks 18 years back): the
        # nearest date there is, so a bound compares as "before everything".
        return dt.date.min if year < dt.MINYEAR else dt.date.max
    last = _MONTH_DAYS[month0]
    if month == 2 and year % 4 == 0 and (year % 100 != 0 or year % 400 == 0):
        last = 29
    return dt.date(year, month, min(day.day, last))


_SPAN = re.compile(r"(\d+)([dmy])")


@dataclass(frozen=True, slots=True)
class Span:
    """An age or an interval: whole months plus days."""

    months: int = 0
    days: int = 0

    @classmethod
    def parse(cls, text: str | int | None) -> Span | None:
        if text is None or text == "":
            return None
        text = str(text).strip()
        parts = _SPAN.findall(text)
        if not parts or "".join(n + u for n, u in parts) != text:
            raise ValueError(f"not an age or interval: {text!r} (use e.g. 28d, 18m, 6y)")
        months = days = 0
        for number, unit in parts:
            if unit == "y":
                months += 12 * int(number)
            elif unit == "m":
                months += int(number)
            else:
                days += int(number)
        return cls(months, days)

    def after(self, day: dt.date) -> dt.date:
        result = add_months(day, self.months)
        return result + dt.timedelta(days=self.days) if self.days else result

    def __bool__(self) -> bool:
        return bool(self.months or self.days)

    def as_age(self) -> str:
        if not self:
            return _("出生时")
        if self.days:
            return _("%(n)s天") % {"n": self.months * 30 + self.days}
        if self.months >= 24 and self.months % 12 == 0:
            return _("%(n)s岁") % {"n": self.months // 12}
        return _("%(n)s月龄") % {"n": self.months}

    def as_interval(self) -> str:
        if self.days and not self.months:
            return _("%(n)s天") % {"n": self.days}
        if self.months >= 12 and self.months % 12 == 0 and not self.days:
            return _("%(n)s年") % {"n": self.months // 12}
        return _("%(n)s个月") % {"n": self.months}


@dataclass(frozen=True, slots=True)
class VaccineInfo:
    code: str
    name: str
    series: str
    live: bool = False
    injectable: bool = True
    preferred: bool = False
    name_en: str = ""

    @property
    def live_injectable(self) -> bool:
        return self.live and self.injectable

    @property
    def display_name(self) -> str:
        return in_language(self.name, self.name_en)


@dataclass(frozen=True, slots=True)
class DoseRule:
    vaccine: str
    dose: int
    position: int
    age: Span
    complete_before: Span | None = None
    interval: Span | None = None
    give_before: Span | None = None
    skin_test_from: Span | None = None


@dataclass
class Edition:
    code: str
    name: str
    effective_from: dt.date
    doses: tuple[DoseRule, ...]
    grace: Span = Span(1)
    catch_up_until: Span = Span(216)
    live_spacing_days: int = 28
    name_en: str = ""
    by_key: dict[tuple[str, int], DoseRule] = field(init=False, repr=False)

    @property
    def display_name(self) -> str:
        return in_language(self.name, self.name_en)

    def __post_init__(self) -> None:
        self.by_key = {(d.vaccine, d.dose): d for d in self.doses}


class Given(NamedTuple):
    """A dose given: vaccine code, dose number (None for a campaign dose outside the
    schedule, which still counts for live-vaccine spacing) and date."""

    vaccine: str
    dose: int | None
    date: dt.date


@dataclass(slots=True)
class Pending:
    """The next dose of a series for one child."""

    series: str
    vaccine: str
    dose: int
    due_on: dt.date
    earliest_on: dt.date
    overdue_on: dt.date
    skin_test: bool = False

    def status(self, on: dt.date) -> str:
        if self.overdue_on <= on:
            return DoseStatus.OVERDUE.value
        if self.earliest_on <= on:
            return DoseStatus.DUE.value
        return DoseStatus.UPCOMING.value


@dataclass
class ChildSchedule:
    """One child's schedule on a date: doses given up to then and the next of each series."""

    birth_date: dt.date
    on: dt.date
    edition: Edition
    given: list[Given]
    pending: list[Pending]

    @property
    def due(self) -> list[Pending]:
        return [p for p in self.pending if p.earliest_on <= self.on]

    @property
    def overdue(self) -> list[Pending]:
        return [p for p in self.pending if p.overdue_on <= self.on]

    @property
    def upcoming(self) -> list[Pending]:
        return [p for p in self.pending if p.earliest_on > self.on]

    def next_of(self, series: str) -> Pending | None:
        return next((p for p in self.pending if p.series == series), None)


class Problem(NamedTuple):
    field: str
    code: str
    message: str


SERIES_ORDER = tuple(s.value for s in Series)


class Schedule:
    """The vaccines and the dated editions of the schedule."""

    def __init__(self, vaccines: Iterable[VaccineInfo], editions: Iterable[Edition]):
        self.vaccines = {v.code: v for v in vaccines}
        self.editions = sorted(editions, key=lambda e: e.effective_from)
        if not self.editions:
            raise ValueError("a schedule needs at least one edition")
        # Where a (vaccine, dose) sits in its series' count, under any edition.
        self.position_of: dict[tuple[str, int], int] = {}
        for edition in reversed(self.editions):
            for rule in edition.doses:
                self.position_of[(rule.vaccine, rule.dose)] = rule.position
        self.series_vaccines: dict[str, list[str]] = {}
        for v in sorted(self.vaccines.values(), key=lambda v: not v.preferred):
            self.series_vaccines.setdefault(v.series, []).append(v.code)
        # Per edition: the dose sequences, keyed by series, or by vaccine in an
        # alternative series (each vaccine is then its own sequence).
        self._sequences: dict[str, dict[str, list[DoseRule]]] = {}
        for edition in self.editions:
            sequences: dict[str, list[DoseRule]] = {}
            for rule in edition.doses:
                sequences.setdefault(self._sequence_key(rule.vaccine), []).append(rule)
            for rules in sequences.values():
                rules.sort(key=lambda r: r.position)
            self._sequences[edition.code] = sequences

    # --- data ------------------------------------------------------------------------

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Schedule:
        """Build from the YAML structure (``data/schedule.yaml``)."""
        vaccines = [
            VaccineInfo(
                code=v["code"],
                name=v["name"],
                series=v["series"],
                live=bool(v.get("live", False)),
                injectable=bool(v.get("injectable", True)),
                preferred=bool(v.get("preferred", False)),
                name_en=str(v.get("name_en") or ""),
            )
            for v in data["vaccines"]
        ]
        editions: dict[str, Edition] = {}
        for raw in data["editions"]:
            doses = [_dose_rule(d) for d in raw.get("doses", [])]
            base = editions.get(str(raw["based_on"])) if raw.get("based_on") else None
            if raw.get("based_on") and base is None:
                raise ValueError(f"edition {raw['code']}: unknown based_on {raw['based_on']}")
            if base is not None:
                series_by_vaccine = {v.code: v.series for v in vaccines}
                replaced = {series_by_vaccine[d.vaccine] for d in doses}
                doses = [
                    d for d in base.doses if series_by_vaccine[d.vaccine] not in replaced
                ] + doses
            editions[str(raw["code"])] = Edition(
                code=str(raw["code"]),
                name=raw["name"],
                name_en=str(raw.get("name_en") or ""),
                effective_from=_as_date(raw["effective_from"]),
                doses=tuple(doses),
                grace=Span.parse(raw.get("grace")) or (base.grace if base else Span(1)),
                catch_up_until=Span.parse(raw.get("catch_up_until"))
                or (base.catch_up_until if base else Span(216)),
                live_spacing_days=(Span.parse(raw.get("live_spacing")) or Span()).days
                or (base.live_spacing_days if base else 28),
            )
        return cls(vaccines, editions.values())

    def _sequence_key(self, vaccine: str) -> str:
        series = self.vaccines[vaccine].series
        return vaccine if series in ALTERNATIVE_SERIES else series

    def edition_on(self, on: dt.date) -> Edition:
        """The edition in force on the date (the first one for earlier dates)."""
        current = self.editions[0]
        for edition in self.editions:
            if edition.effective_from <= on:
                current = edition
        return current

    # --- one child -------------------------------------------------------------------

    def evaluate(self, birth_date: dt.date, given: Iterable[Given], on: dt.date) -> ChildSchedule:
        edition = self.edition_on(on)
        history = sorted((Given(*g) for g in given if g[2] <= on), key=lambda g: g.date)
        pending: list[Pending] = []
        if on < edition.catch_up_until.after(birth_date):
            live = [
                g for g in history if g.vaccine in self.vaccines and self.vaccines[g.vaccine].live
            ]
            live = [g for g in live if self.vaccines[g.vaccine].injectable]
            for series in SERIES_ORDER:
                nxt = self._next_dose(edition, series, birth_date, history, live, on)
                if nxt is not None:
                    pending.append(nxt)
        return ChildSchedule(birth_date, on, edition, history, pending)

    def _track(self, series: str, history: list[Given]) -> tuple[str, list[Given]]:
        """The sequence a child follows in a series and the doses that count in it."""
        mine = [
            g
            for g in history
            if g.dose is not None
            and g.vaccine in self.vaccines
            and self.vaccines[g.vaccine].series == series
        ]
        if series not in ALTERNATIVE_SERIES:
            return series, mine
        track = mine[-1].vaccine if mine else self.series_vaccines[series][0]
        return track, [g for g in mine if g.vaccine == track]

    def _next_dose(
        self,
        edition: Edition,
        series: str,
        birth: dt.date,
        history: list[Given],
        live: list[Given],
        on: dt.date,
    ) -> Pending | None:
        if series not in self.series_vaccines:
            return None
        key, mine = self._track(series, history)
        sequence = self._sequences[edition.code].get(key)
        if not sequence:
            return None
        filled = {self.position_of.get((g.vaccine, g.dose)) for g in mine}  # type: ignore[arg-type]
        previous = mine[-1].date if mine else None
        lowered: dt.date | None = None
        for rule in sequence:
            if rule.position in filled:
                # A lowered age serves only the dose right after the ones dropped.
                lowered = None
                continue
            if rule.give_before is not None:
                stop = rule.give_before.after(birth)
                if on >= stop:
                    lowered = lowered or stop
                    continue
            due = rule.age.after(birth)
            if lowered is not None and lowered < due:
                due = lowered
            if previous is not None and rule.interval:
                due = max(due, rule.interval.after(previous))
            earliest = due
            if self.vaccines[rule.vaccine].live_injectable:
                earliest = self._spaced(earliest, rule.vaccine, live, on, edition)
            if rule.complete_before is not None:
                overdue = max(rule.complete_before.after(birth), due)
            else:
                overdue = edition.grace.after(due)
            skin_test = rule.skin_test_from is not None and on >= rule.skin_test_from.after(birth)
            return Pending(series, rule.vaccine, rule.dose, due, earliest, overdue, skin_test)
        return None

    @staticmethod
    def _spaced(
        day: dt.date, vaccine: str, live: list[Given], on: dt.date, edition: Edition
    ) -> dt.date:
        """The first date from ``day`` at which another injectable live vaccine given
        earlier (not on that same day) is far enough away."""
        gap = dt.timedelta(days=edition.live_spacing_days)
        for g in live:
            if g.vaccine == vaccine:
                continue
            end = g.date + gap
            if g.date < day < end or (day <= g.date < on < end):
                day = end
        return day

    # --- checking a dose before it is recorded ---------------------------------------

    def check_dose(
        self, birth_date: dt.date, given: Iterable[Given], vaccine: str, dose: int, date: dt.date
    ) -> list[Problem]:
        """Why a dose could not be recorded as given on ``date`` (empty: it can)."""
        history = sorted((Given(*g) for g in given), key=lambda g: g.date)
        info = self.vaccines.get(vaccine)
        edition = self.edition_on(date)
        rule = edition.by_key.get((vaccine, dose))
        if info is None or rule is None:
            return [
                Problem(
                    "dose",
                    ImmunizationError.DOSE_UNKNOWN,
                    _("%(date)s 施行的免疫程序中没有%(vaccine)s第%(dose)s剂")
                    % {
                        "date": date.isoformat(),
                        "vaccine": info.display_name if info else vaccine,
                        "dose": dose,
                    },
                )
            ]
        if any(g.vaccine == vaccine and g.dose == dose for g in history):
            return [
                Problem(
                    "dose",
                    ImmunizationError.DOSE_DUPLICATE,
                    _("%(vaccine)s第%(dose)s剂已有接种记录")
                    % {"vaccine": info.display_name, "dose": dose},
                )
            ]
        problems: list[Problem] = []
        if info.series in ALTERNATIVE_SERIES:
            other = [
                g
                for g in history
                if g.dose is not None
                and g.vaccine != vaccine
                and self.vaccines.get(g.vaccine, info).series == info.series
            ]
            if other:
                started = self.vaccines[other[-1].vaccine].display_name
                problems.append(
                    Problem(
                        "vaccine",
                        ImmunizationError.SERIES_CONFLICT,
                        _("该儿童已开始接种%(started)s,应继续使用同一种疫苗完成程序")
                        % {"started": started},
                    )
                )
        if date >= edition.catch_up_until.after(birth_date) or (
            rule.give_before is not None and date >= rule.give_before.after(birth_date)
        ):
            problems.append(
                Problem(
                    "date",
                    ImmunizationError.AGE_LIMIT,
                    _("接种日期时儿童年龄已超过%(vaccine)s的接种年龄")
                    % {"vaccine": info.display_name},
                )
            )
        mine = [
            g
            for g in history
            if g.dose is not None
            and g.date <= date
            and g.vaccine in self.vaccines
            and self._sequence_key(g.vaccine) == self._sequence_key(vaccine)
        ]
        sequence = self._sequences[edition.code].get(self._sequence_key(vaccine), [])
        filled = {self.position_of.get((g.vaccine, g.dose)) for g in mine}  # type: ignore[arg-type]
        min_date = rule.age.after(birth_date)
        lowered: dt.date | None = None
        for earlier in sequence:
            if earlier.position >= rule.position:
                break
            if earlier.position in filled:
                lowered = None
            elif earlier.give_before is not None and date >= earlier.give_before.after(birth_date):
                lowered = lowered or earlier.give_before.after(birth_date)
        if lowered is not None:
            min_date = min(min_date, lowered)
        if date < min_date:
            problems.append(
                Problem(
                    "date",
                    ImmunizationError.TOO_YOUNG,
                    _("%(vaccine)s第%(dose)s剂最早在%(age)s接种(%(date)s起)")
                    % {
                        "vaccine": info.display_name,
                        "dose": dose,
                        "age": rule.age.as_age(),
                        "date": min_date.isoformat(),
                    },
                )
            )
        previous = [g for g in mine if g.date <= date]
        if previous and rule.interval and date < rule.interval.after(previous[-1].date):
            last = previous[-1]
            problems.append(
                Problem(
                    "date",
                    ImmunizationError.INTERVAL_TOO_SHORT,
                    _("与上一剂(%(prev)s,%(prev_date)s)间隔不足%(interval)s,最早可在%(next)s接种")
                    % {
                        "prev": self.vaccines[last.vaccine].display_name,
                        "prev_date": last.date.isoformat(),
                        "interval": rule.interval.as_interval(),
                        "next": rule.interval.after(last.date).isoformat(),
                    },
                )
            )
        if info.live_injectable:
            gap = edition.live_spacing_days
            for g in history:
                other_info = self.vaccines.get(g.vaccine)
                if (
                    other_info is not None
                    and other_info.live_injectable
                    and g.vaccine != vaccine
                    and g.date != date
                    and abs((date - g.date).days) < gap
                ):
                    problems.append(
                        Problem(
                            "date",
                            ImmunizationError.LIVE_SPACING,
                            _(
                                "%(vaccine)s与%(other)s(%(other_date)s)都是注射类减毒活疫苗,"
                                "未同时接种时应间隔%(days)s天以上"
                            )
                            % {
                                "vaccine": info.display_name,
                                "other": other_info.display_name,
                                "other_date": g.date.isoformat(),
                                "days": gap,
                            },
                        )
                    )
                    break
        return problems

    def campaign_dose(
        self, birth_date: dt.date, given: Iterable[Given], vaccine: str, date: dt.date
    ) -> int | None:
        """The schedule dose a campaign dose of ``vaccine`` on ``date`` fills, if the child
        still needs that dose now (a polio campaign's bOPV counts as bOPV 3 for a child
        with two IPV doses); ``None`` when it is an extra dose outside the schedule."""
        given = list(given)
        result = self.evaluate(birth_date, given, date)
        series = self.vaccines[vaccine].series
        nxt = result.next_of(series)
        if nxt is None or nxt.vaccine != vaccine or nxt.earliest_on > date:
            return None
        if self.check_dose(birth_date, given, vaccine, nxt.dose, date):
            return None
        return nxt.dose


def _as_date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def _dose_rule(raw: dict[str, Any]) -> DoseRule:
    return DoseRule(
        vaccine=raw["vaccine"],
        dose=int(raw["dose"]),
        position=int(raw.get("position") or raw["dose"]),
        age=Span.parse(raw.get("age", "0d")) or Span(),
        complete_before=Span.parse(raw.get("complete_before")),
        interval=Span.parse(raw.get("interval")),
        give_before=Span.parse(raw.get("give_before")),
        skin_test_from=Span.parse(raw.get("skin_test_from")),
    )
