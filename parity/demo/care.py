"""The demo's services beyond registration, for floating people and registered residents
alike: family planning (contraception, birth-service registration, childbearing care),
pregnancies with their antenatal visits, deliveries with their postpartum visits, child
health checks 0–6, school enrolment, social insurance, older people's health care,
hypertension and diabetes follow-ups, health education, festival care, employment services
and legal aid: every service of the catalog has records.

Both populations get the same kinds of records from the same code; only the rates differ
(``FLOATING`` and ``REGISTERED``): floating people are served less often, the gap the
platform exists to measure, except where the source report says the city reaches out to
migrants in particular (festival care activities "在流动人口中开展专项关怀关爱"). The rates
are the demo's own assumptions, not figures of the source report, and nothing in the
report reads these records.

Every row follows the rules of the actions that would have written it
(``parity.maternal.actions``, ``parity.services.actions``): a visit or check fulfils the
scheduled point whose window it falls in (``parity.maternal.schedule``) or, made up late in
the gap after a missed window, that point with ``late``; no date lies in the future; a
delivery follows the last antenatal visit; a discharge comes 1–5 days after the delivery;
service-event details are valid for their type's ``details_schema``.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from dataclasses import dataclass

from parity.demo.sink import Sink
from parity.maternal import schedule

# (point, first day, last day) of each scheduled visit or check, from its anchor.
ANTENATAL = [(str(w.point), w.start, w.end) for w in schedule.ANTENATAL]
CHILD = [(str(w.point), w.start, w.end) for w in schedule.CHILD]
HOME_VISIT = schedule.POSTPARTUM[schedule.PostpartumKind.HOME_VISIT]
CHECK_42D = schedule.POSTPARTUM[schedule.PostpartumKind.CHECK_42D]
# The days between the first antenatal window and the second: a first visit made there
# still fulfils "first", late (``schedule.antenatal_point_for``).
FIRST_LATE = (ANTENATAL[0][2] + 1, ANTENATAL[1][1] - 1)
HOSPITALS = (
    "包头市妇幼保健院",
    "包头市中心医院",
    "内蒙古科技大学包头医学院第一附属医院",
    "包钢医院",
)
# Employees' schemes first; some migrants keep only their home county's residents' scheme.
SCHEMES = ("职工基本养老保险", "职工基本医疗保险", "工伤保险", "失业保险", "生育保险")
RESIDENT_SCHEMES = ("城乡居民基本养老保险", "城乡居民基本医疗保险")
DETAILS = {s: json.dumps({"scheme": s}, ensure_ascii=False) for s in SCHEMES + RESIDENT_SCHEMES}
METHODS = ("宫内节育器", "宫内节育器", "皮下埋植", "口服避孕药", "避孕套", "避孕套", "绝育术")
CONTRACEPTION = {m: json.dumps({"method": m}, ensure_ascii=False) for m in METHODS}


def _followup_details(rng: random.Random) -> str:
    condition = rng.choice(("高血压", "高血压", "高血压", "2型糖尿病", "高血压合并糖尿病"))
    details: dict[str, object] = {"condition": condition}
    if condition != "2型糖尿病":
        details["systolic"] = rng.randint(118, 168)
        details["diastolic"] = rng.randint(72, 102)
    if condition != "高血压":
        details["fasting_glucose"] = f"{rng.uniform(5.6, 11.5):.1f}"
    return json.dumps(details, ensure_ascii=False)


# A pool of follow-up details (condition, blood pressure, glucose), drawn once.
FOLLOWUPS = [_followup_details(random.Random(n)) for n in range(64)]
# The provider of an event: the health site of the person's area unless told otherwise.
AREA_SITE = -1


@dataclass(frozen=True)
class Rates:
    """How often a population gets each service (a probability each)."""

    pre_pregnancy: float  # a pre-pregnancy check in the last year, married women 20–49
    folic_acid: float  # folic acid in the last year, married women 15–49
    pregnant: float  # pregnant now, married women of childbearing age
    delivered: float  # delivered in the last year (floating: the child is not on file)
    first_on_time: float  # the first antenatal visit before week 13 (read: by 13+6)
    first_late: float  # of the others, the first visit made up in weeks 14–15
    visit: float  # each of the 2nd to 4th antenatal visits
    fifth_visit: float  # the 5th, weeks 37–40, before the delivery
    home_visit: float  # postpartum home visit within 7 days of the discharge
    check_42d: float  # the 42-day postpartum check
    child_check: float  # each scheduled child check 0–6 (floating: since arriving)
    made_up: float  # a missed child check or postpartum visit made up late
    school: float  # enrolled this school year, children 6–14
    insurance: float  # insured this year, people in work
    employee_scheme: float  # of them, in an employees' scheme
    elderly: float  # an older people's health check this year, 65 and over
    education: float  # health education this year, anyone
    chronic: float  # a registered hypertension or diabetes patient, 35 and over
    chronic_four: float  # of the patients, followed up 4 times this year (else 1–3)
    contraception: float  # contraception services this year, married women not pregnant
    birth_registration: float  # birth-service registration, a pregnancy
    childbearing_care: float  # childbearing care ("one cup of milk"), a pregnancy
    festival_care: float  # a festival care activity this year, living here 6 months+
    employment: float  # public employment services this year, 16–59 (on demand)
    legal_aid: float  # legal aid ever (on demand)
    vaccine_stop: float  # a child whose routine doses stop early (overdue from then on)


FLOATING = Rates(
    pre_pregnancy=0.06,
    folic_acid=0.05,
    pregnant=0.035,
    delivered=0.05,
    first_on_time=0.70,
    first_late=0.4,
    visit=0.80,
    fifth_visit=0.65,
    home_visit=0.65,
    check_42d=0.55,
    child_check=0.70,
    made_up=0.2,
    school=0.85,
    insurance=0.45,
    employee_scheme=0.6,
    elderly=0.40,
    education=0.25,
    chronic=0.06,
    chronic_four=0.45,
    contraception=0.50,
    birth_registration=0.70,
    childbearing_care=0.40,
    festival_care=0.30,
    employment=0.08,
    legal_aid=0.008,
    vaccine_stop=0.16,
)
REGISTERED = Rates(
    pre_pregnancy=0.12,
    folic_acid=0.10,
    # In step with the births in registered families, whose newborns are on file: a
    # registered mother's delivery is her newborn's (``delivered`` is not drawn).
    pregnant=0.065,
    delivered=0.0,
    first_on_time=0.92,
    first_late=0.7,
    visit=0.97,
    fifth_visit=0.92,
    home_visit=0.90,
    check_42d=0.85,
    child_check=0.90,
    made_up=0.4,
    school=0.99,
    insurance=0.85,
    employee_scheme=0.9,
    elderly=0.70,
    education=0.40,
    chronic=0.12,
    chronic_four=0.75,
    contraception=0.65,
    birth_registration=0.92,
    childbearing_care=0.55,
    festival_care=0.05,
    employment=0.10,
    legal_aid=0.01,
    vaccine_stop=0.06,
)


class CareWriter:
    """Rows of the services above; mixed into ``parity.demo.writer.Writer``."""

    sink: Sink
    rng: random.Random
    today: int
    stamp: str
    c: dict

    def d(self, ordinal: int) -> str:
        raise NotImplementedError

    def site(self, area: str) -> int:
        raise NotImplementedError

    def event(
        self,
        person_id: int,
        code: str,
        day: int,
        area: str,
        provider: int | None = AREA_SITE,
        details: str = "{}",
    ) -> int:
        pk = self.sink.new_id("services_serviceevent")
        if provider == AREA_SITE:
            provider = self.site(area)
        self.sink.add(
            "services_serviceevent",
            (pk, person_id, self.c["types"][code], self.d(day), provider, "completed", details,
             "", area, None, self.stamp),
        )  # fmt: skip
        return pk

    # -- women ---------------------------------------------------------------------------

    def family_planning(
        self,
        person_id: int,
        birth: int,
        area: str,
        rates: Rates,
        since: int,
        newborn: tuple[int, int] | None = None,
    ) -> int:
        """A married woman of childbearing age living here since ``since``: pre-pregnancy
        check, folic acid, and either a pregnancy now or a delivery in the last year: of
        ``newborn`` (the child's id and birth) when given. Returns the day of that
        delivery's discharge, 0 if none is on file."""
        rng, today = self.rng, self.today
        age = (today - birth) // 365
        year_ago = max(since, today - 364)
        if rng.random() < rates.pre_pregnancy and age >= 20:
            self.event(person_id, "pre_pregnancy_check", rng.randint(year_ago, today), area)
        if rng.random() < rates.folic_acid:
            self.event(person_id, "folic_acid", rng.randint(year_ago, today), area)
        if newborn is not None:
            child, born = newborn
            lmp = born - rng.randint(266, 287)
            return self.pregnancy(person_id, area, lmp, rates, delivered=born, child=child)
        draw = rng.random()
        if draw < rates.pregnant:
            lmp = rng.randint(min(max(since, today - 250), today - 30), today - 30)
            self.pregnancy(person_id, area, lmp, rates)
        elif draw < rates.pregnant + rates.delivered:
            delivered = rng.randint(today - 364, today - 1)
            lmp = delivered - rng.randint(266, 287)
            if lmp >= since:  # she lived here through the pregnancy
                return self.pregnancy(person_id, area, lmp, rates, delivered=delivered)
        elif rng.random() < rates.contraception:
            self.event(
                person_id, "contraception", rng.randint(year_ago, today), area,
                details=CONTRACEPTION[rng.choice(METHODS)],
            )  # fmt: skip
        return 0

    def pregnancy(
        self,
        person_id: int,
        area: str,
        lmp: int,
        rates: Rates,
        *,
        delivered: int = 0,
        child: int | None = None,
    ) -> int:
        """A pregnancy with its antenatal visits, open unless ``delivered`` (an ordinal,
        then with the delivery and the postpartum visits). Registered (建册) at the first
        visit. Returns the day of the discharge, 0 if none is on file."""
        rng, today = self.rng, self.today
        last = delivered - 1 if delivered else today  # visits before the delivery
        visits: list[tuple[str, int, int]] = []  # point, day, late
        draw = rng.random()
        if draw < rates.first_on_time:
            visits.append(("first", lmp + rng.randint(42, ANTENATAL[0][2]), 0))
        elif draw < rates.first_on_time + (1 - rates.first_on_time) * rates.first_late:
            visits.append(("first", lmp + rng.randint(*FIRST_LATE), 1))
        for point, start, end in ANTENATAL[1:]:
            chance = rates.fifth_visit if point == "w37_40" else rates.visit
            if rng.random() < chance and lmp + start <= last:
                visits.append((point, rng.randint(lmp + start, min(lmp + end, last)), 0))
        visits = [v for v in visits if v[1] <= last]
        registered = visits[0][1] if visits else min(lmp + rng.randint(40, 90), last)
        if rng.random() < rates.birth_registration:
            self.event(person_id, "birth_registration", registered, area)
        if rng.random() < rates.childbearing_care:
            self.event(person_id, "childbearing_care", rng.randint(registered, last), area)
        pk = self.sink.new_id("maternal_pregnancy")
        delivery: tuple[str | int | None, ...]
        if delivered:
            discharged = delivered + rng.randint(1, 5)
            discharged_on = self.d(discharged) if discharged <= today else None
            outcome = "live_birth" if child or rng.random() < 0.98 else "multiple_live"
            delivery = ("delivered", self.d(delivered), discharged_on, "hospital",
                        rng.choice(HOSPITALS), outcome, child)  # fmt: skip
        else:
            delivery = ("open", None, None, "", "", "", None)
        self.sink.add(
            "maternal_pregnancy",
            (pk, self.stamp, self.stamp, person_id, self.d(registered), self.d(lmp), *delivery,
             None, "", "", area),
        )  # fmt: skip
        for point, day, late in visits:
            event = self.event(person_id, "maternal_health", day, area)
            self.sink.add(
                "maternal_antenatalvisit",
                (self.sink.new_id("maternal_antenatalvisit"), pk, self.d(day), (day - lmp) // 7,
                 point, late, event, area),
            )  # fmt: skip
        if delivered:
            anchor = discharged if discharged <= today else delivered
            self.postpartum(
                pk, person_id, area, "home_visit", anchor, HOME_VISIT, rates.home_visit,
                rates.made_up,
            )  # fmt: skip
            self.postpartum(
                pk, person_id, area, "check_42d", delivered, CHECK_42D, rates.check_42d,
                rates.made_up,
            )  # fmt: skip
            return discharged if discharged <= today else 0
        return 0

    def postpartum(
        self,
        pregnancy: int,
        person_id: int,
        area: str,
        kind: str,
        anchor: int,
        window: schedule.Window,
        rate: float,
        made_up: float,
    ) -> None:
        """A postpartum visit in its window with the rate's probability, else sometimes
        made up late (after the window, within postpartum care)."""
        rng, today = self.rng, self.today
        draw = rng.random()
        if draw < rate:
            day, late = rng.randint(anchor + window.start, anchor + window.end), 0
        elif draw < rate + (1 - rate) * made_up:
            day, late = rng.randint(anchor + window.end + 1, anchor + window.end + 14), 1
        else:
            return
        if day > today:
            return
        event = self.event(person_id, "maternal_health", day, area)
        self.sink.add(
            "maternal_postpartumvisit",
            (self.sink.new_id("maternal_postpartumvisit"), pregnancy, kind, self.d(day), 1, late,
             event, area),
        )  # fmt: skip

    # -- children ------------------------------------------------------------------------

    def child_checks(
        self, person_id: int, birth: int, area: str, rates: Rates, since: int, discharged: int = 0
    ) -> None:
        """The scheduled checks 0–6 due so far, each kept in its window with the rate's
        probability, else sometimes made up late before the next window opens. Checks
        before ``since`` (the arrival) were made elsewhere and are not on file."""
        rng, today = self.rng, self.today
        for index, (point, start, end) in enumerate(CHILD):
            anchor = (discharged or birth) if index == 0 else birth
            opens, closes = anchor + start, anchor + end
            if opens > today:
                break
            following = CHILD[index + 1][1] + birth - 1 if index + 1 < len(CHILD) else closes + 30
            draw = rng.random()
            if draw < rates.child_check:
                day, late = rng.randint(opens, min(closes, today)), 0
            elif draw < rates.child_check + (1 - rates.child_check) * rates.made_up:
                day, late = rng.randint(closes + 1, min(following, closes + 30)), 1
            else:
                continue
            if day < since or day > today:
                continue
            event = self.event(person_id, "child_health", day, area)
            self.sink.add(
                "maternal_childhealthcheck",
                (self.sink.new_id("maternal_childhealthcheck"), person_id, self.d(day), point, late,
                 event, area),
            )  # fmt: skip

    def school(self, person_id: int, birth: int, area: str, rates: Rates, since: int) -> None:
        """Enrolment for this school year (from 1 September), on arriving if later; no
        school is on file as a provider."""
        rng, today = self.rng, self.today
        if rng.random() >= rates.school:
            return
        day = max(self.c["term"] + rng.randint(0, 6), since + rng.randint(3, 20))
        if day <= today and day - birth >= 6 * 365:
            self.event(person_id, "school_enrolment", day, area, provider=None)

    # -- adults --------------------------------------------------------------------------

    def insurance(self, person_id: int, started: int, area: str, rates: Rates) -> None:
        """Social insurance of someone in work since ``started``, this year."""
        rng, today = self.rng, self.today
        if rng.random() >= rates.insurance or started > today:
            return
        schemes = SCHEMES if rng.random() < rates.employee_scheme else RESIDENT_SCHEMES
        day = rng.randint(max(started, today - 364), today)
        self.event(
            person_id, "social_insurance", day, area, provider=None,
            details=DETAILS[rng.choice(schemes)],
        )  # fmt: skip

    def elderly(self, person_id: int, area: str, rates: Rates, since: int) -> None:
        rng, today = self.rng, self.today
        if rng.random() < rates.elderly:
            self.event(
                person_id, "elderly_health", rng.randint(max(since, today - 364), today), area
            )

    def everyday(self, person_id: int, age: int, area: str, rates: Rates, since: int) -> None:
        """The services anyone living here may get: health education, festival care (after
        six months here), employment services (16–59), legal aid, and for a patient 35 or
        older the year's hypertension or diabetes follow-ups (4 if well managed, else 1–3;
        none from before ``since``, the arrival)."""
        rng, today = self.rng, self.today
        year_ago = max(since, today - 364)
        if rng.random() < rates.education:
            self.event(person_id, "health_education", rng.randint(year_ago, today), area)
        if today - since >= 183 and rng.random() < rates.festival_care:
            day = rng.randint(max(since + 183, today - 364), today)
            self.event(person_id, "festival_care", day, area, provider=None)
        if 16 <= age <= 59 and rng.random() < rates.employment:
            self.event(
                person_id, "employment_service", rng.randint(year_ago, today), area, provider=None
            )
        if age >= 18 and rng.random() < rates.legal_aid:
            day = rng.randint(max(since, today - 1000), today)
            self.event(person_id, "legal_aid", day, area, provider=None)
        if age >= 35 and rng.random() < rates.chronic * (0.5 if age < 50 else 1.5):
            details = rng.choice(FOLLOWUPS)
            times = 4 if rng.random() < rates.chronic_four else rng.randint(1, 3)
            for quarter in range(4 - times, 4):
                day = today - 364 + quarter * 91 + rng.randint(0, 80)
                if since <= day <= today:
                    self.event(person_id, "chronic_followup", day, area, details=details)


def school_term(as_of: dt.date) -> int:
    """The first day of the school year the date falls in (1 September), as an ordinal."""
    start = dt.date(as_of.year, 9, 1)
    return (start if start <= as_of else start.replace(year=as_of.year - 1)).toordinal()
