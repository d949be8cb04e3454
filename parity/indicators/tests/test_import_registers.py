"""Importing the target tables offices really keep (考核目标表) through the import kit, as
the people import reads its registers: a title above the table, a two-row merged header,
other names for the columns, codes typed as numbers, full-width values, short forms of a
measure, a value typed into a percent-formatted cell, old .xls, GBK and BOM CSVs, an
unclosed quote — each test asserting what was stored, and that importing the file again
changes nothing."""

from __future__ import annotations

import csv
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from parity.core.imports import ImportFailed
from parity.core.models import AuditEvent
from parity.indicators.assessment.actions import targets_import
from parity.indicators.choices import Measure
from parity.indicators.error_codes import IndicatorErrorCode
from parity.indicators.models import Target
from parity.indicators.tests.assessment_data import KUNDULUN, STREET, YEAR, make_indicator
from parity.people.tests.web import import_by_command, web_import, with_cached_values

pytestmark = pytest.mark.django_db

FILES = Path(__file__).parent / "files"
TITLE = "2026年度基本公共服务均等化考核目标"


@pytest.fixture
def indicators(db):
    return {
        "vaccination": make_indicator("vaccination", name="适龄儿童接种率", sort_order=1),
        "records": make_indicator("records", name="健康档案建档率", sort_order=2),
    }


def stored() -> set[tuple]:
    return {
        (t.year, t.area.code, t.indicator.code, t.measure, t.value, t.weight, t.note)
        for t in Target.objects.select_related("area", "indicator")
    }


def assert_again_changes_nothing(path: Path, user, **options) -> None:
    before = sorted(Target.objects.values_list("id", "value", "weight", "updated_at"))
    again = targets_import(acting_user=user, file=path, **options)
    assert (again.errors, again.created, again.updated) == ([], 0, 0)
    assert sorted(Target.objects.values_list("id", "value", "weight", "updated_at")) == before


def test_an_old_xls_target_table_imports_as_meant(tmp_path, official, indicators):
    # A merged title, 年份 / 区划 / 指标名称 / 口径 / 目标值（%）, codes and the year as
    # numbers, 流动人口 for the measure, a signature line at the bottom.
    path = Path(shutil.copy(FILES / "targets.xls", tmp_path / "targets.xls"))

    result = targets_import(acting_user=official, file=path)

    assert (result.errors, result.warnings, result.ignored_columns) == ([], [], [])
    assert (result.created, result.total_rows, result.header_row) == (2, 2, 2)
    assert stored() == {
        (YEAR, KUNDULUN, "vaccination", Measure.FLOATING_RATE, Decimal("95"), Decimal("2"), ""),
        (YEAR, STREET, "records", Measure.FLOATING_RATE, Decimal("90.5"), Decimal("1"), ""),
    }
    assert_again_changes_nothing(path, official)
    # The same workbook renamed .xlsx is read by its content.
    assert_again_changes_nothing(Path(shutil.copy(path, tmp_path / "targets.xlsx")), official)


def test_a_table_with_a_merged_two_row_header_imports_and_names_the_columns_left_out(
    tmp_path, official, indicators
):
    # 区划 merged over 代码 / 名称: 区划代码 is read, 区划名称 named back; a full-width value.
    book = Workbook()
    sheet = book.active
    sheet.append([TITLE])
    sheet.merge_cells("A1:G1")
    sheet.append(["序号", "区划", "", "考核指标", "考核口径", "考核目标值", "年度"])
    sheet.append(["", "代码", "名称", "", "", "", ""])
    sheet.merge_cells("B2:C2")
    for column in "ADEFG":
        sheet.merge_cells(f"{column}2:{column}3")
    sheet.append([1, KUNDULUN, "昆都仑区", "适龄儿童接种率", "全部人口", "９６．５", YEAR])
    sheet.append([None, None, None, None, None, None, None])
    path = tmp_path / "目标.xlsx"
    book.save(path)

    result = targets_import(acting_user=official, file=path)

    assert result.errors == [] and result.ignored_columns == ["区划名称"]
    assert (result.created, result.header_row) == (1, 3)
    assert stored() == {
        (YEAR, KUNDULUN, "vaccination", Measure.OVERALL_RATE, Decimal("96.5"), Decimal("1"), "")
    }
    assert_again_changes_nothing(path, official)


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gbk", "gb18030"])
def test_a_csv_table_in_each_encoding_imports_and_warns_of_a_percent_formatted_value(
    tmp_path, official, indicators, encoding
):
    lines = [
        [TITLE],
        ["年份", "区划代码", "指标", "口径", "目标值%", "权重", "责任科室"],
        [str(YEAR), KUNDULUN, "vaccination", "比值", "0.95", "1.5", "疾控科"],
        [str(YEAR), STREET, "健康档案建档率", "", "９０％", "", "基卫科"],
        ["", "", "", "", "", "", ""],
        ["填表人:张三", "", "", "", "", "", ""],
    ]
    path = tmp_path / "目标.csv"
    with open(path, "w", encoding=encoding, newline="") as handle:
        csv.writer(handle).writerows(lines)

    result = targets_import(acting_user=official, file=path)

    assert result.errors == [] and result.ignored_columns == ["责任科室"]
    assert stored() == {
        (YEAR, KUNDULUN, "vaccination", Measure.RATIO, Decimal("0.95"), Decimal("1.5"), ""),
        (YEAR, STREET, "records", Measure.FLOATING_RATE, Decimal("90"), Decimal("1"), ""),
    }
    [warning] = result.warnings  # imported as written, named for the clerk to check
    assert (warning.row, warning.column, warning.code) == (
        3,
        "目标值(%)",
        IndicatorErrorCode.VALUE_LOOKS_LIKE_PERCENT,
    )
    assert "如果本意是95%" in warning.message
    assert_again_changes_nothing(path, official)


