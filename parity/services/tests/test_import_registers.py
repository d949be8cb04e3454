"""Importing the service registers offices really keep (服务登记台账) through the import
kit, as the people import reads its registers: a title above the table, a two-row header
with merged cells, other names for the columns, a 姓名 column, full-width and padded
values, short forms of a service or an outcome, an ID number Excel turned into a number,
old .xls, GBK and BOM CSVs, an unclosed quote, a write that fails half-way — each test
asserting what was stored, and that importing the file again changes nothing."""

from __future__ import annotations

import csv
import datetime as dt
import shutil
from pathlib import Path

import pytest
from django.db import DatabaseError
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from parity.conftest import make_id
from parity.core.error_codes import ErrorCode
from parity.core.imports import ImportFailed
from parity.core.models import AuditEvent
from parity.people.tests.web import import_by_command, web_import, with_cached_values
from parity.services.choices import Outcome
from parity.services.error_codes import ServiceErrorCode
from parity.services.imports import engine, import_services
from parity.services.models import ServiceEvent

pytestmark = pytest.mark.django_db

FILES = Path(__file__).parent / "files"
TITLE = "沼潭街道社区卫生服务中心服务登记台账（2025年3月）"
A, B = make_id(seq=101), make_id(seq=103)
FULL_WIDTH_B = "".join(chr(ord(c) + 0xFEE0) for c in B)


@pytest.fixture
def people(register):
    return {"a": register(name="甲", id_number=A), "b": register(name="乙", id_number=B)}


def event(name: str, code: str, day: int, outcome=Outcome.COMPLETED, note="", **details) -> tuple:
    """A service event of March 2025 as ``stored`` lists it."""
    return (name, code, dt.date(2025, 3, day), outcome, tuple(sorted(details.items())), note)


def stored() -> set[tuple]:
    """Every service event as (person's name, service, date, outcome, details, note)."""
    return {
        (
            e.person.name,
            e.service_type.code,
            e.date,
            e.outcome,
            tuple(sorted(e.details.items())),
            e.note,
        )
        for e in ServiceEvent.objects.select_related("person", "service_type")
    }


def assert_again_changes_nothing(path: Path, user, **options) -> None:
    before = sorted(ServiceEvent.objects.values_list("id", "person_id", "date", "outcome"))
    again = import_services(path, acting_user=user, **options)
    assert (again.created, again.updated) == (0, 0)
    assert sorted(ServiceEvent.objects.values_list("id", "person_id", "date", "outcome")) == before


def office_workbook(path: Path) -> Path:
    """A title row, a two-row header (服务对象 merged over 姓名 / 身份证号码, the others
    merged down), 序号 first and 备注 last, a column no import reads, a total line."""
    book = Workbook()
    sheet = book.active
    sheet.title = "服务登记"
    sheet.append([TITLE])
    sheet.merge_cells("A1:I1")
    sheet.append(["序号", "服务对象", "", "服务项目", "随访日期", "病种", "收缩压(mmHg)",
                  "随访医生", "备注"])  # fmt: skip
    sheet.append(["", "姓名", "身份证号码", "", "", "", "", "", ""])
    sheet.merge_cells("B2:C2")
    for column in "ADEFGHI":
        sheet.merge_cells(f"{column}2:{column}3")
    rows = [
        [1, "甲", "\u200b" + A + "\u00a0", "建档", dt.datetime(2025, 3, 1), "", "", "李医生", ""],
        [2, "乙 ", FULL_WIDTH_B, "慢病随访", "2025/3/2", "高血压", "１４２", "王医生", "首次"],
        [3, "", "", "", "", "", "", "", "合计:2人次"],
    ]
    for values in rows:
        sheet.append(values)
    book.save(path)
    return path


