"""The target file (目标考核导入): Chinese headers, one target a row, each row checked by
``TargetForm`` (the page's form), and the downloadable template.

A file is all or nothing: ``check_file`` reports every bad cell of every row, and
``assessment.actions.targets_import`` writes only a file without any. The file is read
through the import kit, as a register is: the header found under a title, other header
names through the alias table (or a mapping chosen on the page), values cleaned.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
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
from parity.core.imports.aliases import aliases_for, synonyms_for
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
    gettext_noop(
        "年度、区划代码、指标代码、目标值(%)必须填写。表头可以在标题行下面,"
        "列名可以不同(如 年份、区划、指标),上传后先预览、确认各列;不会导入的列会列出来。"
        "没有区划代码也没有指标代码的行(空行、合计行、签名行)跳过。"
    ),
    gettext_noop(
        "目标值在0到1之间且带小数(如 0.95)时照常导入,但会提醒:"
        "单元格可能被设成了百分比格式,95% 应填 95。"
    ),
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


@dataclass
class CheckedFile:
    """A target file checked: its good rows, the errors and warnings by row and column,
    the number of data rows, the header row and the columns not imported."""

    rows: list[TargetRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)
    total: int = 0
    header_row: int = 1
    ignored: list[str] = field(default_factory=list)


def _percent_warning(row: int, text: str) -> RowError | None:
    """A value between 0 and 1 with decimals: a cell formatted as a percent (95% is stored
    as 0.95), imported as written but named."""
    try:
        value = Decimal(text.rstrip("%％").strip())
    except ArithmeticError:
        return None
    if text.endswith(("%", "％")) or not Decimal(0) < value < Decimal(1):
        return None
    return RowError(
        row,
        VALUE,
        text,
        _("目标值为%(value)s%%:如果本意是%(percent)s%%,请把单元格改为常规格式后填%(percent)s")
        % {"value": text, "percent": format(value * 100, "f").rstrip("0").rstrip(".")},
        IndicatorErrorCode.VALUE_LOOKS_LIKE_PERCENT,
    )


def check_file(
    path: Path,
    *,
    scope: str,
    header_row: int | None = None,
    mapping: Mapping[int, str | None] | None = None,
) -> CheckedFile:
    """Every row of the file through ``TargetForm``. Rows repeating a year, area and
    indicator are errors too; a row with neither an area nor an indicator is skipped."""
    table = open_table(path, header_spec(), header_row=header_row, mapping=mapping)
    checked = CheckedFile(header_row=table.match.row, ignored=table.match.unknown)
    rows: list[tuple[int, dict[str, str]]] = []
    for row, cells in table.rows:
        values = _values(table.columns, cells)
        if values.get(AREA) or values.get(INDICATOR):
            rows.append((row, values))
    checked.total = len(rows)
    lookups = TargetLookups(
        area_codes={values.get(AREA, "") for _row, values in rows},
        measure_synonyms=synonyms_for("targets").get(MEASURE),
    )
    good, errors = checked.rows, checked.errors
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
        target = TargetRow(row=row, **form.cleaned_data)
        earlier = first.setdefault(target.key, row)
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
        good.append(target)
        warning = _percent_warning(row, values.get(VALUE, ""))
        if warning is not None:
            checked.warnings.append(warning)
    errors.sort(key=lambda e: (e.row, HEADERS.index(e.column)))
    return checked


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
