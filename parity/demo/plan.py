"""The floating population of the demo city, planned in memory before anything is
written, so that each headline proportion can be met exactly (by people, not by groups).

**Floating population on a date D** (the definition the generator makes true and the
report must use): inflow people (status ``inflow``) with ``arrived_city_on ≤ D`` and
(``left_city_on`` empty or ``left_city_on > D``), plus outflow people (status
``outflow``) with ``outflow_since ≤ D``. On the as-of date this gives ``inflow + outflow``;
on as-of − 10 years (``relativedelta(years=10)``) exactly one eighth of it (rounded).
People who came and left in between keep status ``inflow`` with ``left_city_on`` set and
their residence closed: they are not counted on the as-of date.

Other definitions used here, all on the as-of date and over the floating population so
defined: length of stay by ``parity.people.models.stay_class(arrived_city_on, as_of)``;
rented = open residence with ``housing_type = rented``; service industries = an open
employment (``ended_on`` empty) in sections F–T, over the floating people with an open
employment; married women of childbearing age = ``sex = F``, ``marital_status = married``,
aged 15–49 in completed years (``birth_date`` in (as_of − 50 years, as_of − 15 years]);
outside the province = ``hukou_code`` not starting with the province's two digits.
"""

from __future__ import annotations

import datetime as dt
import random

from dateutil.relativedelta import relativedelta

from parity.demo.names import OTHER_INDUSTRIES, SURNAMES
from parity.demo.origins import HONG_KONG, counties_by_province, home_province_counties
from parity.demo.targets import Targets
from parity.people.choices import HousingType, MaritalStatus, Relation, Status

SEGMENTS = ("u6", "m", "o5", "o10", "leaver_d0", "churn", "outflow_d0", "outflow")


class P:
    """A person being planned (a plain object: hundreds of thousands of them)."""

    __slots__ = (
        "sex",
        "birth",
        "relation",
        "marital",
        "industry",
        "record_on",
        "target",
        "vaccinated",
        "surname",
    )

    def __init__(self, sex: str, birth: int, relation: str, surname: str) -> None:
        self.sex = sex
        self.birth = birth  # ordinal
        self.relation = relation
        self.marital = MaritalStatus.MARRIED.value if relation != Relation.CHILD else ""
        self.industry = ""
        self.record_on = 0  # ordinal of the health record, 0 = none
        self.target = False
        self.vaccinated = False
        self.surname = surname


class G:
    """A group that moved together: one dwelling, one arrival (and departure) date."""

    __slots__ = ("segment", "members", "grid", "arrived", "left", "hukou", "housing", "status")

    def __init__(self, segment: str, members: list[P], arrived: int, left: int) -> None:
        self.segment = segment
        self.members = members
        self.arrived = arrived  # ordinal; for outflow, outflow_since
        self.left = left  # ordinal, 0 = still here
        self.grid = 0  # index into the grid list
        self.hukou = ""
        self.housing = ""
        self.status = Status.OUTFLOW.value if segment.startswith("outflow") else "inflow"

    @property
    def here_today(self) -> bool:
        return self.status == "inflow" and not self.left


def _o(day: dt.date) -> int:
    return day.toordinal()


