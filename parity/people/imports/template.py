"""The empty import template, as .csv or .xlsx (with an example row and a note sheet)."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import IO

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from parity.core.exports import notes_sheet
from parity.people.imports.columns import EXAMPLE_ROW, HEADERS, REQUIRED_HEADERS, TEMPLATE_COLUMNS


def write_template(fileobj_or_path: IO | Path | str, fmt: str) -> None:
    """Write the template: the headers only as CSV; as Excel, the headers, one example row
    and a sheet explaining every column. ``fileobj_or_path`` is a path or a binary file."""
    if fmt == "csv":
        _write_csv(fileobj_or_path)
    elif fmt == "xlsx":
        _write_xlsx(fileobj_or_path)
    else:
        raise ValueError(f"unknown template format: {fmt!r}")


def _write_csv(target) -> None:
    buffer = io.StringIO()
    csv.writer(buffer).writerow(HEADERS)
    data = buffer.getvalue().encode("utf-8-sig")
    if isinstance(target, str | Path):
        Path(target).write_bytes(data)
    else:
        target.write(data)


NOTES = [
    gettext_noop(
        "标红的列(姓名、身份证号码、网格代码)必须填写;表头文字须与模板一致,可以增加其他列,导入时忽略。"
    ),
    gettext_noop("按身份证号码识别人员:未登记的新建,已登记的更新;同一文件导入两次不会重复。"),
    gettext_noop("已登记人员的选填列留空表示保持原值不变。"),
    gettext_noop(
        "有错误的行不会导入,其余行照常导入;错误列在与上传文件同名的 .errors.csv 文件中"
        "(行号、列、值、错误原因)。"
    ),
    gettext_noop(
        "导出文件与本模板表头相同,但身份证号码和联系电话已脱敏(如 150203********123X),"
        "所以导出文件不能直接再导入;修改后再导入时请填写完整号码。"
    ),
    gettext_noop("示例行中的人员是虚构的,导入前请删除。"),
]


def _write_xlsx(target) -> None:
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill

    book = Workbook()
    sheet = book.active
    sheet.title = _("人员信息")
    sheet.append(HEADERS)
    sheet.append([EXAMPLE_ROW.get(h, "") for h in HEADERS])
    required = PatternFill("solid", fgColor="FDE2E1")
    for index, column in enumerate(TEMPLATE_COLUMNS, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = Font(bold=True)
        cell.comment = Comment(column.meaning, "Parity")
        if column.header in REQUIRED_HEADERS:
            cell.fill = required
        letter = cell.column_letter
        sheet.column_dimensions[letter].width = max(12, len(column.header) * 2 + 4)
        # Text format keeps ID and phone numbers and codes from turning into numbers.
        for row in range(2, 2001):
            sheet.cell(row=row, column=index).number_format = "@"
    sheet.freeze_panes = "A2"

    notes_sheet(
        book, [(c.header, c.meaning) for c in TEMPLATE_COLUMNS], REQUIRED_HEADERS, NOTES,
        width=100,
    )  # fmt: skip
    book.save(target if not isinstance(target, Path) else str(target))