def test_a_register_with_a_title_and_a_merged_two_row_header_imports_as_meant(
    tmp_path, owner, people, health_record, followup
):
    path = office_workbook(tmp_path / "服务台账.xlsx")

    result = import_services(path, acting_user=owner)

    assert result.errors == [] and result.warnings == []
    assert (result.created, result.header_row, result.total_rows) == (2, 3, 2)
    assert result.ignored_columns == ["随访医生"]  # named back; 序号 and 备注 are silent
    assert stored() == {
        event("甲", "health_record", 1),
        event("乙", "chronic_followup", 2, note="首次", condition="高血压", systolic=142),
    }
    assert_again_changes_nothing(path, owner)


def test_an_old_xls_register_imports_and_its_number_cell_id_is_refused(
    tmp_path, owner, people, health_record
):
    path = Path(shutil.copy(FILES / "services.xls", tmp_path / "services.xls"))

    result = import_services(path, acting_user=owner)

    assert (result.created, result.total_rows, result.header_row) == (2, 3, 2)  # total skipped
    assert result.ignored_columns == ["随访医生"]
    assert stored() == {
        event("甲", "health_record", 1),
        event("乙", "health_record", 3, Outcome.REFUSED),  # 建档, 拒绝
    }
    [error] = result.errors
    assert (error.row, error.column, error.code, error.name) == (
        4,
        "身份证号码",
        ErrorCode.ID_EXCEL_DAMAGED,
        "乙",
    )
    assert error.value == "4.10102E+17" and "设为文本格式" in error.message
    assert_again_changes_nothing(path, owner)
    # The same workbook renamed .xlsx is read by its content.
    renamed = Path(shutil.copy(path, tmp_path / "services.xlsx"))
    assert_again_changes_nothing(renamed, owner)


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gbk", "gb18030"])
def test_a_csv_register_in_each_encoding_excel_saves_imports_as_meant(
    tmp_path, owner, people, health_record, followup, encoding
):
    # A title and a date line, columns out of order, other names, an Excel date serial, an
    # ID kept as text by an apostrophe or an ="…" wrapper, short forms, a blank row.
    lines = [
        [TITLE],
        ["填报日期:2025年3月31日"],
        ["服务时间", "序号", "证件号码", "服务对象姓名", "服务类型", "服务结果", "病种"],
        ["45717", "1", "'" + A, "甲", "健康档案", "已做", ""],
        ["2025-03-02", "2", f'="{B}"', "乙", "高血压随访", "转诊", "高血压"],
        ["", "", "", "", "", "", ""],
    ]
    path = tmp_path / "服务.csv"
    with open(path, "w", encoding=encoding, newline="") as handle:
        csv.writer(handle).writerows(lines)

    result = import_services(path, acting_user=owner)

    assert result.errors == []
    assert (result.created, result.header_row) == (2, 3)
    assert stored() == {
        event("甲", "health_record", 1),
        event("乙", "chronic_followup", 2, Outcome.REFERRED, condition="高血压"),
    }
    assert_again_changes_nothing(path, owner)


def test_a_name_that_is_not_the_id_numbers_person_is_refused(
    tmp_path, owner, people, health_record
):
    path = tmp_path / "s.csv"
    path.write_text(
        f"姓名,身份证号码,服务项目,服务日期\n丙,{A},health_record,2025-03-01\n"
        f"乙,{B},health_record,2025-03-01\n",
        encoding="utf-8",
    )

    result = import_services(path, acting_user=owner)

    assert stored() == {event("乙", "health_record", 1)}
    [error] = result.errors
    assert (error.row, error.column, error.value, error.code) == (
        2,
        "姓名",
        "丙",
        ServiceErrorCode.NAME_MISMATCH,
    )
    assert "甲" not in error.message  # the registered name is not told
    assert_again_changes_nothing(path, owner)


