"""The target file (目标考核导入): Chinese headers, one target a row, each row checked by
``TargetForm`` (the page's form), and the downloadable template.

A file is all or nothing: ``check_file`` reports every bad cell of every row, and
``assessment.actions.targets_import`` writes only a file without any.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import IO

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from parity.areas.models import Area
from parity.core.exports import neutralised, notes_sheet
from parity.core.imports import HeaderSpec, RowError, open_table
from parity.core.imports.aliases import aliases_for
from parity.core.imports.values import clean_text
from parity.indicators.assessment.forms import TargetForm, TargetLookups
from parity.indicators.choices import Measure
from parity.indicators.error_codes import IndicatorErrorCode
from parity.indicators.models import Indicator
from parity.people.imports.columns import label_map
from parity.people.imports.rows import cell_text

YEAR, AREA, INDICATOR, MEASURE, VALUE, WEIGHT, NOTE = (
    "年度",
    "区划代码",
    "指标代码",
    "考核口径",
    "目标值(%)",
    "权重",
    "备注",
)
HEADERS = (YEAR, AREA, INDICATOR, MEASURE, VALUE, WEIGHT, NOTE)
REQUIRED_HEADERS = (YEAR, AREA, INDICATOR, VALUE)
# The form's field behind each column.
FIELDS = {
    YEAR: "year",
    AREA: "area",
    INDICATOR: "indicator",
    MEASURE: "measure",
    VALUE: "value",
    WEIGHT: "weight",
    NOTE: "note",
}
HEADER_OF = {name: header for header, name in FIELDS.items()}
MEANINGS = {
    YEAR: gettext_noop("四位数年份,如 2026"),
    AREA: gettext_noop("区划代码(市4位、区县6位、街道9位……),须在您的考核管辖范围内"),
    INDICATOR: gettext_noop("指标代码或名称,见“指标”工作表"),
    MEASURE: gettext_noop("流动人口比率、全体人口比率或流动/户籍比值;留空为流动人口比率"),
    VALUE: gettext_noop("0–100之间的百分数,最多两位小数,如 95 表示 95%;请勿把单元格设为百分比格式"),
    WEIGHT: gettext_noop("不小于0的数,最多两位小数;留空为1"),
    NOTE: gettext_noop("选填,最多200字"),
}
NOTES = [
    gettext_noop("年度、区划代码、指标代码、目标值(%)必须填写;表头须与模板一致。"),
    gettext_noop("同一年度、区划、指标只有一个目标:已有的目标按文件中的值更新。"),
    gettext_noop(
        "整个文件一起导入:只要有一行出错,整个文件都不导入;请按错误清单改正后重新上传全部行。"
    ),
    gettext_noop("示例行是虚构的,导入前请删除。"),
]


@dataclass(frozen=True, slots=True)
class TargetRow:
    """A checked row: what ``target_set`` needs."""

    row: int
    year: int
    area: Area
    indicator: Indicator
    measure: str
    value: Decimal
    weight: Decimal
    note: str

    @property
    def key(self) -> tuple[int, int, int]:
        return (self.year, self.area.pk, self.indicator.pk)


def header_spec() -> HeaderSpec:
    """The target file as the import kit reads it (other header spellings in the alias
    table: 年份, 目标值%, …)."""
    return HeaderSpec(
        kind="targets", known=HEADERS, required=REQUIRED_HEADERS, aliases=aliases_for("targets")
    )


def _values(columns: dict[str, int], cells: Sequence) -> dict[str, str]:
    return {
        header: clean_text(cell_text(cells[index])) if index < len(cells) else ""
        for header, index in columns.items()
    }


def check_file(path: Path, *, scope: str) -> tuple[list[TargetRow], list[RowError], int]:
    """Every row of the file through ``TargetForm``: (good rows, errors by row and column,
    number of data rows). Rows repeating a year, area and indicator are errors too."""
    table = open_table(path, header_spec())
    rows: list[tuple[int, dict[str, str]]] = []
    for row, cells in table.rows:
        values = _values(table.columns, cells)
        if any(values.values()):
            rows.append((row, values))
    lookups = TargetLookups(area_codes={values.get(AREA, "") for _row, values in rows})
    good: list[TargetRow] = []
    errors: list[RowError] = []
    first: dict[tuple[int, int, int], int] = {}
    for row, values in rows:
        data = {FIELDS[header]: text for header, text in values.items()}
        # "95%" is written as a percent already.
        data["value"] = data.get("value", "").rstrip("%％").strip()
        form = TargetForm(data, scope=scope, lookups=lookups)
        if not form.is_valid():
            for name, message, code in form.error_list():
                header = HEADER_OF.get(name, INDICATOR)
                errors.append(RowError(row, header, values.get(header, ""), message, code))
            continue
        checked = TargetRow(row=row, **form.cleaned_data)
        earlier = first.setdefault(checked.key, row)
        if earlier != row:
            errors.append(
                RowError(
                    row,
                    INDICATOR,
                    values[INDICATOR],
                    _("与第%(row)d行重复:同一年度、区划、指标只能有一个目标") % {"row": earlier},
                    IndicatorErrorCode.DUPLICATE_ROW,
                )
            )
            continue
        good.append(checked)
    errors.sort(key=lambda e: (e.row, HEADERS.index(e.column)))
    return good, errors, len(rows)


def write_template(target: IO, *, example_area: str) -> None:
    """The .xlsx template: the headers and an example row, the indicators and measures
    one may name, and the notes."""
    indicators = list(Indicator.objects.active().order_by("sort_order", "code"))
    measures = label_map(Measure)
    book = Workbook()
    sheet = book.active
    sheet.title = _("考核目标")
    sheet.append(list(HEADERS))
    sheet.append(
        [
            timezone.localdate().year,
            example_area,
            indicators[0].code if indicators else "health_record",
            measures[Measure.FLOATING_RATE],
            95,
            1,
            _("示例行,导入前请删除"),
        ]
    )
    required = PatternFill("solid", fgColor="FDE2E1")
    for index, header in enumerate(HEADERS, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = Font(bold=True)
        if header in REQUIRED_HEADERS:
            cell.fill = required
        sheet.column_dimensions[cell.column_letter].width = max(12, len(header) * 2 + 6)
        # Codes stay text (a leading zero or a long code must not become a number).
        if header in (AREA, INDICATOR):
            for row in range(2, 1001):
                sheet.cell(row=row, column=index).number_format = "@"
    sheet.freeze_panes = "A2"

    listing = book.create_sheet(_("指标"))
    listing.append([_("指标代码"), _("名称"), _("计数单位"), _("口径说明")])
    for cell in listing[1]:
        cell.font = Font(bold=True)
    for indicator in indicators:
        listing.append(
            neutralised(
                [
                    indicator.code,
                    indicator.name,
                    indicator.get_unit_display(),
                    indicator.description,
                ]
            )
        )
    for letter, width in (("A", 28), ("B", 36), ("C", 10), ("D", 80)):
        listing.column_dimensions[letter].width = width

    notes_sheet(
        book, [(h, _(MEANINGS[h])) for h in HEADERS], REQUIRED_HEADERS, NOTES,
        extra=[[_("考核口径"), "", "、".join(measures.values())]],
    )  # fmt: skip
    book.save(target)
