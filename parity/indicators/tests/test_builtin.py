"""Each built-in indicator on a small generated city, checked against counts made here
independently: plain Python over the rows (no eligibility rule, no ``Q`` from the app),
for the city and for one district, floating and registered side by side."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable

import pytest
from dateutil.relativedelta import relativedelta
from django.core.management import call_command
from django.db import transaction

from parity.areas.models import Area
from parity.certificates.models import MarriageCertificate, PermitEndorsement, ResidencePermit
from parity.immunization.choices import ALTERNATIVE_SERIES
from parity.immunization.models import (
    CampaignRound,
    CampaignTarget,
    DoseDue,
    ScheduleDose,
    VaccinationRecord,
)
from parity.indicators.catalog import load_builtin
from parity.indicators.compute import refresh
from parity.indicators.models import Indicator, IndicatorValue
from parity.maternal.models import AntenatalVisit, PostpartumVisit, Pregnancy
from parity.people.models import Employment, Person, Residence
from parity.services.models import ServiceEvent, Visit

AS_OF = dt.date(2026, 6, 30)
YEAR_START = dt.date(2026, 1, 1)
SCALE = 0.002


@pytest.fixture(scope="module")
def city(django_db_setup, django_db_blocker):
    """One generated city for the module, computed once, rolled back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("demo", scale=SCALE, seed=11, as_of=AS_OF, verbosity=0)
        call_command("refresh_immunization", as_of=AS_OF.isoformat(), verbosity=0)
        load_builtin(AS_OF)
        snapshot = refresh(as_of=AS_OF)
        yield snapshot
        transaction.set_rollback(True)


# --- the rows, read once, judged in Python ----------------------------------------------


class People:
    def __init__(self) -> None:
        self.rows = list(
            Person.objects.values(
                "pk", "status", "sex", "birth_date", "marital_status", "area_code",
                "arrived_city_on", "left_city_on",
            )
        )  # fmt: skip
        self.events: dict[str, dict[int, list[dt.date]]] = defaultdict(lambda: defaultdict(list))
        delivered = ("completed", "referred")
        for pk, code, day, outcome in ServiceEvent.objects.values_list(
            "person_id", "service_type__code", "date", "outcome"
        ):
            if outcome in delivered and day <= AS_OF:
                self.events[code][pk].append(day)

    @staticmethod
    def age(row, on=AS_OF) -> int:
        return relativedelta(on, row["birth_date"]).years

    @staticmethod
    def living(row, on=AS_OF) -> bool:
        arrived, left = row["arrived_city_on"], row["left_city_on"]
        return (
            row["status"] in ("inflow", "registered")
            and arrived is not None
            and arrived <= on
            and (left is None or left > on)
        )

    def had(self, code: str, pk: int, within_days: int | None = None, count: int = 1) -> bool:
        days = self.events[code].get(pk, [])
        if within_days is not None:
            days = [d for d in days if d > AS_OF - dt.timedelta(days=within_days)]
        return len(days) >= count


def tally(rows, counted: Callable, served: Callable, area: str) -> tuple[int, int, int, int]:
    """(floating yes, floating all, registered yes, registered all) among rows in an area."""
    fn = fd = rn = rd = 0
    for row in rows:
        if not row["area_code"].startswith(area) or not counted(row):
            continue
        yes = served(row)
        if row["status"] == "registered":
            rd, rn = rd + 1, rn + yes
        else:
            fd, fn = fd + 1, fn + yes
    return fn, fd, rn, rd


def cached(snapshot, code: str, area: str) -> tuple[int, int, int, int]:
    value = IndicatorValue.objects.filter(
        snapshot=snapshot, indicator__code=code, area_code=area, dimension=""
    ).first()
    if value is None:
        return (0, 0, 0, 0)
    return (value.floating_num, value.floating_den, value.registered_num, value.registered_den)


def district_of_most_people() -> str:
    codes = Person.objects.values_list("area_code", flat=True)
    counts: dict[str, int] = defaultdict(int)
    for code in codes:
        counts[code[:6]] += 1
    return max(counts, key=counts.__getitem__)


