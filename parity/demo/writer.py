"""Turns planned groups and generated registered residents into rows for the ``Sink``:
people with sealed ID numbers, dwellings, households, residences, jobs, and the services
in their records (health records, vaccinations, campaign doses, certificates, residence
permits, home visits; the other services in ``parity.demo.care``)."""

from __future__ import annotations

import datetime as dt
import random

from parity.core.crypto import blind_indexer, seal_many
from parity.demo.care import FLOATING, CareWriter, Rates
from parity.demo.names import EMPLOYERS, FEMALE_GIVEN, MALE_GIVEN, OCCUPATIONS
from parity.demo.plan import G, P
from parity.demo.sink import Sink
from parity.people.idnumber import with_check_digit

LANDLORD = {"rented": "person", "dormitory": "organisation", "work_site": "organisation"}
HOUSING_LABEL = {"dormitory": "职工宿舍", "work_site": "项目工地"}
EDUCATION = ("primary", "junior", "junior", "junior", "senior", "senior", "college", "bachelor")
# Routine doses (2021 edition, the live JE and HepA series): vaccine, dose, age in days.
ROUTINE = (
    ("HepB", 1, 0), ("BCG", 1, 0), ("HepB", 2, 30), ("IPV", 1, 61), ("IPV", 2, 91),
    ("DTaP", 1, 91), ("bOPV", 3, 122), ("DTaP", 2, 122), ("DTaP", 3, 152), ("HepB", 3, 183),
    ("MPSV-A", 1, 183), ("MMR", 1, 244), ("JE-L", 1, 244), ("MPSV-A", 2, 274),
    ("DTaP", 4, 548), ("MMR", 2, 548), ("HepA-L", 1, 548), ("JE-L", 2, 730),
    ("MPSV-AC", 1, 1096), ("bOPV", 4, 1461), ("DT", 1, 2192), ("MPSV-AC", 2, 2192),
)  # fmt: skip


