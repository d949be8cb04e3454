"""Lists as .xlsx downloads, shared by every app (openpyxl write-only: rows stream and
memory stays flat). Callers pass rows from querysets already ``.restrict()``-ed, with ID
numbers masked."""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Callable, Iterable, Sequence
from typing import IO

from django.http import FileResponse
from django.utils import timezone

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def write_xlsx(target: IO, title: str, headers: Sequence, rows: Iterable[Sequence]) -> int:
    """One sheet: a bold header row, then the rows (dates formatted as dates)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    sheet = book.create_sheet(str(title)[:31])
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


def xlsx_file_response(write: Callable[[IO], object], filename: str) -> FileResponse:
    """``write(fileobj)`` fills a workbook; the response is a download named
    ``<filename>-<today>.xlsx``."""
    buffer = tempfile.SpooledTemporaryFile(max_size=8 << 20)  # noqa: SIM115 - FileResponse closes it
    write(buffer)
    buffer.seek(0)
    stamp = timezone.localdate().strftime("%Y%m%d")
    return FileResponse(
        buffer, as_attachment=True, filename=f"{filename}-{stamp}.xlsx", content_type=XLSX
    )


def xlsx_download(
    filename: str, title: str, headers: Sequence, rows: Iterable[Sequence]
) -> FileResponse:
    return xlsx_file_response(lambda target: write_xlsx(target, title, headers, rows), filename)
