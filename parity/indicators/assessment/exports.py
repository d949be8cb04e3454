"""The assessment as downloads: .xlsx (one sheet per table) and a Chinese .docx report
(title, year, definitions, ranking, each child node's targets, a bar chart of scores drawn
offline by matplotlib with the report's CJK font)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from docx.shared import Cm
from openpyxl import Workbook
from openpyxl.styles import Font

from parity.core.exports import docx_document, docx_table, neutralised
from parity.indicators.assessment.selectors import DEFINITIONS, AreaScore, Assessment
from parity.reports.charts import new_figure, png_bytes

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
NO_DATA = gettext_noop("无数据")


@dataclass(frozen=True)
class Table:
    title: str
    headers: list[str]
    rows: list[list[Any]]


def _number(value: Decimal | None) -> Any:
    return _(NO_DATA) if value is None else float(value)


def _text(value: Decimal | None, suffix: str = "") -> str:
    return _(NO_DATA) if value is None else f"{value}{suffix}"


def title(a: Assessment) -> str:
    return _("%(area)s%(year)d年度基本公共服务均等化目标考核") % {
        "area": a.area.name,
        "year": a.year,
    }


def subtitle(a: Assessment) -> str:
    if a.as_of is None:
        data = _("该年度尚无已完成的指标计算,所有目标均为无数据")
    else:
        data = _("数据日期:%(date)s") % {"date": a.as_of.isoformat()}
    return f"{data};" + _("生成日期:%(date)s") % {"date": timezone.localdate().isoformat()}


def ranking_table(a: Assessment) -> Table:
    rows = [
        [
            item.rank if item.rank is not None else "—",
            item.area.code,
            item.area.name,
            _number(item.score),
            item.met,
            item.total,
            item.no_data,
            _number(item.index),
        ]
        for item in a.ranking
    ]
    headers = [
        _("名次"),
        _("区划代码"),
        _("区划"),
        _("得分"),
        _("达标目标数"),
        _("目标数"),
        _("无数据"),
        _("均等化指数"),
    ]
    return Table(_("得分排名"), headers, rows)


def targets_table(item: AreaScore) -> Table:
    rows: list[list[Any]] = [
        [
            r.target.indicator.code,
            r.target.indicator.display_name,
            r.target.get_measure_display(),
            float(r.target.value),
            _number(r.actual),
            _number(r.achievement_percent),
            float(r.target.weight),
            _("是") if r.met else (_(NO_DATA) if r.no_data else _("否")),
            r.target.note,
        ]
        for r in item.results
    ]
    rows += [
        [
            extra.source,
            extra.label,
            _("双向考核"),
            _number(extra.target),
            _number(extra.actual),
            _number(None if extra.achievement is None else extra.achievement * 100),
            float(extra.weight),
            "",
            "",
        ]
        for extra in item.extra
    ]
    headers = [
        _("指标代码"),
        _("指标"),
        _("考核口径"),
        _("目标值(%)"),
        _("实际值(%)"),
        _("完成度(%)"),
        _("权重"),
        _("达标"),
        _("备注"),
    ]
    return Table(f"{item.area.name}({item.area.code})", headers, rows)


def tables(a: Assessment) -> list[Table]:
    """The ranking, the area's own targets, then each child node's targets."""
    own = targets_table(a.own)
    found = [ranking_table(a), Table(_("本级目标") + f"·{own.title}", own.headers, own.rows)]
    found += [targets_table(item) for item in a.ranking if item.results or item.extra]
    return found


def _sheet_title(text: str, used: set[str]) -> str:
    clean = "".join(c for c in text if c not in "[]:*?/\\")[:31]
    candidate, n = clean, 2
    while candidate in used:
        suffix = f"~{n}"
        candidate, n = clean[: 31 - len(suffix)] + suffix, n + 1
    used.add(candidate)
    return candidate


def render_xlsx(a: Assessment) -> bytes:
    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    used: set[str] = set()
    for table in tables(a):
        sheet = book.create_sheet(_sheet_title(table.title, used))
        sheet.append(neutralised([title(a)]))
        sheet["A1"].font = Font(bold=True, size=12)
        sheet.append(neutralised([table.title + " · " + subtitle(a)]))
        sheet.append(neutralised(table.headers))
        for cell in sheet[3]:
            cell.font = Font(bold=True)
        for row in table.rows:
            sheet.append(neutralised(row))
        for index in range(len(table.headers)):
            letter = sheet.cell(row=3, column=index + 1).column_letter
            sheet.column_dimensions[letter].width = 30 if index == 1 else 14
    definitions = book.create_sheet(_sheet_title(_("口径说明"), used))
    definitions.append([_("名词"), _("定义")])
    for cell in definitions[1]:
        cell.font = Font(bold=True)
    for term, text in DEFINITIONS:
        definitions.append(neutralised([term, text]))
    definitions.column_dimensions["A"].width = 14
    definitions.column_dimensions["B"].width = 100
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def score_chart(a: Assessment) -> bytes | None:
    """A bar chart of the child nodes' scores (those with a score), or ``None``."""
    scored = [item for item in a.ranking if item.score is not None]
    if not scored:
        return None
    figure, font = new_figure()
    axes = figure.add_subplot()
    names = [item.area.name for item in scored]
    scores = [float(item.score or 0) for item in scored]
    bars = axes.bar(names, scores, color="#3b6ea5")
    axes.bar_label(bars, labels=[f"{s:.1f}" for s in scores], fontsize=7)
    axes.set_ylim(0, 105)
    axes.set_ylabel(_("得分"), fontdict=font)
    axes.set_title(_("各区域目标考核得分"), fontdict=font)
    for tick in axes.get_xticklabels():
        tick.set_fontfamily(font["family"])
        tick.set_rotation(30 if len(names) > 5 else 0)
        tick.set_fontsize(8)
    return png_bytes(figure)


