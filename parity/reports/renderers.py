"""The report as Markdown, .xlsx (one sheet per table) and .docx (text, tables, charts),
all from one ``Figures`` through ``content``."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _
from docx.shared import Cm
from openpyxl import Workbook
from openpyxl.styles import Font

from parity.core.exports import docx_table, neutralised, official_document
from parity.reports import content
from parity.reports.charts import charts
from parity.reports.figures import Figures

FORMATS = ("md", "xlsx", "docx")
CONTENT_TYPES = {
    "md": "text/markdown; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def _cell(value: Any) -> str:
    return str(value).replace("|", "\\|")


def render_md(f: Figures) -> bytes:
    lines = [f"# {content.title(f)}", "", content.subtitle(f), ""]
    for heading, paragraph in content.sections(f):
        lines += [f"## {heading}", "", paragraph, ""]
    lines += [f"## {_('附表')}", ""]
    for table in content.tables(f):
        lines += [f"### {table.title}", ""]
        lines.append("| " + " | ".join(_cell(h) for h in table.headers) + " |")
        lines.append("|" + "---|" * len(table.headers))
        lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in table.rows]
        lines.append("")
    return "\n".join(lines).encode()


def render_xlsx(f: Figures) -> bytes:
    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    for table in content.tables(f):
        sheet = book.create_sheet(table.title[:31])
        sheet.append(neutralised([table.title]))
        sheet["A1"].font = Font(bold=True, size=12)
        sheet.append(neutralised([content.subtitle(f)]))
        sheet.append(neutralised([str(h) for h in table.headers]))
        for cell in sheet[3]:
            cell.font = Font(bold=True)
        for row in table.rows:
            sheet.append(neutralised(v if isinstance(v, int | float) else str(v) for v in row))
        for index, _header in enumerate(table.headers):
            letter = sheet.cell(row=3, column=index + 1).column_letter
            sheet.column_dimensions[letter].width = 60 if table.key == "definitions" else 24
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def render_docx(f: Figures) -> bytes:
    document = official_document()
    document.add_heading(content.title(f), level=0)
    document.add_paragraph(content.subtitle(f))
    images = iter(charts(f))
    for index, (heading, paragraph) in enumerate(content.sections(f)):
        document.add_heading(heading, level=1 if index == 0 else 2)
        document.add_paragraph(paragraph)
        if index == 0:
            for caption, png in images:
                document.add_picture(io.BytesIO(png), width=Cm(15))
                document.add_paragraph(caption)
    document.add_heading(_("附表"), level=1)
    for table in content.tables(f):
        document.add_heading(table.title, level=2)
        docx_table(document, table.headers, table.rows)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


RENDERERS: dict[str, Callable[[Figures], bytes]] = {
    "md": render_md,
    "xlsx": render_xlsx,
    "docx": render_docx,
}


def render(f: Figures, fmt: str) -> bytes:
    return RENDERERS[fmt](f)


def filename(f: Figures, fmt: str) -> str:
    return f"report-{f.area_code}-{f.as_of:%Y%m%d}.{fmt}"


def chinese_filename(f: Figures, fmt: str) -> str:
    return f"{content.title(f)}-{f.as_of:%Y%m%d}.{fmt}"
