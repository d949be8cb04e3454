"""Campaigns (强化免疫): the target list drawn from the registry with the rule, doses given
in a round, and coverage (实种 / 应种) per area node."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from parity.immunization.actions import campaign_create, campaign_draw_targets, vaccination_record
from parity.immunization.models import CampaignTarget, Vaccine
from parity.immunization.selectors import campaign_coverage, campaign_targets

D = dt.date
pytestmark = pytest.mark.django_db
STREET_1_GRID = "150203001001001"
STREET_2_GRID = "150203002001001"


def codes(exc: ValidationError) -> set[str | None]:
    return {e.code for errors in exc.error_dict.values() for e in errors}


@pytest.fixture
def polio_campaign(admin_user, areas):
    return campaign_create(
        acting_user=admin_user,
        name="2024年脊灰强化免疫",
        vaccine=Vaccine.objects.get(code="bOPV"),
        area=areas["150203"],
        rule={"age_max_months": 47, "statuses": ["inflow"]},
        rounds=[(D(2024, 12, 1), D(2024, 12, 10)), (D(2025, 1, 5), D(2025, 1, 15))],
    )


@pytest.fixture
def children(child, admin_user):
    made = {
        "a1": child(D(2023, 1, 1), name="甲一", grid=STREET_1_GRID),
        "a2": child(D(2022, 5, 1), name="甲二", grid=STREET_1_GRID),
        "a3": child(D(2024, 2, 1), name="甲三", grid=STREET_1_GRID),
        "b1": child(D(2023, 3, 1), name="乙一", grid=STREET_2_GRID, by=admin_user),
        "registered": child(D(2023, 1, 1), name="户籍儿童", address="150203"),
        "older": child(D(2019, 1, 1), name="大孩子"),
        "elsewhere": child(D(2023, 1, 1), name="外区儿童", grid="150204001001001", by=admin_user),
    }
    return made


def test_the_target_list_holds_the_floating_children_of_the_rule_in_the_area(
    polio_campaign, children, admin_user
):
    assert campaign_draw_targets(acting_user=admin_user, campaign=polio_campaign) == 8
    first = polio_campaign.rounds.get(number=1)
    names = set(CampaignTarget.objects.filter(round=first).values_list("person__name", flat=True))
    assert names == {"甲一", "甲二", "甲三", "乙一"}


def test_drawing_again_replaces_the_list(polio_campaign, children, admin_user):
    campaign_draw_targets(acting_user=admin_user, campaign=polio_campaign)
    assert campaign_draw_targets(acting_user=admin_user, campaign=polio_campaign) == 8
    assert CampaignTarget.objects.count() == 8


def test_coverage_is_vaccinated_targets_over_targets_per_area(
    polio_campaign, children, admin_user, owner
):
    campaign_draw_targets(acting_user=admin_user, campaign=polio_campaign)
    bopv = Vaccine.objects.get(code="bOPV")
    for key in ("a1", "a2", "b1"):
        vaccination_record(
            acting_user=admin_user,
            person=children[key],
            vaccine=bopv,
            date=D(2024, 12, 2),
            campaign=polio_campaign,
        )
    rows, total = campaign_coverage(polio_campaign, round_number=1)
    assert [(r.code, r.targets, r.vaccinated, r.coverage) for r in rows] == [
        ("150203001", 3, 2, Decimal("66.67")),
        ("150203002", 1, 1, Decimal("100.00")),
    ]
    assert (total.targets, total.vaccinated, total.coverage) == (4, 3, Decimal("75.00"))
    _rows, both_rounds = campaign_coverage(polio_campaign)
    assert (both_rounds.targets, both_rounds.vaccinated) == (8, 3)
    listed = {
        t.person.name: t.vaccinated for t in campaign_targets(polio_campaign) if t.round.number == 1
    }
    assert listed == {"甲一": True, "甲二": True, "甲三": False, "乙一": True}


def test_the_report_s_polio_figures_give_97_89_percent():
    from parity.immunization.selectors import percent

    assert percent(44393, 45349) == Decimal("97.89")


def test_a_campaign_dose_fills_a_missing_schedule_dose_or_counts_as_extra(
    polio_campaign, children, admin_user
):
    kid = children["a1"]
    ipv = Vaccine.objects.get(code="IPV")
    vaccination_record(acting_user=admin_user, person=kid, vaccine=ipv, dose=1, date=D(2023, 3, 1))
    vaccination_record(acting_user=admin_user, person=kid, vaccine=ipv, dose=2, date=D(2023, 4, 1))
    bopv = Vaccine.objects.get(code="bOPV")
    first = vaccination_record(
        acting_user=admin_user,
        person=kid,
        vaccine=bopv,
        date=D(2024, 12, 2),
        campaign=polio_campaign,
    )
    assert first.round is not None
    assert (first.dose, first.round.number) == (3, 1)
    second = vaccination_record(
        acting_user=admin_user,
        person=kid,
        vaccine=bopv,
        date=D(2025, 1, 6),
        campaign=polio_campaign,
    )
    assert second.round is not None
    assert (second.dose, second.round.number) == (None, 2)  # bOPV 4 waits for 4 years


def test_a_child_is_vaccinated_once_per_round(polio_campaign, children, admin_user):
    bopv = Vaccine.objects.get(code="bOPV")
    kid = children["b1"]
    vaccination_record(
        acting_user=admin_user,
        person=kid,
        vaccine=bopv,
        date=D(2024, 12, 2),
        campaign=polio_campaign,
    )
    with pytest.raises(ValidationError) as caught:
        vaccination_record(
            acting_user=admin_user,
            person=kid,
            vaccine=bopv,
            date=D(2024, 12, 3),
            campaign=polio_campaign,
        )
    assert "dose_duplicate" in codes(caught.value)


def test_a_campaign_dose_outside_its_rounds_or_of_another_vaccine_is_rejected(
    polio_campaign, children, admin_user
):
    kid = children["b1"]
    with pytest.raises(ValidationError, match="不在该活动"):
        vaccination_record(
            acting_user=admin_user,
            person=kid,
            vaccine=Vaccine.objects.get(code="bOPV"),
            date=D(2024, 12, 20),
            campaign=polio_campaign,
        )
    with pytest.raises(ValidationError) as caught:
        vaccination_record(
            acting_user=admin_user,
            person=kid,
            vaccine=Vaccine.objects.get(code="MMR"),
            dose=1,
            date=D(2024, 12, 2),
            campaign=polio_campaign,
        )
    assert "campaign_vaccine" in codes(caught.value)


def test_a_campaign_rule_is_validated(admin_user, areas):
    with pytest.raises(ValidationError):
        campaign_create(
            acting_user=admin_user,
            name="坏规则",
            vaccine=Vaccine.objects.get(code="bOPV"),
            area=areas["150203"],
            rule={"floating": True},
            rounds=[(D(2024, 1, 1), D(2024, 1, 2))],
        )


def test_only_users_who_serve_the_whole_area_may_create_or_draw(
    owner, polio_campaign, areas, official
):
    with pytest.raises(PermissionDenied):
        campaign_create(
            acting_user=owner,
            name="网格员不能建",
            vaccine=Vaccine.objects.get(code="bOPV"),
            area=areas["150203"],
            rule={},
            rounds=[(D(2024, 1, 1), D(2024, 1, 2))],
        )
    for user in (owner, official):
        with pytest.raises(PermissionDenied):
            campaign_draw_targets(acting_user=user, campaign=polio_campaign)
