"""Reading people files: CSV (UTF-8, UTF-8 with BOM, or GB18030 as Chinese Excel saves it)
and Excel .xlsx (through python-calamine). Everything that makes a whole file unreadable is
found here, before a single row is written, and raised as a ``ValidationError``."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from parity.core.error_codes import ErrorCode
from parity.people.imports.columns import KEYS, REQUIRED_HEADERS, header_columns

FORMATS = (".csv", ".xlsx")
_PROBE = 1 << 20

# What a cell may hold: text from CSV; numbers, booleans, dates and times from Excel.
Cell = str | dt.date | dt.datetime | dt.time | dt.timedelta | float | int | bool | None


@dataclass
class Sheet:
    """A readable file: the column index of each known header, and its data rows as
    ``(spreadsheet row number, cells)`` with the header on row 1."""

    columns: dict[str, int]
    rows: Iterator[tuple[int, Sequence[Cell]]]
    estimate: int


def open_sheet(path: Path) -> Sheet:
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise ValidationError(
            _("不支持的文件格式“%(suffix)s”:请上传 .csv 或 .xlsx 文件") % {"suffix": suffix},
            code=ErrorCode.FILE_FORMAT,
        )
    if not path.is_file():
        raise ValidationError(
            _("找不到文件 %(name)s") % {"name": path.name}, code=ErrorCode.FILE_FORMAT
        )
    return _open_csv(path) if suffix == ".csv" else _open_xlsx(path)


def _columns(header_row: Sequence[Cell]) -> dict[str, int]:
    return header_columns(header_row, known=KEYS, required=REQUIRED_HEADERS)


def _encoding(path: Path) -> tuple[str, int]:
    """The file's text encoding and its number of lines, from one streaming pass that
    decodes every byte, so a file that would fail half-way is refused before any write."""
    with open(path, "rb") as handle:
        head = handle.read(4)
    candidates = ["utf-8-sig", "gb18030"] if head.startswith(codecs.BOM_UTF8) else []
    candidates = candidates or ["utf-8", "gb18030"]
    for encoding in candidates:
        decoder = codecs.getincrementaldecoder(encoding)()
        lines = 0
        try:
            with open(path, "rb") as handle:
                while block := handle.read(_PROBE):
                    decoder.decode(block)
                    lines += block.count(b"\n")
                decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return encoding, lines
    raise ValidationError(
        _("无法识别CSV文件的编码:请另存为UTF-8或GBK编码的CSV文件"), code=ErrorCode.FILE_FORMAT
    )


def _open_csv(path: Path) -> Sheet:
    encoding, lines = _encoding(path)
    handle = open(path, encoding=encoding, newline="")  # noqa: SIM115 - closed by _csv_rows
    try:
        reader = csv.reader(handle)
        header = next(reader, None)
    except csv.Error as exc:
        handle.close()
        raise ValidationError(
            _("CSV文件格式错误:%(error)s") % {"error": exc}, code=ErrorCode.FILE_FORMAT
        ) from exc
    if header is None:
        handle.close()
        raise ValidationError(_("文件是空的"), code=ErrorCode.FILE_HEADER)
    try:
        columns = _columns(header)
    except ValidationError:
        handle.close()
        raise
    return Sheet(columns=columns, rows=_csv_rows(handle, reader), estimate=max(lines - 1, 0))


def _csv_rows(handle, reader) -> Iterator[tuple[int, Sequence[Cell]]]:
    with handle:
        row_number = 1
        try:
            for row_number, cells in enumerate(reader, start=2):  # noqa: B007
                yield row_number, cells
        except csv.Error as exc:
            raise ValidationError(
                _("CSV文件第%(row)d行之后无法读取:%(error)s") % {"row": row_number, "error": exc},
                code=ErrorCode.FILE_FORMAT,
            ) from exc


def _open_xlsx(path: Path) -> Sheet:
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
        sheets = [workbook.get_sheet_by_index(i) for i in range(len(workbook.sheet_names))]
        # The data sheet is the first with the required headers (a note sheet may precede it).
        first_error: ValidationError | None = None
        for sheet in sheets:
            rows = sheet.to_python(skip_empty_area=False)
            if not rows:
                continue
            try:
                columns = _columns(rows[0])
            except ValidationError as exc:
                first_error = first_error or exc
                continue
            return Sheet(
                columns=columns,
                rows=((i, row) for i, row in enumerate(rows[1:], start=2)),
                estimate=len(rows) - 1,
            )
    except ValidationError:
        raise
    except Exception as exc:  # calamine raises several types for a damaged workbook
        raise ValidationError(
            _("无法读取Excel文件:%(error)s") % {"error": exc}, code=ErrorCode.FILE_FORMAT
        ) from exc
    raise first_error or ValidationError(_("文件是空的"), code=ErrorCode.FILE_HEADER)