class Planner:
    def __init__(self, targets: Targets, as_of: dt.date, rng: random.Random, grids: int) -> None:
        self.t = targets
        self.rng = rng
        self.grids = grids
        self.today = _o(as_of)
        self.d0 = _o(as_of - relativedelta(years=10))
        self.m6 = _o(as_of - relativedelta(months=6))
        self.y5 = _o(as_of - relativedelta(years=5))
        self.adult15 = _o(as_of - relativedelta(years=15))
        self.adult50 = _o(as_of - relativedelta(years=50))
        self.round1 = self.today - 300

    # -- windows -------------------------------------------------------------------------

    def windows(self) -> list[tuple[str, int, int, int]]:
        """(segment, people, first arrival, last arrival) for each segment."""
        t, today, d0 = self.t, self.today, self.d0
        return [
            ("u6", t.stay_under_6m, self.m6 + 1, today),
            ("m", t.stay_6m_5y, self.y5, self.m6),
            ("o5", t.stay_over_5y - t.inflow_before_d0, d0 + 1, self.y5 - 1),
            ("o10", t.inflow_before_d0, d0 - 3650, d0),
            ("leaver_d0", t.leavers_d0, d0 - 2900, d0),
            ("churn", t.churn, d0 + 1, today - 1),
            ("outflow_d0", t.outflow_before_d0, d0 - 1800, d0),
            ("outflow", t.outflow - t.outflow_before_d0, d0 + 1, today),
        ]

    def plan(self) -> list[G]:
        groups: list[G] = []
        for segment, people, first, last in self.windows():
            total = 0
            while total < people:
                arrived = self.rng.randint(first, last)
                if segment.startswith("outflow"):
                    group = G(segment, [self.single(arrived)], arrived, 0)
                else:
                    left = 0
                    if segment == "leaver_d0":
                        left = self.rng.randint(self.d0 + 1, self.today)
                    elif segment == "churn":
                        left = self.rng.randint(arrived + 1, self.today)
                    family = self.rng.random() < 0.5
                    members = self.family(arrived) if family else [self.single(arrived)]
                    group = G(segment, members, arrived, left)
                group.members = group.members[: people - total]
                group.grid = self.rng.randrange(self.grids)
                total += len(group.members)
                groups.append(group)
        self.origins(groups)
        self.housing(groups)
        self.marriage(groups)
        self.jobs(groups)
        self.records(groups)
        self.campaign(groups)
        return groups

    # -- people --------------------------------------------------------------------------

    def surname(self) -> str:

        return self.rng.choice(SURNAMES)

    def single(self, arrived: int) -> P:
        rng = self.rng
        sex = "M" if rng.random() < 0.56 else "F"
        birth = arrived - rng.randint(17 * 365, 52 * 365)
        person = P(sex, birth, Relation.HEAD.value, self.surname())
        person.marital = rng.choice(("unmarried", "unmarried", "married", "divorced"))
        return person

    def family(self, arrived: int) -> list[P]:
        rng = self.rng
        head_sex = "M" if rng.random() < 0.8 else "F"
        head_birth = arrived - rng.randint(21 * 365, 45 * 365)
        surname = self.surname()
        head = P(head_sex, head_birth, Relation.HEAD.value, surname)
        spouse_birth = min(
            head_birth + rng.randint(-1200, 1500), arrived - rng.randint(20 * 365, 24 * 365)
        )
        spouse = P("F" if head_sex == "M" else "M", spouse_birth, "spouse", self.surname())
        members = [head, spouse]
        eldest = max(head_birth, spouse_birth) + 20 * 365
        for _ in range(rng.choice((0, 1, 1, 2, 2, 2))):
            low = max(eldest, arrived - 17 * 365)
            if low > arrived:
                break
            if rng.random() < 0.85:
                low = max(low, arrived - 3 * 365)
            child = P(rng.choice("MF"), rng.randint(low, arrived), Relation.CHILD.value, surname)
            child.marital = MaritalStatus.UNMARRIED.value
            members.append(child)
        return members

    # -- exact shares ----------------------------------------------------------------------

    def _fill(self, groups: list[G], quota: int) -> list[G]:
        """Groups whose sizes add up to ``quota`` exactly (singles fill the last gap)."""
        chosen, total = [], 0
        order = list(groups)
        self.rng.shuffle(order)
        for group in order:
            if total + len(group.members) <= quota:
                chosen.append(group)
                total += len(group.members)
                if total == quota:
                    break
        return chosen

    def origins(self, groups: list[G]) -> None:
        rng = self.rng
        provinces = counties_by_province()
        outside_codes = [p for p in provinces if p not in ("15", "71", "81", "82")]
        home = home_province_counties()
        inflow_today = [g for g in groups if g.here_today]
        outside = set(map(id, self._fill(inflow_today, self.t.outside)))
        # Every other province at least once, then Hong Kong: 32 regions with home.
        cycle = [*outside_codes, "81"]
        n = 0
        for group in inflow_today:
            if id(group) in outside:
                province = cycle[n] if n < len(cycle) else rng.choice(outside_codes)
                n += 1
                group.hukou = HONG_KONG if province == "81" else rng.choice(provinces[province])
            else:
                group.hukou = rng.choice(home)
        for group in groups:
            if group.hukou:
                continue
            if group.status == Status.OUTFLOW:
                group.hukou = ""  # registered here: set from the grid's district
            elif rng.random() < 0.5:
                group.hukou = rng.choice(provinces[rng.choice(outside_codes)])
            else:
                group.hukou = rng.choice(home)

    def housing(self, groups: list[G]) -> None:
        rng = self.rng
        inflow_today = [g for g in groups if g.here_today]
        rented = set(map(id, self._fill(inflow_today, self.t.rented)))
        for group in groups:
            if group.status == Status.OUTFLOW:
                continue
            if id(group) in rented or (not group.here_today and rng.random() < 0.6):
                group.housing = HousingType.RENTED.value
            elif len(group.members) > 1:
                group.housing = rng.choice(("own", "own", "other"))
            else:
                group.housing = rng.choice(("dormitory", "dormitory", "work_site", "own", "other"))

    def floating_today(self, groups: list[G]) -> list[tuple[G, P]]:
        return [
            (g, p) for g in groups if g.here_today or g.status == Status.OUTFLOW for p in g.members
        ]

    def marriage(self, groups: list[G]) -> None:
        """Spouses are married; single women aged 15–49 fill the rest of the quota."""
        fertile = [
            (g, p)
            for g, p in self.floating_today(groups)
            if p.sex == "F" and self.adult50 < p.birth <= self.adult15
        ]
        married = sum(1 for _g, p in fertile if p.relation != Relation.CHILD and p.marital)
        fixed = [p for _g, p in fertile if p.relation == "spouse" or len(_g.members) > 1]
        free = [p for _g, p in fertile if not (p.relation == "spouse" or len(_g.members) > 1)]
        married = sum(1 for p in fixed if p.marital == "married")
        wanted = self.t.married_women - married
        if wanted < 0 or wanted > len(free):
            raise RuntimeError(
                f"married women: {married} in families, {len(free)} free, want "
                f"{self.t.married_women}"
            )
        self.rng.shuffle(free)
        for index, person in enumerate(free):
            person.marital = (
                "married" if index < wanted else self.rng.choice(("unmarried", "divorced"))
            )

    def jobs(self, groups: list[G]) -> None:

        rng = self.rng
        employed = [
            p
            for g, p in self.floating_today(groups)
            if g.status == "inflow"
            and self.today - 60 * 365 < p.birth <= self.today - 18 * 365
            and rng.random() < 0.8
        ]
        rng.shuffle(employed)
        service = round(len(employed) * 0.70)
        services = "FGHIJKLMNOPQRS"
        for index, person in enumerate(employed):
            person.industry = (
                rng.choice(services) if index < service else rng.choice(OTHER_INDUSTRIES)
            )

    def records(self, groups: list[G]) -> None:
        """Health records of the floating population: most outflow people had one made
        before they left; a third of the newest arrivals got one at their first contact
        with a health site; the rest go to people here six months or more, fewer of whom
        have one than registered residents (``Targets.for_scale``)."""
        rng, today = self.rng, self.today
        here = [g for g in groups if g.here_today]
        settled = [(g, p) for g in here if g.arrived <= self.m6 for p in g.members]
        rng.shuffle(settled)
        # Every grid (so every district) its share within one person: by chance alone a
        # small district's settled migrants came out ahead of its registered residents.
        settled.sort(key=lambda pair: pair[0].grid)
        wanted, total = self.t.records_inflow, len(settled)
        for index, (group, person) in enumerate(settled):
            if (index + 1) * wanted // total > index * wanted // total:
                person.record_on = rng.randint(min(group.arrived + 183, today), today)
        new = [(g, p) for g in here if g.arrived > self.m6 for p in g.members]
        rng.shuffle(new)
        for group, person in new[: self.t.records_new]:
            person.record_on = rng.randint(group.arrived, today)
        gone = [(g, p) for g in groups if g.status == Status.OUTFLOW for p in g.members]
        rng.shuffle(gone)
        for group, person in gone[: self.t.records_outflow]:
            person.record_on = rng.randint(group.arrived - 1800, group.arrived - 1)

    def campaign(self, groups: list[G]) -> None:
        """Inflow children here on round 1's first day and under 60 months old then."""
        young = self.round1 - 1826
        pool = [
            p
            for g in groups
            if g.here_today and g.arrived <= self.round1
            for p in g.members
            if young < p.birth <= self.round1
        ]
        if len(pool) < self.t.campaign_targets:
            raise RuntimeError(f"campaign: {len(pool)} children, want {self.t.campaign_targets}")
        self.rng.shuffle(pool)
        for index, child in enumerate(pool[: self.t.campaign_targets]):
            child.target = True
            child.vaccinated = index < self.t.campaign_vaccinated
