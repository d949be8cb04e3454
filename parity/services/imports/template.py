"""The service-event import template: the headers (fixed, then every details label of the
active catalog); as Excel, also an example row, the catalog and a note sheet."""

from __future__ import annotations

import csv
import io
from typing import IO

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from parity.core.exports import neutralised, notes_sheet
from parity.services.imports.columns import (
    FIXED_HEADERS,
    MEANINGS,
    REQUIRED_HEADERS,
    detail_headers,
)
from parity.services.models import ServiceType

NOTES = [
    gettext_noop("身份证号码、服务项目、服务日期必须填写;表头须与模板一致,可以增加其他列。"),
    gettext_noop("明细列只填写与该行服务项目有关的列(见“服务项目”工作表),其余留空。"),
    gettext_noop("同一人员、项目、日期、机构的服务只记录一次:同一文件重复导入不会产生重复记录。"),
    gettext_noop(
        "有错误的行不会导入,其余行照常导入;错误列在 .errors.csv 文件中(行号、列、值、错误原因)。"
    ),
    gettext_noop("只能为您管辖区域内的人员记录服务。示例行是虚构的,导入前请删除。"),
]


def template_headers(services: list[ServiceType]) -> list[str]:
    return [*FIXED_HEADERS, *detail_headers(services)]


def write_template(target: IO, fmt: str) -> None:
    services = list(ServiceType.objects.active())
    headers = template_headers(services)
    if fmt == "csv":
        buffer = io.StringIO()
        csv.writer(buffer).writerow(headers)
        target.write(buffer.getvalue().encode("utf-8-sig"))
        return
    if fmt != "xlsx":
        raise ValueError(f"unknown template format: {fmt!r}")

    book = Workbook()
    sheet = book.active
    sheet.title = _("服务记录")
    sheet.append(headers)
    example = services[0] if services else None
    sheet.append(
        [
            "410102199001011234",
            example.code if example else "",
            "2026-01-15",
            "",
            _("已完成"),
            "",
        ]
    )
    required = PatternFill("solid", fgColor="FDE2E1")
    for index, header in enumerate(headers, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = Font(bold=True)
        if header in REQUIRED_HEADERS:
            cell.fill = required
        sheet.column_dimensions[cell.column_letter].width = max(12, len(header) * 2 + 4)
        # Text format keeps ID numbers from turning into (rounded) numbers.
        if header == FIXED_HEADERS[0]:
            for row in range(2, 2001):
                sheet.cell(row=row, column=index).number_format = "@"
    sheet.freeze_panes = "A2"

    catalog = book.create_sheet(_("服务项目"))
    catalog.append([_("代码"), _("名称"), _("明细列")])
    for cell in catalog[1]:
        cell.font = Font(bold=True)
    for service in services:
        details = [
            spec["label"]
            + ("*" if spec.get("required") else "")
            + (f"({'/'.join(spec['choices'])})" if spec.get("choices") else "")
            for spec in service.details_schema or []
        ]
        catalog.append(neutralised([service.code, service.name, ";".join(details)]))
    for letter, width in (("A", 24), ("B", 36), ("C", 80)):
        catalog.column_dimensions[letter].width = width

    notes_sheet(book, [(h, _(MEANINGS[h])) for h in FIXED_HEADERS], REQUIRED_HEADERS, NOTES)
    book.save(target)