def test_an_unclosed_quote_refuses_the_file_with_its_error_file_and_audit_event(
    tmp_path, official, indicators
):
    path = tmp_path / "目标.csv"
    path.write_text(
        f"年度,区划代码,指标代码,目标值(%)\n{YEAR},{KUNDULUN},vaccination,95\n"
        f'{YEAR},{STREET},"records,90\n',
        encoding="utf-8",
    )

    with pytest.raises(ImportFailed) as refused:
        targets_import(acting_user=official, file=path)

    assert "第3行有未闭合的引号" in refused.value.messages[0]
    assert not Target.objects.exists()
    assert AuditEvent.objects.filter(action="target.import_failed").count() == 1
    error_file = refused.value.result.error_file
    assert error_file is not None and "第3行" in error_file.read_text(encoding="utf-8-sig")


def test_a_check_writes_nothing_and_says_what_an_import_would_do(tmp_path, official, indicators):
    path = Path(shutil.copy(FILES / "targets.xls", tmp_path / "targets.xls"))

    result = targets_import(acting_user=official, file=path, check_only=True)

    assert (result.checked_only, result.created, result.errors) == (True, 2, [])
    assert not Target.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="target.").exists()


def test_the_command_line_imports_targets_with_a_mapping(tmp_path, official, indicators):
    path = tmp_path / "odd.csv"
    path.write_text(f"哪年,哪里,考什么,多少\n{YEAR},{KUNDULUN},vaccination,95\n", encoding="utf-8")
    columns = {"哪年": "年度", "哪里": "区划代码", "考什么": "指标代码", "多少": "目标值(%)"}
    output = import_by_command("targets", path, official, KUNDULUN, columns, Target.objects.exists)
    assert "created: 1" in output
    assert stored() == {
        (YEAR, KUNDULUN, "vaccination", Measure.FLOATING_RATE, Decimal("95"), Decimal("1"), "")
    }


def test_the_page_maps_checks_and_imports_a_table_all_or_nothing(
    client, official, indicators, settings, tmp_path
):
    settings.IMPORT_DIR = tmp_path / "imports"
    client.force_login(official)

    def upload(*rows: str):
        text = f"{TITLE}\n年份,区划代码,考核项,目标值(%)\n" + "".join(f"{r}\n" for r in rows)
        return SimpleUploadedFile("目标.csv", text.encode("utf-8-sig"))

    good = f"{YEAR},{KUNDULUN},vaccination,95"
    bad = f"{YEAR},150204,vaccination,95"  # 青山区: outside the official's district
    response = client.post(reverse("indicators:assessment_import"), {"file": upload(good)})
    page = client.get(response["Location"]).context["page"]
    assert page.match.first_row == 2 and page.match.missing == ["指标代码"]

    # A bad row: the check and the import list it, and nothing is written.
    refused = web_import(client, upload(good, bad), change={2: "指标代码"},
                         url="indicators:assessment_import")  # fmt: skip
    assert refused.context["refused"] and not refused.context["imported"]
    assert "有 1 行有错误,本次未导入任何数据" in refused.content.decode()
    assert not Target.objects.exists()

    checked = web_import(client, upload(good), action="check", change={2: "指标代码"},
                         url="indicators:assessment_import")  # fmt: skip
    assert checked.context["result"].checked_only and checked.context["result"].created == 1
    assert not Target.objects.exists()

    imported = web_import(client, upload(good), change={2: "指标代码"},
                          url="indicators:assessment_import")  # fmt: skip
    assert imported.context["imported"]
    assert stored() == {
        (YEAR, KUNDULUN, "vaccination", Measure.FLOATING_RATE, Decimal("95"), Decimal("1"), "")
    }
    # Remembered for the area: the next table with these headers is mapped already, and
    # importing it again changes nothing.
    again = web_import(client, upload(good), url="indicators:assessment_import")
    assert again.context["imported"]
    assert (again.context["result"].created, again.context["result"].unchanged) == (0, 1)


def test_formula_cells_import_their_stored_values(tmp_path, official, indicators):
    # The target computed from last year's value, as Excel stored its result.
    book = Workbook()
    sheet = book.active
    sheet.append(["年度", "区划代码", "指标代码", "目标值(%)", "上年实际"])
    sheet.append([YEAR, KUNDULUN, "vaccination", "=E2+2", 93])
    path = tmp_path / "formulas.xlsx"
    book.save(path)
    with_cached_values(path, {"D2": "95"})

    result = targets_import(acting_user=official, file=path)

    assert result.errors == [] and result.ignored_columns == ["上年实际"]
    assert stored() == {
        (YEAR, KUNDULUN, "vaccination", Measure.FLOATING_RATE, Decimal("95"), Decimal("1"), "")
    }
    assert_again_changes_nothing(path, official)
