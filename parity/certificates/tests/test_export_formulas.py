"""Certificate list downloads write a formula-like name as text, never as a live formula."""

import pytest
from django.urls import reverse

from parity.core.tests.sheets import assert_no_formula_cells, download, neutral, xlsx_values
from parity.people.models import Person

pytestmark = pytest.mark.django_db

NAME = "@SUM(1)"


def test_the_missing_list_download_holds_a_formula_like_name_as_text(client, owner, woman):
    Person.objects.filter(pk=woman.pk).update(name=NAME)
    client.force_login(owner)
    url = reverse("certificates:missing_list") + "?on=2024-09-01&format=xlsx"
    data = download(client.get(url))
    assert_no_formula_cells(data)
    assert neutral(NAME) in xlsx_values(data)
