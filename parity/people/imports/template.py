"""The empty import template, as .csv or .xlsx (with an example row and a note sheet)."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import IO

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill

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
        "标红的列(姓名、身份证号码、网格代码)必须填写。也可以直接上传本单位的台账:表头可在标题行下面、"
        "可以占两行(合并单元格),列的顺序不限,常见的其他列名(如 公民身份号码、联系电话、现住址、"
        "来包时间、服务处所)会自动识别;上传后先预览各列对应的内容,可以修改,检查无误再导入。"
        "不能识别的列会在导入前列出,不会导入。"
    ),
    gettext_noop("按身份证号码识别人员:未登记的新建,已登记的更新;同一文件导入两次不会重复。"),
    gettext_noop(
        "已登记人员的选填列留空表示保持原值不变。既没有姓名也没有身份证号码的行(如合计行)跳过。"
    ),
    gettext_noop(
        "身份证号码列必须是文本格式:Excel把18位号码存成数字时只保留15位(显示为 1.40202E+17,"
        "或整列号码的末三位都变成000),这样的号码无法确认,该行不导入。"
    ),
    gettext_noop(
        "以下情况照常导入,只给出提醒:按身份证号码计算年龄超过110岁;“性别”列与身份证号码不符"
        "(按身份证号码登记);填写了工作单位或职业但没有行业(人员导入,就业信息需补填行业后保存)。"
    ),
    gettext_noop(
        "以下情况该行不导入:来本地日期或流出日期早于出生日期、晚于今天或不存在;号码校验位错误;"
        "网格不在您的管辖范围内;人员已在其他区域登记(请向该区域申请迁入)。"
    ),
    gettext_noop(
        "有错误的行不会导入,其余行照常导入;错误和提醒列在错误清单中(行号、姓名、列、值、原因)。"
        "文件无法完整读取(如引号未闭合、文件不完整)时整个文件都不导入,并说明出错的行。"
    ),
    gettext_noop(
        "导出文件与本模板表头相同,但身份证号码和联系电话已脱敏(如 150203********123X),"
        "所以导出文件不能直接再导入;修改后再导入时请填写完整号码。"
    ),
    gettext_noop("示例行中的人员是虚构的,导入前请删除。"),
]


def _write_xlsx(target) -> None:
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
