"""The report page reads one computation per snapshot: its figures that the dashboard also
shows are the snapshot's (and equal to what the report computes from the records), it is
computed ahead by the nightly refresh, and a date without a snapshot is computed live."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from parity.areas.models import Area
from parity.indicators.compute import refresh
from parity.indicators.selectors import figures as snapshot_figures
from parity.indicators.signals import indicators_computed
from parity.people.actions import residence_close
from parity.reports.figures import (
    FROM_SNAPSHOT,
    STAY_FIGURES,
    figures,
    report_figures,
)

pytestmark = pytest.mark.django_db


def _as_dict(result) -> dict:
    return {name: getattr(result, name) for name in result.__dataclass_fields__}


@pytest.mark.parametrize("code", ["1502", "150203"])
def test_the_dashboard_and_the_report_hold_the_same_figures(city, polio, as_of, code):
    snapshot = refresh(as_of=as_of)
    live = figures(as_of=as_of, area=code)
    held = snapshot_figures(snapshot, code)
    for field_name, name in FROM_SNAPSHOT.items():
        assert getattr(live, field_name) == held.get(name, {}).get("", 0), field_name
    for category, field_name in STAY_FIGURES.items():
        assert getattr(live, field_name) == held.get("stay", {}).get(category, 0), field_name
    assert live.province_counts == sorted(held["origin"].items(), key=lambda kv: (-kv[1], kv[0]))
    # And the page's figures are those, whole.
    area = Area.objects.get(code=code)
    assert _as_dict(report_figures(as_of=as_of, area=area)) == _as_dict(live)


def test_the_page_shows_the_snapshots_figures_after_a_change(
    client, admin_user, city, as_of, django_assert_max_num_queries
):
    snapshot = refresh(as_of=as_of)
    indicators_computed.send(sender=None, snapshot=snapshot)  # computes the city's ahead
    city_area = Area.objects.get(code="1502")
    before = report_figures(as_of=as_of, area=city_area)
    residence_close(acting_user=admin_user, person=city["worker_sichuan"], departed_on=as_of)
    # The records changed; the snapshot and the report on its date did not, together.
    with django_assert_max_num_queries(2):  # the snapshot's row and the cache
        cached = report_figures(as_of=as_of, area=city_area)
    assert cached.inflow == before.inflow == snapshot_figures(snapshot, "1502")["inflow"][""]
    client.force_login(admin_user)
    page = client.get(reverse("reports:report"), {"area": "1502", "as_of": as_of.isoformat()})
    assert page.context["figures"].inflow == before.inflow
    # A date without a snapshot is computed from the records as they are.
    yesterday = as_of - dt.timedelta(days=1)
    assert report_figures(as_of=yesterday, area=city_area) == figures(
        as_of=yesterday, area=city_area
    )
    # A new refresh brings the change to both pages.
    snapshot = refresh(as_of=as_of)
    after = report_figures(as_of=as_of, area=city_area)
    assert after.inflow == before.inflow - 1 == snapshot_figures(snapshot, "1502")["inflow"][""]
