"""People exports (the download and ``parity export``) write names, addresses, occupations
and employers that look like formulas as text, never as live formulas."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse

from parity.conftest import make_id
from parity.core.tests.sheets import (
    FORMULAS,
    assert_no_formula_cells,
    csv_values,
    download,
    neutral,
    xlsx_values,
)
from parity.people.actions import employment_record

pytestmark = pytest.mark.django_db

NAME, ADDRESS, OCCUPATION, EMPLOYER = FORMULAS


@pytest.fixture
def formula_person(register, owner):
    person = register(id_number=make_id(seq=7), name=NAME, address=ADDRESS)
    employment_record(
        acting_user=owner, person=person, industry="E", occupation=OCCUPATION, employer=EMPLOYER
    )
    return person


def _assert_neutralised(values: set) -> None:
    assert {neutral(text) for text in FORMULAS} <= values
    assert not set(FORMULAS) & values


def test_the_xlsx_download_holds_formula_like_values_as_text(client, owner, formula_person):
    client.force_login(owner)
    data = download(client.get(reverse("people_io:export"), {"format": "xlsx"}))
    assert_no_formula_cells(data)
    _assert_neutralised(xlsx_values(data))


def test_the_csv_download_holds_formula_like_values_neutralised(client, owner, formula_person):
    client.force_login(owner)
    data = download(client.get(reverse("people_io:export"), {"format": "csv"}))
    _assert_neutralised(csv_values(data))


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_the_export_command_neutralises_formula_like_values(tmp_path, owner, formula_person, fmt):
    output = tmp_path / f"people.{fmt}"
    call_command("export", "people", "--output", str(output), "--user", "owner", verbosity=0)
    data = output.read_bytes()
    if fmt == "xlsx":
        assert_no_formula_cells(data)
        _assert_neutralised(xlsx_values(data))
    else:
        _assert_neutralised(csv_values(data))
