"""The dashboard's downloads write formula-like names (of people, areas, indicators) as
text, never as live formulas."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from parity.areas.models import Area
from parity.conftest import GRID, make_id
from parity.core.tests.sheets import assert_no_formula_cells, download, neutral, xlsx_values
from parity.indicators.models import Indicator
from parity.web.tests.conftest import build_small_city, compute_indicators

pytestmark = pytest.mark.django_db

CITY, DISTRICT = "1502", "150203"
PERSON, AREA, INDICATOR = '=HYPERLINK("http://x","y")', "@SUM(1)", "+1"


@pytest.fixture
def formula_city(register, admin_user, catalog):
    build_small_city(register, admin_user)
    arrived = timezone.localdate() - dt.timedelta(days=730)
    register(id_number=make_id("410102", "19910101", 901), name=PERSON, grid=GRID,
             by=admin_user, arrived_on=arrived)  # fmt: skip
    compute_indicators(admin_user)
    Area.objects.filter(code=DISTRICT).update(name=AREA)
    Indicator.objects.filter(code="health_record").update(name=INDICATOR)


def _values(client, url: str, params=None) -> set:
    data = download(client.get(url, params or {}))
    assert_no_formula_cells(data)
    return xlsx_values(data)


def test_the_people_behind_a_figure_download_with_a_formula_like_name_as_text(
    client, city_official, formula_city
):
    client.force_login(city_official)
    url = reverse("web:dashboard_people_xlsx", args=[DISTRICT, "health_record"])
    values = _values(client, url, {"side": "floating", "part": "denominator"})
    assert neutral(PERSON) in values and PERSON not in values


def test_the_area_tables_download_with_a_formula_like_area_name_as_text(
    client, city_official, formula_city
):
    client.force_login(city_official)
    for url in (
        reverse("web:dashboard_children_xlsx", args=[CITY]),
        reverse("web:dashboard_indicator_children_xlsx", args=[CITY, "health_record"]),
    ):
        assert neutral(AREA) in _values(client, url)


def test_the_equalization_table_downloads_with_a_formula_like_indicator_name_as_text(
    client, city_official, formula_city
):
    client.force_login(city_official)
    url = reverse("web:dashboard_equalization_xlsx", args=[DISTRICT])
    assert neutral(INDICATOR) in _values(client, url)
