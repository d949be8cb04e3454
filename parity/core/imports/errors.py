"""The error file an import leaves beside its upload: every bad cell (and every warning)
with the row number, the person's name, the column, the value as given and the reason.

As ``.xlsx`` for the web page (ID numbers written as text cells, so Excel shows them
whole instead of ``1.40602E+17``), as ``.csv`` (UTF-8 with BOM) for the command line.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from parity.core.exports import neutralise, write_private_csv
from parity.core.files import FILE_MODE
from parity.core.imports.results import RowError

FORMATS = ("csv", "xlsx")


def error_headers() -> list[str]:
    return [_("行号"), _("姓名"), _("列"), _("值"), _("错误原因"), _("类型")]


def report_path(upload: Path, fmt: str = "csv") -> Path:
    """Where an import writes the error file of ``upload``: beside it."""
    return upload.with_name(f"{upload.stem}.errors.{fmt}")


def _lines(errors: Iterable[RowError], warnings: Iterable[RowError]) -> list[list[Any]]:
    error, warning = _("错误"), _("提醒")
    rows = [[e.row, e.name, e.column, e.value, e.message, error] for e in errors]
    rows += [[w.row, w.name, w.column, w.value, w.message, warning] for w in warnings]
    rows.sort(key=lambda r: int(r[0]))  # type: ignore[call-overload]
    return rows


def write_error_file(
    upload: Path,
    errors: list[RowError],
    *,
    warnings: list[RowError] | None = None,
    fmt: str = "csv",
) -> Path | None:
    """``<stem>.errors.<fmt>`` beside the upload, or ``None`` — removing a stale one —
    when there is nothing to report."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown error file format: {fmt!r}")
    for other in FORMATS:
        report_path(upload, other).unlink(missing_ok=True)
    if not errors and not warnings:
        return None
    target = report_path(upload, fmt)
    rows = _lines(errors, warnings or [])
    if fmt == "csv":
        write_private_csv(target, error_headers(), rows)
    else:
        _write_xlsx(target, rows)
    return target


def _write_xlsx(target: Path, rows: list[list]) -> None:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("导入错误"))
    for letter, width in zip("ABCDEF", (8, 12, 14, 24, 60, 8), strict=True):
        sheet.column_dimensions[letter].width = width
    bold = Font(bold=True)
    header = []
    for text in error_headers():
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for number, name, column, value, message, kind in rows:
        cells = [number]
        for text in (name, column, value, message, kind):
            cell = WriteOnlyCell(sheet, value=neutralise(str(text or "")))
            cell.number_format = "@"  # text: an ID number stays 18 digits
            cells.append(cell)
        sheet.append(cells)
    target.unlink(missing_ok=True)
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    with open(fd, "wb") as handle:
        book.save(handle)
