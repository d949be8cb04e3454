"""The assessment workbook and the target template write formula-like indicator names and
notes as text, never as live formulas."""

import pytest
from django.urls import reverse

from parity.core.tests.sheets import assert_no_formula_cells, download, neutral, xlsx_values
from parity.indicators.models import Target
from parity.indicators.tests.assessment_data import (
    CITY,
    KUNDULUN,
    YEAR,
    make_indicator,
    make_snapshot,
    put,
)

pytestmark = pytest.mark.django_db

NAME, NOTE = '=HYPERLINK("http://x","y")', "@SUM(1)"


def test_the_assessment_workbook_holds_formula_like_names_and_notes_as_text(
    client, admin_user, areas
):
    indicator = make_indicator("vaccination", name=NAME)
    put(make_snapshot(), indicator, KUNDULUN, (95, 100), (95, 100))
    Target.objects.create(year=YEAR, area=areas[KUNDULUN], indicator=indicator, value=90, note=NOTE)
    client.force_login(admin_user)
    url = reverse("indicators:assessment_download", args=["xlsx"])
    data = download(client.get(url, {"year": YEAR, "area": CITY}))
    assert_no_formula_cells(data)
    values = xlsx_values(data)
    assert neutral(NAME) in values and neutral(NOTE) in values


def test_the_target_template_lists_formula_like_indicator_names_as_text(client, admin_user, areas):
    make_indicator("vaccination", name=NAME, description=NOTE)
    client.force_login(admin_user)
    data = download(client.get(reverse("indicators:assessment_template")))
    assert_no_formula_cells(data)
    values = xlsx_values(data)
    assert neutral(NAME) in values and neutral(NOTE) in values