class Writer(CareWriter):
    def __init__(self, *, sink: Sink, rng: random.Random, context: dict) -> None:
        self.sink = sink
        self.rng = rng
        self.c = context  # ids looked up once: grids, sites, workers, service types, ...
        self.grids = context["grids"]  # list of (id, code)
        self.today: int = context["today"]
        self.stamp: str = context["stamp"]
        self.iso: dict[int, str] = {}
        self.bodies: dict[str, int] = {}
        self.pending: list[tuple] = []
        self.index = blind_indexer()
        self.addresses: dict[int, int] = {}
        self.shared: dict[tuple[int, str], int] = {}

    # -- helpers -------------------------------------------------------------------------

    def d(self, ordinal: int) -> str:
        value = self.iso.get(ordinal)
        if value is None:
            value = self.iso[ordinal] = dt.date.fromordinal(ordinal).isoformat()
        return value

    def name(self, sex: str, surname: str) -> str:
        given = MALE_GIVEN if sex == "M" else FEMALE_GIVEN
        rng = self.rng
        if rng.random() < 0.35:
            return surname + rng.choice(given)
        return surname + rng.choice(given) + rng.choice(given)

    def id_number(self, origin: str, birth: str, sex: str) -> str:
        body = origin + birth.replace("-", "")
        key = body + sex
        count = self.bodies.get(key, self.rng.randrange(60))
        self.bodies[key] = count + 1
        seq = (count % 500) * 2 + (1 if sex == "M" else 0)
        return with_check_digit(f"{body}{seq:03d}")

    def site(self, area: str) -> int:
        sites = self.c["sites"].get(area[:6]) or self.c["all_sites"]
        return sites[hash(area) % len(sites)]

    # -- people --------------------------------------------------------------------------

    def person(
        self,
        p: P,
        *,
        status: str,
        hukou: str,
        grid: tuple[int, str],
        arrived: int | None,
        left: int | None,
        outflow: tuple[str, int] | None = None,
    ) -> int:
        rng = self.rng
        pk = self.sink.new_id("people_person")
        birth = self.d(p.birth)
        number = self.id_number(hukou[:6], birth, p.sex)
        age = (self.today - p.birth) // 365
        phone = f"1{rng.choice('3578')}{rng.randrange(10**9):09d}" if age >= 18 else ""
        if status == "registered" and rng.random() < 0.8:
            phone = ""  # sealing costs: most registered residents are on file without one
        self.pending.append(
            (pk, number, phone, self.name(p.sex, p.surname), p.sex, birth,
             rng.choice(("01", "01", "01", "01", "01", "01", "01", "01", "02", "03")),
             rng.choice(EDUCATION) if age >= 16 else ("primary" if age >= 7 else ""),
             p.marital or "unmarried", hukou,
             rng.choice(("agricultural", "agricultural", "non_agricultural", "resident")),
             status, grid[1], grid[0], outflow[0] if outflow else "",
             self.d(outflow[1]) if outflow else None,
             self.d(arrived) if arrived else None, self.d(left) if left else None),
        )  # fmt: skip
        return pk

    def seal(self) -> None:
        """Seal the chunk's ID and phone numbers in one pass and hand the rows over."""
        if not self.pending:
            return
        numbers = seal_many([row[1] for row in self.pending])
        phones = iter(seal_many([row[2] for row in self.pending if row[2]]))
        index, stamp = self.index, self.stamp
        for row, sealed in zip(self.pending, numbers, strict=True):
            number, phone = row[1], row[2]
            if phone:
                phone_part = (next(phones), index(phone), f"{phone[:3]}****{phone[7:]}")
            else:
                phone_part = ("", "", "")
            self.sink.add(
                "people_person",
                (row[0], stamp, stamp, sealed, index(number), f"{number[:6]}********{number[14:]}",
                 *row[3:11], *phone_part, *row[11:]),
            )  # fmt: skip
        self.pending = []

    def flush_if_full(self) -> None:
        if self.sink.pending + len(self.pending) >= self.sink.flush_rows:
            self.seal()
            self.sink.flush()

    def close(self) -> None:
        self.seal()
        self.sink.close()

    # -- places --------------------------------------------------------------------------

    def dwelling(self, grid: tuple[int, str], housing: str, grid_name: str) -> tuple[int, str]:
        if housing in HOUSING_LABEL:
            key = (grid[0], housing)
            address = f"{grid_name}{HOUSING_LABEL[housing]}"
            if key in self.shared:
                return self.shared[key], address
        else:
            n = self.addresses.get(grid[0], 0) + 1
            self.addresses[grid[0]] = n
            address = (
                f"{grid_name[:4]}小区{(n - 1) // 24 + 1}号楼{(n - 1) % 24 // 6 + 1}单元"
                f"{(n - 1) % 6 + 1}0{n % 4 + 1}"
            )
        pk = self.sink.new_id("housing_dwelling")
        kind = LANDLORD.get(housing, "")
        if kind == "person":
            landlord = self.name(self.rng.choice("MF"), self.rng.choice("王李张刘陈杨赵"))
        elif kind:
            landlord = f"包头{self.rng.choice('东西南北新华兴')}{self.rng.choice(EMPLOYERS)}"
        else:
            landlord = ""
        self.sink.add(
            "housing_dwelling",
            (pk, self.stamp, self.stamp, address, grid[0], grid[1], housing,
             1 if housing in ("rented", "dormitory") else 0, kind, None, landlord, "", ""),
        )  # fmt: skip
        if housing in HOUSING_LABEL:
            self.shared[(grid[0], housing)] = pk
        return pk, address

    def household(self, members: list[tuple[int, str]], address: str, area: str) -> None:
        pk = self.sink.new_id("people_household")
        self.sink.add(
            "people_household", (pk, self.stamp, self.stamp, members[0][0], address, area)
        )
        for person_id, relation in members:
            self.sink.add(
                "people_householdmember",
                (self.sink.new_id("people_householdmember"), pk, person_id, relation),
            )

    def residence(self, person_id, dwelling, address, grid, arrived, left, housing, reason, to):
        self.sink.add(
            "people_residence",
            (self.sink.new_id("people_residence"), self.stamp, self.stamp, person_id, dwelling,
             address, grid[0], grid[1], self.d(arrived), self.d(left) if left else None, housing,
             reason, to),
        )  # fmt: skip

    def job(self, person_id: int, industry: str, started: int, area: str) -> None:
        self.sink.add(
            "people_employment",
            (self.sink.new_id("people_employment"), self.stamp, self.stamp, person_id, industry,
             OCCUPATIONS[industry], f"包头{self.rng.choice('东西南北新华兴')}"
             f"{self.rng.choice(EMPLOYERS)}", self.d(started), None, area),
        )  # fmt: skip

    # -- services ------------------------------------------------------------------------

    def vaccinations(self, person_id: int, birth: int, area: str, rates: Rates, since: int) -> None:
        """The routine doses due so far, most on time; some children stop early (and are
        overdue from then on). Doses before ``since`` were given elsewhere."""
        rng, vaccines = self.rng, self.c["vaccines"]
        stop = rng.randrange(len(ROUTINE)) if rng.random() < rates.vaccine_stop else len(ROUTINE)
        site = self.site(area)
        for number, (code, dose, age) in enumerate(ROUTINE):
            day = birth + age + rng.randrange(0, 10)
            if number >= stop or day > self.today - 3:
                break
            place = area if day >= since else ""
            event = self.event(person_id, "vaccination", day, place or area, site)
            self.sink.add(
                "immunization_vaccinationrecord",
                (self.sink.new_id("immunization_vaccinationrecord"), person_id, vaccines[code],
                 dose, self.d(day), site, None, None, event, area, None, self.stamp),
            )  # fmt: skip

    def campaign(self, person_id: int, area: str, vaccinated: bool) -> None:
        campaign, rounds = self.c["campaign"], self.c["rounds"]
        site = self.site(area)
        for round_id, start, end in rounds:
            self.sink.add(
                "immunization_campaigntarget",
                (self.sink.new_id("immunization_campaigntarget"), campaign, round_id, person_id,
                 area),
            )  # fmt: skip
            if vaccinated:
                day = self.rng.randint(start, end)
                event = self.event(person_id, "vaccination", day, area, site)
                self.sink.add(
                    "immunization_vaccinationrecord",
                    (self.sink.new_id("immunization_vaccinationrecord"), person_id,
                     self.c["vaccines"]["bOPV"], None, self.d(day), site, campaign, round_id,
                     event, area, None, self.stamp),
                )  # fmt: skip

    def woman(self, person_id: int, p: P, g: G, area: str, hukou: str) -> None:
        """Certificates and family-planning services of an inflow woman aged 18–49."""
        rng, today = self.rng, self.today
        if rng.random() < 0.88:
            issued = g.arrived - rng.randint(5, 200)
            checked = g.arrived + rng.randint(0, 45)
            checked_on = self.d(checked) if checked <= today else None
            self.sink.add(
                "certificates_marriagecertificate",
                (self.sink.new_id("certificates_marriagecertificate"), self.stamp, self.stamp,
                 person_id, hukou, f"HY{person_id:09d}", self.d(issued), rng.random() < 0.6 and 1
                 or 0, None, p.marital, 0, checked_on,
                 1 if checked_on and checked > g.arrived + 30 else 0,
                 "verified" if checked_on else "", None, area),
            )  # fmt: skip
        if p.marital == "married":
            self.family_planning(person_id, p.birth, area, FLOATING, g.arrived)

    def permit(self, person_id: int, arrived: int, area: str, basis: str) -> None:
        rng, today = self.rng, self.today
        # Mostly in the last year: no endorsements are on file, so an older permit lapsed.
        applied = rng.randint(max(arrived + 183, today - 420), today)
        apply_event = self.event(person_id, "residence_permit", applied, area)
        issued = applied + rng.randint(7, 30)
        if issued > today:
            status, issued_on, until, number, issue_event = "applied", None, None, "", None
        else:
            status, issued_on = "issued", self.d(issued)
            until = self.d(issued + 364)
            number = f"JZZ{area[:6]}{person_id:09d}"
            issue_event = self.event(person_id, "residence_permit", issued, area)
        self.sink.add(
            "certificates_residencepermit",
            (self.sink.new_id("certificates_residencepermit"), self.stamp, self.stamp, person_id,
             basis, self.d(applied), issued_on, until, number, status, apply_event, issue_event,
             area),
        )  # fmt: skip

    def visit(self, person_id: int, grid_id: int, area: str, day: int) -> None:
        self.sink.add(
            "services_visit",
            (self.sink.new_id("services_visit"), person_id, self.d(day),
             self.c["workers"].get(grid_id), self.rng.choice(("met", "met", "met", "family")),
             "", area, self.stamp),
        )  # fmt: skip