def test_the_error_file_names_each_rows_person_and_keeps_id_numbers_as_text(
    tmp_path, owner, people, health_record
):
    # No 姓名 column: the error file names the person registered under the ID number.
    path = tmp_path / "s.csv"
    path.write_text(
        f"身份证号码,服务项目,服务日期\n{A},health_record,2099-01-01\n",
        encoding="utf-8",
    )

    result = import_services(path, acting_user=owner, error_format="xlsx")

    assert not ServiceEvent.objects.exists()
    assert result.error_file is not None and result.error_file.suffix == ".xlsx"
    sheet = load_workbook(result.error_file).worksheets[0]
    header, row = list(sheet.iter_rows(max_row=2))
    assert [c.value for c in header] == ["行号", "姓名", "列", "值", "错误原因", "类型"]
    assert [c.value for c in row[:4]] == [2, "甲", "服务日期", "2099-01-01"]
    path.write_text(f"身份证号码,服务项目,服务日期\n{A},no_such,2025-01-01\n", encoding="utf-8")
    result = import_services(path, acting_user=owner, error_format="xlsx")
    assert result.error_file is not None
    id_cell = load_workbook(result.error_file).worksheets[0]["D2"]
    assert (id_cell.value, id_cell.data_type, id_cell.number_format) == ("no_such", "s", "@")


def test_a_damaged_id_in_the_error_file_is_a_text_cell(tmp_path, owner, people, health_record):
    path = Path(shutil.copy(FILES / "services.xls", tmp_path / "services.xls"))
    result = import_services(path, acting_user=owner, error_format="xlsx")
    assert result.error_file is not None
    cells = {c.value: c for c in load_workbook(result.error_file).worksheets[0]["D"]}
    cell = cells["4.10102E+17"]
    assert (cell.data_type, cell.number_format) == ("s", "@")


def test_an_unclosed_quote_at_the_end_of_a_large_register_writes_nothing(
    tmp_path, owner, people, health_record
):
    # 2,400 good rows (two people, a service a day), then an unclosed quote on the last.
    days = [dt.date(2018, 1, 1) + dt.timedelta(days=n) for n in range(1200)]
    lines = ["身份证号码,服务项目,服务日期"]
    lines += [f"{number},health_record,{day.isoformat()}" for day in days for number in (A, B)]
    lines.append(f'{A},"health_record,2025-03-01')
    path = tmp_path / "large.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    with pytest.raises(ImportFailed) as refused:
        import_services(path, acting_user=owner)

    assert "第2402行有未闭合的引号" in refused.value.messages[0]
    assert "没有写入任何数据" in refused.value.messages[0]
    assert not ServiceEvent.objects.exists()
    assert AuditEvent.objects.filter(action="service.import_failed").count() == 1
    assert refused.value.result.error_file is not None


