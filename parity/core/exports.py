"""Lists as .xlsx and .csv files, shared by every app (openpyxl write-only: rows stream and
memory stays flat). Callers pass rows from querysets already ``.restrict()``-ed, with ID
numbers masked; pages send them through ``parity.core.downloads.export_file`` (at once, or
as a background job when the list is long).

Every cell a user typed (a name, an address, an employer) may begin like a formula, and a
spreadsheet would run it when the file is opened (CSV / formula injection). Each text cell
of every export passes through ``neutralise`` here, so no app writes a cell without it."""

from __future__ import annotations

import csv
import datetime as dt
import os
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO, Any
from urllib.parse import quote

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from parity.core.fonts import cjk_font_path

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# OWASP "CSV Injection": a cell starting with one of these is read as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """A text value that a spreadsheet would read as a formula, prefixed with ``'`` so it
    stays text; numbers, dates and ``None`` are returned as they are."""
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def neutralised(values: Iterable[Any]) -> list:
    return [neutralise(value) for value in values]


def csv_cell(value: Any) -> Any:
    """A value as the CSV files write it: dates in ISO form, nothing for ``None``."""
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return neutralise(value)


def write_csv(handle, headers: Sequence, rows: Iterable[Sequence]) -> int:
    """Write the header and the rows to a text ``handle``; returns the number of rows."""
    out = csv.writer(handle)
    out.writerow([csv_cell(h) for h in headers])
    count = 0
    for values in rows:
        out.writerow([csv_cell(v) for v in values])
        count += 1
    return count


class _Line:
    """A file-like object whose ``write`` returns what it was given: the csv module then
    formats one row at a time for a streamed response."""

    def write(self, text: str) -> str:
        return text


def csv_lines(headers: Sequence, rows: Iterable[Sequence]) -> Iterator[str]:
    """The header and the rows as CSV lines, one at a time (a BOM first, so Excel reads the
    file as UTF-8): a response streams them without holding the file."""
    out = csv.writer(_Line())
    yield "\ufeff" + out.writerow([csv_cell(h) for h in headers])
    for values in rows:
        yield out.writerow([csv_cell(v) for v in values])


def write_private_csv(path: Path, headers: Sequence, rows: Iterable[Sequence]) -> int:
    """``write_csv`` into a file only Parity's own account may read (mode 0600: these files
    echo rows as uploaded, ID numbers included), UTF-8 with a BOM so Excel reads it."""
    path.unlink(missing_ok=True)  # an older file keeps its mode when rewritten in place
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with open(fd, "w", encoding="utf-8-sig", newline="") as handle:
        return write_csv(handle, headers, rows)


def write_xlsx(target: IO | str, title: str, headers: Sequence, rows: Iterable[Sequence]) -> int:
    """One sheet, into a file or at a path: a bold header row, then the rows (dates
    formatted as dates, text neutralised)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(str(title)[:31])
    bold = Font(bold=True)
    header = []
    for text in headers:
        cell = WriteOnlyCell(sheet, value=neutralise(str(text)))
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
                out.append(neutralise(value))
        sheet.append(out)
        count += 1
    book.save(target)
    return count


# --- .docx ---------------------------------------------------------------------------------

CJK_FONT = "Noto Sans CJK SC"


def docx_document(font_size: float = 11):
    """A python-docx document whose text is set in the CJK font Debian ships (fonts-noto-cjk);
    raises before anything is written when the font is missing."""
    cjk_font_path()
    document = Document()
    normal = document.styles["Normal"]
    normal.font.name = CJK_FONT  # type: ignore[attr-defined]
    normal.font.size = Pt(font_size)  # type: ignore[attr-defined]
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), CJK_FONT)  # type: ignore[attr-defined]
    return document


