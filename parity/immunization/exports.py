"""Excel exports of immunization lists. Callers pass querysets already restricted; ID
numbers appear masked only."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import IO

from django.utils.translation import gettext as _


def write_xlsx(target: IO, title: str, headers: Sequence[str], rows: Iterable[Sequence]) -> int:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])
    bold = Font(bold=True)
    header = []
    for text in headers:
        cell = WriteOnlyCell(sheet, value=str(text))
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    count = 0
    for values in rows:
        out = []
        for value in values:
            if isinstance(value, dt.date):
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = "yyyy-mm-dd"
                out.append(cell)
            else:
                out.append(value)
        sheet.append(out)
        count += 1
    book.save(target)
    return count


def overdue_rows(people) -> Iterable[list]:
    for p in people.iterator(chunk_size=2000):
        yield [
            p.name,
            p.id_masked,
            p.get_sex_display(),
            p.birth_date,
            p.get_status_display(),
            p.area_code,
            p.grid.name if p.grid else "",
            p.overdue_since,
            p.overdue_count,
        ]


def overdue_headers() -> list[str]:
    return [
        _("姓名"),
        _("身份证号码"),
        _("性别"),
        _("出生日期"),
        _("人口类别"),
        _("区划代码"),
        _("网格"),
        _("最早逾期日期"),
        _("逾期剂次数"),
    ]


def target_rows(targets) -> Iterable[list]:
    for t in targets.iterator(chunk_size=2000):
        yield [
            t.round.number,
            t.person.name,
            t.person.id_masked,
            t.person.birth_date,
            t.person.get_status_display(),
            t.area_code,
            _("是") if t.vaccinated else _("否"),
        ]


def target_headers() -> list[str]:
    return [
        _("轮次"),
        _("姓名"),
        _("身份证号码"),
        _("出生日期"),
        _("人口类别"),
        _("区划代码"),
        _("是否已种"),
    ]
