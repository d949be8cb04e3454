"""Indicator definitions: validated before saving, every problem named; an
administrator's indicator is computed like a built-in one."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from parity.conftest import make_id
from parity.core.models import AuditEvent
from parity.indicators.actions import indicator_define, indicator_set_active, indicators_refresh
from parity.indicators.compute import refresh
from parity.indicators.definition import period_start, validate_definition
from parity.indicators.models import Indicator, IndicatorValue
from parity.indicators.selectors import people_behind
from parity.people.models import Person
from parity.services.actions import service_record
from parity.services.models import ServiceType

AS_OF = dt.date(2026, 6, 30)


def messages(error: ValidationError) -> dict[str, list[str]]:
    return {field: [str(m) for m in errors] for field, errors in error.message_dict.items()}


def problems_of(**definition) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        validate_definition(**{"denominator": {}, "numerator": {}, **definition})
    return messages(caught.value)


class TestValidation:
    def test_it_accepts_a_service_coverage(self, catalog):
        validate_definition(
            denominator={"service": "health_record"}, numerator={"service": "health_record"}
        )

    def test_it_names_an_unknown_key(self, catalog):
        errors = problems_of(denominator={"colour": "red"}, numerator={"service": "health_record"})
        assert any("colour" in m for m in errors["denominator"])

    def test_it_names_an_unknown_service(self, catalog):
        errors = problems_of(numerator={"service": "teleportation"})
        assert any("teleportation" in m for m in errors["numerator"])

    def test_it_checks_the_rule_keys_like_eligibility_rules(self, catalog):
        errors = problems_of(
            denominator={"age_min": 50, "age_max": 20, "sex": "X"},
            numerator={"service": "health_record"},
        )
        text = " ".join(errors["denominator"])
        assert "age_min" in text and "sex" in text

    def test_it_names_an_unknown_predicate_and_bad_parameters(self, catalog):
        errors = problems_of(
            denominator={"predicates": [{"name": "dose_due", "vaccine": "HepB"}]},
            numerator={
                "predicates": [{"name": "levitating"}, {"name": "visited_within", "days": 0}]
            },  # fmt: skip
        )
        assert any("dose" in m for m in errors["denominator"])
        assert any("levitating" in m for m in errors["numerator"])
        assert any("days" in m for m in errors["numerator"])

    def test_it_checks_the_event_clause(self, catalog):
        errors = problems_of(
            numerator={"event": {"service": "health_record", "min_count": -1, "when": 1}}
        )
        text = " ".join(errors["numerator"])
        assert "min_count" in text and "when" in text

    def test_it_refuses_an_empty_numerator(self, catalog):
        errors = problems_of(denominator={"age_min": 65})
        assert "numerator" in errors

    def test_it_refuses_unknown_dimensions_units_and_periods(self, catalog):
        errors = problems_of(
            numerator={"service": "health_record"}, dimensions=["shoe_size"], unit="cow",
            period="decade",
        )  # fmt: skip
        assert {"dimensions", "unit", "period"} <= set(errors)


def test_period_start_is_the_first_day_of_the_year_quarter_or_month():
    day = dt.date(2026, 8, 17)
    assert period_start("year", day) == dt.date(2026, 1, 1)
    assert period_start("quarter", day) == dt.date(2026, 7, 1)
    assert period_start("month", day) == dt.date(2026, 8, 1)


@pytest.fixture
def elderly(catalog, register, owner):
    """Three people of 65+ living in the owner's grid, two of them registered residents;
    one registered and the floating one had an elderly health check this year."""
    long_ago = dt.date(1990, 1, 1)
    floating = register(id_number=make_id("410102", "19500101", 11), arrived_on=long_ago)
    first = register(id_number=make_id("150203", "19520101", 12), arrived_on=long_ago)
    second = register(id_number=make_id("150203", "19540101", 13), arrived_on=long_ago)
    register(id_number=make_id("150203", "19900101", 14), arrived_on=long_ago)
    service = ServiceType.objects.get(code="elderly_health")
    for person in (floating, first):
        service_record(
            acting_user=owner, person=person, service_type=service, date=dt.date(2026, 3, 1)
        )
    return floating, first, second


@pytest.mark.django_db
class TestAnAdministratorsIndicator:
    def define(self, user, **extra):
        fields = {
            "code": "elderly_checked",
            "name": "老年人年内体检率",
            "category": "public_health",
            "denominator": {"age_min": 65},
            "numerator": {"event": {"service": "elderly_health"}},
            "dimensions": ["sex"],
            "in_index": True,
        }
        return indicator_define(acting_user=user, **{**fields, **extra})

    def test_it_is_computed_like_a_builtin_one(self, admin_user, elderly, areas):
        indicator = self.define(admin_user)
        snapshot = refresh(as_of=AS_OF, indicators=[indicator])
        value = IndicatorValue.objects.get(
            snapshot=snapshot, indicator=indicator, area_code="1502", dimension=""
        )
        assert (value.floating_num, value.floating_den) == (1, 1)
        assert (value.registered_num, value.registered_den) == (1, 2)
        grid = elderly[0].area_code
        assert IndicatorValue.objects.filter(snapshot=snapshot, area_code=grid, level=5).exists()

    def test_its_people_are_those_counted(self, admin_user, elderly, owner):
        indicator = self.define(admin_user)
        people = Person.objects.restrict(owner)
        missing = people_behind(indicator, AS_OF, people, side="registered", part="missing")
        assert list(missing) == [elderly[2]]
        counted = people_behind(indicator, AS_OF, people, side="all", part="denominator")
        assert set(counted) == set(elderly)

    def test_an_outsider_sees_nobody_behind_it(self, admin_user, elderly, outsider):
        indicator = self.define(admin_user)
        people = Person.objects.restrict(outsider)
        assert not people_behind(indicator, AS_OF, people, side="all").exists()

    def test_it_is_audited(self, admin_user, elderly):
        indicator = self.define(admin_user)
        assert AuditEvent.objects.filter(action="indicator.define", object_id=str(indicator.pk))

    def test_a_bad_definition_saves_nothing(self, admin_user, catalog):
        with pytest.raises(ValidationError):
            self.define(admin_user, numerator={"event": {"service": "nothing"}})
        assert not Indicator.objects.filter(code="elderly_checked").exists()

    def test_a_code_cannot_be_taken_twice(self, admin_user, catalog):
        self.define(admin_user)
        with pytest.raises(ValidationError) as caught:
            self.define(admin_user, name="again")
        assert "code" in caught.value.message_dict

    def test_only_an_administrator_may_define_or_switch_off(
        self, official, owner, admin_user, catalog
    ):
        for user in (official, owner):
            with pytest.raises(PermissionDenied):
                self.define(user)
        indicator = self.define(admin_user)
        with pytest.raises(PermissionDenied):
            indicator_set_active(acting_user=official, indicator=indicator, active=False)
        indicator_set_active(acting_user=admin_user, indicator=indicator, active=False)
        assert not Indicator.objects.active().filter(pk=indicator.pk).exists()


@pytest.mark.django_db
def test_only_city_wide_users_may_refresh(
    official, owner, admin_user, catalog, django_user_model, areas
):
    for user in (official, owner):  # the official of the fixtures is a district's
        with pytest.raises(PermissionDenied):
            indicators_refresh(acting_user=user, as_of=AS_OF)
    snapshot = indicators_refresh(acting_user=admin_user, as_of=AS_OF)
    assert snapshot.status == "done" and snapshot.started_by == admin_user
    assert AuditEvent.objects.filter(action="indicators.refresh", actor=admin_user).exists()


@pytest.mark.django_db
def test_a_city_administrator_who_is_not_a_superuser_may_define(django_user_model, areas, catalog):
    city_admin = django_user_model.objects.create_user(
        username="cityadmin", password="pw-123456789", role="admin", area=areas["1502"]
    )
    indicator = indicator_define(
        acting_user=city_admin, code="x", name="x", category="custom",
        denominator={"age_min": 65}, numerator={"service": "elderly_health"},
    )  # fmt: skip
    assert indicator.created_by == city_admin


@pytest.mark.django_db
def test_the_button_queues_the_refresh_for_the_worker_unless_told_otherwise(
    admin_user, official, catalog, settings
):
    from django_tasks.backends.database.management.commands.db_worker import Worker
    from django_tasks.backends.database.models import DBTaskResult
    from django_tasks.base import TaskResultStatus

    from parity.indicators import actions
    from parity.indicators.choices import RefreshStatus
    from parity.indicators.models import Snapshot

    settings.PARITY_REFRESH_INLINE = False
    assert actions.indicators_refresh_start(acting_user=admin_user, as_of=AS_OF) is None
    task = DBTaskResult.objects.get()
    assert task.task_path == "parity.indicators.tasks.refresh_indicators_task"
    assert task.args_kwargs == {"args": ["2026-06-30", "admin"], "kwargs": {}}
    assert AuditEvent.objects.filter(action="indicators.refresh_requested", actor=admin_user)
    assert not Snapshot.objects.exists()  # nothing computed inside the request
    # A second press while it waits queues nothing more; an official may not press it.
    assert actions.indicators_refresh_start(acting_user=admin_user, as_of=AS_OF) is None
    with pytest.raises(PermissionDenied):
        actions.indicators_refresh_start(acting_user=official, as_of=AS_OF)
    assert DBTaskResult.objects.count() == 1

    # The worker runs it: the refresh is done, recorded as the user's, and no longer pending.
    worker = Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test",
    )
    task.claim(worker.worker_id)
    worker.run_task(task)
    task.refresh_from_db()
    assert task.status == TaskResultStatus.SUCCEEDED
    assert Snapshot.objects.get(as_of=AS_OF).status == RefreshStatus.DONE
    assert AuditEvent.objects.filter(action="indicators.refresh", actor=admin_user).exists()
    assert not actions.refresh_pending()


@pytest.mark.django_db
def test_the_refresh_command_records_who_started_it(admin_user, catalog):
    import io

    from django.core.management import call_command

    call_command("refresh_indicators", as_of=AS_OF, by="admin", stdout=io.StringIO())
    assert AuditEvent.objects.filter(action="indicators.refresh", actor=admin_user).exists()


@pytest.mark.django_db
def test_old_computations_are_pruned_but_month_ends_kept(catalog, areas, register):
    from parity.indicators.models import AreaFigure, Snapshot

    register()
    for day in (dt.date(2026, 5, 31), dt.date(2026, 6, 10), dt.date(2026, 6, 16)):
        refresh(as_of=day)
    assert AreaFigure.objects.filter(snapshot__as_of=dt.date(2026, 6, 10)).exists()
    refresh(as_of=AS_OF)  # 2026-06-30: keeps seven days back and every month's end
    kept = set(Snapshot.objects.values_list("as_of", flat=True))
    assert kept == {dt.date(2026, 5, 31), dt.date(2026, 6, 30)}
    assert not AreaFigure.objects.filter(snapshot__as_of=dt.date(2026, 6, 10)).exists()