def expected_by_indicator(people: People) -> dict[str, tuple[Callable, Callable]]:
    """(counted, served) per built-in indicator, in plain Python."""
    ev = people.had
    six_months_ago = AS_OF - relativedelta(months=6)
    jobs = defaultdict(list)
    for pk, started, ended in Employment.objects.values_list("person_id", "started_on", "ended_on"):
        jobs[pk].append((started, ended))

    def employed(pk):
        return any((s is None or s <= AS_OF) and (e is None or e > AS_OF) for s, e in jobs[pk])

    visits = defaultdict(list)
    for pk, day in Visit.objects.values_list("person_id", "visited_on"):
        visits[pk].append(day)
    overdue = set(DoseDue.objects.filter(overdue_on__lte=AS_OF).values_list("person_id", flat=True))
    certified = set(
        MarriageCertificate.objects.filter(issued_on__lte=AS_OF, checked_on__lte=AS_OF)
        .exclude(valid_until__lt=AS_OF)
        .values_list("person_id", flat=True)
    )
    permitted = set(
        ResidencePermit.objects.filter(
            status="issued", issued_on__lte=AS_OF, first_valid_until__gte=AS_OF
        ).values_list("person_id", flat=True)
    ) | set(
        PermitEndorsement.objects.filter(
            permit__status="issued", endorsed_on__lte=AS_OF, valid_until__gte=AS_OF
        ).values_list("permit__person_id", flat=True)
    )
    stable_homes = set(
        Residence.objects.filter(arrived_on__lte=AS_OF)
        .exclude(departed_on__lte=AS_OF)
        .filter(housing_type__in=("own", "rented", "relatives", "dormitory"))
        .values_list("person_id", flat=True)
    )

    def married_woman(low, high):
        return lambda r: (
            people.living(r) and r["sex"] == "F" and r["marital_status"] == "married"
            and low <= people.age(r) <= high
        )  # fmt: skip

    return {
        "health_record": (
            lambda r: people.living(r) and r["arrived_city_on"] <= six_months_ago,
            lambda r: ev("health_record", r["pk"]),
        ),
        "vaccination_up_to_date": (
            lambda r: people.living(r) and people.age(r) <= 6,
            lambda r: r["pk"] not in overdue,
        ),
        "pre_pregnancy_check": (
            married_woman(20, 49),
            lambda r: ev("pre_pregnancy_check", r["pk"]),
        ),
        "folic_acid": (married_woman(15, 49), lambda r: ev("folic_acid", r["pk"], 365)),
        "marriage_certificate": (
            lambda r: (
                people.living(r)
                and r["status"] == "inflow"
                and r["sex"] == "F"
                and 18 <= people.age(r) <= 49
            ),
            lambda r: r["pk"] in certified,
        ),  # fmt: skip
        "residence_permit": (
            lambda r: (
                people.living(r)
                and r["status"] == "inflow"
                and r["arrived_city_on"] <= six_months_ago
                and (employed(r["pk"]) or r["pk"] in stable_homes)
            ),
            lambda r: r["pk"] in permitted,
        ),  # fmt: skip
        "school_enrolment": (
            lambda r: people.living(r) and 6 <= people.age(r) <= 14,
            lambda r: ev("school_enrolment", r["pk"], 365),
        ),
        "social_insurance": (
            lambda r: people.living(r) and people.age(r) >= 16 and employed(r["pk"]),
            lambda r: ev("social_insurance", r["pk"], 365),
        ),
        "elderly_health": (
            lambda r: people.living(r) and people.age(r) >= 65,
            lambda r: ev("elderly_health", r["pk"], 365),
        ),
        "chronic_followup": (
            lambda r: people.living(r) and people.age(r) >= 35 and ev("chronic_followup", r["pk"]),
            lambda r: ev("chronic_followup", r["pk"], 365, count=4),
        ),
        "home_visits": (
            lambda r: people.living(r) and r["status"] == "inflow",
            lambda r: any(AS_OF - dt.timedelta(days=90) < d <= AS_OF for d in visits[r["pk"]]),
        ),
    }


@pytest.mark.django_db
def test_each_service_indicator_matches_an_independent_count(city):
    people = People()
    district = district_of_most_people()
    wrong = []
    checked = 0
    for code, (counted, served) in expected_by_indicator(people).items():
        for area in ("1502", district):
            expected = tally(people.rows, counted, served, area)
            got = cached(city, code, area)
            if got != expected:
                wrong.append(f"{code}@{area}: cached {got}, counted here {expected}")
            checked += expected[1] + expected[3] > 0
    assert not wrong, "\n".join(wrong)
    # The city gives most indicators people to count: the comparison is not vacuous.
    assert checked >= 16