def _add_table(document, table: Table) -> None:
    docx_table(
        document,
        table.headers,
        table.rows,
        fmt=lambda value: f"{value:.2f}" if isinstance(value, float) else str(value),
    )


def render_docx(a: Assessment) -> bytes:
    document = docx_document(10.5)
    document.add_heading(title(a), level=0)
    document.add_paragraph(subtitle(a))

    document.add_heading(_("一、考核口径"), level=1)
    for term, text in DEFINITIONS:
        paragraph = document.add_paragraph()
        paragraph.add_run(f"{term}:").bold = True
        paragraph.add_run(str(text))

    document.add_heading(_("二、得分排名"), level=1)
    if a.ranking:
        scored = [item for item in a.ranking if item.score is not None]
        if scored:
            best = [item.area.name for item in scored if item.rank == 1]
            document.add_paragraph(
                _("%(n)d个下级区域中,%(scored)d个有得分,最高为%(names)s(%(score)s分)。")
                % {
                    "n": len(a.ranking),
                    "scored": len(scored),
                    "names": "、".join(best),
                    "score": scored[0].score,
                }
                + (
                    _("其余区域没有设定目标或目标均无数据,不排名次。")
                    if len(scored) < len(a.ranking)
                    else ""
                )
            )
        _add_table(document, ranking_table(a))
        chart = score_chart(a)
        if chart is not None:
            document.add_picture(io.BytesIO(chart), width=Cm(15))
            document.add_paragraph(_("图1 各区域目标考核得分"))
    else:
        document.add_paragraph(_("该区域没有下级区域。"))

    document.add_heading(_("三、目标完成情况"), level=1)
    own = a.own
    if own.results or own.extra:
        document.add_heading(
            _("本级:%(name)s(得分 %(score)s)") % {"name": a.area.name, "score": _text(own.score)},
            level=2,
        )
        _add_table(document, targets_table(own))
    for item in a.ranking:
        if not (item.results or item.extra):
            continue
        document.add_heading(
            _("%(name)s(得分 %(score)s,达标 %(met)d/%(total)d)")
            % {
                "name": item.area.name,
                "score": _text(item.score),
                "met": item.met,
                "total": item.total,
            },
            level=2,
        )
        _add_table(document, targets_table(item))
    if not own.results and not any(item.results for item in a.ranking):
        document.add_paragraph(_("该年度尚未设定考核目标。"))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


RENDERERS = {"xlsx": render_xlsx, "docx": render_docx}


def filename(a: Assessment, fmt: str) -> str:
    return f"assessment-{a.area.code}-{a.year}.{fmt}"


def chinese_filename(a: Assessment, fmt: str) -> str:
    return _("%(area)s%(year)s年度目标考核") % {"area": a.area.name, "year": a.year} + f".{fmt}"
