"""Setting and deleting targets: only inside the user's assessment scope, validated, and
audited with the values before and after."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from parity.core.models import AuditEvent
from parity.indicators.assessment.actions import target_delete, target_set
from parity.indicators.error_codes import IndicatorErrorCode
from parity.indicators.models import Target
from parity.indicators.tests.assessment_data import (
    CITY,
    KUNDULUN,
    QINGSHAN,
    STREET,
    YEAR,
    make_indicator,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def indicator(db):
    return make_indicator("vaccination")


def test_a_district_official_sets_targets_for_the_district_and_inside_it(
    areas, official, indicator
):
    # When
    district = target_set(
        acting_user=official, year=YEAR, area=areas[KUNDULUN], indicator=indicator, value=95
    )
    street = target_set(
        acting_user=official, year=YEAR, area=areas[STREET], indicator=indicator,
        value="90.5", measure="ratio", weight=2, note="街道",
    )  # fmt: skip
    # Then
    assert (district.value, district.measure, district.weight) == (
        Decimal("95.00"),
        "floating_rate",
        Decimal("1.00"),
    )
    assert (street.value, street.weight, street.note) == (Decimal("90.50"), Decimal(2), "街道")
    assert district.updated_by == official
    event = AuditEvent.objects.get(action="target.set", object_id=str(district.pk))
    assert event.actor == official and event.area_code == KUNDULUN
    assert event.before is None
    assert event.after is not None
    assert event.after["value"] == "95.00" and event.after["indicator_id"] == indicator.pk


@pytest.mark.parametrize("code", [QINGSHAN, CITY, "150204001"])
def test_a_district_official_cannot_set_a_target_outside_the_district(
    areas, official, indicator, code
):
    with pytest.raises(PermissionDenied):
        target_set(acting_user=official, year=YEAR, area=areas[code], indicator=indicator, value=90)
    assert not Target.objects.exists()
    assert not AuditEvent.objects.filter(action="target.set").exists()


def test_an_outsider_or_a_colleague_without_the_assessment_right_sets_nothing(
    areas, outsider, colleague, indicator
):
    # The outsider is a grid worker; the colleague a community officer: neither assesses,
    # not even their own area.
    for user, code in ((outsider, "150204001001001"), (colleague, "150203001001")):
        with pytest.raises(PermissionDenied):
            target_set(acting_user=user, year=YEAR, area=areas[code], indicator=indicator, value=1)
    assert not Target.objects.exists()


def test_the_city_administrator_sets_a_target_for_the_city(areas, admin_user, indicator):
    target = target_set(
        acting_user=admin_user, year=YEAR, area=areas[CITY], indicator=indicator, value=100
    )
    assert target.area.code == CITY


def test_setting_a_target_again_updates_it_and_audits_only_what_changed(areas, official, indicator):
    # Given
    first = target_set(
        acting_user=official, year=YEAR, area=areas[KUNDULUN], indicator=indicator, value=90
    )
    # When
    again = target_set(
        acting_user=official, year=YEAR, area=areas[KUNDULUN], indicator=indicator,
        value=95, weight=3,
    )  # fmt: skip
    # Then
    assert again.pk == first.pk and Target.objects.count() == 1
    event = AuditEvent.objects.filter(action="target.set").order_by("-id").first()
    assert event is not None
    assert event.before == {"value": "90.00", "weight": "1.00"}
    assert event.after == {"value": "95.00", "weight": "3.00"}
    # The same values again change nothing and write no audit event.
    target_set(
        acting_user=official, year=YEAR, area=areas[KUNDULUN], indicator=indicator,
        value="95.0", weight=3,
    )  # fmt: skip
    assert AuditEvent.objects.filter(action="target.set").count() == 2


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"value": 120}, "value"),
        ({"value": -1}, "value"),
        ({"value": "abc"}, "value"),
        ({"value": "95.555"}, "value"),
        ({"weight": -1}, "weight"),
        ({"year": 1999}, "year"),
        ({"measure": "gap"}, "measure"),
    ],
)
def test_a_bad_target_is_refused_with_the_field_named(areas, official, indicator, changes, field):
    arguments = {"year": YEAR, "area": areas[KUNDULUN], "indicator": indicator, "value": 90}
    with pytest.raises(ValidationError) as raised:
        target_set(acting_user=official, **{**arguments, **changes})
    assert field in raised.value.message_dict
    assert not Target.objects.exists()


def test_a_grid_indicator_has_no_ratio_and_an_inactive_indicator_no_target(areas, official):
    platform = make_indicator("platform", unit="grid")
    with pytest.raises(ValidationError) as raised:
        target_set(
            acting_user=official, year=YEAR, area=areas[KUNDULUN], indicator=platform,
            value=100, measure="ratio",
        )  # fmt: skip
    assert raised.value.error_dict["measure"][0].code == IndicatorErrorCode.MEASURE_NOT_APPLICABLE
    retired = make_indicator("retired", is_active=False)
    with pytest.raises(ValidationError) as raised:
        target_set(
            acting_user=official, year=YEAR, area=areas[KUNDULUN], indicator=retired, value=1
        )
    assert raised.value.error_dict["indicator"][0].code == IndicatorErrorCode.INDICATOR_INACTIVE


def test_deleting_a_target_is_audited_and_only_inside_the_scope(
    areas, official, admin_user, indicator
):
    # Given
    own = target_set(
        acting_user=official, year=YEAR, area=areas[STREET], indicator=indicator, value=80
    )
    other = target_set(
        acting_user=admin_user, year=YEAR, area=areas[QINGSHAN], indicator=indicator, value=80
    )
    # When / then
    with pytest.raises(PermissionDenied):
        target_delete(acting_user=official, target=other)
    pk = own.pk
    target_delete(acting_user=official, target=own)
    assert list(Target.objects.values_list("pk", flat=True)) == [other.pk]
    event = AuditEvent.objects.get(action="target.delete")
    assert event.object_id == str(pk) and event.area_code == STREET
    assert event.before is not None
    assert event.before["value"] == "80.00"
