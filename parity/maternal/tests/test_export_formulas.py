"""Maternal list downloads write a formula-like name as text, never as a live formula."""

import datetime as dt

import pytest
from django.urls import reverse

from parity.core.tests.sheets import assert_no_formula_cells, download, neutral, xlsx_values
from parity.maternal.actions import pregnancy_register
from parity.people.models import Person

pytestmark = pytest.mark.django_db

NAME = '=HYPERLINK("http://x","y")'


def test_the_overdue_list_download_holds_a_formula_like_name_as_text(client, owner, woman):
    pregnancy_register(
        acting_user=owner, person=woman, lmp=dt.date(2025, 1, 6), registered_on=dt.date(2025, 3, 1)
    )
    Person.objects.filter(pk=woman.pk).update(name=NAME)
    client.force_login(owner)
    url = reverse("maternal:overdue_list") + "?on=2025-06-10&format=xlsx"
    data = download(client.get(url))
    assert_no_formula_cells(data)
    assert neutral(NAME) in xlsx_values(data)
