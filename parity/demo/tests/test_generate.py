"""The demo city at a small scale: its records carry the report's proportions, counted here
independently with plain ORM queries."""

from __future__ import annotations

import datetime as dt

import pytest
from dateutil.relativedelta import relativedelta
from django.core.management import call_command
from django.db import transaction
from django.db.models import Q

from parity.accounts.choices import HEALTH_SITE_KINDS, Role
from parity.accounts.models import Department, User
from parity.areas.models import Area
from parity.certificates.models import MarriageCertificate
from parity.demo.generate import year_targets_set
from parity.demo.targets import YEAR_TARGETS, Targets
from parity.immunization.models import Campaign, CampaignTarget, VaccinationRecord
from parity.indicators.actions import indicators_refresh
from parity.indicators.assessment.selectors import assessment
from parity.indicators.models import Target
from parity.people.choices import SERVICE_INDUSTRIES
from parity.people.models import Employment, Person, Residence
from parity.services.models import ProviderStaff, ServiceEvent

SCALE = 0.002
AS_OF = dt.date(2025, 6, 30)


def run(**extra):
    call_command("demo", scale=SCALE, seed=7, as_of=AS_OF, verbosity=0, **extra)


def floating_on(day: dt.date):
    inflow = Person.objects.filter(status="inflow", arrived_city_on__lte=day).filter(
        Q(left_city_on__isnull=True) | Q(left_city_on__gt=day)
    )
    outflow = Person.objects.filter(status="outflow", outflow_since__lte=day)
    return inflow, outflow


