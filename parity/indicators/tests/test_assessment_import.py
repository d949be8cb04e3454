"""Importing targets from .xlsx: Chinese headers, each row checked by the page's form,
errors by row and column, and nothing saved when any row is bad."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from openpyxl import load_workbook

from parity.core.models import AuditEvent
from parity.indicators.assessment.actions import targets_import
from parity.indicators.assessment.imports import HEADERS, write_template
from parity.indicators.error_codes import IndicatorErrorCode
from parity.indicators.models import Target
from parity.indicators.tests.assessment_data import (
    KUNDULUN,
    STREET,
    YEAR,
    make_indicator,
    write_xlsx,
)

pytestmark = pytest.mark.django_db

GOOD = [YEAR, KUNDULUN, "vaccination", "流动人口比率", 95, 1, "区级"]


@pytest.fixture
def indicators(db):
    return {
        "vaccination": make_indicator("vaccination", name="适龄儿童接种率", sort_order=1),
        "records": make_indicator("records", name="健康档案建档率", sort_order=2),
        "platform": make_indicator("platform", name="平台使用率", unit="grid", sort_order=3),
        "retired": make_indicator("retired", is_active=False, sort_order=4),
    }


def test_a_good_file_creates_and_updates_targets_with_their_audit(tmp_path, official, indicators):
    # Given: codes as numbers, a measure by label and by code, "95%", empty weight.
    rows: list[list[Any]] = [
        [YEAR, int(KUNDULUN), "vaccination", "流动人口比率", 95, 2, "区级"],
        [YEAR, KUNDULUN, "健康档案建档率", "ratio", "90%", None, None],
        [YEAR, STREET, "platform", None, 100, 0.5, ""],
        [None, None, None, None, None, None, None],
    ]
    path = write_xlsx(tmp_path / "targets.xlsx", rows)
    # When
    result = targets_import(acting_user=official, file=path)
    # Then
    assert (result.total_rows, result.created, result.updated, result.errors) == (3, 3, 0, [])
    assert result.error_file is None
    stored = {
        (t.area.code, t.indicator.code): (t.measure, t.value, t.weight, t.note)
        for t in Target.objects.select_related("area", "indicator")
    }
    assert stored == {
        (KUNDULUN, "vaccination"): ("floating_rate", Decimal(95), Decimal(2), "区级"),
        (KUNDULUN, "records"): ("ratio", Decimal(90), Decimal(1), ""),
        (STREET, "platform"): ("floating_rate", Decimal(100), Decimal("0.5"), ""),
    }
    assert AuditEvent.objects.filter(action="target.set", actor=official).count() == 3
    summary = AuditEvent.objects.get(action="target.import")
    assert summary.after == {"file": "targets.xlsx", "created": 3, "updated": 0, "unchanged": 0}

    # Importing a changed file again updates what changed and leaves the rest.
    rows[0][4] = 97
    again = targets_import(acting_user=official, file=write_xlsx(tmp_path / "again.xlsx", rows))
    assert (again.created, again.updated, again.unchanged) == (0, 1, 2)
    assert Target.objects.get(indicator__code="vaccination").value == Decimal(97)


BAD_CASES = [
    # (cells replacing GOOD's, column, message fragment, code)
    ({1: "150299"}, "区划代码", "没有代码为“150299”的区划", IndicatorErrorCode.AREA_UNKNOWN),
    (
        {1: "150204"},
        "区划代码",
        "青山区(150204)不在您的考核管辖范围内",
        IndicatorErrorCode.AREA_OUT_OF_SCOPE,
    ),
    ({1: "1502"}, "区划代码", "包头市(1502)不在您的考核管辖范围内", "area_out_of_scope"),
    ({2: "nope"}, "指标代码", "没有代码或名称为“nope”的指标", IndicatorErrorCode.INDICATOR_UNKNOWN),
    ({2: "retired"}, "指标代码", "已停用", IndicatorErrorCode.INDICATOR_INACTIVE),
    ({3: "差距"}, "考核口径", "“差距”不是有效的考核口径", IndicatorErrorCode.MEASURE_UNKNOWN),
    (
        {2: "platform", 3: "流动/户籍比值"},
        "考核口径",
        "没有户籍人口对照",
        IndicatorErrorCode.MEASURE_NOT_APPLICABLE,
    ),
    ({4: "九十五"}, "目标值(%)", "目标值应为数字", IndicatorErrorCode.NOT_A_NUMBER),
    ({4: 95.555}, "目标值(%)", "最多两位小数", IndicatorErrorCode.NOT_A_NUMBER),
    ({4: 120}, "目标值(%)", "目标值应在0到100之间", IndicatorErrorCode.VALUE_OUT_OF_RANGE),
    ({4: -5}, "目标值(%)", "目标值应在0到100之间", IndicatorErrorCode.VALUE_OUT_OF_RANGE),
    ({4: None}, "目标值(%)", "请填写目标值(%)", "required"),
    ({5: "重"}, "权重", "权重应为数字", IndicatorErrorCode.NOT_A_NUMBER),
    ({5: -1}, "权重", "权重不能为负数", IndicatorErrorCode.VALUE_OUT_OF_RANGE),
    ({0: "明年"}, "年度", "年度应为2000至2100之间的整数", IndicatorErrorCode.YEAR_INVALID),
    ({0: 1999}, "年度", "年度应为2000至2100之间的整数", IndicatorErrorCode.YEAR_INVALID),
    ({0: None}, "年度", "请填写年度", "required"),
    ({6: "长" * 201}, "备注", "最多200个字", "too_long"),
]


@pytest.mark.parametrize(("cells", "column", "message", "code"), BAD_CASES)
def test_a_bad_cell_is_reported_by_row_and_column_and_nothing_is_saved(
    tmp_path, official, indicators, cells, column, message, code
):
    # Given: a good row, then the bad one.
    bad = list(GOOD)
    bad[2] = "records"
    for index, value in cells.items():
        bad[index] = value
    path = write_xlsx(tmp_path / "targets.xlsx", [GOOD, bad])
    # When
    result = targets_import(acting_user=official, file=path)
    # Then
    assert [(e.row, e.column, e.code) for e in result.errors] == [(3, column, code)]
    assert message in result.errors[0].message
    assert (result.created, result.updated) == (0, 0)
    assert not Target.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="target.").exists()
    assert result.error_file is not None
    with open(result.error_file, encoding="utf-8-sig") as handle:
        lines = list(csv.reader(handle))
    assert lines[0] == ["行号", "姓名", "列", "值", "错误原因", "类型"]
    assert [lines[1][0], lines[1][2]] == ["3", column]


def test_a_row_repeating_a_year_area_and_indicator_is_an_error(tmp_path, official, indicators):
    again = [YEAR, KUNDULUN, "适龄儿童接种率", "", 90, 1, ""]
    path = write_xlsx(tmp_path / "targets.xlsx", [GOOD, again])
    result = targets_import(acting_user=official, file=path)
    assert [(e.row, e.column, e.code) for e in result.errors] == [
        (3, "指标代码", IndicatorErrorCode.DUPLICATE_ROW)
    ]
    assert "与第2行重复" in result.errors[0].message
    assert not Target.objects.exists()


def test_every_bad_cell_of_every_row_is_reported_at_once(tmp_path, official, indicators):
    rows: list[list[Any]] = [
        ["x", "150299", "nope", "", "abc", "", ""],
        GOOD,
        [YEAR, "150204", "records", "", 200],
    ]
    result = targets_import(acting_user=official, file=write_xlsx(tmp_path / "t.xlsx", rows))
    assert [(e.row, e.column) for e in result.errors] == [
        (2, "年度"),
        (2, "区划代码"),
        (2, "指标代码"),
        (2, "目标值(%)"),
        (4, "区划代码"),
        (4, "目标值(%)"),
    ]
    assert result.error_rows == 2
    assert not Target.objects.exists()


def test_a_file_without_the_required_headers_is_refused_whole(tmp_path, official, indicators):
    path = write_xlsx(tmp_path / "t.xlsx", [GOOD], headers=["年度", "区划代码", "指标", "权重"])
    with pytest.raises(ValidationError) as raised:
        targets_import(acting_user=official, file=path)
    assert "文件缺少必需的列:目标值(%)" in raised.value.messages[0]


def test_an_outsider_cannot_import_targets(tmp_path, outsider, indicators):
    with pytest.raises(PermissionDenied):
        targets_import(acting_user=outsider, file=write_xlsx(tmp_path / "t.xlsx", [GOOD]))


def test_an_uploaded_file_object_imports_too(official, indicators):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from parity.indicators.tests.assessment_data import xlsx_bytes

    upload = SimpleUploadedFile("targets.xlsx", xlsx_bytes([GOOD]))
    result = targets_import(acting_user=official, file=upload)
    assert result.created == 1


def test_the_template_has_the_headers_and_an_example_row_that_imports(
    tmp_path, official, indicators
):
    # Given
    buffer = io.BytesIO()
    write_template(buffer, example_area=KUNDULUN)
    book = load_workbook(io.BytesIO(buffer.getvalue()))
    sheet = book.worksheets[0]
    assert [c.value for c in sheet[1]] == list(HEADERS)
    example = [c.value for c in sheet[2]]
    assert example[1:5] == [KUNDULUN, "vaccination", "流动人口比率", 95]
    assert "platform" in [c.value for c in book["指标"]["A"]]
    assert "填写说明" in book.sheetnames
    # When: the template itself is uploaded
    path = tmp_path / "template.xlsx"
    path.write_bytes(buffer.getvalue())
    result = targets_import(acting_user=official, file=path)
    # Then
    assert (result.created, result.errors) == (1, [])


def test_a_target_register_under_a_title_with_other_header_names_imports(
    tmp_path, official, indicators
):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["2026年度考核目标"])
    sheet.append(["序号", "年份", "区划", "指标", "目标值（%）", "权重"])
    sheet.append([1, YEAR, KUNDULUN, "vaccination", "９５", 1])
    path = tmp_path / "目标.xlsx"
    book.save(path)

    result = targets_import(acting_user=official, file=path)

    assert result.errors == [] and result.created == 1
    target = Target.objects.get()
    assert (target.year, target.area.code, target.value) == (YEAR, KUNDULUN, Decimal("95"))
    again = targets_import(acting_user=official, file=path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
