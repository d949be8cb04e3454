"""Exporting people: the template's headers, masked numbers, the user's restriction."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from parity.conftest import OTHER_GRID, make_id
from parity.people.exports import export_people
from parity.people.imports import HEADERS
from parity.people.models import Person

ID = make_id("410102", "19900101", 123)


@pytest.fixture
def people(register, admin_user):
    register(id_number=ID, name="张三", phone="13812345678", marital_status="married")
    register(id_number=make_id(seq=5), name="李四", grid=OTHER_GRID, by=admin_user)


def read_csv(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_a_csv_export_has_the_template_headers_and_masked_numbers(people, owner):
    buffer = io.BytesIO()

    count = export_people(Person.objects.restrict(owner, "view"), buffer, "csv")

    rows = read_csv(buffer.getvalue())
    assert count == 1
    assert rows[0] == HEADERS
    record = dict(zip(HEADERS, rows[1], strict=True))
    assert record["姓名"] == "张三"
    assert record["身份证号码"] == ID[:6] + "********" + ID[-4:]
    assert record["联系电话"] == "138****5678"
    assert record["婚姻状况"] == "已婚"
    assert record["住所类型"] == "出租房屋"
    assert record["来本地日期"] == "2024-03-01"
    assert ID not in buffer.getvalue().decode("utf-8-sig")


def test_an_outsiders_export_holds_none_of_the_owners_people(people, outsider):
    buffer = io.BytesIO()

    export_people(Person.objects.restrict(outsider, "view"), buffer, "csv")

    rows = read_csv(buffer.getvalue())
    assert [r[0] for r in rows[1:]] == ["李四"]


def test_an_xlsx_export_reads_back_with_the_same_headers(people, admin_user, tmp_path):
    target = tmp_path / "people.xlsx"

    export_people(Person.objects.restrict(admin_user, "view"), target, "xlsx")

    sheet = load_workbook(target).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == HEADERS
    assert sorted(r[0] for r in rows[1:]) == ["张三", "李四"]
    assert all(ID not in str(v) for r in rows for v in r)


def test_an_export_takes_a_fixed_number_of_queries(register, admin_user, django_assert_num_queries):
    for seq in range(1, 8):
        register(id_number=make_id(seq=seq), name=f"人{seq}", by=admin_user)
    people = Person.objects.restrict(admin_user, "view")

    with django_assert_num_queries(3):  # people, open residences, current jobs
        export_people(people, io.BytesIO(), "csv")


def test_the_export_command_restricts_and_filters(people, owner, tmp_path):
    target = tmp_path / "out.csv"

    call_command(
        "export", "people", "--output", str(target), "--user", "owner", "--status", "inflow"
    )

    rows = read_csv(target.read_bytes())
    assert [r[0] for r in rows[1:]] == ["张三"]
