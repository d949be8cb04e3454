"""Reading an import file whatever it was saved as.

The format comes from the content, not the name (an old ``.xls`` renamed ``.xlsx`` is
still read): a zip is .xlsx, an OLE2 compound file is .xls (both through python-calamine),
anything else is CSV text in UTF-8 (with or without BOM) or GBK/GB18030. A CSV file is
read to its end once before any row is handed out, so a file that cannot be read whole
(bad bytes, an unclosed quote) is refused before anything is written, with the row
where it goes wrong; a workbook is read whole by calamine when it is opened.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from python_calamine import CalamineWorkbook

from parity.core.error_codes import ErrorCode
from parity.core.imports.values import round_tripped

# What a cell may hold: text from CSV; numbers, booleans, dates and times from Excel.
Cell = str | dt.date | dt.datetime | dt.time | dt.timedelta | float | int | bool | None
SUFFIXES = (".csv", ".xlsx", ".xls")
ACCEPT = ",".join(SUFFIXES)
_ZIP = b"PK\x03\x04"
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_PROBE = 1 << 20


def file_error(message: str) -> ValidationError:
    return ValidationError(message, code=ErrorCode.FILE_FORMAT)


def detect_format(path: Path) -> str:
    """``"xlsx"``, ``"xls"`` or ``"csv"``, from the file's first bytes."""
    with open(path, "rb") as handle:
        head = handle.read(8)
    if head.startswith(_ZIP):
        return "xlsx"
    if head.startswith(_OLE2):
        return "xls"
    return "csv"


@dataclass
class Sheet:
    """One table of a file: ``head`` holds its first rows (where the header is looked
    for); ``rows(after)`` yields ``(row number, cells)`` after the given row number."""

    name: str
    format: str
    head: list[Sequence[Cell]]
    total: int
    _rows: list[Sequence[Cell]] | None = None
    _csv: tuple[Path, str] | None = None
    # From a CSV file's first pass: per column, the 18-character values ending in 000,
    # and the columns holding a number in scientific form (``round_tripped``).
    _zeros: dict[int, int] = field(default_factory=dict)
    _scientific: set[int] = field(default_factory=set)

    def round_tripped(self, index: int) -> bool:
        """``values.round_tripped`` of column ``index``: whether the column went through
        Excel's number format (from the first pass for a CSV file, without reading it
        again)."""
        if self._rows is not None:
            return round_tripped(cells[index] for cells in self._rows if index < len(cells))
        zeros = self._zeros.get(index, 0)
        return index in self._scientific or (zeros >= 2 and zeros * 2 >= self.total - 1)

    def rows(self, after: int) -> Iterator[tuple[int, Sequence[Cell]]]:
        if self._rows is not None:
            for number, cells in enumerate(self._rows[after:], start=after + 1):
                yield number, cells
            return
        assert self._csv is not None
        path, encoding = self._csv
        with open(path, encoding=encoding, newline="") as handle:
            for number, cells in enumerate(csv.reader(handle), start=1):
                if number > after:
                    yield number, cells


def open_sheets(path: Path, *, head_rows: int = 20) -> list[Sheet]:
    """Every table of the file (a workbook's sheets in order; a CSV file is one)."""
    if not path.is_file():
        raise file_error(_("找不到文件 %(name)s") % {"name": path.name})
    if path.stat().st_size == 0:
        raise ValidationError(_("文件是空的"), code=ErrorCode.FILE_HEADER)
    fmt = detect_format(path)
    if fmt == "csv":
        with open(path, "rb") as handle:
            binary = b"\x00" in handle.read(_PROBE)
        if binary or path.suffix.lower() in (".xlsx", ".xls", ".et", ".ods", ".docx", ".pdf"):
            raise file_error(
                _("“%(name)s”不是可以导入的表格文件(或已损坏):请上传 .xlsx、.xls 或 .csv 文件")
                % {"name": path.name}
            )
        return [_open_csv(path, head_rows)]
    return _open_workbook(path, fmt, head_rows)