@pytest.mark.django_db
def test_vaccination_coverage_by_dose_matches_the_records(city):
    people = People()
    received: dict[tuple[str, int | None], set[int]] = defaultdict(set)
    for pk, vaccine, series, dose, day in VaccinationRecord.objects.filter(
        dose__isnull=False
    ).values_list("person_id", "vaccine__code", "vaccine__series", "dose", "date"):
        if day <= AS_OF:
            received[(series if series in ALTERNATIVE_SERIES else vaccine, dose)].add(pk)
    doses = ScheduleDose.objects.filter(edition__effective_from__lte=AS_OF).select_related(
        "vaccine", "edition"
    )
    latest = max(d.edition.effective_from for d in doses)
    wrong, compared = [], 0
    for row in doses.filter(edition__effective_from=latest):
        code = f"dose-{row.vaccine.code.lower()}-{row.dose}"
        if not Indicator.objects.filter(code=code).exists():
            assert row.vaccine.series in ALTERNATIVE_SERIES and not row.vaccine.preferred
            continue
        if row.complete_before_months is not None:
            due_by = AS_OF - relativedelta(months=row.complete_before_months)
        else:
            months = row.min_age_months + row.edition.grace_months
            due_by = AS_OF - relativedelta(months=months, days=row.min_age_days)
        key = (row.vaccine.series if row.vaccine.series in ALTERNATIVE_SERIES else row.vaccine.code,
               row.dose)  # fmt: skip
        expected = tally(
            people.rows,
            lambda r, due_by=due_by: (
                people.living(r) and AS_OF - relativedelta(years=7) < r["birth_date"] <= due_by
            ),
            lambda r, key=key: r["pk"] in received[key],
            "1502",
        )
        got = cached(city, code, "1502")
        compared += expected[1] > 0
        if got != expected:
            wrong.append(f"{code}: cached {got}, counted here {expected}")
    assert not wrong, "\n".join(wrong)
    assert compared >= 10


@pytest.mark.django_db
def test_campaign_coverage_counts_the_latest_campaigns_target_list(city):
    people = People()
    latest = CampaignRound.objects.filter(start_on__lte=AS_OF).order_by("-start_on").first()
    assert latest is not None
    targets = set(
        CampaignTarget.objects.filter(campaign=latest.campaign).values_list("person_id", flat=True)
    )
    vaccinated = set(
        VaccinationRecord.objects.filter(campaign=latest.campaign, date__lte=AS_OF).values_list(
            "person_id", flat=True
        )
    )
    expected = tally(
        [r for r in people.rows if r["pk"] in targets], lambda r: True,
        lambda r: r["pk"] in vaccinated, "1502",
    )  # fmt: skip
    assert expected[1] > 0
    assert cached(city, "campaign_coverage", "1502") == expected


@pytest.mark.django_db
def test_maternal_indicators_count_women_who_gave_birth_this_year(city):
    people = People()
    births = Pregnancy.objects.filter(delivered_on__gte=YEAR_START, delivered_on__lte=AS_OF)
    mothers: dict[int, list[int]] = defaultdict(list)
    for pk, person in births.values_list("pk", "person_id"):
        mothers[person].append(pk)
    early = set(
        AntenatalVisit.objects.filter(gestational_week__lt=13).values_list("pregnancy", flat=True)
    )
    visits: dict[int, int] = defaultdict(int)
    for pregnancy in AntenatalVisit.objects.values_list("pregnancy", flat=True):
        visits[pregnancy] += 1
    visited = set(
        PostpartumVisit.objects.filter(kind="home_visit", completed=True, late=False).values_list(
            "pregnancy", flat=True
        )
    )
    rules = {
        "antenatal_early": lambda r: any(p in early for p in mothers[r["pk"]]),
        "antenatal_five": lambda r: any(visits[p] >= 5 for p in mothers[r["pk"]]),
        "postpartum_visit": lambda r: any(p in visited for p in mothers[r["pk"]]),
    }
    for code, served in rules.items():
        expected = tally(
            people.rows,
            lambda r: r["sex"] == "F" and people.living(r) and r["pk"] in mothers,
            served,
            "1502",
        )
        assert cached(city, code, "1502") == expected, code
        # The demo city has births of both kinds this year: the comparison is not vacuous.
        assert expected[1] > 0 and expected[3] > 0, code


@pytest.mark.django_db
def test_the_city_floating_totals_are_the_sum_of_its_districts(city):
    """Roll-ups: for each indicator, the districts' floating totals add up to the city's
    exactly. The registered totals are at most the city's: outflow people may be managed at
    the city node itself, outside any district."""
    compared = 0
    for indicator in Indicator.objects.filter(unit="person"):
        values = IndicatorValue.objects.filter(snapshot=city, indicator=indicator, dimension="")
        city_row = values.filter(area_code="1502").first()
        districts = values.filter(level=2)
        if city_row is None:
            assert not districts.exists()
            continue
        for field in ("floating_num", "floating_den"):
            total = sum(getattr(v, field) for v in districts)
            assert total == getattr(city_row, field), (indicator.code, field)
        for field in ("registered_num", "registered_den"):
            total = sum(getattr(v, field) for v in districts)
            assert total <= getattr(city_row, field), (indicator.code, field)
        grids = values.filter(level=5)
        assert sum(v.floating_den for v in grids) == city_row.floating_den, indicator.code
        compared += city_row.floating_den > 0
    # Most indicators count someone in the demo city: the comparison is not vacuous.
    assert compared >= 10