def test_a_truncated_workbook_writes_nothing_and_says_so_in_chinese(
    tmp_path, owner, people, health_record
):
    whole = office_workbook(tmp_path / "whole.xlsx").read_bytes()
    path = tmp_path / "cut.xlsx"
    path.write_bytes(whole[: len(whole) // 2])

    with pytest.raises(ImportFailed, match="无法读取Excel文件“cut.xlsx”:文件不完整或已损坏"):
        import_services(path, acting_user=owner)

    assert not ServiceEvent.objects.exists()
    assert AuditEvent.objects.filter(action="service.import_failed").count() == 1


def test_a_write_that_fails_half_way_saves_nothing_and_says_so(
    tmp_path, owner, people, health_record, monkeypatch
):
    path = tmp_path / "s.csv"
    path.write_text(
        f"身份证号码,服务项目,服务日期\n{A},health_record,2025-03-01\n{B},health_record,2025-03-01\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(engine, "CHUNK_ROWS", 1)
    written = engine._write
    calls = []

    def fail_on_the_second_chunk(records, **kwargs):
        calls.append(records)
        if len(calls) == 2:
            raise DatabaseError("disk full")
        return written(records, **kwargs)

    monkeypatch.setattr(engine, "_write", fail_on_the_second_chunk)

    with pytest.raises(ImportFailed) as refused:
        import_services(path, acting_user=owner)

    assert refused.value.messages == ["写入数据库时出错,导入已停止。没有写入任何数据"]
    assert not ServiceEvent.objects.exists()  # the first chunk was rolled back with it
    assert (refused.value.result.created, refused.value.result.unchanged) == (0, 0)
    assert AuditEvent.objects.filter(action="service.import_failed").count() == 1
    assert not AuditEvent.objects.filter(action="service.import").exists()


def test_the_command_line_takes_a_mapping_as_options_or_by_name(
    tmp_path, owner, people, health_record
):
    path = tmp_path / "odd.csv"
    path.write_text(f"号码,做了什么,哪天\n{A},health_record,2025-03-01\n", encoding="utf-8")
    columns = {"号码": "身份证号码", "做了什么": "服务项目", "哪天": "服务日期"}
    written = ServiceEvent.objects.exists
    import_by_command("services", path, owner, owner.area.code, columns, written)
    assert stored() == {event("甲", "health_record", 1)}


def test_the_page_maps_checks_and_imports_a_register_and_remembers_the_mapping(
    client, owner, people, health_record, settings, tmp_path
):
    # A register whose ID column the alias table does not know (号码): the preview proposes
    # nothing for it, the user maps it, checks the file (nothing written), imports.
    settings.IMPORT_DIR = tmp_path / "imports"
    client.force_login(owner)

    def upload():
        from django.core.files.uploadedfile import SimpleUploadedFile

        text = f"{TITLE}\n序号,号码,服务内容,服务时间,随访医生\n1,{A},建档,2025-03-01,李医生\n"
        text += f"2,{B},建档,2099-01-01,李医生\n"
        return SimpleUploadedFile("台账.csv", text.encode("gbk"))

    response = client.post(reverse("services:import"), {"file": upload()})
    assert response.status_code == 302
    page = client.get(response["Location"]).context["page"]
    assert page.match.first_row == 2 and page.match.missing == ["身份证号码"]
    assert [c.field for c in page.columns] == [None, None, "服务项目", "服务日期", None]

    checked = web_import(client, upload(), action="check", change={1: "身份证号码"},
                         url="services:import")  # fmt: skip
    result = checked.context["result"]
    assert (result.checked_only, result.created, result.error_rows) == (True, 1, 1)
    assert not ServiceEvent.objects.exists()

    imported = web_import(client, upload(), change={1: "身份证号码"}, url="services:import")
    assert imported.context["imported"]
    assert stored() == {event("甲", "health_record", 1)}
    html = imported.content.decode()
    assert "这些列不会导入:随访医生" in html
    assert reverse("people_io:error_file", args=[imported.context["error_file"]]) in html

    # The next file with the same headers is mapped as confirmed; importing it again
    # changes nothing.
    response = client.post(reverse("services:import"), {"file": upload()})
    page = client.get(response["Location"]).context["page"]
    assert page.saved and page.match.columns["身份证号码"] == 1
    again = web_import(client, upload(), url="services:import")
    assert (again.context["result"].created, again.context["result"].unchanged) == (0, 1)
    assert ServiceEvent.objects.count() == 1


def test_formula_cells_import_their_stored_values(tmp_path, owner, people, health_record):
    # The ID number joined by a formula from two text cells, as Excel stored its result.
    book = Workbook()
    sheet = book.active
    sheet.append(["身份证号码", "服务项目", "服务日期", "号码前段", "号码后段"])
    sheet.append(["=D2&E2", "health_record", "2025-03-01", A[:9], A[9:]])
    path = tmp_path / "formulas.xlsx"
    book.save(path)
    with_cached_values(path, {"A2": A})

    result = import_services(path, acting_user=owner)

    assert result.errors == [] and result.ignored_columns == ["号码前段", "号码后段"]
    assert stored() == {event("甲", "health_record", 1)}
    assert_again_changes_nothing(path, owner)