# GB/T 9704-2012 (党政机关公文格式): A4, margins top 37 mm, bottom 35 mm, left 28 mm,
# right 26 mm; body 仿宋 三号 (16 pt), 22 lines a page; title 小标宋 二号 (22 pt); first-level
# headings 黑体, second-level 楷体, both 三号; page numbers 4号 in the footer, "— 1 —".
# The fonts are named, not shipped: Word and WPS have them; on Debian, fontconfig gives
# fonts-noto-cjk (Noto Serif / Sans CJK SC) for the names it lacks.
OFFICIAL_FONTS = {"body": "仿宋", "title": "方正小标宋简体", "h1": "黑体", "h2": "楷体"}
OFFICIAL_LATIN = "Times New Roman"


def _set_font(style_or_run, name: str, size_pt: float | None = None, bold: bool | None = None):
    font = style_or_run.font
    font.name = OFFICIAL_LATIN
    if size_pt is not None:
        font.size = Pt(size_pt)
    if bold is not None:
        font.bold = bold
    font.color.rgb = RGBColor(0, 0, 0)
    element = style_or_run.element
    rpr = element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    fonts.set(qn("w:eastAsia"), name)


def official_document():
    """A python-docx document in the official-document format (GB/T 9704, above): page,
    margins, fonts and sizes of the body, title and two heading levels, page numbers."""
    document = docx_document(16)
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    styles = document.styles
    normal = styles["Normal"]
    _set_font(normal, OFFICIAL_FONTS["body"], 16)
    spacing = normal.paragraph_format  # type: ignore[attr-defined]
    spacing.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    spacing.line_spacing = Pt(28.95)  # 22 lines in the 225 mm the margins leave
    spacing.space_after = Pt(0)
    title = styles["Title"]
    _set_font(title, OFFICIAL_FONTS["title"], 22, bold=False)
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER  # type: ignore[attr-defined]
    for name, font in (("Heading 1", "h1"), ("Heading 2", "h2")):
        _set_font(styles[name], OFFICIAL_FONTS[font], 16, bold=False)
        styles[name].font.italic = False  # type: ignore[attr-defined]
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run("— ")
    field = footer.add_run()._r
    simple = field.makeelement(qn("w:fldSimple"), {qn("w:instr"): "PAGE"})
    footer._p.append(simple)
    simple.append(field)
    footer.add_run(" —")
    for run in footer.runs:
        _set_font(run, "宋体", 14)
    return document


def attachment(ascii_name: str, name: str) -> str:
    """A Content-Disposition header: the Chinese file name (RFC 6266 ``filename*``) with an
    ASCII one for clients that do not read it."""
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"


def docx_table(document, headers: Sequence, rows: Iterable[Sequence], fmt=str) -> None:
    """A bordered table with a bold header row; ``fmt`` turns each value into text."""
    grid = document.add_table(rows=1, cols=len(headers))
    grid.style = "Table Grid"
    for cell, header in zip(grid.rows[0].cells, headers, strict=True):
        cell.text = str(header)
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for row in rows:
        for cell, value in zip(grid.add_row().cells, row, strict=True):
            cell.text = fmt(value)


def notes_sheet(
    book,
    columns: Iterable[tuple[str, str]],
    required: Iterable[str],
    notes: Iterable[str],
    *,
    extra: Iterable[Sequence] = (),
    width: int = 90,
):
    """The 填写说明 sheet of an import template: each column with 必填/选填 and its meaning,
    then ``extra`` rows and the general notes (``notes`` are translated here)."""
    must = set(required)
    sheet = book.create_sheet(_("填写说明"))
    sheet.append([_("列"), _("是否必填"), _("说明")])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for header, meaning in columns:
        sheet.append([header, _("必填") if header in must else _("选填"), meaning])
    sheet.append([])
    for row in extra:
        sheet.append(list(row))
    for line in notes:
        sheet.append(["", "", _(line)])
    sheet.column_dimensions["A"].width = 14
    sheet.column_dimensions["B"].width = 10
    sheet.column_dimensions["C"].width = width
    return sheet
