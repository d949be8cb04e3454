"""An import checks the people it creates against the registry and warns, never refuses."""

from __future__ import annotations

from parity.dedup.models import DuplicatePair
from parity.dedup.tests.conftest import FIRST_ID, TYPO_ID
from parity.people.imports import import_people
from parity.people.models import Person
from parity.people.tests.test_imports import row, write_csv


def test_an_import_warns_of_likely_duplicates_and_imports_them(register, owner, tmp_path):
    first = register(id_number=FIRST_ID, name="王晓丽")
    path = write_csv(tmp_path / "people.csv", [row(姓名="王小丽", 身份证号码=TYPO_ID)])
    result = import_people(path, acting_user=owner, staging=False)
    assert result.created == 1
    assert Person.objects.count() == 2
    [warning] = result.duplicate_warnings
    assert f"可能与 王晓丽({first.id_masked}) 为同一人" in warning
    assert DuplicatePair.objects.open().count() == 1


def test_an_import_of_strangers_has_no_warning(register, owner, tmp_path):
    register(id_number=FIRST_ID, name="王晓丽")
    path = write_csv(tmp_path / "people.csv", [row()])
    assert import_people(path, acting_user=owner, staging=False).duplicate_warnings == []


def test_the_staging_path_is_checked_too(register, owner, tmp_path):
    import pytest
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the staging path is PostgreSQL's")
    register(id_number=FIRST_ID, name="王晓丽")
    path = write_csv(tmp_path / "people.csv", [row(姓名="王小丽", 身份证号码=TYPO_ID)])
    result = import_people(path, acting_user=owner, staging=True)
    assert len(result.duplicate_warnings) == 1