def _encoding(path: Path) -> str:
    """UTF-8 (with or without BOM) or GB18030 (GBK's superset, as Chinese Excel saves),
    checked on every byte so a file that would fail half-way is refused before any write."""
    with open(path, "rb") as handle:
        head = handle.read(4)
    candidates = ["utf-8-sig"] if head.startswith(codecs.BOM_UTF8) else ["utf-8", "gb18030"]
    for encoding in candidates:
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            with open(path, "rb") as handle:
                while block := handle.read(_PROBE):
                    decoder.decode(block)
                decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return encoding
    raise file_error(_("无法识别CSV文件的编码:请另存为UTF-8或GBK编码的CSV文件"))


def _unclosed(cells: Sequence[str]) -> bool:
    """A record whose field swallowed whole lines of the file: a quote opened in a cell
    and never closed (or closed rows later by another stray quote) leaves a field with
    line breaks followed by more comma-separated values."""
    for cell in cells:
        if "\n" in cell or "\r" in cell:
            rest = cell.replace("\r", "\n").split("\n", 1)[1]
            if "," in rest:
                return True
    return False


def _open_csv(path: Path, head_rows: int) -> Sheet:
    encoding = _encoding(path)
    head: list[Sequence[Cell]] = []
    total = 0
    zeros: dict[int, int] = {}
    scientific: set[int] = set()
    with open(path, encoding=encoding, newline="") as handle:
        reader = csv.reader(handle, strict=True)
        line = 0
        while True:
            start = line + 1
            try:
                cells = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                raise _csv_error(total + 1, start, exc) from exc
            spanned = reader.line_num - line > 1  # a field with line breaks
            line = reader.line_num
            total += 1
            if spanned and _unclosed(cells):
                raise file_error(
                    _(
                        "第%(row)d行有未闭合的引号(该行以后的内容会被并入一个单元格):请检查该行的引号后重新上传;整个文件都没有导入"
                    )
                    % {"row": total}
                )
            if len(head) < head_rows:
                head.append(cells)
            joined = "\x1f".join(cells)
            if "000\x1f" in joined or joined.endswith("000") or "E+" in joined or "e+" in joined:
                for index, cell in enumerate(cells):
                    if len(cell) == 18 and cell.endswith("000"):
                        zeros[index] = zeros.get(index, 0) + 1
                    elif "E+" in cell.upper() and round_tripped([cell]):
                        scientific.add(index)
    return Sheet(
        path.stem, "csv", head, total, _csv=(path, encoding), _zeros=zeros, _scientific=scientific
    )


def _csv_error(row: int, line: int, exc: csv.Error) -> ValidationError:
    text = str(exc)
    if "unexpected end of data" in text or "EOF" in text:
        message = _("第%(row)d行有未闭合的引号:请检查该行的引号后重新上传;整个文件都没有导入")
    elif "expected" in text and "after" in text:
        message = _(
            "第%(row)d行的引号位置不对(引号后面紧跟了其他字符):请检查该行后重新上传;整个文件都没有导入"
        )
    elif "field larger than field limit" in text:
        message = _(
            "第%(row)d行有一个单元格内容过长(超过13万字),可能有未闭合的引号:请检查该行后重新上传;整个文件都没有导入"
        )
    elif "NUL" in text or "null" in text.lower():
        message = _(
            "第%(row)d行含有空字符,文件可能已损坏:请用Excel打开后另存为CSV;整个文件都没有导入"
        )
    else:
        message = _("第%(row)d行无法读取,文件格式有误:请用Excel打开后另存为CSV;整个文件都没有导入")
    return file_error(message % {"row": row})


def _open_workbook(path: Path, fmt: str, head_rows: int) -> list[Sheet]:
    try:
        with open(path, "rb") as handle:
            workbook = CalamineWorkbook.from_filelike(handle)
            sheets = []
            for index, name in enumerate(workbook.sheet_names):
                rows = workbook.get_sheet_by_index(index).to_python(skip_empty_area=False)
                table: list[Sequence[Cell]] = list(rows)
                sheets.append(Sheet(name, fmt, table[:head_rows], len(table), _rows=table))
    except Exception as exc:  # calamine raises several types for a damaged workbook
        raise file_error(
            _(
                "无法读取Excel文件“%(name)s”:文件不完整或已损坏。请用Excel打开后重新保存,再上传;整个文件都没有导入"
            )
            % {"name": path.name}
        ) from exc
    return sheets