@pytest.fixture(scope="module")
def city(django_db_setup, django_db_blocker):
    """One city for the module, rolled back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        run()
        yield Targets.for_scale(SCALE)
        transaction.set_rollback(True)


@pytest.mark.django_db
class TestProportions:
    def test_it_has_the_inflow_outflow_and_registered_counts(self, city):
        inflow, outflow = floating_on(AS_OF)
        assert inflow.count() == city.inflow == 1040
        assert outflow.count() == city.outflow == 160
        assert Person.objects.filter(status="registered").count() == city.registered

    def test_the_floating_population_grew_eightfold_in_ten_years(self, city):
        now = sum(q.count() for q in floating_on(AS_OF))
        then = sum(q.count() for q in floating_on(AS_OF - relativedelta(years=10)))
        assert now == 1200
        assert then == 150

    def test_45_percent_come_from_outside_the_province(self, city):
        inflow, outflow = floating_on(AS_OF)
        outside = inflow.exclude(hukou_code__startswith="15").count()
        assert outside == round(0.45 * 1200)
        regions = {h[:2] for h in inflow.values_list("hukou_code", flat=True)}
        assert len(regions) == 32

    def test_length_of_stay_is_30_47_23(self, city):
        inflow, _outflow = floating_on(AS_OF)
        under = inflow.filter(arrived_city_on__gt=AS_OF - relativedelta(months=6)).count()
        over = inflow.filter(arrived_city_on__lt=AS_OF - relativedelta(years=5)).count()
        assert (under, 1040 - under - over, over) == (312, 489, 239)

    def test_60_percent_of_the_floating_population_rent(self, city):
        inflow, _outflow = floating_on(AS_OF)
        rented = Residence.objects.filter(
            person__in=inflow, departed_on__isnull=True, housing_type="rented"
        ).count()
        assert rented == 720

    def test_70_percent_of_working_migrants_work_in_services(self, city):
        inflow, _outflow = floating_on(AS_OF)
        jobs = Employment.objects.filter(person__in=inflow, ended_on__isnull=True)
        service = jobs.filter(industry__in=SERVICE_INDUSTRIES).count()
        assert abs(service / jobs.count() - 0.70) < 0.005

    def test_it_has_the_married_women_of_childbearing_age(self, city):
        inflow, outflow = floating_on(AS_OF)
        women = Q(
            sex="F",
            marital_status="married",
            birth_date__gt=AS_OF - relativedelta(years=50),
            birth_date__lte=AS_OF - relativedelta(years=15),
        )
        assert inflow.filter(women).count() + outflow.filter(women).count() == 296

    def test_the_campaign_has_its_targets_and_vaccinated_children(self, city):
        campaign = Campaign.objects.get()
        children = CampaignTarget.objects.filter(campaign=campaign)
        assert children.values("person").distinct().count() == 91
        vaccinated = VaccinationRecord.objects.filter(campaign=campaign)
        assert vaccinated.values("person").distinct().count() == 89

    def test_the_campaign_coverage_selector_gives_the_same_rate(self, city):
        from parity.immunization.selectors import campaign_coverage

        _rows, total = campaign_coverage(Campaign.objects.get())
        # Both rounds list every child and the same children are vaccinated in each.
        assert (total.targets, total.vaccinated) == (2 * 91, 2 * 89)
        assert total.vaccinated / total.targets == 89 / 91

    def test_it_has_sites_assistants_and_grid_workers(self, city):
        assert Department.objects.filter(kind__in=HEALTH_SITE_KINDS).count() == 1
        staff = ProviderStaff.objects.filter(role="health_supervision_assistant")
        assert staff.count() == 1
        communities = Area.objects.filter(level=4).count()
        workers = User.objects.filter(role=Role.GRID_WORKER).count()
        assert workers >= communities + round(1200 / 500)

    def test_it_has_the_health_records(self, city):
        records = ServiceEvent.objects.filter(
            service_type__code="health_record", outcome="completed"
        )
        assert records.values("person").distinct().count() == 4040
        inflow, outflow = floating_on(AS_OF)
        floating = records.filter(Q(person__in=inflow) | Q(person__in=outflow))
        assert floating.values("person").distinct().count() == 740

    def test_its_certificate_checks_have_an_outcome(self, city):
        # The rows go in with COPY, past the model's default: the outcome is written.
        certificates = MarriageCertificate.objects.all()
        assert certificates.filter(checked_on__isnull=False).exists()
        assert not certificates.filter(checked_on__isnull=False, check_outcome="").exists()
        assert not certificates.filter(checked_on__isnull=True).exclude(check_outcome="").exists()

    def test_id_numbers_are_valid_with_real_origin_codes_and_consistent_birth_dates(self, city):
        from parity.demo.origins import HONG_KONG, counties_by_province
        from parity.people.idnumber import parse

        counties = {c for codes in counties_by_province().values() for c in codes}
        for person in Person.objects.order_by("?")[:300]:
            parsed = parse(person.id_number, today=AS_OF)
            assert parsed.birth_date == person.birth_date
            assert parsed.sex == person.sex
            assert parsed.address_code in counties or parsed.address_code == HONG_KONG


@pytest.mark.django_db
class TestAssessment:
    def test_the_city_and_every_district_are_scored_and_ranked_on_the_year_s_targets(
        self, city, admin_user
    ):
        """Issue 13: the assessment page of the demo city was empty (every row 未设目标)."""
        indicators_refresh(acting_user=admin_user, as_of=AS_OF)
        result = assessment(AS_OF.year, Area.objects.get(code="1502"))
        assert result.own.total == len(YEAR_TARGETS)
        assert result.own.score is not None
        districts = Area.objects.filter(level=2).count()
        assert len(result.ranking) == districts
        assert all(item.score is not None and item.rank for item in result.ranking)
        assert len({item.score for item in result.ranking}) > 1

    def test_targets_already_set_are_kept_when_the_demo_sets_its_own(self, city, admin_user):
        target = Target.objects.filter(year=AS_OF.year).first()
        assert target is not None
        Target.objects.filter(pk=target.pk).update(value=50)
        assert year_targets_set(acting_user=None, year=AS_OF.year, on=AS_OF) == 0
        target.refresh_from_db()
        assert target.value == 50
