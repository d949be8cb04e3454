"""Defect: the campaign page's 合计 added the rounds (454 / 444) while the dashboard and
the report counted children (227 / 222). Summed over rounds the page now shows both,
labelled: 人次 (doses) and 人数 (distinct children)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from parity.immunization.actions import (
    campaign_create,
    campaign_draw_targets,
    vaccination_record,
)
from parity.immunization.models import Vaccine
from parity.immunization.tests.conftest import months_ago

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_rounds(admin_user, areas, child):
    for n in range(3):
        child(months_ago(10 + n), name=f"儿童{n}")
    today = timezone.localdate()
    made = campaign_create(
        acting_user=admin_user,
        name="脊灰强化免疫",
        vaccine=Vaccine.objects.get(code="bOPV"),
        area=areas["150203"],
        rule={"age_max_months": 47, "statuses": ["inflow"]},
        rounds=[
            (today - dt.timedelta(days=40), today - dt.timedelta(days=35)),
            (today - dt.timedelta(days=3), today),
        ],
    )
    campaign_draw_targets(acting_user=admin_user, campaign=made)
    return made


def test_the_total_over_rounds_shows_doses_and_children_labelled(
    client, official, owner, two_rounds
):
    target = two_rounds.targets.filter(round__number=2).select_related("person").first()
    vaccination_record(
        acting_user=owner,
        person=target.person,
        vaccine=two_rounds.vaccine,
        date=timezone.localdate(),
        campaign=two_rounds,
    )
    client.force_login(official)

    response = client.get(reverse("immunization:campaign_detail", args=[two_rounds.pk]))

    total, children = response.context["total"], response.context["children"]
    assert (total.targets, total.vaccinated) == (6, 1)
    assert (children.targets, children.vaccinated, str(children.coverage)) == (3, 1, "33.33")
    html = response.content.decode()
    assert "合计(人次)" in html and "合计(人数)" in html


def test_one_round_has_one_total(client, official, two_rounds):
    client.force_login(official)

    response = client.get(
        reverse("immunization:campaign_detail", args=[two_rounds.pk]), {"round": 2}
    )

    assert response.context["children"] is None
    assert response.context["total"].targets == 3
    assert "合计(人数)" not in response.content.decode()


def test_an_outsider_counts_no_child_of_another_grid(client, outsider, two_rounds):
    client.force_login(outsider)

    response = client.get(reverse("immunization:campaign_detail", args=[two_rounds.pk]))

    assert response.status_code == 404
