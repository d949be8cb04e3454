"""Opening a .csv (UTF-8, UTF-8 with BOM or GB18030) or .xlsx file whose header row a
given function reads. A file that cannot be read at all is refused before any write."""

from __future__ import annotations

import codecs
import csv
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from parity.core.error_codes import ErrorCode

FORMATS = (".csv", ".xlsx")
HeaderReader = Callable[[Sequence], dict[str, int]]


@dataclass
class Table:
    columns: dict[str, int]
    rows: Iterator[tuple[int, Sequence]]


def open_table(path: Path, read_header: HeaderReader) -> Table:
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
    return _csv(path, read_header) if suffix == ".csv" else _xlsx(path, read_header)


def _encoding(path: Path) -> str:
    data = path.read_bytes()
    for encoding in (
        ("utf-8-sig", "gb18030") if data.startswith(codecs.BOM_UTF8) else ("utf-8", "gb18030")
    ):
        try:
            data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return encoding
    raise ValidationError(
        _("无法识别CSV文件的编码:请另存为UTF-8或GBK编码的CSV文件"), code=ErrorCode.FILE_FORMAT
    )


def _csv(path: Path, read_header: HeaderReader) -> Table:
    with open(path, encoding=_encoding(path), newline="") as handle:
        try:
            rows = list(csv.reader(handle))
        except csv.Error as exc:
            raise ValidationError(
                _("CSV文件格式错误:%(error)s") % {"error": exc}, code=ErrorCode.FILE_FORMAT
            ) from exc
    if not rows:
        raise ValidationError(_("文件是空的"), code=ErrorCode.FILE_HEADER)
    columns = read_header(rows[0])
    return Table(columns, ((i, row) for i, row in enumerate(rows[1:], start=2)))


def _xlsx(path: Path, read_header: HeaderReader) -> Table:
    from python_calamine import CalamineWorkbook

    first_error: ValidationError | None = None
    try:
        workbook = CalamineWorkbook.from_path(str(path))
        # The data sheet is the first with the required headers (a note sheet may follow).
        for index in range(len(workbook.sheet_names)):
            rows = workbook.get_sheet_by_index(index).to_python(skip_empty_area=False)
            if not rows:
                continue
            try:
                columns = read_header(rows[0])
            except ValidationError as exc:
                first_error = first_error or exc
                continue
            return Table(columns, ((i, row) for i, row in enumerate(rows[1:], start=2)))
    except ValidationError:
        raise
    except Exception as exc:  # calamine raises several types for a damaged workbook
        raise ValidationError(
            _("无法读取Excel文件:%(error)s") % {"error": exc}, code=ErrorCode.FILE_FORMAT
        ) from exc
    raise first_error or ValidationError(_("文件是空的"), code=ErrorCode.FILE_HEADER)