@pytest.mark.django_db
def test_breakdowns_add_up_to_the_total_for_districts_and_the_city(city):
    indicator = Indicator.objects.get(code="health_record")
    total = IndicatorValue.objects.get(
        snapshot=city, indicator=indicator, area_code="1502", dimension=""
    )
    for dimension in indicator.dimensions:
        rows = IndicatorValue.objects.filter(
            snapshot=city, indicator=indicator, area_code="1502", dimension=dimension
        )
        assert rows.count() > 1, dimension
        assert sum(r.floating_den for r in rows) == total.floating_den, dimension
        assert sum(r.registered_num for r in rows) == total.registered_num, dimension
    assert not IndicatorValue.objects.filter(snapshot=city, level__gte=3).exclude(dimension="")


@pytest.mark.django_db
def test_platform_use_counts_grids_written_to_in_the_last_30_days(city):
    from django.utils import timezone

    start = timezone.make_aware(dt.datetime.combine(AS_OF - dt.timedelta(days=29), dt.time.min))
    end = timezone.make_aware(dt.datetime.combine(AS_OF + dt.timedelta(days=1), dt.time.min))
    written = set()
    for model, stamp in ((Person, "updated_at"), (Residence, "updated_at"),
                         (ServiceEvent, "created_at"), (Visit, "created_at")):  # fmt: skip
        for code, at in model.objects.values_list("area_code", stamp):
            if start <= at < end:
                written.add(code)
    grids = set(Area.objects.filter(level=5).values_list("code", flat=True))
    fn, fd, rn, rd = cached(city, "platform_use", "1502")
    assert (fn, fd, rn, rd) == (len(grids & written), len(grids), 0, 0)


@pytest.mark.django_db
def test_the_dashboard_figures_agree_with_the_report(city):
    """The cached population figures of the city and a district are the report's own
    (``reports.figures``), computed there by separate queries."""
    from parity.indicators.selectors import figures as cached_figures
    from parity.reports.figures import figures as report_figures

    for area in ("1502", district_of_most_people()):
        report = report_figures(as_of=AS_OF, area=area)
        got = cached_figures(city, area)

        def total(name: str, got=got) -> int:
            return got.get(name, {}).get("", 0)

        assert total("floating") == report.floating, area
        assert total("inflow") == report.inflow
        assert total("outflow") == report.outflow
        assert total("married_women") == report.married_women
        assert total("pregnant") == report.pregnant
        assert total("no_certificate") == report.no_certificate
        assert total("employed") == report.employed
        assert total("service_industry") == report.employed_service
        stay = got["stay"]
        assert (stay.get("under_6m", 0), stay.get("6m_to_5y", 0), stay.get("over_5y", 0)) == (
            report.stay_under_6m, report.stay_6m_to_5y, report.stay_over_5y,
        )  # fmt: skip
        assert got["housing"].get("rented", 0) == report.rented
        assert sorted(got["origin"].items()) == sorted(report.province_counts)
        assert sum(got["industry"].values()) >= total("employed")


@pytest.mark.django_db
def test_the_dashboard_trend_and_registered_figures_count_the_people(city):
    """The arrivals (floating people by month of arriving) and departures (inflow people
    by month of leaving) of the last twelve months, and the registered residents living
    here, as cached for the city and a district: counted here person by person."""
    from parity.indicators.selectors import figures as cached_figures

    since = AS_OF.replace(day=1) - relativedelta(months=11)
    rows = list(Person.objects.values("status", "area_code", "arrived_city_on", "left_city_on"))
    assert any(r["status"] == "inflow" and r["left_city_on"] for r in rows), "no departures"
    for area in ("1502", district_of_most_people()):
        arrivals: dict[str, int] = defaultdict(int)
        departures: dict[str, int] = defaultdict(int)
        registered = 0
        for r in rows:
            if not r["area_code"].startswith(area):
                continue
            came, left = r["arrived_city_on"], r["left_city_on"]
            if r["status"] in ("inflow", "outflow") and came and since <= came <= AS_OF:
                arrivals[f"{came:%Y-%m}"] += 1
            if r["status"] == "inflow" and left and since <= left <= AS_OF:
                departures[f"{left:%Y-%m}"] += 1
            here = came is not None and came <= AS_OF and (left is None or left > AS_OF)
            registered += r["status"] == "registered" and here
        got = cached_figures(city, area)
        assert got["arrivals"] == dict(arrivals), area
        assert got.get("departures", {}) == dict(departures), area
        assert got["registered"][""] == registered, area
