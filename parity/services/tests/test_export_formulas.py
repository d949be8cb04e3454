"""Services downloads (key group members, a saved key group list, the people behind a
coverage figure) write a formula-like name as text, never as a live formula."""

import datetime as dt

import pytest
from django.urls import reverse

from parity.conftest import make_id
from parity.core.tests.sheets import assert_no_formula_cells, download, neutral, xlsx_values
from parity.services import actions

pytestmark = pytest.mark.django_db

NAME = '=HYPERLINK("http://x","y")'


@pytest.fixture
def member(register, health_record):
    return register(name=NAME, id_number=make_id(seq=31), arrived_on=dt.date(2024, 1, 1))


def _assert_text(data: bytes) -> None:
    assert_no_formula_cells(data)
    assert neutral(NAME) in xlsx_values(data)


def test_the_key_group_download_holds_a_formula_like_name_as_text(client, colleague, member):
    client.force_login(colleague)
    url = reverse("services:keygroup_members", args=["no_health_record"])
    _assert_text(download(client.get(url, {"format": "xlsx"})))


def test_a_saved_key_group_download_holds_a_formula_like_name_as_text(client, colleague, member):
    saved = actions.key_group_save(
        acting_user=colleague, group="no_health_record", on=dt.date.today()
    )
    client.force_login(colleague)
    url = reverse("services:keygroup_saved_detail", args=[saved.pk])
    _assert_text(download(client.get(url, {"format": "xlsx"})))


def test_the_coverage_people_download_holds_a_formula_like_name_as_text(client, official, member):
    client.force_login(official)
    url = reverse("services:coverage_people", args=["health_record"])
    _assert_text(download(client.get(url, {"which": "eligible", "format": "xlsx"})))
