"""The report workbook writes a formula-like campaign name as text, never as a formula."""

import pytest

from parity.core.tests.sheets import assert_no_formula_cells, neutral, xlsx_values
from parity.immunization.models import Campaign
from parity.reports.figures import figures
from parity.reports.renderers import render

pytestmark = pytest.mark.django_db

NAME = "=1+1"


def test_the_report_workbook_holds_a_formula_like_campaign_name_as_text(city, polio, as_of):
    Campaign.objects.update(name=NAME)
    data = render(figures(as_of=as_of, area="1502"), "xlsx")
    assert_no_formula_cells(data)
    assert neutral(NAME) in xlsx_values(data)
